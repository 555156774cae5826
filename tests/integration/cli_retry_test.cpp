// Retries through the `etl` binary: a load whose connection is lost mid-load (a PostgreSQL
// backend terminated, the MariaDB reader killed, MariaDB restarted or stopped for longer than
// the read timeout) redoes the unit that lost its writes and finishes with every row, counting
// the retry in the report; a constraint violation is never retried; parallel parts queue for
// the pool instead of failing after pool.timeout_s.
//
// "Mid-load" is made deterministic by slowing the target down: an event trigger gives every
// table created in the test's schema (the target or the parallel stage) a row trigger that
// sleeps, and the fault is injected once pg_stat_progress_copy shows the COPY has written rows.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <iostream>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "support/fault_injection.h"
#include "support/test_env.h"

using etl::testing::EtlProcess;
using etl::testing::JobHeader;
using etl::testing::JsonInt;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::ReadFile;
using etl::testing::SecondsSince;
using etl::testing::Trim;
using etl::testing::WriteTempFile;

namespace {

constexpr const char* kDb = "retry_src";

// `rows` source rows (id 1..rows).
void Source(int rows) {
  etl::testing::ResetMySqlDatabase(kDb);
  MySql(
      "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20));"
      "INSERT INTO t SELECT seq, CONCAT('row ', seq) FROM seq_1_to_" +
          std::to_string(rows) + ";",
      kDb);
}

// While it lives, every table created in `schema` gets a BEFORE INSERT row trigger sleeping
// `ms` milliseconds per row.
class SlowTables {
 public:
  SlowTables(std::string schema, int ms) : schema_(std::move(schema)) {
    etl::testing::ResetPgSchema(schema_);
    Drop();
    Psql(
        "CREATE FUNCTION public.etl_test_slow_row() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM pg_sleep(" +
        std::to_string(ms / 1000.0) +
        "); RETURN NEW; END $$;"
        "CREATE FUNCTION public.etl_test_slow_tables() RETURNS event_trigger LANGUAGE plpgsql "
        "AS $$ DECLARE r record; BEGIN FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() "
        "WHERE command_tag = 'CREATE TABLE' AND schema_name = '" +
        schema_ +
        "' LOOP EXECUTE format('CREATE TRIGGER etl_test_slow BEFORE INSERT ON %s FOR EACH ROW "
        "EXECUTE FUNCTION public.etl_test_slow_row()', r.object_identity); END LOOP; END $$;"
        "CREATE EVENT TRIGGER etl_test_slow_tables ON ddl_command_end WHEN TAG IN "
        "('CREATE TABLE') EXECUTE FUNCTION public.etl_test_slow_tables();");
  }
  ~SlowTables() { Drop(); }
  SlowTables(const SlowTables&) = delete;
  SlowTables& operator=(const SlowTables&) = delete;

 private:
  static void Drop() {
    Psql(
        "DROP EVENT TRIGGER IF EXISTS etl_test_slow_tables;"
        "DROP FUNCTION IF EXISTS public.etl_test_slow_tables();"
        "DROP FUNCTION IF EXISTS public.etl_test_slow_row() CASCADE;");
  }
  std::string schema_;
};

// The pid of an etl backend running a COPY that has written at least `rows` rows, waiting up
// to 60 s for one; "" when none came. (By pid, not by table: a target created in the load's
// transaction is not visible to other sessions yet.)
std::string CopyBackend(int rows) {
  const auto start = std::chrono::steady_clock::now();
  while (SecondsSince(start) < 60) {
    const std::string pid =
        Trim(Psql("SELECT p.pid FROM pg_stat_progress_copy p JOIN pg_stat_activity a USING (pid) "
                  "WHERE a.application_name = 'etl' AND p.tuples_processed >= " +
                  std::to_string(rows) + " LIMIT 1"));
    if (!pid.empty()) return pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return "";
}

// KILLs every MariaDB connection on the source database but the client's own.
int KillSourceConnections() {
  const std::string ids = MySql("SELECT id FROM information_schema.processlist WHERE db = '" +
                                std::string(kDb) + "' AND id <> CONNECTION_ID()");
  int killed = 0;
  std::size_t at = 0;
  while (at < ids.size()) {
    const std::size_t end = ids.find('\n', at);
    const std::string id = Trim(ids.substr(at, end == std::string::npos ? end : end - at));
    if (!id.empty()) {
      MySql("KILL " + id);
      ++killed;
    }
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return killed;
}

std::string Job(const std::string& schema, const std::string& retry, const std::string& table_block,
                const std::string& source_extra = "", const std::string& pipeline_extra = "") {
  std::string h = JobHeader(kDb, schema);
  h.replace(h.find("  ssl_mode: disabled\n"), 21, "  ssl_mode: disabled\n" + source_extra);
  // Every chunk its own write batch (COPY): the writer waits for the slow target after each,
  // so the reader stays a few chunks ahead of it instead of reading everything at once.
  return h + "  retry: " + retry + "\n" + pipeline_extra +
         "sparse_sequence_optimization:\n  accumulation: {enabled: false}\n"
         "tables:\n  t:\n" +
         table_block;
}

const std::string kOneStream =
    "    batch_size: 100\n    performance: {strategy: copy_csv, chunking: range}\n";
const std::string kQuickRetry = "{attempts: 4, initial_backoff_s: 0.2, max_backoff_s: 1}";
// MariaDB takes a few seconds to come back from a restart or a freeze.
const std::string kPatientRetry = "{attempts: 12, initial_backoff_s: 0.5, max_backoff_s: 2}";

struct Outcome {
  etl::testing::CommandResult run;
  std::string report;
  double fault_s = 0;        // how long injecting the fault took (a restart, a freeze)
  double after_fault_s = 0;  // from the end of the fault to the end of the run
};

// Starts `etl run` of `job`, runs `fault` (given the COPY's backend pid) once a COPY has
// written `after_rows` rows, and waits for the run.
template <typename Fault>
Outcome RunWithFault(const std::string& name, const std::string& job, int after_rows, Fault fault) {
  const std::string report = WriteTempFile(name + "-report.json", "");
  EtlProcess etl({"run", WriteTempFile(name + ".yml", job), "--report-json", report, "--progress",
                  "never", "--log-level", "debug"});
  const std::string pid = CopyBackend(after_rows);
  REQUIRE_FALSE(pid.empty());
  Outcome o;
  const auto fault_start = std::chrono::steady_clock::now();
  fault(pid);
  o.fault_s = SecondsSince(fault_start);
  const auto fault_end = std::chrono::steady_clock::now();
  o.run = etl.Wait(std::chrono::seconds(150));
  o.after_fault_s = SecondsSince(fault_end);
  o.report = ReadFile(report);
  if (!etl::testing::Env("ETL_TEST_TIMINGS").empty()) {
    std::cerr << name << ": fault took " << o.fault_s << " s; run ended " << o.after_fault_s
              << " s after it, exit " << o.run.exit_code << ", retries "
              << JsonInt(o.report, "retries") << "\n";
  }
  return o;
}

void CheckAllRows(const Outcome& o, const std::string& schema, int rows) {
  INFO(o.run.err.substr(0, 6000));
  INFO(o.report);
  CHECK(o.run.exit_code == 0);
  CHECK(JsonInt(o.report, "retries") >= 1);
  CHECK(Trim(Psql("SELECT count(*) || ',' || count(DISTINCT id) || ',' || max(id) FROM " + schema +
                  ".t")) ==
        std::to_string(rows) + "," + std::to_string(rows) + "," + std::to_string(rows));
  CHECK_THAT(o.run.err, Catch::Contains("connection lost on try 1"));
  // The history row that committed with the rows counts the retries too.
  CHECK(std::stoi("0" + Trim(Psql("SELECT max(retries) FROM " + schema + ".etl_runs"))) >= 1);
}

}  // namespace

TEST_CASE("cli retry: a terminated COPY backend redoes a single-stream table from its start",
          "[cli][faults][retry]") {
  Source(1000);
  SlowTables slow("retry_pg1", 2);
  const auto o = RunWithFault(
      "retry-pg1", Job("retry_pg1", kQuickRetry, kOneStream), 50,
      [](const std::string& pid) { Psql("SELECT pg_terminate_backend(" + pid + ")"); });
  CheckAllRows(o, "retry_pg1", 1000);
}

TEST_CASE("cli retry: a terminated COPY backend of one parallel part redoes that part alone",
          "[cli][faults][retry]") {
  Source(2000);
  SlowTables slow("retry_pgpart", 2);
  const auto o = RunWithFault(
      "retry-pgpart",
      Job("retry_pgpart", kQuickRetry,
          "    batch_size: 100\n    performance: {strategy: parallel, parallel_chunks: 4}\n"),
      50, [](const std::string& pid) { Psql("SELECT pg_terminate_backend(" + pid + ")"); });
  CheckAllRows(o, "retry_pgpart", 2000);
  CHECK(JsonInt(o.report, "retries") == 1);  // one part, not the table
  CHECK_THAT(o.run.err, Catch::Matches("(.|\n)*t part [1-4]/4: connection lost on try 1(.|\n)*"));
}

TEST_CASE("cli retry: a redone parallel part lists its rejected rows once",
          "[cli][faults][retry]") {
  Source(2000);
  // One bad row (a NUL in text) early in each of the 4 parts.
  MySql("UPDATE t SET s = CONCAT('bad', CHAR(0)) WHERE id IN (7, 507, 1007, 1507)", kDb);
  SlowTables slow("retry_rejects", 2);
  // The job header's reject_dir: the temporary directory's "rejects".
  const std::string job = Job("retry_rejects", kQuickRetry,
                              "    batch_size: 100\n    on_bad_row: reject\n"
                              "    performance: {strategy: parallel, parallel_chunks: 4}\n");
  const std::string dir =
      job.substr(job.find("reject_dir: ") + 12,
                 job.find('\n', job.find("reject_dir: ")) - job.find("reject_dir: ") - 12);
  const auto o = RunWithFault("retry-rejects", job, 50, [](const std::string& pid) {
    Psql("SELECT pg_terminate_backend(" + pid + ")");
  });
  INFO(o.run.err.substr(0, 6000));
  CHECK(o.run.exit_code == 0);
  CHECK(JsonInt(o.report, "retries") == 1);  // the killed part, after its bad row was rejected
  CHECK(Trim(Psql("SELECT count(*) FROM retry_rejects.t")) == "1996");
  const std::string lines = ReadFile(dir + "/t.rejects.jsonl");
  CHECK(std::count(lines.begin(), lines.end(), '\n') == 4);
  for (const char* id : {"\"7\"", "\"507\"", "\"1007\"", "\"1507\""}) {
    CHECK_THAT(lines, Catch::Contains(std::string("{\"id\":") + id + "}"));
  }
  CHECK(JsonInt(o.report, "rows_rejected") == 4);
  CHECK(Trim(etl::testing::RunShell("ls '" + dir + "' | grep -c part || true").out) == "0");
}

TEST_CASE("cli retry: a killed MariaDB reader connection is redone", "[cli][faults][retry]") {
  Source(2000);  // the reader cannot have read it all (a few chunks ahead at most)
  SlowTables slow("retry_my1", 1);
  const auto o = RunWithFault("retry-my1", Job("retry_my1", kQuickRetry, kOneStream), 50,
                              [](const std::string&) { CHECK(KillSourceConnections() >= 1); });
  CheckAllRows(o, "retry_my1", 2000);
}

TEST_CASE("cli retry: MariaDB restarted mid-load", "[cli][faults][retry]") {
  Source(2000);  // the reader cannot have read it all (a few chunks ahead at most)
  SlowTables slow("retry_myrestart", 1);
  const auto start = std::chrono::steady_clock::now();
  double recovered_after = -1;
  const auto o = RunWithFault("retry-myrestart", Job("retry_myrestart", kPatientRetry, kOneStream),
                              50, [&](const std::string&) {
                                etl::testing::RestartServer("mysql");
                                recovered_after = SecondsSince(start);
                              });
  CheckAllRows(o, "retry_myrestart", 2000);
  INFO("restart done after " << recovered_after << " s, run ended after " << SecondsSince(start));
  CHECK(SecondsSince(start) < 90);
}

TEST_CASE("cli retry: MariaDB stopped (SIGSTOP) longer than the read timeout",
          "[cli][faults][retry]") {
  Source(2000);  // the reader cannot have read it all (a few chunks ahead at most)
  SlowTables slow("retry_myfreeze", 1);
  const auto start = std::chrono::steady_clock::now();
  const auto o =
      RunWithFault("retry-myfreeze",
                   Job("retry_myfreeze", kPatientRetry, kOneStream,
                       "  read_timeout_s: 2\n  connect_timeout_s: 2\n"),
                   50, [](const std::string&) {
                     etl::testing::FrozenServer frozen("mysql");
                     std::this_thread::sleep_for(std::chrono::seconds(8));  // the fault's length
                   });
  CheckAllRows(o, "retry_myfreeze", 2000);
  CHECK(SecondsSince(start) < 90);
}

TEST_CASE("cli retry: a constraint violation is not retried", "[cli][faults][retry]") {
  Source(1000);
  MySql("UPDATE t SET s = 'bad' WHERE id = 500", kDb);
  etl::testing::ResetPgSchema("retry_check");
  Psql(
      "CREATE SCHEMA retry_check; CREATE TABLE retry_check.t (id int PRIMARY KEY, "
      "s varchar(20) CHECK (s <> 'bad')); INSERT INTO retry_check.t VALUES (1, 'old')");
  const std::string report = WriteTempFile("retry-check-report.json", "");
  const auto start = std::chrono::steady_clock::now();
  const auto r = etl::testing::RunEtl(
      {"run", WriteTempFile("retry-check.yml", Job("retry_check", kPatientRetry, kOneStream)),
       "--report-json", report, "--progress", "never"});
  INFO(r.err.substr(0, 4000));
  CHECK(r.exit_code == 1);
  CHECK(SecondsSince(start) < 20);
  CHECK_THAT(r.err, Catch::Contains("check constraint"));
  CHECK_THAT(r.err, !Catch::Contains("retrying"));
  CHECK(JsonInt(ReadFile(report), "retries") == 0);
  CHECK(Trim(Psql("SELECT string_agg(id || ':' || s, ',') FROM retry_check.t")) == "1:old");
}

TEST_CASE("cli retry: parallel parts queue for a small pool instead of timing out",
          "[cli][faults][pool]") {
  Source(2000);
  // 8 parts of 250 rows at 5 ms a row: each part takes over 1 s, longer than pool.timeout_s.
  SlowTables slow("retry_pool", 5);
  const std::string report = WriteTempFile("retry-pool-report.json", "");
  const auto r = etl::testing::RunEtl(
      {"run",
       WriteTempFile("retry-pool.yml",
                     Job("retry_pool", kQuickRetry,
                         "    batch_size: 100\n"
                         "    performance: {strategy: parallel, parallel_chunks: 8}\n",
                         "", "  pool: {size: 2, timeout_s: 1}\n")),
       "--report-json", report, "--progress", "never", "--log-level", "debug"});
  INFO(r.err.substr(0, 6000));
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("part 8/8"));
  CHECK(Trim(Psql("SELECT count(*) FROM retry_pool.t")) == "2000");
}

TEST_CASE("cli retry: the first part that fails for good stops its siblings at once",
          "[cli][faults][pool]") {
  Source(2000);
  MySql(
      "ALTER TABLE t MODIFY s VARCHAR(20) CHARACTER SET latin1;"
      "UPDATE t SET s = CONCAT('a', CHAR(0), 'b') WHERE id = 1510",
      kDb);
  // 4 parts of 500 rows at 10 ms a row: 5 s each unless stopped.
  SlowTables slow("retry_sibling", 10);
  const auto start = std::chrono::steady_clock::now();
  const auto r = etl::testing::RunEtl(
      {"run",
       WriteTempFile("retry-sibling.yml",
                     Job("retry_sibling", kQuickRetry,
                         "    batch_size: 100\n"
                         "    performance: {strategy: parallel, parallel_chunks: 4}\n")),
       "--progress", "never", "--log-level", "debug"});
  INFO(r.err.substr(0, 6000));
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("bad row (id=1510)"));
  CHECK(SecondsSince(start) < 4);
}

TEST_CASE("cli retry: SIGTERM stops every parallel part at once without the hard stop",
          "[cli][faults][signals]") {
  Source(2000);
  // 4 parts of 500 rows at 10 ms a row: 5 s each unless stopped.
  SlowTables slow("retry_sigterm", 10);
  const std::string report = WriteTempFile("retry-sigterm-report.json", "");
  EtlProcess etl({"run",
                  WriteTempFile("retry-sigterm.yml",
                                Job("retry_sigterm", kQuickRetry,
                                    "    batch_size: 100\n"
                                    "    performance: {strategy: parallel, parallel_chunks: 4}\n")),
                  "--report-json", report, "--progress", "never", "--log-level", "debug"});
  REQUIRE_FALSE(CopyBackend(20).empty());
  etl.Signal(SIGTERM);
  const auto start = std::chrono::steady_clock::now();
  const auto r = etl.Wait();
  INFO(r.err.substr(0, 6000));
  CHECK(r.exit_code == 143);
  CHECK(SecondsSince(start) < 2);
  CHECK_THAT(r.err, !Catch::Contains("closing every session"));
  CHECK_THAT(r.err, !Catch::Contains("retrying"));
  CHECK_THAT(ReadFile(report), Catch::Contains("\"status\":\"cancelled\""));
  CHECK(Trim(Psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'retry_sigterm' AND "
                  "(tablename = 't' OR tablename LIKE 'etl_stage%')")) == "0");
}
