// `etl verify` end to end against the real servers: tables loaded by `etl run` compare equal for
// every type of the mapping (both server-side checksums and --full-scan), and a changed value,
// a missing row and an extra row are each found with the right key and exit code 1.

#include <string>

#include <catch2/catch.hpp>

#include "support/test_env.h"

namespace {

using etl::testing::CommandResult;
using etl::testing::JobHeader;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::ResetMySqlDatabase;
using etl::testing::ResetPgSchema;
using etl::testing::RunEtl;
using etl::testing::WriteTempFile;

const char* const kDb = "tverify";

// Every type of the mapping, with the values that need care: zero dates, unsigned extremes,
// negative TIME, SET, BIT, JSON with keys out of jsonb's order and odd spacing, floats, NULLs,
// 4-byte UTF-8, binary with NUL bytes, ZEROFILL; plus columns under column_types overrides.
const char* const kTypesAll = R"sql(
CREATE TABLE types_all (
  id int PRIMARY KEY,
  bo tinyint(1), b1 bit(1), b10 bit(10), b64 bit(64),
  ti tinyint, tiu tinyint unsigned, si smallint, siu smallint unsigned, mi mediumint,
  i int, iu int unsigned, zf int(6) unsigned zerofill, bi bigint, biu bigint unsigned,
  d decimal(30,10), f float, dbl double,
  c char(5), vc varchar(40), tx text, e enum('', 'a', 'b c', 'it''s'), st set('x', 'y', 'z w'),
  j json, bn binary(4), vb varbinary(20), bl blob,
  dt date, dtm datetime(6), dt0 datetime, ts timestamp(6) NULL DEFAULT NULL,
  tm time(6), tm0 time, yr year, g geometry,
  ov_json text, ov_num decimal(12,4), ov_ts datetime(6), ov_txt int, ov_bin varbinary(8)
) ENGINE=InnoDB;
SET SESSION sql_mode = '';
SET time_zone = '+00:00';
INSERT INTO types_all (id) VALUES (1);
INSERT INTO types_all VALUES (2,
  0, b'0', b'0', b'0',
  -128, 0, -32768, 0, -8388608, -2147483648, 0, 0, -9223372036854775808, 0,
  -99999999999999999999.9999999999, -1.25, -2.2250738585072014e-308,
  '', '', '', '', '',
  'null', '', '', '',
  '0000-00-00', '0000-00-00 00:00:00', '1000-01-01 00:00:00', '0000-00-00 00:00:00',
  '-838:59:59', '-838:59:59', 0, ST_GeomFromText('POINT(0 0)'),
  '[]', 0, '2024-00-10 00:00:00', 0, '');
INSERT INTO types_all VALUES (3,
  5, b'1', b'1111111111', b'1111111111111111111111111111111111111111111111111111111111111111',
  127, 255, 32767, 65535, 8388607, 2147483647, 4294967295, 42, 9223372036854775807,
  18446744073709551615,
  99999999999999999999.9999999999, 3.4e38, 1.7976931348623157e308,
  'abcde', 'tab\there "q" \'s\' back\\slash', 'multi\nline\r\n\\.', 'it''s', 'x,z w',
  '{"zeta": 1, "a":[1, 2.50, {"c" :null}],  "s": "t\\"q\\u00e9", "b": 1e2, "b": 3}',
  x'00FF0000', x'00', x'0D0A2C225C2E00',
  '9999-12-31', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59',
  '2038-01-19 03:14:07.999999',
  '838:59:59.000000', '838:59:59', 2155, ST_GeomFromText('POINT(1.5 -2.25)'),
  '{ "k" : [1,2] , "a":true }', 12.3400, '2024-02-29 12:34:56.123456', 7, x'00FF');
INSERT INTO types_all VALUES (4,
  1, b'0', b'0000000101', b'1000000000000000000000000000000000000000000000000000000000000001',
  0, 1, 0, 1, 0, 0, 1, 1, 0, 1,
  0.0000000001, 0.1, 0.3333333333333333,
  'é€😀xy', 'héllo wörld 日本語 😀🎉', 'a\tb', 'b c', 'y',
  '"scalar ☃ 😀"', x'00', 'abc', x'00000000',
  '2024-02-00', '2024-02-29 12:34:56.000001', '2024-02-29 00:00:00', '1970-01-01 00:00:01',
  '-00:00:01.500000', '00:00:00', 1901, ST_GeomFromText('POINT(-180 90)'),
  '"x"', -0.5, '2024-01-01 00:00:00', -1, x'');
INSERT INTO types_all (id, vc, tx, j, d, f, dbl, tm)
  SELECT seq, CONCAT('row ', seq), REPEAT('x', seq), CONCAT('{"n": ', seq, ', "a": "', seq, '"}'),
         seq / 7, seq / 3, seq / 7, SEC_TO_TIME(seq * 37)
  FROM seq_100_to_400;
SET time_zone = '+05:00';
UPDATE types_all SET ts = '2024-06-01 12:00:00.5' WHERE id = 4;
)sql";

// Every type whose canonical text both servers print in SQL (no json, float or overrides), so
// this table is compared by key-range checksums; 20,000 rows with negative and sparse keys, so
// ranges are split before rows are compared.
const char* const kTypesSql = R"sql(
CREATE TABLE types_sql (
  id bigint PRIMARY KEY,
  bo tinyint(1), b1 bit(1), b10 bit(10), ti tinyint, iu int unsigned, zf int(6) unsigned zerofill,
  biu bigint unsigned, d decimal(30,10), c char(5), vc varchar(40), tx text,
  e enum('', 'a', 'b c'), st set('x', 'y', 'z w'), bn binary(4), bl blob,
  dt date, dtm datetime(6), ts timestamp(6) NULL DEFAULT NULL, tm time(6), yr year, g geometry,
  lat varchar(20) CHARACTER SET latin1
) ENGINE=InnoDB;
SET SESSION sql_mode = '';
SET time_zone = '+00:00';
INSERT INTO types_sql VALUES (-5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO types_sql VALUES (-4, 0, b'0', b'0', -128, 0, 0, 0, -99999999999999999999.9999999999,
  '', '', '', '', '', '', '', '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00',
  '-838:59:59', 0, ST_GeomFromText('POINT(0 0)'), '');
INSERT INTO types_sql VALUES (-3, 7, b'1', b'1111111111', 127, 4294967295, 42, 18446744073709551615,
  0.0000000001, 'é😀', 'it''s "q" \\ \t', 'multi\nline', 'b c', 'x,z w', x'00FF0000', x'000A00',
  '2024-02-00', '2024-02-29 12:34:56.000001', '2038-01-19 03:14:07.999999', '-00:00:01.500000',
  2155, ST_GeomFromText('POINT(1.5 -2.25)'), 'café | ü');
INSERT INTO types_sql (id, bo, iu, d, vc, tx, e, st, bn, dt, dtm, ts, tm, yr)
  SELECT seq * 3, seq % 2, seq, seq / 7, CONCAT('row ', seq, ' ü'), REPEAT('y', seq % 50),
         ELT(1 + seq % 3, '', 'a', 'b c'), ELT(1 + seq % 4, '', 'x', 'x,y', 'z w'),
         UNHEX(LPAD(HEX(seq), 8, '0')), '2020-01-01' + INTERVAL seq DAY,
         '2020-01-01 00:00:00' + INTERVAL seq * 61 SECOND + INTERVAL seq MICROSECOND,
         '2021-01-01 00:00:00' + INTERVAL seq SECOND, SEC_TO_TIME(CAST(seq AS SIGNED) - 10000), 1901 + seq % 200
  FROM seq_1_to_20000;
)sql";

const char* const kKeyless = R"sql(
CREATE TABLE keyless (v varchar(20), d date, n decimal(8,2)) ENGINE=InnoDB;
INSERT INTO keyless VALUES ('a', '2024-01-01', 1.50), ('a', '2024-01-01', 1.50), (NULL, NULL, NULL),
  ('ü😀', '0000-00-00', -2.00);
CREATE TABLE keyless_json (n int, j json) ENGINE=InnoDB;
INSERT INTO keyless_json VALUES (1, '{"b": 1, "a": 2}'), (1, '{"b": 1, "a": 2}'), (2, NULL),
  (3, '[1.50, "x"]');
CREATE TABLE inc (id int PRIMARY KEY, updated_at datetime NOT NULL, v varchar(20)) ENGINE=InnoDB;
INSERT INTO inc SELECT seq, '2024-01-01 00:00:00' + INTERVAL seq MINUTE, CONCAT('v', seq)
  FROM seq_1_to_50;
CREATE TABLE text_key (code varchar(20) PRIMARY KEY, n int) ENGINE=InnoDB;
INSERT INTO text_key VALUES ('a', 1), ('B', 2), ('é', 3), ('Z', 4), ('a b', 5), ('😀', 6),
  ('ab', 7), ('A-1', 8);
)sql";

void SetUpSource() {
  static bool done = false;
  if (done) return;
  ResetMySqlDatabase(kDb);
  MySql(kTypesAll, kDb);
  MySql(kTypesSql, kDb);
  MySql(kKeyless, kDb);
  done = true;
}

std::string Job(const std::string& schema) {
  return WriteTempFile("verify_" + schema + ".yml", JobHeader(kDb, schema) + R"yml(
tables:
  types_all:
    batch_size: 1000
    column_types: {ov_json: jsonb, ov_num: numeric, ov_ts: timestamp(3), ov_txt: text, ov_bin: bytea}
  types_sql:
    batch_size: 5000
  keyless:
    batch_size: 1000
  keyless_json:
    batch_size: 1000
  text_key:
    batch_size: 1000
  inc:
    batch_size: 1000
    extraction_strategy: incremental
    incremental_columns: [updated_at]
    where: "v <> 'hidden'"
)yml");
}

// Loads the tables (all when none are named) into a fresh schema; returns the job file.
std::string Loaded(const std::string& schema, const std::vector<std::string>& tables = {}) {
  etl::testing::RequireServers();
  SetUpSource();
  ResetPgSchema(schema);
  const std::string job = Job(schema);
  std::vector<std::string> args = {"run", job, "--progress", "never"};
  for (const auto& t : tables) {
    args.push_back("--table");
    args.push_back(t);
  }
  const CommandResult run = RunEtl(args);
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  return job;
}

CommandResult Verify(const std::string& job, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"verify", job};
  args.insert(args.end(), extra.begin(), extra.end());
  return RunEtl(args);
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct Change {
  const char* column;
  const char* expr;  // the new value, in PostgreSQL
};

// Changes one column per row (ids first_id, first_id + step, ...) in the target; returns the
// "id=N (column)" texts verify must print.
std::vector<std::string> ChangeEveryColumn(const std::string& table,
                                           const std::vector<Change>& changes, int first_id,
                                           int step) {
  std::vector<std::string> expected;
  std::string sql;
  int id = first_id;
  for (const auto& c : changes) {
    sql += "UPDATE " + table + " SET \"" + c.column + "\" = " + c.expr +
           " WHERE id = " + std::to_string(id) + ";";
    expected.push_back("id=" + std::to_string(id) + " (" + c.column + ")");
    id += step;
  }
  Psql(sql);
  return expected;
}

}  // namespace

TEST_CASE("verify: an exact copy of every mapped type is equal, by checksums and by --full-scan",
          "[verify]") {
  const std::string job = Loaded("tverify_equal");
  const CommandResult v = Verify(job);
  INFO(v.out << v.err);
  CHECK(v.exit_code == 0);
  CHECK(Has(v.out, "types_all: equal, 305 rows (row by row in the client"));
  CHECK(Has(v.out, "types_sql: equal, 20003 rows (checksums of 1 key range of id"));
  CHECK(Has(v.out, "keyless: equal, 4 rows (no key: one whole-table checksum on each server"));
  CHECK(Has(v.out, "keyless_json: equal, 4 rows (no key: one whole-table checksum of every row"));
  CHECK(Has(v.out, "text_key: equal, 8 rows (one whole-table checksum on each server"));
  CHECK(Has(v.out, "verify: 6 equal, 0 different, 0 failed"));

  const CommandResult full = Verify(job, {"--full-scan"});
  INFO(full.out << full.err);
  CHECK(full.exit_code == 0);
  CHECK(Has(full.out, "types_sql: equal, 20003 rows (row by row (--full-scan)"));
  CHECK(Has(full.out, "verify: 6 equal, 0 different, 0 failed"));
}

TEST_CASE("verify: a changed value, a missing and an extra row are found by checksum ranges",
          "[verify]") {
  const std::string job = Loaded("tverify_ranges", {"types_sql"});
  Psql(
      "UPDATE tverify_ranges.types_sql SET vc = 'changed' WHERE id = 3000;"
      "DELETE FROM tverify_ranges.types_sql WHERE id = -3;"
      "INSERT INTO tverify_ranges.types_sql (id, vc) VALUES (1000000, 'extra')");
  for (const char* mode : {"checksums", "--full-scan"}) {
    INFO(mode);
    std::vector<std::string> extra = {"--table", "types_sql"};
    if (std::string(mode) == "--full-scan") extra.push_back(mode);
    const CommandResult v = Verify(job, extra);
    INFO(v.out << v.err);
    CHECK(v.exit_code == 1);
    CHECK(Has(v.out, "types_sql: DIFFERENT: source 20003 rows, target 20003 rows"));
    CHECK(Has(v.out, "changed (1): id=3000 (vc)"));
    CHECK(Has(v.out, "missing in target (1): id=-3"));
    CHECK(Has(v.out, "extra in target (1): id=1000000"));
    CHECK(Has(v.out, "verify: 0 equal, 1 different, 0 failed"));
  }
}

TEST_CASE("verify: differences in json, float and overridden columns are found row by row",
          "[verify]") {
  const std::string job = Loaded("tverify_rows", {"types_all"});
  // The same document in another spelling is no difference; another value is.
  Psql(
      "UPDATE tverify_rows.types_all SET j = '{\"a\": \"100\", \"n\": 100}' WHERE id = 100;"
      "UPDATE tverify_rows.types_all SET j = '{\"n\": 101, \"a\": \"other\"}' WHERE id = 101;"
      "UPDATE tverify_rows.types_all SET dbl = dbl + 1e-9 WHERE id = 102;"
      "UPDATE tverify_rows.types_all SET ov_ts = ov_ts + interval '1 ms' WHERE id = 3;"
      "DELETE FROM tverify_rows.types_all WHERE id = 4;"
      "INSERT INTO tverify_rows.types_all (id) VALUES (5)");
  const CommandResult v = Verify(job, {"--table", "types_all"});
  INFO(v.out << v.err);
  CHECK(v.exit_code == 1);
  CHECK(Has(v.out, "changed (3): id=3 (ov_ts), id=101 (j), id=102 (dbl)"));
  CHECK(Has(v.out, "missing in target (1): id=4"));
  CHECK(Has(v.out, "extra in target (1): id=5"));
}

TEST_CASE("verify: tables without a key and with a text key", "[verify]") {
  const std::string job = Loaded("tverify_nokey", {"keyless", "keyless_json", "text_key"});
  Psql(
      "UPDATE tverify_nokey.keyless SET n = 1.51 WHERE v IS NULL OR n = -2;"
      "UPDATE tverify_nokey.keyless_json SET j = '{\"a\": 2}' WHERE n = 3;"
      "UPDATE tverify_nokey.text_key SET n = 70 WHERE code = 'ab';"
      "DELETE FROM tverify_nokey.text_key WHERE code = 'é'");
  const CommandResult v =
      Verify(job, {"--table", "keyless", "--table", "keyless_json", "--table", "text_key"});
  INFO(v.out << v.err);
  CHECK(v.exit_code == 1);
  CHECK(Has(v.out, "keyless: DIFFERENT: source 4 rows, target 4 rows"));
  CHECK(Has(v.out, "keyless_json: DIFFERENT: source 4 rows, target 4 rows"));
  CHECK(Has(v.out, "the row counts agree but the checksums differ"));
  CHECK(Has(v.out, "without a key, rows that differ cannot be named"));
  CHECK(Has(v.out, "changed (1): code='ab' (n)"));
  CHECK(Has(v.out, "missing in target (1): code='é'"));
  CHECK(Has(v.out, "verify: 0 equal, 3 different, 0 failed"));
}

TEST_CASE(
    "verify: --table selects tables, target-only columns are ignored, unknown tables are a usage "
    "error",
    "[verify]") {
  const std::string job = Loaded("tverify_select", {"keyless"});
  // A column only the target has (someone else's) is not compared.
  Psql("ALTER TABLE tverify_select.keyless ADD COLUMN seen_by text DEFAULT 'bi'");
  const CommandResult one = Verify(job, {"--table", "keyless"});
  INFO(one.out << one.err);
  CHECK(one.exit_code == 0);
  CHECK(Has(one.out, "(1 table)"));
  CHECK(Has(one.out, "verify: 1 equal, 0 different, 0 failed"));
  CHECK_FALSE(Has(one.out, "text_key"));

  const CommandResult missing = Verify(job, {"--table", "text_key"});
  CHECK(missing.exit_code == 1);
  CHECK(Has(missing.out, "text_key: FAILED: target table tverify_select.text_key does not exist"));

  const CommandResult unknown = Verify(job, {"--table", "nope"});
  CHECK(unknown.exit_code == 2);
}

TEST_CASE("verify: incremental tables compare the rows up to the watermark, under the filter",
          "[verify]") {
  const std::string job = Loaded("tverify_inc", {"inc"});
  // After the load: one row changed and one added at the source (both past the watermark), one
  // row the filter hides. None of them is a difference.
  MySql(
      "UPDATE inc SET v = 'newer', updated_at = '2030-01-01' WHERE id = 7;"
      "INSERT INTO inc VALUES (51, '2030-01-02', 'added'), (52, '2020-01-01', 'hidden');",
      kDb);
  const CommandResult v = Verify(job, {"--table", "inc"});
  INFO(v.out << v.err);
  CHECK(v.exit_code == 0);
  CHECK(Has(v.out, "inc: equal"));
  CHECK(Has(v.out, "2 source rows past the watermark are pending"));

  Psql("UPDATE tverify_inc.inc SET v = 'wrong' WHERE id = 8");
  const CommandResult changed = Verify(job, {"--table", "inc"});
  INFO(changed.out << changed.err);
  CHECK(changed.exit_code == 1);
  CHECK(Has(changed.out, "changed (1): id=8 (v)"));
}

TEST_CASE("verify: a change in any column of any type is found, by checksums and row by row",
          "[verify]") {
  const std::string job = Loaded("tverify_each", {"types_sql", "types_all"});
  // Filler rows hold NULL in many columns: a value there is a change too.
  const auto in_sql = ChangeEveryColumn("tverify_each.types_sql",
                                        {{"bo", "NOT bo"},
                                         {"b1", "true"},
                                         {"b10", "B'0000000001'"},
                                         {"ti", "5"},
                                         {"iu", "iu + 1"},
                                         {"zf", "7"},
                                         {"biu", "18446744073709551615"},
                                         {"d", "d + 0.0000000001"},
                                         {"c", "'zz'"},
                                         {"vc", "vc || '!'"},
                                         {"tx", "tx || ' '"},
                                         {"e", "CASE WHEN e = 'a' THEN 'b c' ELSE 'a' END"},
                                         {"st", "'{x,y,z w}'"},
                                         {"bn", "'\\x01020304'"},
                                         {"bl", "'\\x00'"},
                                         {"dt", "dt + 1"},
                                         {"dtm", "dtm + interval '1 microsecond'"},
                                         {"ts", "ts + interval '1 second'"},
                                         {"tm", "tm + interval '1 second'"},
                                         {"yr", "yr + 1"},
                                         {"g", "'\\x00'"},
                                         {"lat", "'ü'"}},
                                        3, 3);
  const auto in_all = ChangeEveryColumn("tverify_each.types_all",
                                        {{"bo", "true"},
                                         {"b64", "B'1'::bit(64)"},
                                         {"tiu", "1"},
                                         {"si", "1"},
                                         {"siu", "1"},
                                         {"mi", "1"},
                                         {"i", "1"},
                                         {"bi", "1"},
                                         {"f", "0.5"},
                                         {"dbl", "dbl + 1e-12"},
                                         {"j", "'{\"n\": 1}'"},
                                         {"vb", "'\\x'"},
                                         {"dt0", "'2000-01-01'"},
                                         {"tm0", "'00:00:01'"},
                                         {"ov_json", "'[1]'"},
                                         {"ov_num", "0"},
                                         {"ov_txt", "'x'"},
                                         {"ov_bin", "'\\x00'"}},
                                        200, 1);
  for (const bool full_scan : {false, true}) {
    INFO("full scan " << full_scan);
    std::vector<std::string> args = {"--max-keys", "50"};
    if (full_scan) args.push_back("--full-scan");
    const CommandResult v = Verify(job, args);
    INFO(v.out << v.err);
    CHECK(v.exit_code == 1);
    CHECK(Has(v.out, "changed (22): "));
    CHECK(Has(v.out, "changed (18): "));
    for (const auto& e : in_sql)
      CHECK(Has(v.out, e));
    for (const auto& e : in_all)
      CHECK(Has(v.out, e));
  }
}
