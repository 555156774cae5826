// `etl run`: cursor and key values of every type round-trip exactly (contract: "Incremental
// loads on a busy source"): a binary(16) UUID key in the cursor over several runs (stored as hex
// in etl_state, sent to MySQL as _binary X'..'), decimal and unsigned bigint cursors whose
// neighbours are equal as doubles, a varchar cursor with quotes, backslashes and 4-byte UTF-8,
// and keyset pages on a FLOAT key whose values MySQL prints alike.

#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/test_env.h"

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

// rows_read summed over the report's tables.
long long RowsRead(const std::string& report) {
  long long rows = 0;
  const nlohmann::json parsed = nlohmann::json::parse(report);
  for (const auto& t : parsed.at("tables"))
    rows += t.at("rows_read").get<long long>();
  return rows;
}

std::string TableJob(const std::string& db, const std::string& schema, const std::string& table,
                     const std::string& keys) {
  return JobHeader(db, schema) + "tables:\n  " + table + ":\n    batch_size: 7\n" + keys;
}

std::string Incremental(const std::string& cursor) {
  return "    extraction_strategy: incremental\n    incremental_columns: [" + cursor + "]\n";
}

}  // namespace

TEST_CASE("incremental types: a binary(16) UUID key in the cursor syncs over several runs",
          "[cli][incremental]") {
  const std::string db = "ttypes_uuid";
  const std::string schema = "ttypes_uuid";
  ResetMySqlDatabase(db);
  ResetPgSchema(schema);
  // Ten rows share each updated_at, so the watermark's tie-breaker is a UUID: random bytes,
  // plus ones holding NUL, 0xFF, a quote and a backslash.
  MySql(
      "CREATE TABLE u (id binary(16) PRIMARY KEY, v varchar(20) NOT NULL, updated_at datetime(6) "
      "NOT NULL, KEY (updated_at)) ENGINE=InnoDB; INSERT INTO u SELECT UNHEX(MD5(seq)), "
      "CONCAT('v', seq), TIMESTAMP('2024-01-01') + INTERVAL (seq DIV 10) SECOND FROM "
      "seq_1_to_300; INSERT INTO u VALUES (X'00000000000000000000000000000000', 'nul', "
      "'2024-01-01 00:00:30'), (X'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF', 'ff', '2024-01-01 "
      "00:00:30'), (X'275C275C00FF00FF275C275C00FF00FF', 'quote', '2024-01-01 00:00:30')",
      db);
  const std::string job =
      WriteTempFile(schema + ".yml", TableJob(db, schema, "u", Incremental("updated_at")));
  const std::string source = "SELECT CONCAT_WS('|', LOWER(HEX(id)), v) FROM u ORDER BY HEX(id)";
  const std::string target = "SELECT concat_ws('|', encode(id, 'hex'), v) FROM \"" + schema +
                             "\".u ORDER BY upper(encode(id, 'hex'))";

  Run r1 = RunJob(job);
  INFO("run 1: " << r1.err);
  REQUIRE(r1.exit_code == 0);
  CHECK(JsonInt(r1.json, "rows_read") == 303);
  CHECK(Psql(target) == MySql(source, db));
  // The newest row is X'FF..FF' (updated_at 00:00:30 ties; FF sorts last): stored as hex.
  CHECK(Trim(Psql("SELECT watermark->1->>'hex' FROM \"" + schema + "\".etl_state")) ==
        "ffffffffffffffffffffffffffffffff");

  // Run 2: new rows in the tie's second (with UUIDs below and above nothing special) and later.
  MySql(
      "INSERT INTO u SELECT UNHEX(MD5(seq)), CONCAT('n', seq), TIMESTAMP('2024-01-01 00:00:31') "
      "+ INTERVAL (seq DIV 10) SECOND FROM seq_301_to_340",
      db);
  Run r2 = RunJob(job);
  INFO("run 2: " << r2.err);
  REQUIRE(r2.exit_code == 0);
  CHECK(JsonInt(r2.json, "rows_read") == 40);
  CHECK(Psql(target) == MySql(source, db));

  // Run 3: updates move rows forward, the one with NUL and quote bytes among them.
  MySql(
      "UPDATE u SET v = CONCAT(v, '!'), updated_at = '2024-02-01' WHERE id = "
      "X'275C275C00FF00FF275C275C00FF00FF' OR id = X'00000000000000000000000000000000' OR v LIKE "
      "'v1_'",
      db);
  Run r3 = RunJob(job);
  INFO("run 3: " << r3.err);
  REQUIRE(r3.exit_code == 0);
  CHECK(JsonInt(r3.json, "rows_read") == 12);
  CHECK(Psql(target) == MySql(source, db));
  Run r4 = RunJob(job);
  REQUIRE(r4.exit_code == 0);
  CHECK(JsonInt(r4.json, "rows_read") == 0);
  // plan shows the binary half of the watermark as a hex literal, never as raw bytes.
  const auto plan = RunEtl({"plan", job});
  INFO("plan: " << plan.out << plan.err);
  CHECK(plan.exit_code == 0);
  const std::string stored =
      Trim(Psql("SELECT watermark->1->>'hex' FROM \"" + schema + "\".etl_state"));
  CHECK_THAT(plan.out,
             Catch::Contains("incremental after [2024-02-01 00:00:00.000000, 0x" + stored + "]"));
  // verify compares up to the binary watermark: the same rows on both sides.
  const auto verify = RunEtl({"verify", job});
  INFO("verify: " << verify.out << verify.err);
  CHECK(verify.exit_code == 0);
}

TEST_CASE("incremental types: decimal and unsigned bigint cursors compare exactly",
          "[cli][incremental]") {
  const std::string db = "ttypes_num";
  const std::string schema = "ttypes_num";
  ResetMySqlDatabase(db);
  ResetPgSchema(schema);
  // Neighbouring values are equal as doubles: a comparison with a quoted string (MySQL then
  // compares as double) reads nothing new.
  MySql(
      "CREATE TABLE d (id int PRIMARY KEY, amount decimal(30,10) NOT NULL, KEY (amount)) "
      "ENGINE=InnoDB; INSERT INTO d SELECT seq, 12345678901234567890 + seq * 0.0000000001 FROM "
      "seq_1_to_50; CREATE TABLE b (id bigint unsigned PRIMARY KEY, v int NOT NULL) "
      "ENGINE=InnoDB; INSERT INTO b SELECT 18446744073709551000 + seq, seq FROM seq_1_to_50",
      db);
  const std::string job =
      WriteTempFile(schema + ".yml", TableJob(db, schema, "d", Incremental("amount")) +
                                         "  b:\n    batch_size: "
                                         "7\n" +
                                         Incremental("id"));
  Run r1 = RunJob(job);
  INFO("run 1: " << r1.err);
  REQUIRE(r1.exit_code == 0);
  CHECK(Trim(Psql("SELECT string_agg(watermark::text, ' ' ORDER BY table_name) FROM \"" + schema +
                  "\".etl_state")) ==
        "[\"18446744073709551050\"] [\"12345678901234567890.0000000050\", \"50\"]");

  MySql(
      "INSERT INTO d VALUES (51, 12345678901234567890.0000000051), (52, "
      "12345678901234567890.0000000052); INSERT INTO b VALUES (18446744073709551051, 51), "
      "(18446744073709551615, 52)",
      db);
  Run r2 = RunJob(job);
  INFO("run 2: " << r2.err);
  REQUIRE(r2.exit_code == 0);
  CHECK(RowsRead(r2.json) == 4);
  CHECK(Psql("SELECT string_agg(amount::text, ',' ORDER BY id) FROM \"" + schema + "\".d") ==
        MySql("SELECT GROUP_CONCAT(amount ORDER BY id) FROM d", db));
  CHECK(Psql("SELECT string_agg(id::text, ',' ORDER BY id) FROM \"" + schema + "\".b") ==
        MySql("SELECT GROUP_CONCAT(id ORDER BY id) FROM b", db));
}

TEST_CASE("incremental types: a varchar cursor with quotes, backslashes and 4-byte UTF-8",
          "[cli][incremental]") {
  const std::string db = "ttypes_text";
  const std::string schema = "ttypes_text";
  ResetMySqlDatabase(db);
  ResetPgSchema(schema);
  MySql(
      "CREATE TABLE s (code varchar(40) COLLATE utf8mb4_bin PRIMARY KEY, n int NOT NULL) "
      "ENGINE=InnoDB; INSERT INTO s VALUES ('a''b', 1), ('a\\\\b', 2), ('a\\\\''', 3), "
      "('b😀''\\\\', 4)",
      db);
  const std::string job =
      WriteTempFile(schema + ".yml", TableJob(db, schema, "s", Incremental("code")));
  const std::string source = "SELECT CONCAT_WS('|', HEX(code), n) FROM s ORDER BY code";
  const std::string target =
      "SELECT concat_ws('|', upper(encode(convert_to(code, 'UTF8'), "
      "'hex')), n) FROM \"" +
      schema +
      "\".s ORDER BY convert_to(code, "
      "'UTF8')";
  Run r1 = RunJob(job);
  INFO("run 1: " << r1.err);
  REQUIRE(r1.exit_code == 0);
  CHECK(JsonInt(r1.json, "rows_read") == 4);
  CHECK(Trim(Psql("SELECT watermark->>0 FROM \"" + schema + "\".etl_state")) == "b😀'\\");

  // After the watermark b😀'\ in byte order: b😀'\x, b😀\, c'.
  MySql("INSERT INTO s VALUES ('b😀''\\\\x', 5), ('b😀\\\\', 6), ('c''', 7), ('a''c', 8)", db);
  Run r2 = RunJob(job);
  INFO("run 2: " << r2.err);
  REQUIRE(r2.exit_code == 0);
  CHECK(JsonInt(r2.json, "rows_read") == 3);  // a'c sorts below the watermark: not new
  MySql("DELETE FROM s WHERE n = 8", db);
  CHECK(Psql(target) == MySql(source, db));
}

TEST_CASE("incremental types: keyset pages on a FLOAT key neither repeat nor skip",
          "[cli][incremental]") {
  const std::string db = "ttypes_float";
  const std::string schema = "ttypes_float";
  ResetMySqlDatabase(db);
  ResetPgSchema(schema);
  // 1 + n/2^20 for n = 1..300: distinct floats that MySQL prints with 6 digits, mostly as "1".
  MySql(
      "CREATE TABLE f (k float PRIMARY KEY, n int NOT NULL) ENGINE=InnoDB; INSERT INTO f SELECT "
      "1 + seq * POW(2, -20), seq FROM seq_1_to_300; INSERT INTO f VALUES (-0.1, 0), (123456789, "
      "301)",
      db);
  CHECK(Trim(MySql("SELECT COUNT(DISTINCT CAST(k AS CHAR)) < 100 FROM f", db)) == "1");
  const std::string job = WriteTempFile(schema + ".yml", TableJob(db, schema, "f",
                                                                  "    performance:\n      "
                                                                  "chunking: auto\n"));
  Run r = RunJob(job);
  INFO("run: " << r.err << "\nreport: " << r.json);
  REQUIRE(r.exit_code == 0);
  CHECK(JsonInt(r.json, "rows_read") == 302);
  CHECK(Trim(Psql("SELECT count(*), count(DISTINCT k), sum(n) FROM \"" + schema + "\".f")) ==
        "302|302|45451");
  // Every value exact: the target's float4 equals the source's float.
  CHECK(Psql("SELECT string_agg(k::float8::text, ',' ORDER BY k) FROM \"" + schema + "\".f") ==
        MySql("SELECT GROUP_CONCAT(CAST(k AS DOUBLE) ORDER BY k) FROM f", db));
}
