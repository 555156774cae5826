#include <catch2/catch.hpp>

#include "types/type_mapping.h"

using etl::types::MapColumn;
using etl::types::MapColumns;
using etl::types::SourceColumn;
using etl::types::ValueKind;

namespace {

SourceColumn Col(std::string data_type, std::string column_type) {
  SourceColumn c;
  c.name = "c";
  c.data_type = std::move(data_type);
  c.column_type = std::move(column_type);
  c.is_unsigned = c.column_type.find("unsigned") != std::string::npos;
  return c;
}

void Expect(const SourceColumn& c, const std::string& pg_type, ValueKind kind) {
  INFO(c.data_type << " / " << c.column_type);
  auto t = MapColumn(c);
  CHECK(t.pg_type == pg_type);
  CHECK(t.kind == kind);
  CHECK(t.source_kind == kind);
}

}  // namespace

TEST_CASE("booleans: tinyint(1), bool, bit(1)", "[types][mapping]") {
  Expect(Col("tinyint", "tinyint(1)"), "boolean", ValueKind::kBoolFromInt);
  Expect(Col("bool", "tinyint(1)"), "boolean", ValueKind::kBoolFromInt);
  auto bit1 = Col("bit", "bit(1)");
  bit1.numeric_precision = 1;
  Expect(bit1, "boolean", ValueKind::kBoolFromBit);
  Expect(Col("bit", "bit(1)"), "boolean", ValueKind::kBoolFromBit);  // width from column_type
}

TEST_CASE("integers, signed and unsigned", "[types][mapping]") {
  Expect(Col("tinyint", "tinyint(4)"), "smallint", ValueKind::kInt16);
  Expect(Col("tinyint", "tinyint"), "smallint", ValueKind::kInt16);
  Expect(Col("tinyint", "tinyint(3) unsigned"), "smallint", ValueKind::kInt16);
  Expect(Col("smallint", "smallint(6)"), "smallint", ValueKind::kInt16);
  Expect(Col("smallint", "smallint(5) unsigned"), "integer", ValueKind::kInt32);
  Expect(Col("mediumint", "mediumint(9)"), "integer", ValueKind::kInt32);
  Expect(Col("mediumint", "mediumint(8) unsigned"), "integer", ValueKind::kInt32);
  Expect(Col("int", "int(11)"), "integer", ValueKind::kInt32);
  Expect(Col("int", "int(10) unsigned"), "bigint", ValueKind::kInt64);
  Expect(Col("bigint", "bigint(20)"), "bigint", ValueKind::kInt64);
  Expect(Col("bigint", "bigint(20) unsigned"), "numeric(20)", ValueKind::kNumeric);
  Expect(Col("year", "year(4)"), "smallint", ValueKind::kYear);
}

TEST_CASE("decimal and floating point", "[types][mapping]") {
  auto d = Col("decimal", "decimal(65,30)");
  d.numeric_precision = 65;
  d.numeric_scale = 30;
  Expect(d, "numeric(65,30)", ValueKind::kNumeric);
  Expect(Col("decimal", "decimal(10,0)"), "numeric(10,0)", ValueKind::kNumeric);
  Expect(Col("decimal", "decimal(12,4) unsigned"), "numeric(12,4)", ValueKind::kNumeric);
  Expect(Col("float", "float"), "real", ValueKind::kFloat4);
  Expect(Col("double", "double"), "double precision", ValueKind::kFloat8);
}

TEST_CASE("strings, enums, sets, json", "[types][mapping]") {
  auto v = Col("varchar", "varchar(255)");
  v.char_max_length = 255;
  Expect(v, "varchar(255)", ValueKind::kText);
  Expect(Col("char", "char(3)"), "varchar(3)", ValueKind::kText);
  Expect(Col("char", "char(0)"), "varchar", ValueKind::kText);
  for (const char* t : {"tinytext", "text", "mediumtext", "longtext"}) {
    Expect(Col(t, t), "text", ValueKind::kText);
  }
  auto e = Col("enum", "enum('a','it''s','b,c')");
  Expect(e, "text", ValueKind::kEnumText);
  CHECK(MapColumn(e).check_values == std::vector<std::string>{"a", "it's", "b,c"});
  e.enum_values = {"x", "y"};
  CHECK(MapColumn(e).check_values == std::vector<std::string>{"x", "y"});
  Expect(Col("set", "set('a','b')"), "text[]", ValueKind::kSetArray);
  Expect(Col("json", "json"), "jsonb", ValueKind::kJsonb);
}

TEST_CASE("binary types and bit(n>1)", "[types][mapping]") {
  for (const char* t : {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"}) {
    Expect(Col(t, t), "bytea", ValueKind::kBytea);
  }
  auto b = Col("bit", "bit(10)");
  b.numeric_precision = 10;
  Expect(b, "bit varying(10)", ValueKind::kBitVarying);
  Expect(Col("bit", "bit(64)"), "bit varying(64)", ValueKind::kBitVarying);
}

TEST_CASE("temporal types with and without fractional precision", "[types][mapping]") {
  Expect(Col("date", "date"), "date", ValueKind::kDate);
  auto dt = Col("datetime", "datetime");
  dt.datetime_precision = 0;
  Expect(dt, "timestamp(0)", ValueKind::kTimestamp);
  dt.datetime_precision = 6;
  Expect(dt, "timestamp(6)", ValueKind::kTimestamp);
  Expect(Col("datetime", "datetime(3)"), "timestamp(3)", ValueKind::kTimestamp);
  Expect(Col("timestamp", "timestamp"), "timestamptz(0)", ValueKind::kTimestampTz);
  Expect(Col("timestamp", "timestamp(2)"), "timestamptz(2)", ValueKind::kTimestampTz);
  Expect(Col("time", "time"), "interval(0)", ValueKind::kInterval);
  Expect(Col("time", "time(6)"), "interval(6)", ValueKind::kInterval);
}

TEST_CASE("geometry types map to WKB bytea", "[types][mapping]") {
  for (const char* t :
       {"geometry", "point", "linestring", "polygon", "multipoint", "multilinestring",
        "multipolygon", "geometrycollection", "geomcollection"}) {
    Expect(Col(t, t), "bytea", ValueKind::kGeometry);
  }
}

TEST_CASE("unknown types become text", "[types][mapping]") {
  Expect(Col("vector", "vector(3)"), "text", ValueKind::kText);
  Expect(Col("inet6", "inet6"), "text", ValueKind::kText);
}

TEST_CASE("overrides become kCast and keep the source kind", "[types][mapping]") {
  auto c = Col("enum", "enum('a','b')");
  c.name = "Status";
  c.nullable = false;
  auto t = MapColumn(c, std::string("my_enum"));
  CHECK(t.pg_type == "my_enum");
  CHECK(t.kind == ValueKind::kCast);
  CHECK(t.source_kind == ValueKind::kEnumText);
  CHECK(t.check_values.empty());
  CHECK(t.name == "Status");
  CHECK_FALSE(t.nullable);
  CHECK(t.source.column_type == "enum('a','b')");

  auto j = Col("longtext", "longtext");
  j.name = "payload";
  auto cols = MapColumns({c, j}, {{"payload", "jsonb"}, {"status", "text"}});
  REQUIRE(cols.size() == 2);
  CHECK(cols[0].kind == ValueKind::kCast);  // matched case-insensitively
  CHECK(cols[0].pg_type == "text");
  CHECK(cols[1].kind == ValueKind::kCast);
  CHECK(cols[1].pg_type == "jsonb");
  // Text cast to json/jsonb is checked as JSON so a bad document is a bad row.
  CHECK(cols[1].source_kind == ValueKind::kJsonb);
  CHECK(MapColumns({j}, {{"payload", " JSON "}})[0].source_kind == ValueKind::kJsonb);
  CHECK(MapColumns({j}, {{"payload", "varchar(10)"}})[0].source_kind == ValueKind::kText);
  CHECK(MapColumns({j}, {})[0].kind == ValueKind::kText);
}

TEST_CASE("tinyint(1) overridden to a number keeps its number, to boolean stays a boolean",
          "[types][mapping]") {
  auto flag = Col("tinyint", "tinyint(1)");
  flag.name = "flag";
  CHECK(MapColumn(flag, std::string("smallint")).source_kind == ValueKind::kInt16);
  CHECK(MapColumn(flag, std::string("integer")).source_kind == ValueKind::kInt16);
  CHECK(MapColumn(flag, std::string("Boolean")).source_kind == ValueKind::kBoolFromInt);
}

TEST_CASE("ToString names every kind", "[types][mapping]") {
  CHECK(std::string(etl::types::ToString(ValueKind::kSetArray)) == "set_array");
  CHECK(std::string(etl::types::ToString(ValueKind::kCast)) == "cast");
  CHECK(std::string(etl::types::ToString(ValueKind::kTimestampTz)) == "timestamptz");
}
