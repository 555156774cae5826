// `etl run` end to end: bad rows, all-or-nothing loads (failed and killed runs leave the previous
// copy intact), wrong credentials, the run report of a failed run, the lock on a target (exit
// 75) and the schema preparation lock.

#include <algorithm>
#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <unistd.h>

#include "support/test_env.h"

namespace {

using etl::testing::Env;
using etl::testing::JobHeader;
using etl::testing::JsonInt;
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

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s)
    q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// md5 over an ordered text rendering of (id, a, s) on each side.
std::string MySqlDigest(const std::string& db, const std::string& table) {
  return Trim(
      MySql("SET SESSION group_concat_max_len = 1073741824; SELECT COALESCE(MD5(GROUP_CONCAT("
            "CONCAT_WS(',', id, a, HEX(s)) ORDER BY id SEPARATOR ';')), 'empty') FROM `" +
                table + "`",
            db));
}
std::string PgDigest(const std::string& schema, const std::string& table) {
  return Trim(
      Psql("SELECT coalesce(md5(string_agg(concat_ws(',', id, a, upper(encode(convert_to(s, "
           "'UTF8'), 'hex'))), ';' ORDER BY id)), 'empty') FROM \"" +
           schema + "\".\"" + table + "\""));
}
std::string PgCount(const std::string& schema, const std::string& table) {
  return Trim(Psql("SELECT count(*) FROM \"" + schema + "\".\"" + table + "\""));
}

// A source table `t` with ids 1..rows: a = id * 3, s = md5 text (plus a multi-byte character).
void MakeSource(const std::string& db, int rows) {
  ResetMySqlDatabase(db);
  MySql(
      "CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL, s varchar(60), doc longtext) "
      "ENGINE=InnoDB; INSERT INTO t SELECT seq, seq * 3, CONCAT(MD5(seq), 'é'), "
      "CONCAT('{\"n\": ', seq, '}') FROM seq_1_to_" +
          std::to_string(rows),
      db);
}

std::string TableJob(const std::string& db, const std::string& schema, const std::string& extra) {
  return JobHeader(db, schema) +
         "tables:\n"
         "  t:\n"
         "    batch_size: 1000\n" +
         extra;
}

const char* const kStrategies[] = {"standard", "copy_csv", "parallel"};

}  // namespace

TEST_CASE(
    "load atomic: a NUL byte in text fails the table naming table, key and column, and "
    "leaves the target unchanged",
    "[cli][load]") {
  const std::string db = "tload_atomic_nul";
  MakeSource(db, 3000);
  for (const std::string strategy : kStrategies) {
    const std::string schema = "tload_atomic_nul_" + strategy;
    ResetPgSchema(schema);
    const std::string job = WriteTempFile(schema + ".yml", TableJob(db, schema, ""));
    MySql("DELETE FROM t WHERE id = 2900", db);
    auto r = RunEtl({"run", job, "--strategy", strategy, "--progress", "never"});
    INFO(strategy << "\nstderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    const std::string before = PgDigest(schema, "t");
    CHECK(before == MySqlDigest(db, "t"));

    MySql("INSERT INTO t VALUES (2900, 1, CONCAT('a', CHAR(0), 'b'), '{}')", db);
    const std::string report = job + ".report.json";
    r = RunEtl(
        {"run", job, "--strategy", strategy, "--progress", "never", "--report-json", report});
    INFO("stderr after bad row: " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(std::regex_search(r.err, std::regex("table \"?t\"?\\b")));
    CHECK(std::regex_search(r.err, std::regex("id ?= ?'?2900\\b")));
    CHECK(std::regex_search(r.err, std::regex("column \"?s\"?\\b")));
    CHECK(std::regex_search(r.err, std::regex("NUL", std::regex::icase)));
    const std::string json = ReadFile(report);
    CHECK(JsonString(json, "status") == "failed");
    CHECK(JsonString(json, "error").find("2900") != std::string::npos);
    CHECK(PgDigest(schema, "t") == before);
    CHECK(PgCount(schema, "t") == "2999");
    MySql("DELETE FROM t WHERE id = 2900", db);
  }
}

TEST_CASE("load atomic: on_bad_row reject loads the rest and writes the reject file",
          "[cli][load]") {
  const std::string db = "tload_atomic_reject";
  MakeSource(db, 3000);
  MySql("UPDATE t SET s = CONCAT('x', CHAR(0)) WHERE id IN (17, 2500)", db);
  for (const std::string strategy : kStrategies) {
    const std::string schema = "tload_atomic_reject_" + strategy;
    ResetPgSchema(schema);
    const std::string reject_dir =
        "/tmp/etl-tload-rejects-" + std::to_string(::getpid()) + "-" + strategy;
    std::string header = JobHeader(db, schema);
    header = std::regex_replace(header, std::regex("reject_dir: .*\n"),
                                "reject_dir: " + reject_dir + "\n");
    const std::string job = WriteTempFile(
        schema + ".yml", header + "tables:\n  t:\n    batch_size: 1000\n    on_bad_row: reject\n");
    const std::string report = job + ".report.json";
    auto r = RunEtl(
        {"run", job, "--strategy", strategy, "--progress", "never", "--report-json", report});
    INFO(strategy << "\nstderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(PgCount(schema, "t") == "2998");
    CHECK(Trim(Psql("SELECT count(*) FROM \"" + schema + "\".t WHERE id IN (17, 2500)")) == "0");
    // Everything else equals the source.
    CHECK(Trim(Psql("SELECT md5(string_agg(concat_ws(',', id, a, s), ';' ORDER BY id)) FROM \"" +
                    schema + "\".t")) ==
          Trim(MySql("SET SESSION group_concat_max_len = 1073741824; SELECT MD5(GROUP_CONCAT("
                     "CONCAT_WS(',', id, a, s) ORDER BY id SEPARATOR ';')) FROM t WHERE id NOT IN "
                     "(17, 2500)",
                     db)));
    const std::string json = ReadFile(report);
    CHECK(JsonInt(json, "rows_rejected") == 2);
    CHECK(JsonInt(json, "rows_written") == 2998);
    CHECK(JsonString(json, "status") == "ok");
    const std::string rejects = ReadFile(reject_dir + "/t.rejects.jsonl");
    INFO("rejects file: " << rejects);
    CHECK(std::count(rejects.begin(), rejects.end(), '\n') == 2);
    CHECK(rejects.find("\"column\":\"s\"") != std::string::npos);
    CHECK(std::regex_search(rejects, std::regex("\"id\"\\s*:\\s*\"?17\"?")));
    CHECK(std::regex_search(rejects, std::regex("\"id\"\\s*:\\s*\"?2500\"?")));
    CHECK(rejects.find("\"reason\"") != std::string::npos);
    RunShell("rm -rf " + Quote(reject_dir));
  }
}

TEST_CASE("load atomic: invalid JSON in a longtext overridden as jsonb is a bad row",
          "[cli][load]") {
  const std::string db = "tload_atomic_json";
  MakeSource(db, 2000);
  const std::string schema = "tload_atomic_json";
  ResetPgSchema(schema);
  const std::string job =
      WriteTempFile(schema + ".yml", TableJob(db, schema, "    column_types: {doc: jsonb}\n"));
  auto r = RunEtl({"run", job, "--strategy", "copy_csv", "--progress", "never"});
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Trim(Psql("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '" +
                  schema + ".t'::regclass AND attname = 'doc'")) == "jsonb");
  CHECK(Trim(Psql("SELECT count(*) FROM " + schema +
                  ".t WHERE doc = jsonb_build_object('n', id)")) == "2000");
  const std::string before = PgDigest(schema, "t");

  MySql("UPDATE t SET doc = '{bad json' WHERE id = 1999", db);
  r = RunEtl({"run", job, "--strategy", "copy_csv", "--progress", "never"});
  INFO("stderr with invalid json: " << r.err);
  CHECK(r.exit_code == 1);
  CHECK(std::regex_search(r.err, std::regex("table \"?t\"?\\b")));
  CHECK(std::regex_search(r.err, std::regex("id ?= ?'?1999\\b")));
  CHECK(std::regex_search(r.err, std::regex("column \"?doc\"?\\b")));
  CHECK(PgDigest(schema, "t") == before);

  // With reject the rest loads and the row is in the reject file.
  const std::string job2 = WriteTempFile(
      schema + "_reject.yml",
      TableJob(db, schema, "    column_types: {doc: jsonb}\n    on_bad_row: reject\n"));
  const std::string report = job2 + ".report.json";
  r = RunEtl(
      {"run", job2, "--strategy", "copy_csv", "--progress", "never", "--report-json", report});
  INFO("stderr with reject: " << r.err);
  CHECK(r.exit_code == 0);
  CHECK(PgCount(schema, "t") == "1999");
  CHECK(JsonInt(ReadFile(report), "rows_rejected") == 1);
}

TEST_CASE("load atomic: a full reload that fails near the end keeps the previous copy",
          "[cli][load]") {
  const std::string db = "tload_atomic_midway";
  MakeSource(db, 20000);
  for (const std::string strategy : kStrategies) {
    const std::string schema = "tload_atomic_midway_" + strategy;
    ResetPgSchema(schema);
    MySql("DELETE FROM t WHERE id > 20000; UPDATE t SET a = id * 3", db);
    const std::string job = WriteTempFile(schema + ".yml", TableJob(db, schema, ""));
    auto r = RunEtl({"run", job, "--strategy", strategy, "--progress", "never"});
    INFO(strategy << "\nstderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    const std::string before = PgDigest(schema, "t");
    REQUIRE(before == MySqlDigest(db, "t"));

    // The source changes everywhere, grows, and has one bad row near the end.
    MySql(
        "UPDATE t SET a = a + 1; INSERT INTO t SELECT seq, seq, 'new', '{}' FROM "
        "seq_20001_to_20500; UPDATE t SET s = CONCAT('bad', CHAR(0)) WHERE id = 20490",
        db);
    r = RunEtl({"run", job, "--strategy", strategy, "--progress", "never"});
    INFO("stderr of the failing run: " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(std::regex_search(r.err, std::regex("id ?= ?'?20490\\b")));
    CHECK(PgCount(schema, "t") == "20000");
    CHECK(PgDigest(schema, "t") == before);
    // No staging table is left behind by the failed parallel run.
    CHECK(Trim(Psql("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE "
                    "schemaname = '" +
                    schema + "'")) == "etl_runs,etl_state,t");
  }
}

namespace {

// Starts `etl run job` in the background and kills it with SIGKILL once it is writing rows into
// `schema` (a COPY or INSERT of this job is active on the server), after `delay_ms` more.
// Returns false when the run finished before it could be killed.
bool KillWhileLoading(const std::string& job, const std::string& schema,
                      const std::string& strategy, int delay_ms) {
  const std::string pid_file = job + ".pid";
  const std::string log_file = job + ".log";
  RunShell(std::string("rm -f ") + Quote(pid_file) + "; " + Quote(etl::testing::EtlBinary()) +
           " run " + Quote(job) + " --strategy " + strategy + " --progress never >" +
           Quote(log_file) + " 2>&1 & echo $! > " + Quote(pid_file));
  const std::string pid = Trim(ReadFile(pid_file));
  REQUIRE(!pid.empty());
  bool seen = false;
  for (int i = 0; i < 400 && !seen; ++i) {
    const std::string active =
        Trim(Psql("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid <> "
                  "pg_backend_pid() AND (query ILIKE 'COPY%" +
                  schema + "%' OR query ILIKE 'INSERT%" + schema + "%')"));
    seen = active != "0";
    if (!seen) {
      if (RunShell("kill -0 " + pid).exit_code != 0) return false;  // already finished
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  REQUIRE(seen);
  std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  const bool alive = RunShell("kill -0 " + pid).exit_code == 0;
  RunShell("kill -9 " + pid);
  // Wait until it is gone (it is a child of the shell that already exited: poll).
  for (int i = 0; i < 200 && RunShell("kill -0 " + pid).exit_code == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return alive;
}

void KilledRunLeavesPreviousCopy(const std::string& strategy) {
  const std::string db = "tload_atomic_kill";
  static bool made = false;
  if (!made) {
    MakeSource(db, 300000);
    made = true;
  }
  const std::string schema = "tload_atomic_kill_" + strategy;
  ResetPgSchema(schema);
  const std::string job =
      WriteTempFile(schema + ".yml", JobHeader(db, schema) +
                                         "tables:\n  t:\n    batch_size: 20000\n    performance: "
                                         "{parallel_chunks: 4}\n");
  auto r = RunEtl({"run", job, "--strategy", strategy, "--progress", "never"});
  INFO(strategy << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(PgCount(schema, "t") == "300000");
  // Make the previous copy distinguishable from the source.
  Psql("DELETE FROM \"" + schema + "\".t WHERE id % 2 = 0; UPDATE \"" + schema +
       "\".t SET a = -a WHERE id < 1000");
  const std::string before = PgDigest(schema, "t");

  const std::string source_digest = MySqlDigest(db, "t");
  // The kill must land while the run is loading. A run that committed before the kill (it is
  // fast) is a missed attempt, retried with a shorter delay; at every attempt the target must be
  // either the previous copy or the complete new one, never anything in between.
  bool killed_mid_load = false;
  int delay_ms = strategy == "parallel" ? 60 : 300;
  for (int attempt = 0; attempt < 4 && !killed_mid_load; ++attempt, delay_ms /= 3) {
    KillWhileLoading(job, schema, strategy, delay_ms);
    const std::string count = PgCount(schema, "t");
    const std::string digest = PgDigest(schema, "t");
    INFO("attempt " << attempt << " (delay " << delay_ms
                    << " ms), run log: " << ReadFile(job + ".log"));
    if (count == "300000" && digest == source_digest) {
      // Committed before the kill: restore a distinguishable previous copy and retry.
      Psql("DELETE FROM \"" + schema + "\".t WHERE id % 2 = 0; UPDATE \"" + schema +
           "\".t SET a = -a WHERE id < 1000");
      REQUIRE(PgDigest(schema, "t") == before);
      continue;
    }
    killed_mid_load = true;
    CHECK(count == "150000");
    CHECK(digest == before);
    CHECK(Trim(Psql("SELECT count(*) FROM \"" + schema + "\".t WHERE a < 0")) == "500");
  }
  REQUIRE(killed_mid_load);

  // A rerun succeeds with no manual cleanup and the target equals the source.
  r = RunEtl({"run", job, "--strategy", strategy, "--progress", "never"});
  INFO("rerun stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(PgCount(schema, "t") == "300000");
  CHECK(PgDigest(schema, "t") == MySqlDigest(db, "t"));
  CHECK(Trim(Psql("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE "
                  "schemaname = '" +
                  schema + "'")) == "etl_runs,etl_state,t");
}

}  // namespace

TEST_CASE(
    "load atomic: a run killed with SIGKILL while loading (copy_csv) leaves the previous "
    "copy and the rerun succeeds",
    "[cli][load]") {
  KilledRunLeavesPreviousCopy("copy_csv");
}

TEST_CASE(
    "load atomic: a run killed with SIGKILL while loading (parallel) leaves the previous "
    "copy and the rerun succeeds",
    "[cli][load]") {
  KilledRunLeavesPreviousCopy("parallel");
}

TEST_CASE("load atomic: wrong credentials fail with the server's message, never the password",
          "[cli][load]") {
  const std::string db = "tload_atomic_creds";
  MakeSource(db, 10);
  const std::string schema = "tload_atomic_creds";
  ResetPgSchema(schema);
  const std::string job = WriteTempFile(schema + ".yml", TableJob(db, schema, ""));
  const std::string secret = "Wr0ng-s3cret-tload";

  SECTION("MySQL") {
    const std::string report = job + ".mysql.report.json";
    RunShell("rm -f " + Quote(report));
    auto r = RunEtl({"run", job, "--progress", "never", "--report-json", report},
                    {"ETL_MYSQL_PASSWORD=" + secret});
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("Access denied") != std::string::npos);
    CHECK(r.err.find(secret) == std::string::npos);
    CHECK(r.out.find(secret) == std::string::npos);
    const std::string json = ReadFile(report);
    INFO("report: " << json);
    CHECK(JsonString(json, "status") == "failed");
    CHECK(JsonString(json, "error").find("Access denied") != std::string::npos);
    CHECK(json.find(secret) == std::string::npos);
  }
  SECTION("PostgreSQL") {
    const std::string report = job + ".pg.report.json";
    RunShell("rm -f " + Quote(report));
    auto r = RunEtl({"run", job, "--progress", "never", "--report-json", report},
                    {"ETL_PG_PASSWORD=" + secret});
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("password authentication failed") != std::string::npos);
    CHECK(r.err.find(secret) == std::string::npos);
    const std::string json = ReadFile(report);
    INFO("report: " << json);
    CHECK(JsonString(json, "status") == "failed");
    CHECK(json.find(secret) == std::string::npos);
  }
}

TEST_CASE("load atomic: exit code 75 while another session holds the lock on the target",
          "[cli][load]") {
  const std::string db = "tload_atomic_lock";
  MakeSource(db, 100);
  const std::string schema = "tload_atomic_lock";
  ResetPgSchema(schema);
  const std::string job = WriteTempFile("tload_lockjob.yml", TableJob(db, schema, ""));
  // The target lock's keys (sink/target_lock.h): class 'ETL1', hashtext of "db"."schema"."t".
  const std::string key =
      "1163152433, hashtext('\"" + Env("ETL_PG_DATABASE") + "\".\"" + schema + "\".\"t\"')";
  const std::string held_sql =
      "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2 "
      "AND classid = 1163152433 AND objid = (hashtext('\"" +
      Env("ETL_PG_DATABASE") + "\".\"" + schema + "\".\"t\"')::bigint & 4294967295)::oid";
  const std::string psql = "PGPASSWORD=" + Quote(Env("ETL_PG_PASSWORD")) + " psql -XAtq -h " +
                           Quote(Env("ETL_PG_HOST")) + " -p " + Quote(Env("ETL_PG_PORT")) + " -U " +
                           Quote(Env("ETL_PG_USER")) + " -d " + Quote(Env("ETL_PG_DATABASE"));
  const std::string pid_file = job + ".holder.pid";
  RunShell(psql + " -c " + Quote("SELECT pg_advisory_lock(" + key + ")") + " -c " +
           Quote("SELECT pg_sleep(4)") + " >/dev/null 2>&1 & echo $! > " + Quote(pid_file));
  REQUIRE(!Trim(ReadFile(pid_file)).empty());
  bool held = false;
  for (int i = 0; i < 200 && !held; ++i) {
    held = Trim(Psql(held_sql)) != "0";
    if (!held) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(held);
  const std::string report = job + ".report.json";
  auto r = RunEtl({"run", job, "--progress", "never", "--report-json", report});
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 75);
  // The table is skipped naming the holder (here psql, not an etl run); nothing was written.
  const std::string locked_report = ReadFile(report);
  INFO("report: " << locked_report);
  CHECK(JsonString(locked_report, "status") == "ok");
  CHECK(locked_report.find("\"skipped\"") != std::string::npos);
  CHECK(JsonString(locked_report, "skip_reason").find("is being loaded by PostgreSQL backend") !=
        std::string::npos);
  CHECK(JsonString(locked_report, "skip_reason").find("application_name 'psql'") !=
        std::string::npos);
  CHECK(Trim(Psql("SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema +
                  "' AND tablename = 't'")) == "0");

  // Once the holder's session ends (after its pg_sleep) the same job runs.
  for (int i = 0; i < 300; ++i) {
    if (Trim(Psql(held_sql)) == "0") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  r = RunEtl({"run", job, "--progress", "never"});
  INFO("stderr after release: " << r.err);
  CHECK(r.exit_code == 0);
  CHECK(PgCount(schema, "t") == "100");
}

TEST_CASE("load atomic: a run waits while another prepares the same target schema", "[cli][load]") {
  const std::string db = "tload_atomic_prep";
  MakeSource(db, 100);
  const std::string schema = "tload_atomic_prep";
  ResetPgSchema(schema);
  const std::string job = WriteTempFile("tload_prepjob.yml", TableJob(db, schema, ""));
  const std::string key = "hashtext('etl:prepare:" + schema + "')";
  const std::string psql = "PGPASSWORD=" + Quote(Env("ETL_PG_PASSWORD")) + " psql -XAtq -h " +
                           Quote(Env("ETL_PG_HOST")) + " -p " + Quote(Env("ETL_PG_PORT")) + " -U " +
                           Quote(Env("ETL_PG_USER")) + " -d " + Quote(Env("ETL_PG_DATABASE"));
  RunShell(psql + " -c " + Quote("SELECT pg_advisory_lock(" + key + ")") + " -c " +
           Quote("SELECT pg_sleep(2)") + " >/dev/null 2>&1 &");
  bool held = false;
  for (int i = 0; i < 200 && !held; ++i) {
    held = Trim(Psql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
                     "objsubid = 1 AND objid = (" +
                     key + "::bigint & 4294967295)::oid")) != "0";
    if (!held) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(held);
  const auto started = std::chrono::steady_clock::now();
  auto r = RunEtl({"run", job, "--progress", "never"});
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 0);  // it waited for the preparer instead of giving up
  CHECK(waited > 1.0);
  CHECK(PgCount(schema, "t") == "100");
}
