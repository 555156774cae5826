// `etl run` end to end: incremental loads. Run 2 reads only the changed rows and the target ends
// equal to the source; ties at the watermark are never lost; the watermark lives in
// <schema>.etl_state; --full reloads everything; an integer-key-only cursor works too.

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "support/test_env.h"

namespace {

using etl::testing::JobHeader;
using etl::testing::JsonInt;
using etl::testing::JsonString;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::ReadFile;
using etl::testing::ResetMySqlDatabase;
using etl::testing::ResetPgSchema;
using etl::testing::RunEtl;
using etl::testing::Trim;
using etl::testing::WriteTempFile;

// The ordered rows (id, v, updated_at with microseconds) on each side.
std::string SourceRows(const std::string& db) {
  return MySql(
      "SELECT CONCAT_WS('|', id, HEX(v), DATE_FORMAT(updated_at, '%Y-%m-%d "
      "%H:%i:%s.%f')) FROM t ORDER BY id",
      db);
}
std::string TargetRows(const std::string& schema) {
  return Psql(
      "SELECT concat_ws('|', id, upper(encode(convert_to(v, 'UTF8'), 'hex')), "
      "to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS.US')) FROM \"" +
      schema + "\".t ORDER BY id");
}

using Run = etl::testing::JobRun;
using etl::testing::RunJob;

std::string IncrementalJob(const std::string& db, const std::string& schema,
                           const std::string& cursor, const std::string& strategy) {
  return JobHeader(db, schema) +
         "tables:\n"
         "  t:\n"
         "    batch_size: 200\n"
         "    extraction_strategy: incremental\n"
         "    incremental_columns: [" +
         cursor +
         "]\n"
         "    performance:\n"
         "      strategy: " +
         strategy + "\n      parallel_chunks: 3\n";
}

void MakeSource(const std::string& db, int rows) {
  ResetMySqlDatabase(db);
  MySql(
      "CREATE TABLE t (id int PRIMARY KEY, v varchar(40) NOT NULL, updated_at datetime(6) NOT "
      "NULL, KEY (updated_at)) ENGINE=InnoDB; INSERT INTO t SELECT seq, CONCAT('v', seq, 'ü'), "
      "TIMESTAMP('2024-01-01 00:00:00') + INTERVAL seq SECOND FROM seq_1_to_" +
          std::to_string(rows),
      db);
}

void UpdatedAtScenario(const std::string& strategy) {
  const std::string db = "tload_inc_" + strategy;
  const std::string schema = "tload_inc_" + strategy;
  MakeSource(db, 1000);
  ResetPgSchema(schema);
  const std::string job =
      WriteTempFile(schema + ".yml", IncrementalJob(db, schema, "updated_at", strategy));

  Run r1 = RunJob(job);
  INFO(strategy << "\nrun 1 stderr: " << r1.err << "\nreport: " << r1.json);
  REQUIRE(r1.exit_code == 0);
  CHECK(JsonInt(r1.json, "rows_read") == 1000);
  CHECK(JsonString(r1.json, "strategy") == strategy);
  CHECK(TargetRows(schema) == SourceRows(db));
  // The watermark is stored in <schema>.etl_state: the newest cursor, then the key.
  CHECK(Trim(Psql("SELECT watermark->>0 LIKE '2024-01-01 00:16:40%' AND watermark->>1 = '1000' "
                  "FROM \"" +
                  schema + "\".etl_state WHERE table_name = 't'")) == "t");

  // 50 new rows, 30 old rows updated (updated_at moves forward).
  MySql(
      "INSERT INTO t SELECT seq, CONCAT('new', seq), TIMESTAMP('2024-02-01') + INTERVAL seq "
      "SECOND FROM seq_1001_to_1050; UPDATE t SET v = CONCAT(v, ' changed'), updated_at = "
      "TIMESTAMP('2024-03-01 00:00:00.5') + INTERVAL id MICROSECOND WHERE id % 33 = 0",
      db);
  CHECK(Trim(MySql("SELECT count(*) FROM t WHERE id % 33 = 0", db)) == "31");
  Run r2 = RunJob(job);
  INFO("run 2 stderr: " << r2.err << "\nreport: " << r2.json);
  REQUIRE(r2.exit_code == 0);
  // 50 inserted + 31 updated, one of which (1023) is also new: 80 changed rows.
  CHECK(JsonInt(r2.json, "rows_read") == 80);
  CHECK(JsonInt(r2.json, "rows_written") == 80);
  CHECK(TargetRows(schema) == SourceRows(db));
  CHECK(r2.json.find("2024-03-01 00:00:00.501023") != std::string::npos);

  // Nothing changed: run 3 reads nothing and keeps the watermark.
  const std::string wm =
      Trim(Psql("SELECT watermark::text FROM \"" + schema + "\".etl_state WHERE table_name = 't'"));
  Run r3 = RunJob(job);
  INFO("run 3 stderr: " << r3.err);
  REQUIRE(r3.exit_code == 0);
  CHECK(JsonInt(r3.json, "rows_read") == 0);
  CHECK(Trim(Psql("SELECT watermark::text FROM \"" + schema +
                  "\".etl_state WHERE table_name = 't'")) == wm);

  // Deletes are invisible to incremental loads; --full reloads everything.
  MySql("DELETE FROM t WHERE id BETWEEN 10 AND 19", db);
  Run r4 = RunJob(job);
  REQUIRE(r4.exit_code == 0);
  CHECK(JsonInt(r4.json, "rows_read") == 0);
  CHECK(Trim(Psql("SELECT count(*) FROM \"" + schema + "\".t")) == "1050");
  Run r5 = RunJob(job, {"--full"});
  INFO("run 5 (--full) stderr: " << r5.err);
  REQUIRE(r5.exit_code == 0);
  CHECK(JsonInt(r5.json, "rows_read") == 1040);
  CHECK(TargetRows(schema) == SourceRows(db));
  // After a full reload the next incremental run starts from the source's newest row.
  MySql("UPDATE t SET v = 'after full', updated_at = '2025-01-01' WHERE id = 5", db);
  Run r6 = RunJob(job);
  REQUIRE(r6.exit_code == 0);
  CHECK(JsonInt(r6.json, "rows_read") == 1);
  CHECK(TargetRows(schema) == SourceRows(db));
}

}  // namespace

TEST_CASE("load incremental: run 2 reads only changed rows (standard)", "[cli][load]") {
  UpdatedAtScenario("standard");
}

TEST_CASE("load incremental: run 2 reads only changed rows (copy_csv)", "[cli][load]") {
  UpdatedAtScenario("copy_csv");
}

TEST_CASE("load incremental: run 2 reads only changed rows (parallel)", "[cli][load]") {
  UpdatedAtScenario("parallel");
}

TEST_CASE("load incremental: rows sharing the watermark's updated_at are never lost",
          "[cli][load]") {
  const std::string db = "tload_inc_ties";
  const std::string schema = "tload_inc_ties";
  ResetMySqlDatabase(db);
  ResetPgSchema(schema);
  // Ids 1..20 all share one updated_at; the batch boundary (7) falls inside the tie.
  MySql(
      "CREATE TABLE t (id int PRIMARY KEY, v varchar(40) NOT NULL, updated_at datetime(6) NOT "
      "NULL) ENGINE=InnoDB; INSERT INTO t SELECT seq, CONCAT('v', seq), '2024-05-05 05:05:05' "
      "FROM seq_1_to_20",
      db);
  const std::string job = WriteTempFile(
      schema + ".yml", std::regex_replace(IncrementalJob(db, schema, "updated_at", "standard"),
                                          std::regex("batch_size: 200"), "batch_size: 7"));
  Run r1 = RunJob(job);
  INFO("run 1 stderr: " << r1.err);
  REQUIRE(r1.exit_code == 0);
  CHECK(JsonInt(r1.json, "rows_read") == 20);
  CHECK(TargetRows(schema) == SourceRows(db));

  // More rows arrive with the SAME updated_at as the watermark (and higher ids), plus one later.
  MySql(
      "INSERT INTO t SELECT seq, CONCAT('late', seq), '2024-05-05 05:05:05' FROM "
      "seq_21_to_35; INSERT INTO t VALUES (36, 'later', '2024-05-05 05:05:06')",
      db);
  Run r2 = RunJob(job);
  INFO("run 2 stderr: " << r2.err);
  REQUIRE(r2.exit_code == 0);
  CHECK(JsonInt(r2.json, "rows_read") == 16);
  CHECK(TargetRows(schema) == SourceRows(db));
  CHECK(Trim(Psql("SELECT count(*) FROM \"" + schema + "\".t")) == "36");

  // The same for copy_csv in its own schema, starting from a watermark in the middle of a tie.
  const std::string schema2 = "tload_inc_ties_copy";
  ResetPgSchema(schema2);
  MySql("DELETE FROM t WHERE id > 12", db);
  const std::string job2 = WriteTempFile(
      schema2 + ".yml", std::regex_replace(IncrementalJob(db, schema2, "updated_at", "copy_csv"),
                                           std::regex("batch_size: 200"), "batch_size: 5"));
  REQUIRE(RunJob(job2).exit_code == 0);
  MySql("INSERT INTO t SELECT seq, CONCAT('tie', seq), '2024-05-05 05:05:05' FROM seq_13_to_30",
        db);
  Run r3 = RunJob(job2);
  INFO("copy_csv run 2 stderr: " << r3.err);
  REQUIRE(r3.exit_code == 0);
  CHECK(JsonInt(r3.json, "rows_read") == 18);
  CHECK(TargetRows(schema2) == SourceRows(db));
}

TEST_CASE("load incremental: cursor on the integer key only", "[cli][load]") {
  for (const std::string strategy : {"standard", "copy_csv", "parallel"}) {
    const std::string db = "tload_inc_key";
    const std::string schema = "tload_inc_key_" + strategy;
    MakeSource(db, 1000);
    ResetPgSchema(schema);
    const std::string job =
        WriteTempFile(schema + ".yml", IncrementalJob(db, schema, "id", strategy));
    Run r1 = RunJob(job);
    INFO(strategy << "\nrun 1 stderr: " << r1.err);
    REQUIRE(r1.exit_code == 0);
    CHECK(JsonInt(r1.json, "rows_read") == 1000);
    CHECK(TargetRows(schema) == SourceRows(db));
    CHECK(Trim(Psql("SELECT watermark::text FROM \"" + schema +
                    "\".etl_state WHERE table_name = 't'")) == "[\"1000\"]");

    MySql("INSERT INTO t SELECT seq, CONCAT('k', seq), NOW(6) FROM seq_1001_to_1200", db);
    Run r2 = RunJob(job);
    INFO("run 2 stderr: " << r2.err << "\nreport: " << r2.json);
    REQUIRE(r2.exit_code == 0);
    CHECK(JsonInt(r2.json, "rows_read") == 200);
    CHECK(TargetRows(schema) == SourceRows(db));
    CHECK(Trim(Psql("SELECT watermark::text FROM \"" + schema +
                    "\".etl_state WHERE table_name = 't'")) == "[\"1200\"]");
  }
}
