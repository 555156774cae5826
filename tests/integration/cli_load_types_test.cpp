// `etl run` end to end: an edge-value table covering every row of the contract's type mapping,
// copied under every strategy and copy format, compared value by value with the source.
//
// Most columns are compared "derived": the same rows are rendered to text on both sides (hex for
// strings and bytes, fixed formats for dates) and the renderings must be equal row by row. Floats,
// intervals, JSON and time zones are compared against explicit expected PostgreSQL values.

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "support/test_env.h"

namespace {

using etl::testing::JobHeader;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::ResetMySqlDatabase;
using etl::testing::ResetPgSchema;
using etl::testing::RunEtl;
using etl::testing::Trim;
using etl::testing::WriteTempFile;

const char* const kDb = "tload_types";

// One column compared by rendering it to the same text on both sides (NULL -> '~').
struct Rendered {
  std::string name;
  std::string mysql_expr;
  std::string pg_expr;
};

std::string Hexed(const std::string& c) {
  return "HEX(`" + c + "`)";
}
std::string PgTextHex(const std::string& c) {
  return "upper(encode(convert_to(\"" + c + "\", 'UTF8'), 'hex'))";
}
std::string PgByteHex(const std::string& c) {
  return "upper(encode(\"" + c + "\", 'hex'))";
}
std::string MyBool(const std::string& c) {
  return "IF(`" + c + "` IS NULL, NULL, IF(`" + c + "` + 0 <> 0, 't', 'f'))";
}
std::string PgBool(const std::string& c) {
  return "CASE WHEN \"" + c + "\" IS NULL THEN NULL WHEN \"" + c + "\" THEN 't' ELSE 'f' END";
}
std::string MyZeroDateAs(const std::string& c, const std::string& fmt) {
  return "IF(MONTH(`" + c + "`) = 0 OR DAYOFMONTH(`" + c + "`) = 0, NULL, DATE_FORMAT(`" + c +
         "`, '" + fmt + "'))";
}

std::vector<Rendered> RenderedColumns() {
  std::vector<Rendered> cols;
  for (const char* c :
       {"id", "ti", "tiu", "si", "siu", "mi", "miu", "i", "iu", "bi", "biu", "d30", "d65", "yr"}) {
    cols.push_back(
        {c, std::string("CAST(`") + c + "` AS CHAR)", std::string("\"") + c + "\"::text"});
  }
  for (const char* c : {"bo", "bo2", "b1"})
    cols.push_back({c, MyBool(c), PgBool(c)});
  for (const char* c : {"c", "vc", "tt", "tx", "mt", "lt", "e"}) {
    cols.push_back({c, Hexed(c), PgTextHex(c)});
  }
  cols.push_back({"st",
                  "CONCAT(`st`, '#', IF(`st` = '', 0, LENGTH(`st`) - LENGTH(REPLACE(`st`, ',', "
                  "'')) + 1))",
                  "array_to_string(\"st\", ',') || '#' || cardinality(\"st\")"});
  for (const char* c : {"bn", "vb", "tb", "bl", "mb", "lb"}) {
    cols.push_back({c, Hexed(c), PgByteHex(c)});
  }
  cols.push_back({"b10", "LPAD(BIN(`b10` + 0), 10, '0')", "\"b10\"::text"});
  cols.push_back({"b64", "LPAD(BIN(`b64` + 0), 64, '0')", "\"b64\"::text"});
  cols.push_back({"dt", MyZeroDateAs("dt", "%Y-%m-%d"), "to_char(\"dt\", 'YYYY-MM-DD')"});
  for (const char* c : {"dtm", "dt0"}) {
    cols.push_back({c, MyZeroDateAs(c, "%Y-%m-%d %H:%i:%s.%f"),
                    std::string("to_char(\"") + c + "\", 'YYYY-MM-DD HH24:MI:SS.US')"});
  }
  cols.push_back({"ts", MyZeroDateAs("ts", "%Y-%m-%d %H:%i:%s.%f"),
                  "to_char(\"ts\" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"});
  cols.push_back({"g", "HEX(ST_AsWKB(`g`))", PgByteHex("g")});
  return cols;
}

// The PostgreSQL type each column must get (format_type), per the contract's mapping table.
const std::map<std::string, std::string>& ExpectedTypes() {
  static const std::map<std::string, std::string> types = {
      {"id", "integer"},
      {"bo", "boolean"},
      {"bo2", "boolean"},
      {"ti", "smallint"},
      {"tiu", "smallint"},
      {"si", "smallint"},
      {"siu", "integer"},
      {"mi", "integer"},
      {"miu", "integer"},
      {"i", "integer"},
      {"iu", "bigint"},
      {"bi", "bigint"},
      {"biu", "numeric(20,0)"},
      {"d30", "numeric(30,10)"},
      {"d65", "numeric(65,30)"},
      {"f", "real"},
      {"dbl", "double precision"},
      {"c", "character varying(5)"},
      {"vc", "character varying(100)"},
      {"tt", "text"},
      {"tx", "text"},
      {"mt", "text"},
      {"lt", "text"},
      {"e", "text"},
      {"st", "text[]"},
      {"j", "jsonb"},
      {"bn", "bytea"},
      {"vb", "bytea"},
      {"tb", "bytea"},
      {"bl", "bytea"},
      {"mb", "bytea"},
      {"lb", "bytea"},
      {"b1", "boolean"},
      {"b10", "bit varying(10)"},
      {"b64", "bit varying(64)"},
      {"dt", "date"},
      {"dtm", "timestamp(6) without time zone"},
      {"dt0", "timestamp(0) without time zone"},
      {"ts", "timestamp(6) with time zone"},
      {"tm", "interval(6)"},
      {"tm0", "interval(0)"},
      {"yr", "smallint"},
      {"g", "bytea"},
  };
  return types;
}

const char* const kCreateEdge = R"sql(
CREATE TABLE edge (
  id int PRIMARY KEY,
  bo tinyint(1), bo2 bool,
  ti tinyint, tiu tinyint unsigned, si smallint, siu smallint unsigned,
  mi mediumint, miu mediumint unsigned, i int, iu int unsigned,
  bi bigint, biu bigint unsigned,
  d30 decimal(30,10), d65 decimal(65,30),
  f float, dbl double,
  c char(5), vc varchar(100), tt tinytext, tx text, mt mediumtext, lt longtext,
  e enum('','a','b c','it''s','é'), st set('x','y','z w'),
  j json,
  bn binary(4), vb varbinary(20), tb tinyblob, bl blob, mb mediumblob, lb longblob,
  b1 bit(1), b10 bit(10), b64 bit(64),
  dt date, dtm datetime(6), dt0 datetime, ts timestamp(6) NULL DEFAULT NULL,
  tm time(6), tm0 time, yr year,
  g geometry
) ENGINE=InnoDB;
)sql";

// Row 1: all NULL. Row 2: minimums, empty values, zero dates. Row 3: maximums and the characters
// that COPY formats treat specially. Row 4/5: UTF-8, fractions, invalid dates. Rows 100..400:
// fillers so batches and parallel parts have something to split.
const char* const kInsertEdge = R"sql(
SET SESSION sql_mode = '';
SET time_zone = '+00:00';
INSERT INTO edge (id) VALUES (1);
INSERT INTO edge VALUES (2,
  0, 0,
  -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,
  -99999999999999999999.9999999999,
  -99999999999999999999999999999999999.999999999999999999999999999999,
  -1.25, -2.2250738585072014e-308,
  '', '', '', '', '', '', '', '',
  'null',
  '', '', '', '', '', '',
  b'0', b'0', b'0',
  '0000-00-00', '0000-00-00 00:00:00', '1000-01-01 00:00:00', '0000-00-00 00:00:00',
  '-838:59:59', '-838:59:59', 1901,
  ST_GeomFromText('POINT(0 0)'));
INSERT INTO edge VALUES (3,
  1, 127,
  127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,
  9223372036854775807, 18446744073709551615,
  99999999999999999999.9999999999,
  99999999999999999999999999999999999.999999999999999999999999999999,
  3.4e38, 1.7976931348623157e308,
  'abcde', 'tab\there, "q" \'s\' back\\slash; comma,', '\\N', 'NULL', '\\.',
  'multi\nline\r\nwith \\. inside\n\\.\nend',
  'it''s', 'x,y,z w',
  '{"b": 1, "a": [1, 2, {"c": null}], "s": "t\\"q\\\\n"}',
  x'DEADBEEF', x'00FF0000', x'00', x'5C4E', x'0D0A2C225C2E', REPEAT(x'00FF5C0A', 3000),
  b'1', b'1111111111', b'1111111111111111111111111111111111111111111111111111111111111111',
  '9999-12-31', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59',
  '2038-01-19 03:14:07.999999',
  '838:59:59.000000', '838:59:59', 2155,
  ST_GeomFromText('POINT(1.5 -2.25)'));
INSERT INTO edge VALUES (4,
  5, 1,
  0, 1, 0, 1, 0, 1, 0, 1, 0, 1,
  0.0000000001, 0.000000000000000000000000000001,
  0.5, 0.3333333333333333,
  'é€😀xy', 'héllo wörld 日本語 😀🎉', 'comma,separated,"quoted"', 'a\tb\tc', 'cr\ronly',
  'double \\\\ back', 'é', 'y',
  '"scalar ☃ 😀"',
  x'00', 'abc', '\\N', 'NULL', x'00000000', '',
  b'0', b'0000000101', b'1000000000000000000000000000000000000000000000000000000000000001',
  '2024-00-10', '2024-02-29 12:34:56.000001', '2024-02-29 00:00:00', NULL,
  '-00:00:01.500000', '00:00:00', 2024,
  ST_GeomFromText('POINT(-180 90)'));
INSERT INTO edge VALUES (5,
  NULL, NULL,
  -1, NULL, -1, NULL, -1, NULL, -1, NULL, -1, NULL,
  -0.5, 1.5,
  NULL, NULL,
  '"', ',', '\\', '''', '\n', '\r\n', 'a', 'x,z w',
  '[1, "two", 3.5e2, {"ü": "😀"}, [], {}, "\\u00e9\\t"]',
  NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, b'1000000000', NULL,
  '2024-02-00', '2024-00-10 10:00:00', NULL, NULL,
  '12:34:56.789012', '-12:00:00', NULL,
  NULL);
INSERT INTO edge (id, vc, lt, j, d30) SELECT seq, CONCAT('row ', seq), REPEAT('x', seq),
  CONCAT('{"n": ', seq, '}'), seq / 7 FROM seq_100_to_400;
SET time_zone = '+05:00';
UPDATE edge SET ts = '2024-06-01 12:00:00.5' WHERE id = 4;
)sql";

// A table without a primary key whose single column makes each value a whole COPY line.
const char* const kCreateNoPk = R"sql(
CREATE TABLE nopk (v text) ENGINE=InnoDB;
INSERT INTO nopk VALUES ('\\.'), (''), (NULL), ('\\N'), ('x'), ('NULL'), ('x'), ('"'), ('\\');
)sql";

void SetUpSource() {
  static bool done = false;
  if (done) return;
  ResetMySqlDatabase(kDb);
  MySql(kCreateEdge, kDb);
  MySql(kInsertEdge, kDb);
  MySql(kCreateNoPk, kDb);
  done = true;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    out.push_back(line);
  return out;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// Per row, the rendered columns joined by '|'.
std::vector<std::string> MySqlRendering() {
  static std::vector<std::string> cached;
  if (!cached.empty()) return cached;
  std::string select = "SET time_zone = '+00:00'; SELECT CONCAT_WS('|'";
  for (const auto& c : RenderedColumns())
    select += ", COALESCE(" + c.mysql_expr + ", '~')";
  select += ") FROM edge ORDER BY id";
  cached = Lines(MySql(select, kDb));
  return cached;
}

std::vector<std::string> PgRendering(const std::string& schema, const std::string& table) {
  std::string select = "SELECT concat_ws('|'";
  for (const auto& c : RenderedColumns())
    select += ", COALESCE(" + c.pg_expr + ", '~')";
  select += ") FROM \"" + schema + "\".\"" + table + "\" ORDER BY id";
  return Lines(Psql(select));
}

// Ids of rows whose `expr_target` differs from the expected value in `values` (id, literal).
std::string Mismatches(const std::string& qualified, const std::string& column,
                       const std::string& pg_type,
                       const std::vector<std::pair<int, std::string>>& values,
                       const std::string& compare_expr = "") {
  std::string v;
  for (const auto& [id, lit] : values) {
    v += (v.empty() ? "" : ", ") + std::string("(") + std::to_string(id) + ", " + lit +
         "::" + pg_type + ")";
  }
  const std::string lhs = compare_expr.empty() ? "t.\"" + column + "\"" : compare_expr;
  return Trim(Psql("SELECT string_agg(t.id::text || '=' || coalesce(" + lhs +
                   "::text, 'NULL'), ', ' ORDER BY t.id) FROM " + qualified +
                   " t LEFT JOIN (VALUES " + v + ") e(id, x) USING (id) WHERE " + lhs +
                   " IS DISTINCT FROM e.x"));
}

void CheckEdgeTable(const std::string& schema) {
  const std::string q = "\"" + schema + "\".edge";
  // Column types.
  const auto rows = Lines(
      Psql("SELECT attname || '=' || format_type(atttypid, atttypmod) FROM pg_attribute WHERE "
           "attrelid = '" +
           q + "'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum"));
  std::map<std::string, std::string> actual;
  for (const auto& r : rows) {
    const auto eq = r.find('=');
    actual[r.substr(0, eq)] = r.substr(eq + 1);
  }
  CHECK(actual.size() == ExpectedTypes().size());
  for (const auto& [name, type] : ExpectedTypes()) {
    INFO("column " << name);
    CHECK(actual[name] == type);
  }
  CHECK(Trim(Psql("SELECT count(*) FROM pg_constraint WHERE conrelid = '" + q +
                  "'::regclass AND contype = 'p'")) == "1");
  // The enum column carries a CHECK of its members: a value outside them is refused.
  CHECK(
      Trim(Psql("SELECT count(*) FROM pg_constraint WHERE conrelid = '" + q +
                "'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%it''''s%'")) ==
      "1");

  // Rendered columns, row by row.
  const auto expected = MySqlRendering();
  const auto got = PgRendering(schema, "edge");
  REQUIRE(got.size() == expected.size());
  const auto cols = RenderedColumns();
  for (std::size_t r = 0; r < expected.size(); ++r) {
    const auto e = Split(expected[r], '|');
    const auto g = Split(got[r], '|');
    REQUIRE(e.size() == cols.size());
    REQUIRE(g.size() == cols.size());
    for (std::size_t c = 0; c < cols.size(); ++c) {
      if (e[c] == g[c]) continue;
      INFO("row id " << e[0] << ", column " << cols[c].name);
      CHECK(g[c] == e[c]);
    }
  }

  // Explicit expectations.
  CHECK(Mismatches(q, "f", "real", {{2, "'-1.25'"}, {3, "'3.4e38'"}, {4, "'0.5'"}}) == "");
  CHECK(Mismatches(q, "dbl", "double precision",
                   {{2, "'-2.2250738585072014e-308'"},
                    {3, "'1.7976931348623157e308'"},
                    {4, "'0.3333333333333333'"}}) == "");
  CHECK(
      Mismatches(
          q, "tm", "text",
          {{2, "'-838:59:59'"}, {3, "'838:59:59'"}, {4, "'-00:00:01.5'"}, {5, "'12:34:56.789012'"}},
          "t.tm::text") == "");
  CHECK(Mismatches(q, "tm0", "text",
                   {{2, "'-838:59:59'"}, {3, "'838:59:59'"}, {4, "'00:00:00'"}, {5, "'-12:00:00'"}},
                   "t.tm0::text") == "");
  // timestamp is read in UTC whatever session zone wrote it (row 4 was written at +05:00).
  CHECK(Mismatches(q, "ts", "timestamptz",
                   {{3, "'2038-01-19 03:14:07.999999+00'"}, {4, "'2024-06-01 07:00:00.5+00'"}}) ==
        "");
  // Zero and invalid dates are NULL (the contract's '2024-00-10').
  CHECK(Trim(Psql("SELECT string_agg(id::text, ',' ORDER BY id) FROM " + q +
                  " WHERE id <= 5 AND dt IS NULL")) == "1,2,4,5");
  CHECK(Trim(Psql("SELECT string_agg(id::text, ',' ORDER BY id) FROM " + q +
                  " WHERE id <= 5 AND dtm IS NULL")) == "1,2,5");
  CHECK(Trim(Psql("SELECT biu::text FROM " + q + " WHERE id = 3")) == "18446744073709551615");
  CHECK(Trim(Psql("SELECT b64::text FROM " + q + " WHERE id = 3")) == std::string(64, '1'));
  CHECK(Trim(Psql("SELECT encode(g, 'hex') FROM " + q + " WHERE id = 3")) ==
        "0101000000000000000000f83f00000000000002c0");
  CHECK(Trim(Psql("SELECT string_agg(bo::text, ',' ORDER BY id) FROM " + q + " WHERE id <= 4")) ==
        "false,true,true");

  // JSON: each document equals the source's text read as jsonb (JSON null is not SQL NULL).
  std::vector<std::pair<int, std::string>> docs;
  for (const auto& line : Lines(MySql("SELECT CONCAT(id, ' ', HEX(j)) FROM edge WHERE j IS NOT "
                                      "NULL AND id < 100 ORDER BY id",
                                      kDb))) {
    const auto sp = line.find(' ');
    docs.push_back({std::stoi(line.substr(0, sp)),
                    "convert_from(decode('" + line.substr(sp + 1) + "', 'hex'), 'UTF8')"});
  }
  REQUIRE(docs.size() == 4);
  CHECK(Mismatches(q, "j", "jsonb", docs, "(CASE WHEN t.id < 100 THEN t.j END)") == "");
  CHECK(Trim(Psql("SELECT count(*) FROM " + q +
                  " WHERE id >= 100 AND j = jsonb_build_object('n', "
                  "id)")) == "301");
  CHECK(Trim(Psql("SELECT jsonb_typeof(j) FROM " + q + " WHERE id = 2")) == "null");
  CHECK(Trim(Psql("SELECT j->>0 FROM " + q + " WHERE id = 4")) == "scalar ☃ 😀");
}

std::string EdgeJob(const std::string& schema, const std::string& performance) {
  return JobHeader(kDb, schema) +
         "tables:\n"
         "  edge:\n"
         "    batch_size: 50\n"
         "    performance:\n" +
         performance;
}

void RunAndCheck(const std::string& schema, const std::string& strategy,
                 const std::string& copy_format) {
  SetUpSource();
  ResetPgSchema(schema);
  const std::string job = WriteTempFile(
      schema + ".yml",
      EdgeJob(schema, "      parallel_chunks: 4\n      copy_format: " + copy_format + "\n"));
  const std::string report = job + ".report.json";
  auto r =
      RunEtl({"run", job, "--strategy", strategy, "--report-json", report, "--progress", "never"});
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  const std::string json = etl::testing::RunShell("cat '" + report + "'").out;
  CHECK(json.find("\"strategy\":\"" + strategy + "\"") != std::string::npos);
  CHECK(json.find("\"rows_written\":306") != std::string::npos);
  CheckEdgeTable(schema);
  // A second run over the existing table (TRUNCATE path) gives the same content.
  auto again = RunEtl({"run", job, "--strategy", strategy, "--progress", "never"});
  INFO("second run stderr: " << again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(PgRendering(schema, "edge") == MySqlRendering());
}

}  // namespace

TEST_CASE("load types: standard strategy keeps every edge value", "[cli][load]") {
  RunAndCheck("tload_types_standard", "standard", "csv");
}

TEST_CASE("load types: streaming strategy keeps every edge value", "[cli][load]") {
  RunAndCheck("tload_types_streaming", "streaming", "csv");
}

TEST_CASE("load types: copy_csv with csv format keeps every edge value", "[cli][load]") {
  RunAndCheck("tload_types_copy_csv", "copy_csv", "csv");
}

TEST_CASE("load types: copy_csv with text format keeps every edge value", "[cli][load]") {
  RunAndCheck("tload_types_copy_text", "copy_csv", "text");
}

TEST_CASE("load types: copy_csv with binary format keeps every edge value", "[cli][load]") {
  RunAndCheck("tload_types_copy_binary", "copy_csv", "binary");
}

TEST_CASE("load types: parallel strategy keeps every edge value", "[cli][load]") {
  RunAndCheck("tload_types_parallel", "parallel", "csv");
}

TEST_CASE("load types: parallel with binary format keeps every edge value", "[cli][load]") {
  RunAndCheck("tload_types_parallel_bin", "parallel", "binary");
}

TEST_CASE("load types: column_types overrides are cast by PostgreSQL", "[cli][load]") {
  SetUpSource();
  const std::string schema = "tload_types_override";
  ResetPgSchema(schema);
  for (const std::string format : {"csv", "binary"}) {
    const std::string job = WriteTempFile(
        schema + "_" + format + ".yml",
        JobHeader(kDb, schema) +
            "tables:\n"
            "  edge:\n"
            "    batch_size: 100\n"
            "    column_types: {j: text, b10: text, dt: text, biu: text, ti: integer, "
            "d65: \"numeric\"}\n"
            "    performance:\n"
            "      strategy: copy_csv\n"
            "      copy_format: " +
            format + "\n");
    ResetPgSchema(schema);
    auto r = RunEtl({"run", job, "--progress", "never"});
    INFO("format " << format << "\nstderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    const std::string q = "\"" + schema + "\".edge";
    CHECK(Trim(Psql("SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' "
                    "ORDER BY attname) FROM pg_attribute WHERE attrelid = '" +
                    q + "'::regclass AND attname IN ('j', 'b10', 'dt', 'biu', 'ti', 'd65')")) ==
          "b10 text, biu text, d65 numeric, dt text, j text, ti integer");
    // j as text is MySQL's JSON text byte for byte.
    CHECK(Lines(Psql("SELECT id || ' ' || coalesce(upper(encode(convert_to(j, 'UTF8'), 'hex')), "
                     "'~') FROM " +
                     q + " ORDER BY id")) ==
          Lines(MySql("SELECT CONCAT(id, ' ', COALESCE(HEX(j), '~')) FROM edge ORDER BY id", kDb)));
    CHECK(Trim(Psql("SELECT string_agg(coalesce(b10, '~'), ',' ORDER BY id) FROM " + q +
                    " WHERE id <= 5")) == "~,0000000000,1111111111,0000000101,1000000000");
    CHECK(Trim(Psql("SELECT string_agg(coalesce(dt, '~'), ',' ORDER BY id) FROM " + q +
                    " WHERE id <= 5")) == "~,~,9999-12-31,~,~");
    CHECK(Trim(Psql("SELECT biu FROM " + q + " WHERE id = 3")) == "18446744073709551615");
    CHECK(Trim(Psql("SELECT d65::text FROM " + q + " WHERE id = 3")) ==
          "99999999999999999999999999999999999.999999999999999999999999999999");
    CHECK(Trim(Psql("SELECT string_agg(coalesce(ti::text, '~'), ',' ORDER BY id) FROM " + q +
                    " WHERE id <= 5")) == "~,-128,127,0,-1");
  }
}

TEST_CASE("load types: a tinyint(1) overridden as smallint keeps MySQL's number", "[cli][load]") {
  SetUpSource();
  const std::string schema = "tload_types_override_bool";
  ResetPgSchema(schema);
  const std::string job =
      WriteTempFile(schema + ".yml", JobHeader(kDb, schema) +
                                         "tables:\n"
                                         "  edge:\n"
                                         "    batch_size: 100\n"
                                         "    column_types: {bo: smallint, bo2: integer}\n");
  auto r = RunEtl({"run", job, "--strategy", "copy_csv", "--progress", "never"});
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  // The contract: an overridden value "is sent as text and cast by PostgreSQL"; the text of a
  // tinyint(1) is its number, so 5 stays 5 (not 't', which no integer type accepts).
  CHECK(Trim(Psql("SELECT string_agg(coalesce(bo::text, '~') || '/' || coalesce(bo2::text, '~'), "
                  "',' ORDER BY id) FROM \"" +
                  schema + "\".edge WHERE id <= 5")) == "~/~,0/0,1/127,5/1,~/~");
}

TEST_CASE("load types: a table without a primary key loads under every non-parallel strategy",
          "[cli][load]") {
  SetUpSource();
  auto sorted_lines = [](const std::string& text) {
    auto lines = Lines(text);
    std::sort(lines.begin(), lines.end());
    return lines;
  };
  const auto expected = sorted_lines(MySql("SELECT COALESCE(HEX(v), '~') FROM nopk", kDb));
  REQUIRE(expected ==
          std::vector<std::string>{"", "22", "4E554C4C", "5C", "5C2E", "5C4E", "78", "78", "~"});
  struct Variant {
    std::string strategy;
    std::string format;
  };
  for (const Variant& v :
       {Variant{"standard", "csv"}, Variant{"streaming", "csv"}, Variant{"copy_csv", "csv"},
        Variant{"copy_csv", "text"}, Variant{"copy_csv", "binary"}}) {
    const std::string schema = "tload_types_nopk";
    ResetPgSchema(schema);
    const std::string job = WriteTempFile(schema + "_" + v.strategy + "_" + v.format + ".yml",
                                          JobHeader(kDb, schema) +
                                              "tables:\n  nopk:\n    batch_size: 3\n"
                                              "    performance:\n      copy_format: " +
                                              v.format + "\n");
    auto r = RunEtl({"run", job, "--strategy", v.strategy, "--progress", "never"});
    INFO(v.strategy << "/" << v.format << "\nstderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(sorted_lines(Psql("SELECT coalesce(upper(encode(convert_to(v, 'UTF8'), 'hex')), '~') "
                            "FROM \"" +
                            schema + "\".nopk")) == expected);
    // Run again: the existing table is replaced, not appended to.
    r = RunEtl({"run", job, "--strategy", v.strategy, "--progress", "never"});
    REQUIRE(r.exit_code == 0);
    CHECK(Trim(Psql("SELECT count(*) FROM \"" + schema + "\".nopk")) == "9");
  }
  // parallel needs a single-column integer key: a clear error, exit 1.
  const std::string schema = "tload_types_nopk";
  const std::string job = WriteTempFile(
      schema + "_parallel.yml", JobHeader(kDb, schema) + "tables:\n  nopk:\n    batch_size: 3\n");
  auto r = RunEtl({"run", job, "--strategy", "parallel", "--progress", "never"});
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 1);
  CHECK(std::regex_search(r.err, std::regex("parallel.*key|key.*parallel", std::regex::icase)));
}
