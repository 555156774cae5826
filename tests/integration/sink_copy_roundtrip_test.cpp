// COPYs rows encoded by each CopyEncoder format into the real PostgreSQL (through `psql`, not
// through etl's own connection code) and checks what PostgreSQL stored.
#include <fstream>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "sink/copy_encoder.h"
#include "support/test_env.h"
#include "types/type_mapping.h"

using etl::config::CopyFormat;
using etl::sink::BadValue;
using etl::sink::CopyEncoder;
using etl::testing::Psql;
using etl::testing::RunShell;
using etl::types::RowBatch;
using etl::types::SourceColumn;
using namespace std::string_literals;

namespace {

const char* kSchema = "etl_copy_roundtrip";

SourceColumn Src(std::string name, std::string data_type, std::string column_type,
                 std::optional<std::int64_t> precision = {}) {
  SourceColumn c;
  c.name = std::move(name);
  c.data_type = std::move(data_type);
  c.column_type = std::move(column_type);
  c.is_unsigned = c.column_type.find("unsigned") != std::string::npos;
  c.numeric_precision = precision;
  return c;
}

std::vector<SourceColumn> SourceColumns() {
  auto dec = Src("dec", "decimal", "decimal(65,30)", 65);
  dec.numeric_scale = 30;
  return {Src("id", "int", "int(11)"),
          Src("flag", "tinyint", "tinyint(1)"),
          Src("bit1", "bit", "bit(1)", 1),
          Src("small", "smallint", "smallint(6)"),
          Src("usmall", "smallint", "smallint(5) unsigned"),
          Src("big", "bigint", "bigint(20)"),
          Src("ubig", "bigint", "bigint(20) unsigned"),
          dec,
          Src("f4", "float", "float"),
          Src("f8", "double", "double"),
          Src("vc", "varchar", "varchar(40)"),
          Src("txt", "text", "text"),
          Src("en", "enum", "enum('a','b c')"),
          Src("st", "set", "set('x','y','q\"z')"),
          Src("js", "json", "json"),
          Src("bin", "blob", "blob"),
          Src("bits", "bit", "bit(10)", 10),
          Src("d", "date", "date"),
          Src("dt", "datetime", "datetime(6)"),
          Src("ts", "timestamp", "timestamp(6)"),
          Src("tm", "time", "time(6)"),
          Src("yr", "year", "year(4)"),
          Src("geo", "point", "point")};
}

using Field = std::optional<std::string>;

// POINT(1 2) as MySQL stores it: SRID 0 (4 bytes LE), then little-endian WKB.
const std::string kPoint =
    "\0\0\0\0\x01\x01\0\0\0"s + std::string(6, '\0') + "\xF0\x3F"s + std::string(7, '\0') + "\x40"s;

std::vector<std::vector<Field>> Rows() {
  return {
      {"1"s,
       "1"s,
       "\x01"s,
       "-32768"s,
       "65535"s,
       "-9223372036854775808"s,
       "18446744073709551615"s,
       "-12345678901234567890123456789012345.123456789012345678901234567890"s,
       "1.5"s,
       "-2.25"s,
       "tab\there \\N"s,
       "line\nbreak\r\n\\. \"q\" , \xF0\x9F\x98\x80"s,
       "b c"s,
       "x,q\"z"s,
       R"({"k": [1, "v,w", null], "n": 123456789012345678901234567890})"s,
       "\0\xFF\\,\n"s,
       "\x02\x01"s,
       "2024-02-29"s,
       "2024-02-29 03:04:05.123456"s,
       "2038-01-19 03:14:07.999999"s,
       "-838:59:59.000000"s,
       "2155"s,
       kPoint},
      {"2"s,         std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
       std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
       std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
       std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt},
      {"3"s,
       "0"s,
       "\0"s,
       "32767"s,
       "0"s,
       "9223372036854775807"s,
       "0"s,
       "0.000000000000000000000000000000"s,
       "0"s,
       "1e300"s,
       ""s,
       "\\."s,
       "a"s,
       ""s,
       "\"\""s,
       ""s,
       "\0\0"s,
       "0000-00-00"s,
       "0000-00-00 00:00:00"s,
       "1970-01-01 00:00:01"s,
       "838:59:59"s,
       "0000"s,
       kPoint},
      // a bad row: NUL in text; must not reach PostgreSQL
      {"4"s,
       "0"s,
       "\0"s,
       "1"s,
       "1"s,
       "1"s,
       "1"s,
       "1"s,
       "1"s,
       "1"s,
       "ok"s,
       "nul\0"s,
       "a"s,
       ""s,
       "1"s,
       ""s,
       "\0\0"s,
       "2024-01-01"s,
       "2024-01-01 00:00:00"s,
       "2024-01-01 00:00:00"s,
       "00:00:00"s,
       "2024"s,
       kPoint},
  };
}

std::string CreateTable(const std::vector<etl::types::TargetColumn>& cols) {
  std::string sql = "CREATE TABLE \""s + kSchema + "\".t (";
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (i) sql += ", ";
    sql += "\"" + cols[i].name + "\" " + cols[i].pg_type;
  }
  return sql + ")";
}

std::string PsqlCopyFromFile(const std::string& options, const std::string& path) {
  using etl::testing::Env;
  const std::string cmd = "PGPASSWORD='" + Env("ETL_PG_PASSWORD") +
                          "' psql -XAtq -v ON_ERROR_STOP=1 -h " + Env("ETL_PG_HOST") + " -p " +
                          Env("ETL_PG_PORT") + " -U " + Env("ETL_PG_USER") + " -d " +
                          Env("ETL_PG_DATABASE") + " -c \"SET client_encoding = 'UTF8'; COPY " +
                          kSchema + ".t FROM STDIN WITH (" + options + ")\" < " + path;
  auto r = RunShell(cmd);
  INFO("psql stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

std::string Stored() {
  return Psql("SET TimeZone = 'UTC'; SELECT row_to_json(t)::text FROM "s + kSchema +
              ".t ORDER BY id");
}

}  // namespace

TEST_CASE("every format stores the same values in PostgreSQL", "[integration][sink][copy]") {
  etl::testing::RequireServers();
  const auto cols = etl::types::MapColumns(SourceColumns(), {});
  std::string stored_by_csv;
  for (CopyFormat format : {CopyFormat::kCsv, CopyFormat::kText, CopyFormat::kBinary}) {
    INFO("format " << etl::config::ToString(format));
    etl::testing::ResetPgSchema(kSchema);
    Psql("CREATE SCHEMA IF NOT EXISTS \""s + kSchema + "\"");  // ResetPgSchema only drops
    Psql(CreateTable(cols));
    auto enc = CopyEncoder::Create(format, cols);
    REQUIRE(enc->format() == format);
    const auto rows = Rows();
    RowBatch batch(cols.size());
    for (const auto& row : rows) {
      batch.BeginRow();
      for (const auto& f : row)
        f ? batch.AppendField(*f) : batch.AppendNull();
    }
    std::string out;
    std::vector<BadValue> bad;
    enc->BeginStream(out);
    CHECK(enc->EncodeRows(batch, 0, batch.row_count(), out, bad) == 3);
    enc->EndStream(out);
    REQUIRE(bad.size() == 1);
    CHECK(bad[0].row == 3);
    CHECK(bad[0].column == 11);

    const std::string path = etl::testing::WriteTempFile(
        "copy_roundtrip_"s + etl::config::ToString(format) + ".dat", out);
    PsqlCopyFromFile(enc->CopyOptions(), path);
    const std::string stored = Stored();
    if (format == CopyFormat::kCsv) {
      stored_by_csv = stored;
      UNSCOPED_INFO("stored: " << stored);
    } else {
      CHECK(stored == stored_by_csv);
    }
  }
  CHECK(
      stored_by_csv ==
      R"({"id":1,"flag":true,"bit1":true,"small":-32768,"usmall":65535,"big":-9223372036854775808,"ubig":18446744073709551615,"dec":-12345678901234567890123456789012345.123456789012345678901234567890,"f4":1.5,"f8":-2.25,"vc":"tab\there \\N","txt":"line\nbreak\r\n\\. \"q\" , 😀","en":"b c","st":["x","q\"z"],"js":{"k": [1, "v,w", null], "n": 123456789012345678901234567890},"bin":"\\x00ff5c2c0a","bits":"1000000001","d":"2024-02-29","dt":"2024-02-29T03:04:05.123456","ts":"2038-01-19T03:14:07.999999+00:00","tm":"-838:59:59","yr":2155,"geo":"\\x0101000000000000000000f03f0000000000000040"})"
      "\n"
      R"({"id":2,"flag":null,"bit1":null,"small":null,"usmall":null,"big":null,"ubig":null,"dec":null,"f4":null,"f8":null,"vc":null,"txt":null,"en":null,"st":null,"js":null,"bin":null,"bits":null,"d":null,"dt":null,"ts":null,"tm":null,"yr":null,"geo":null})"
      "\n"
      R"({"id":3,"flag":false,"bit1":false,"small":32767,"usmall":0,"big":9223372036854775807,"ubig":0,"dec":0.000000000000000000000000000000,"f4":0,"f8":1e+300,"vc":"","txt":"\\.","en":"a","st":[],"js":"","bin":"\\x","bits":"0000000000","d":null,"dt":null,"ts":"1970-01-01T00:00:01+00:00","tm":"838:59:59","yr":0,"geo":"\\x0101000000000000000000f03f0000000000000040"})"
      "\n");
}
