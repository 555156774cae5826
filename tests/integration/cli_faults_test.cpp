// Faults seen through the `etl` binary: a server that stops answering makes `etl plan` fail
// within the connect timeout instead of hanging; SIGTERM/SIGINT during `etl run` stop it within
// 5 s with the report written, the interrupted table rolled back and the lock released.
#include <chrono>
#include <csignal>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "support/fault_injection.h"
#include "support/test_env.h"

using etl::testing::EtlProcess;
using etl::testing::FrozenServer;
using etl::testing::JobHeader;
using etl::testing::JsonString;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::ReadFile;
using etl::testing::RunEtl;
using etl::testing::SecondsSince;
using etl::testing::Trim;
using etl::testing::WriteTempFile;

namespace {

// JobHeader with `source_extra` / `target_extra` lines added to the source and target blocks.
std::string Header(const std::string& db, const std::string& schema,
                   const std::string& source_extra, const std::string& target_extra = "") {
  std::string h = JobHeader(db, schema);
  h.replace(h.find("  ssl_mode: disabled\n"), 21, "  ssl_mode: disabled\n" + source_extra);
  h.replace(h.find("  sslmode: disable\n"), 19, "  sslmode: disable\n" + target_extra);
  return h;
}

void SmallSource(const std::string& db) {
  etl::testing::ResetMySqlDatabase(db);
  MySql(
      "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20));"
      "INSERT INTO t SELECT seq, 'new' FROM seq_1_to_2000;",
      db);
}

// The `status` of table `name` in a report's JSON text.
std::string TableStatus(const std::string& json, const std::string& name) {
  const auto at = json.find("{\"name\":\"" + name + "\"");
  if (at == std::string::npos) return "<no table " + name + ">";
  return JsonString(json.substr(at), "status");
}

// `etl plan` of a small job while `server` is stopped, with connect_timeout_s 2 on its side:
// exit 1 within the timeout (plus slack) with `message` on stderr.
void PlanAgainstStoppedServer(const std::string& server, const std::string& message) {
  SmallSource("cli_faults_src");
  const bool mysql = server == "mysql";
  const std::string timeout = "  connect_timeout_s: 2\n";
  const std::string job = WriteTempFile(
      "faults_plan_" + server + ".yml",
      Header("cli_faults_src", "cli_faults_tgt", mysql ? timeout : "", mysql ? "" : timeout) +
          "tables:\n  t:\n    batch_size: 1000\n");
  FrozenServer frozen(server);
  const auto start = std::chrono::steady_clock::now();
  const auto r = RunEtl({"plan", job});
  const double seconds = SecondsSince(start);
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains(message));
  CHECK(seconds < 2 + 3);
}

}  // namespace

TEST_CASE("cli: etl plan fails within connect_timeout_s when MySQL stops answering",
          "[cli][faults]") {
  PlanAgainstStoppedServer("mysql", "cannot connect to the source");
}

TEST_CASE("cli: etl plan fails within connect_timeout_s when PostgreSQL stops answering",
          "[cli][faults]") {
  PlanAgainstStoppedServer("pg", "cannot connect to the target");
}

namespace {

// A target `t` that already holds 3 rows and whose every insert takes 10 ms (a row trigger),
// so a load of the 2000 source rows runs for about 20 s unless it is stopped.
void SlowExistingTarget(const std::string& schema) {
  etl::testing::ResetPgSchema(schema);
  Psql("CREATE SCHEMA " + schema + "; CREATE TABLE " + schema +
       ".t (id int PRIMARY KEY, s varchar(20));"
       "INSERT INTO " +
       schema +
       ".t VALUES (1, 'old'), (2, 'old'), (3, 'old');"
       "CREATE FUNCTION " +
       schema +
       ".slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.01); "
       "RETURN NEW; END $$;"
       "CREATE TRIGGER slow BEFORE INSERT ON " +
       schema + ".t FOR EACH ROW EXECUTE FUNCTION " + schema + ".slow()");
}

}  // namespace

TEST_CASE("cli: SIGTERM during a load exits 143 within 5 s, rolled back, report written",
          "[cli][faults][signals]") {
  SmallSource("cli_faults_src");
  SlowExistingTarget("cli_sig_tgt");
  const std::string report = WriteTempFile("sigterm-report.json", "");
  const std::string job = WriteTempFile(
      "faults_sigterm.yml", JobHeader("cli_faults_src", "cli_sig_tgt") +
                                "tables:\n"
                                "  t:\n    batch_size: 500\n    performance: {strategy: copy_csv}\n"
                                "  later:\n    source_table: t\n    batch_size: 500\n");
  EtlProcess etl(
      {"run", job, "--report-json", report, "--progress", "never", "--log-level", "debug"});
  REQUIRE(etl.WaitForLog("t: writing ", std::chrono::seconds(30)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // well inside the COPY
  etl.Signal(SIGTERM);
  const auto start = std::chrono::steady_clock::now();
  const auto r = etl.Wait();
  const double seconds = SecondsSince(start);
  INFO(r.err.substr(0, 4000));
  CHECK(r.exit_code == 143);
  CHECK(seconds < 5);
  const std::string json = ReadFile(report);
  INFO(json);
  CHECK(TableStatus(json, "t") == "cancelled");
  CHECK(TableStatus(json, "later") == "skipped");
  CHECK_THAT(JsonString(json, "error"), Catch::Contains("cancelled by SIGTERM"));
  // The target is as it was: the reload's TRUNCATE and rows went with the rollback.
  CHECK(Trim(Psql("SET lock_timeout = '5s'; SELECT string_agg(id || ':' || s, ',' ORDER BY id) "
                  "FROM cli_sig_tgt.t")) == "1:old,2:old,3:old");
  CHECK(Trim(Psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'cli_sig_tgt' AND "
                  "tablename = 'later'")) == "0");
  // The job lock went with the process's sessions: the next run takes it at once.
  CHECK(Trim(Psql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")) == "0");
}

TEST_CASE("cli: SIGINT during a load exits 130", "[cli][faults][signals]") {
  SmallSource("cli_faults_src");
  SlowExistingTarget("cli_sigint_tgt");
  const std::string job =
      WriteTempFile("faults_sigint.yml", JobHeader("cli_faults_src", "cli_sigint_tgt") +
                                             "tables:\n  t:\n    batch_size: 500\n");
  EtlProcess etl({"run", job, "--progress", "never", "--log-level", "debug"});
  REQUIRE(etl.WaitForLog("t: writing ", std::chrono::seconds(30)));
  etl.Signal(SIGINT);
  const auto start = std::chrono::steady_clock::now();
  const auto r = etl.Wait();
  INFO(r.err.substr(0, 4000));
  CHECK(r.exit_code == 130);
  CHECK(SecondsSince(start) < 5);
  CHECK_THAT(r.out, Catch::Contains("cancelled"));
  CHECK(Trim(Psql("SET lock_timeout = '5s'; SELECT count(*) FROM cli_sigint_tgt.t")) == "3");
}
