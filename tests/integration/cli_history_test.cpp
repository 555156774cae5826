// `etl run` end to end, issue 10: every table of every run leaves a row in <schema>.etl_runs (ok,
// early_terminated and failed tables, single-stream and parallel loads, full and incremental),
// with the report's figures; with `pipeline.notify` a LISTEN session hears about each table that
// committed and never about a failed one.
#include <chrono>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "support/test_env.h"

namespace {

using etl::testing::Env;
using etl::testing::JobHeader;
using etl::testing::JsonString;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::ReadFile;
using etl::testing::ResetMySqlDatabase;
using etl::testing::ResetPgSchema;
using etl::testing::RunEtl;
using etl::testing::RunShell;
using etl::testing::Trim;
using etl::testing::WriteTempFile;

constexpr const char* kDb = "thistory";
constexpr const char* kSchema = "thistory";
constexpr const char* kChannel = "etl_cli_loaded";

void MakeSource() {
  ResetMySqlDatabase(kDb);
  MySql(
      "CREATE TABLE ok_t (id int PRIMARY KEY, v varchar(20)) ENGINE=InnoDB;"
      " INSERT INTO ok_t SELECT seq, CONCAT('v', seq) FROM seq_1_to_1000;"
      // Dense 1..2000, then a key every 500: range chunks of 200 turn sparse, the incremental
      // load stops early.
      "CREATE TABLE sparse_t (id int PRIMARY KEY, v varchar(20)) ENGINE=InnoDB;"
      " INSERT INTO sparse_t SELECT seq, 'x' FROM seq_1_to_2000;"
      " INSERT INTO sparse_t SELECT seq, 'y' FROM seq_2500_to_400000_step_500;"
      // A NUL byte in text: PostgreSQL cannot hold it, the table fails.
      "CREATE TABLE bad_t (id int PRIMARY KEY, v varchar(20)) ENGINE=InnoDB;"
      " INSERT INTO bad_t VALUES (1, 'fine'), (2, CONCAT('a', CHAR(0), 'b'));"
      "CREATE TABLE par_t (id int PRIMARY KEY, v varchar(20)) ENGINE=InnoDB;"
      " INSERT INTO par_t SELECT seq, 'p' FROM seq_1_to_3000;"
      "CREATE TABLE par_inc (id int PRIMARY KEY, v varchar(20)) ENGINE=InnoDB;"
      " INSERT INTO par_inc SELECT seq, 'q' FROM seq_1_to_3000;",
      kDb);
}

std::string Job() {
  return JobHeader(kDb, kSchema) + "  notify: " + kChannel +
         "\n"
         "tables:\n"
         "  ok_t:\n"
         "    batch_size: 300\n"
         "    performance: {strategy: standard}\n"
         "  sparse_t:\n"
         "    batch_size: 200\n"
         "    extraction_strategy: incremental\n"
         "    incremental_columns: [id]\n"
         "    performance: {strategy: copy_csv, chunking: range}\n"
         "  bad_t:\n"
         "    batch_size: 100\n"
         "    performance: {strategy: copy_csv}\n"
         "  par_t:\n"
         "    batch_size: 1000\n"
         "    benchmark: true\n"
         "    performance: {strategy: parallel, parallel_chunks: 2}\n"
         "  par_inc:\n"
         "    batch_size: 1000\n"
         "    extraction_strategy: incremental\n"
         "    incremental_columns: [id]\n"
         "    performance: {strategy: parallel, parallel_chunks: 2}\n";
}

std::string Quote(const std::string& s) {
  return "'" + s + "'";
}

// A psql session that LISTENs on the channel until `done` exists, polling so it prints each
// notification it received; its output goes to `out`, and `exited` appears when it has ended.
struct Listener {
  std::string out = WriteTempFile("listen.out", "");
  std::string done = out + ".done";
  std::string exited = out + ".exited";

  void Start() {
    RunShell("rm -f " + Quote(done) + " " + Quote(exited));
    const std::string psql = "PGPASSWORD=" + Quote(Env("ETL_PG_PASSWORD")) + " psql -X -h " +
                             Quote(Env("ETL_PG_HOST")) + " -p " + Quote(Env("ETL_PG_PORT")) +
                             " -U " + Quote(Env("ETL_PG_USER")) + " -d " +
                             Quote(Env("ETL_PG_DATABASE"));
    const std::string loop = "(echo 'LISTEN " + std::string(kChannel) + ";'; i=0; while [ ! -e " +
                             Quote(done) +
                             " ] && [ $i -lt 600 ]; do sleep 0.1; echo 'SELECT 1;'; i=$((i+1)); "
                             "done) | " +
                             psql;
    RunShell("nohup sh -c " + Quote(ShellEscape(loop + " >" + out + " 2>&1; touch " + exited)) +
             " >/dev/null 2>&1 &");
    for (int i = 0; i < 100 && ReadFile(out).find("LISTEN") == std::string::npos; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(ReadFile(out).find("LISTEN") != std::string::npos);
  }

  std::string Stop() {
    RunShell("touch " + Quote(done));
    for (int i = 0; i < 100 && ReadFile(exited).empty() && !Exists(exited); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return ReadFile(out);
  }

  static bool Exists(const std::string& path) {
    return RunShell("test -e " + Quote(path)).exit_code == 0;
  }
  // For nesting inside sh -c '...': close the quote, an escaped quote, reopen.
  static std::string ShellEscape(const std::string& s) {
    std::string r;
    for (char c : s)
      r += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return r;
  }
};

std::string HistoryOf(const std::string& run_id) {
  return Trim(
      Psql("SELECT string_agg(concat_ws(',', table_name, status, rows_written, host IS NOT NULL,"
           " pid IS NOT NULL, started_at <= finished_at, strategy, phase_total IS NOT NULL,"
           " watermark::text, error IS NOT NULL), ' ' ORDER BY table_name) FROM \"" +
           std::string(kSchema) + "\".etl_runs WHERE run_id = '" + run_id + "'"));
}

}  // namespace

TEST_CASE("history: each table of a run leaves its row in etl_runs, committed with its data",
          "[cli][history][notify]") {
  etl::testing::RequireServers();
  MakeSource();
  ResetPgSchema(kSchema);
  const std::string job = WriteTempFile("thistory.yml", Job());
  const std::string report = job + ".report.json";

  Listener listener;
  listener.Start();
  auto r = RunEtl({"run", job, "--progress", "never", "--report-json", report});
  const std::string heard = listener.Stop();
  const std::string json = ReadFile(report);
  INFO("stderr: " << r.err << "\nreport: " << json << "\nlistener: " << heard);
  REQUIRE(r.exit_code == 1);  // bad_t failed
  const std::string run_id = JsonString(json, "run_id");

  // sparse_t: ten dense ranges of 200, then the ranges widen over the sparse keys and two sparse
  // ones in a row stop the load: 2000 + 8 rows, watermark at the end of the last range (6200).
  CHECK(HistoryOf(run_id) ==
        "bad_t,failed,0,t,t,t,copy_csv,f,t "
        "ok_t,ok,1000,t,t,t,standard,f,f "
        "par_inc,ok,3000,t,t,t,parallel,f,[\"3000\"],f "
        "par_t,ok,3000,t,t,t,parallel,t,f "
        "sparse_t,early_terminated,2008,t,t,t,copy_csv,f,[\"6200\"],f");
  CHECK(Trim(Psql("SELECT error LIKE '%bad_t%' OR error LIKE '%NUL%' OR error LIKE '%0x00%' FROM "
                  "thistory.etl_runs WHERE table_name = 'bad_t'")) == "t");

  // Each committed table was announced once, with its rows and watermark; the failed one never.
  for (const std::string t : {"ok_t", "sparse_t", "par_t", "par_inc"}) {
    INFO(t);
    CHECK(heard.find("{\"table\":\"" + t + "\",\"schema\":\"thistory\",\"target_table\":\"" + t +
                     "\"") != std::string::npos);
  }
  CHECK(heard.find("\"table\":\"sparse_t\",\"schema\":\"thistory\",\"target_table\":"
                   "\"sparse_t\",\"rows\":2008,\"watermark\":[\"6200\"],\"run_id\":\"" +
                   run_id + "\"") != std::string::npos);
  CHECK(heard.find("bad_t") == std::string::npos);

  // A second run appends: two rows per table, the run ids differ.
  auto r2 = RunEtl({"run", job, "--progress", "never", "--report-json", report});
  REQUIRE(r2.exit_code == 1);
  const std::string run_id2 = JsonString(ReadFile(report), "run_id");
  CHECK(run_id2 != run_id);
  CHECK(Trim(Psql("SELECT count(*), count(DISTINCT run_id) FROM thistory.etl_runs")) == "10|2");
}
