// Late commits (contract: "Incremental loads on a busy source"): a row committed by a
// transaction that was still open when a run took its high mark is loaded by a later run, with
// the default settings. Deterministic: session A (etl's own MySQL connection, held open by the
// test) inserts and stays open; session B inserts the next row and commits; `etl run`; A
// commits; `etl run` again. Both for an AUTO_INCREMENT cursor and for `updated_at = NOW(6)`.
// (In this layer rather than cli_ because the test holds a MySQL session of its own.)

#include <string>

#include <catch2/catch.hpp>

#include "config/job_loader.h"
#include "source/mysql_connection.h"
#include "support/test_env.h"
#include "support/test_specs.h"

namespace {

using etl::testing::JobHeader;
using etl::testing::JsonInt;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::ReadFile;
using etl::testing::ResetMySqlDatabase;
using etl::testing::ResetPgSchema;
using etl::testing::RunEtl;
using etl::testing::Trim;
using etl::testing::WriteTempFile;

using Run = etl::testing::JobRun;
using etl::testing::RunJob;

std::string SourceRows(const std::string& db) {
  return MySql("SELECT CONCAT_WS('|', id, v) FROM t ORDER BY id", db);
}
std::string TargetRows(const std::string& schema) {
  return Psql("SELECT concat_ws('|', id, v) FROM \"" + schema + "\".t ORDER BY id");
}

void LateCommitStory(const std::string& name, const std::string& cursor) {
  const std::string db = "tlate_" + name;
  const std::string schema = "tlate_" + name;
  ResetMySqlDatabase(db);
  ResetPgSchema(schema);
  MySql(
      "CREATE TABLE t (id int AUTO_INCREMENT PRIMARY KEY, v varchar(20) NOT NULL, updated_at "
      "datetime(6) NOT NULL DEFAULT NOW(6), KEY (updated_at)) ENGINE=InnoDB; INSERT INTO t (v, "
      "updated_at) SELECT CONCAT('v', seq), TIMESTAMP('2024-01-01') + INTERVAL seq SECOND FROM "
      "seq_1_to_1000",
      db);
  const std::string job = WriteTempFile(
      schema + ".yml", JobHeader(db, schema) +
                           "tables:\n  t:\n    batch_size: 300\n    extraction_strategy: "
                           "incremental\n    incremental_columns: [" +
                           cursor + "]\n");
  Run r1 = RunJob(job);
  INFO(name << " run 1 stderr: " << r1.err);
  REQUIRE(r1.exit_code == 0);
  CHECK(JsonInt(r1.json, "rows_read") == 1000);

  // Session A: id 1001 (and, for the temporal cursor, the older NOW(6)), uncommitted.
  auto a =
      etl::source::Connect(etl::testing::TestSourceSpec(db), etl::config::ProcessEnvironment());
  a.Exec("BEGIN");
  a.Exec("INSERT INTO t (v) VALUES ('late')");
  // Session B: id 1002, committed.
  MySql("INSERT INTO t (v) VALUES ('early')", db);

  Run r2 = RunJob(job);
  INFO(name << " run 2 stderr: " << r2.err);
  REQUIRE(r2.exit_code == 0);
  CHECK(JsonInt(r2.json, "rows_read") == 1);  // 1002: A's row is not visible yet
  CHECK(Trim(Psql("SELECT count(*) FROM \"" + schema + "\".t")) == "1001");
  CHECK(r2.err.find("was open when the high mark was taken") != std::string::npos);

  a.Exec("COMMIT");
  Run r3 = RunJob(job);
  INFO(name << " run 3 stderr: " << r3.err);
  REQUIRE(r3.exit_code == 0);
  CHECK(Trim(MySql("SELECT count(*) FROM t", db)) == "1002");
  CHECK(Trim(Psql("SELECT count(*) FROM \"" + schema + "\".t")) == "1002");
  CHECK(TargetRows(schema) == SourceRows(db));
  CHECK(JsonInt(r3.json, "rows_read") == 2);  // the held window again: 1001 and 1002

  // Nothing open any more: the watermark advanced to the newest row, run 4 reads nothing.
  Run r4 = RunJob(job);
  REQUIRE(r4.exit_code == 0);
  CHECK(JsonInt(r4.json, "rows_read") == 0);
}

}  // namespace

TEST_CASE("late commit: an AUTO_INCREMENT row committed after the run is loaded by the next",
          "[pipeline][incremental]") {
  LateCommitStory("int", "id");
}

TEST_CASE("late commit: an updated_at = NOW(6) row committed after the run is loaded by the next",
          "[pipeline][incremental]") {
  LateCommitStory("temporal", "updated_at");
}

TEST_CASE("late commit: with a writer always open, the watermark still advances one run behind",
          "[pipeline][incremental]") {
  const std::string db = "tlate_busy";
  const std::string schema = "tlate_busy";
  ResetMySqlDatabase(db);
  ResetPgSchema(schema);
  MySql(
      "CREATE TABLE t (id int AUTO_INCREMENT PRIMARY KEY, v varchar(20) NOT NULL) ENGINE=InnoDB; "
      "INSERT INTO t SELECT seq, CONCAT('v', seq) FROM seq_1_to_1000",  // next id: 1001
      db);
  const std::string job = WriteTempFile(
      schema + ".yml", JobHeader(db, schema) +
                           "tables:\n  t:\n    batch_size: 300\n    extraction_strategy: "
                           "incremental\n    incremental_columns: [id]\n");
  const auto env = etl::config::ProcessEnvironment();
  const auto watermark = [&] {
    return Trim(Psql("SELECT watermark->>0 FROM \"" + schema + "\".etl_state"));
  };
  REQUIRE(RunJob(job).exit_code == 0);
  CHECK(watermark() == "1000");

  // Writer A1 holds 1001; B commits 1002. The run is held at 1000 and notes 1002 as pending.
  auto a1 = etl::source::Connect(etl::testing::TestSourceSpec(db), env);
  a1.Exec("BEGIN");
  a1.Exec("INSERT INTO t (v) VALUES ('a1')");
  MySql("INSERT INTO t (v) VALUES ('b1')", db);
  Run r2 = RunJob(job);
  INFO("run 2: " << r2.err);
  REQUIRE(r2.exit_code == 0);
  CHECK(watermark() == "1000");
  CHECK(Trim(Psql("SELECT pending->>0 FROM \"" + schema + "\".etl_state")) == "1002");

  // A1 commits, but writer A2 is open by the next run (1003), B commits 1004. A2 started after
  // run 2 read its pending mark (time is moved back a few seconds instead of waiting), so it
  // cannot hold a row at or below 1002: the watermark advances to 1002, not further.
  a1.Exec("COMMIT");
  auto a2 = etl::source::Connect(etl::testing::TestSourceSpec(db), env);
  a2.Exec("BEGIN");
  a2.Exec("INSERT INTO t (v) VALUES ('a2')");
  MySql("INSERT INTO t (v) VALUES ('b2')", db);
  Psql("UPDATE \"" + schema + "\".etl_state SET pending_at = pending_at - 5");
  Run r3 = RunJob(job);
  INFO("run 3: " << r3.err);
  REQUIRE(r3.exit_code == 0);
  CHECK(watermark() == "1002");
  CHECK(Trim(Psql("SELECT count(*) FROM \"" + schema + "\".t")) == "1003");  // all but 1003

  a2.Exec("COMMIT");
  Run r4 = RunJob(job);
  INFO("run 4: " << r4.err);
  REQUIRE(r4.exit_code == 0);
  CHECK(JsonInt(r4.json, "rows_read") == 2);  // 1003 and 1004, past 1002
  CHECK(watermark() == "1004");
  CHECK(TargetRows(schema) == SourceRows(db));
}
