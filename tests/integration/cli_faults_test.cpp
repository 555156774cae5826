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

namespace {

// A source table, a fresh target schema whose etl_runs exists (one load of another table), and
// a deferred trigger on etl_runs running `commit_sql` inside the COMMIT of every transaction
// that writes a history row: the final transaction of each table's load.
void TargetWithCommitHook(const std::string& db, const std::string& schema,
                          const std::string& commit_sql) {
  SmallSource(db);
  etl::testing::ResetPgSchema(schema);
  const std::string prime =
      WriteTempFile(schema + "-prime.yml", JobHeader(db, schema) +
                                               "tables:\n  first:\n    "
                                               "source_table: t\n    batch_size: 500\n");
  REQUIRE(RunEtl({"run", prime, "--progress", "never"}).exit_code == 0);
  Psql("CREATE FUNCTION " + schema + ".at_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " +
       commit_sql + "; RETURN NULL; END $$; CREATE CONSTRAINT TRIGGER at_commit AFTER INSERT ON " +
       schema + ".etl_runs DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION " + schema +
       ".at_commit()");
}

// Polls for an etl session running COMMIT with `wait_event` and terminates it; true when done.
bool TerminateCommitWaitingOn(const std::string& wait_event) {
  const auto start = std::chrono::steady_clock::now();
  while (SecondsSince(start) < 30) {
    const std::string pid =
        Trim(Psql("SELECT pid FROM pg_stat_activity WHERE application_name LIKE 'etl%' AND query = "
                  "'COMMIT' AND wait_event = '" +
                  wait_event + "' LIMIT 1"));
    if (!pid.empty()) {
      Psql("SELECT pg_terminate_backend(" + pid + ")");
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

TEST_CASE("cli: a COMMIT whose answer is lost is resolved, never guessed", "[cli][faults]") {
  const std::string db = "cli_faults_doubt";
  const std::string report = WriteTempFile("doubt-report.json", "");
  auto job = [&](const std::string& schema) {
    return WriteTempFile(schema + ".yml",
                         JobHeader(db, schema) + "tables:\n  t:\n    batch_size: 500\n");
  };
  // Loads `t` into `schema` with `commit_sql` running inside its final COMMIT, terminates the
  // session while that COMMIT waits on `wait_event`, and checks the outcome: the run succeeds,
  // says `outcome`, made `retries` retries, and the target and its history hold one load.
  auto load_interrupted = [&](const std::string& schema, const std::string& commit_sql,
                              const std::string& wait_event, const std::string& outcome,
                              int retries) {
    TargetWithCommitHook(db, schema, commit_sql);
    EtlProcess etl({"run", job(schema), "--strategy", "copy_csv", "--report-json", report,
                    "--progress", "never"});
    REQUIRE(TerminateCommitWaitingOn(wait_event));
    const auto r = etl.Wait();
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains(outcome));
    CHECK(etl::testing::JsonInt(ReadFile(report), "retries") == retries);
    CHECK(Trim(Psql("SELECT count(*) FROM " + schema + ".t")) == "2000");
    CHECK(Trim(Psql("SELECT count(*) FROM " + schema +
                    ".etl_runs WHERE table_name = 't' AND status = 'ok'")) == "1");
  };

  SECTION("rolled back: the target is as it was, and the table is loaded again") {
    // The COMMIT runs a 2 s trigger; its session is terminated meanwhile, so it rolls back.
    load_interrupted("cli_doubt_aborted", "PERFORM pg_sleep(2)", "PgSleep",
                     "rolled back, so the target is as it was", 1);
  }

  SECTION("committed: the load is complete and is not done twice") {
    // The COMMIT waits for a synchronous standby that does not exist (its transaction has
    // committed locally); its session is terminated while it waits. Every other transaction
    // commits without waiting (synchronous_commit local), only the history row's asks for it.
    struct ServerSettings {
      ServerSettings() {
        Psql("ALTER SYSTEM SET synchronous_standby_names = 'etl_test_no_standby'");
        Psql("ALTER SYSTEM SET synchronous_commit = 'local'");
        Psql("SELECT pg_reload_conf()");
      }
      ~ServerSettings() {
        Psql("ALTER SYSTEM RESET synchronous_standby_names");
        Psql("ALTER SYSTEM RESET synchronous_commit");
        Psql("SELECT pg_reload_conf()");
      }
    } settings;
    load_interrupted("cli_doubt_committed", "PERFORM set_config('synchronous_commit', 'on', true)",
                     "SyncRep", "committed: the load is complete", 0);
  }
}
