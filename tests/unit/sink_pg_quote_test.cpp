#include <regex>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include "sink/pg_quote.h"
#include "sink/schema_manager.h"
#include "sink/stage_table.h"
#include "sink/state_store.h"

using namespace etl::sink;

TEST_CASE("QuoteIdent always quotes and doubles embedded quotes", "[sink][quote]") {
  CHECK(QuoteIdent("orders") == "\"orders\"");
  CHECK(QuoteIdent("Order Items") == "\"Order Items\"");
  CHECK(QuoteIdent("select") == "\"select\"");
  CHECK(QuoteIdent("a\"b") == "\"a\"\"b\"");
  CHECK(QuoteIdent("\"") == "\"\"\"\"");
  CHECK_THROWS_AS(QuoteIdent(""), std::invalid_argument);
  CHECK_THROWS_AS(QuoteIdent(std::string("a\0b", 3)), std::invalid_argument);
}

TEST_CASE("QualifiedName and QuoteIdentList", "[sink][quote]") {
  CHECK(QualifiedName("analytics", "Orders") == "\"analytics\".\"Orders\"");
  CHECK(QualifiedName("we\"ird", "t") == "\"we\"\"ird\".\"t\"");
  CHECK(QuoteIdentList({"a", "B", "c d"}) == "\"a\", \"B\", \"c d\"");
  CHECK(QuoteIdentList({}).empty());
}

TEST_CASE("QuoteLiteral doubles quotes and escapes backslashes in E'' form", "[sink][quote]") {
  CHECK(QuoteLiteral("256MB") == "'256MB'");
  CHECK(QuoteLiteral("") == "''");
  CHECK(QuoteLiteral("it's") == "'it''s'");
  CHECK(QuoteLiteral("a\\b") == "E'a\\\\b'");
  CHECK(QuoteLiteral("'; DROP TABLE x; --\\") == "E'''; DROP TABLE x; --\\\\'");
  CHECK_THROWS_AS(QuoteLiteral(std::string("\0", 1)), std::invalid_argument);
}

TEST_CASE("TextArrayLiteral quotes every element", "[sink][quote]") {
  CHECK(TextArrayLiteral({}) == "{}");
  CHECK(TextArrayLiteral({"id"}) == "{\"id\"}");
  CHECK(TextArrayLiteral({"a,b", "c\"d", "e\\f", "NULL"}) ==
        "{\"a,b\",\"c\\\"d\",\"e\\\\f\",\"NULL\"}");
}

TEST_CASE("TruncateIdent keeps at most 63 bytes and whole UTF-8 characters", "[sink][quote]") {
  CHECK(TruncateIdent("short") == "short");
  CHECK(TruncateIdent(std::string(70, 'x')) == std::string(63, 'x'));
  // 62 ASCII bytes then a 2-byte character: byte 63 would split it.
  const std::string name = std::string(62, 'a') + "\xC3\xA9" + "zz";
  CHECK(TruncateIdent(name) == std::string(62, 'a'));
}

TEST_CASE("stage names are unique per load and fit the identifier limit", "[sink][stage]") {
  const std::string a = NewStageName("orders");
  const std::string b = NewStageName("orders");
  CHECK(a != b);
  CHECK(std::regex_match(a, std::regex("etl_stage_[0-9a-f]{12}_orders")));
  const std::string stage = NewStageName(std::string(63, 'o'));
  CHECK(stage.size() == 63);
  CHECK(stage.substr(0, 23) == a.substr(0, 10) + stage.substr(10, 13));
  // A multi-byte character at the cut is dropped whole, never split.
  const std::string cut = NewStageName(std::string(39, 'x') + "\xc3\xa9");
  CHECK(cut.size() == 62);
}

TEST_CASE("JsonStringArray escapes JSON specials", "[sink][state]") {
  CHECK(JsonStringArray({}) == "[]");
  CHECK(JsonStringArray({"2024-01-02 03:04:05", "17"}) == "[\"2024-01-02 03:04:05\",\"17\"]");
  CHECK(JsonStringArray({"a\"b\\c\n\x01"}) == "[\"a\\\"b\\\\c\\n\\u0001\"]");
}

TEST_CASE("TypeAccepts compares format_type spellings", "[sink][schema]") {
  CHECK(TypeAccepts("integer", "integer"));
  CHECK(TypeAccepts("character varying(255)", "character varying(100)"));
  CHECK_FALSE(TypeAccepts("character varying(10)", "character varying(100)"));
  CHECK(TypeAccepts("text", "character varying(100)"));
  CHECK(TypeAccepts("character varying", "text"));
  CHECK_FALSE(TypeAccepts("character varying(100)", "text"));
  CHECK(TypeAccepts("numeric", "numeric(12,2)"));
  CHECK(TypeAccepts("numeric(14,4)", "numeric(12,2)"));
  CHECK_FALSE(TypeAccepts("numeric(12,2)", "numeric(12,3)"));
  CHECK_FALSE(TypeAccepts("integer", "numeric(12,2)"));
  CHECK(TypeAccepts("bigint", "integer"));
  CHECK_FALSE(TypeAccepts("smallint", "integer"));
  CHECK(TypeAccepts("numeric(20,0)", "bigint"));
  CHECK_FALSE(TypeAccepts("numeric(10,2)", "bigint"));
  CHECK(TypeAccepts("double precision", "real"));
  CHECK(TypeAccepts("timestamp without time zone", "timestamp(3) without time zone"));
  CHECK_FALSE(TypeAccepts("timestamp(0) with time zone", "timestamp(3) with time zone"));
  CHECK_FALSE(TypeAccepts("timestamp with time zone", "timestamp without time zone"));
  CHECK(TypeAccepts("text[]", "text[]"));
  CHECK_FALSE(TypeAccepts("text", "text[]"));
  CHECK(TypeAccepts("bit varying", "bit varying(12)"));
  CHECK_FALSE(TypeAccepts("jsonb", "json"));
}

TEST_CASE("CompareColumns lists precise differences", "[sink][schema]") {
  using etl::types::TargetColumn;
  std::vector<ExistingColumn> existing = {
      {"id", "bigint", true, false},
      {"price", "integer", false, false},
      {"name", "character varying(300)", true, false},
      {"note", "text", false, false},
      {"created", "timestamp without time zone", true, true},
      {"must", "integer", true, false},
  };
  std::vector<TargetColumn> wanted(4);
  wanted[0].name = "id";
  wanted[0].pg_type = "integer";
  wanted[0].nullable = false;
  wanted[1].name = "price";
  wanted[1].pg_type = "numeric(12,2)";
  wanted[2].name = "name";
  wanted[2].pg_type = "varchar(255)";
  wanted[3].name = "x";
  wanted[3].pg_type = "text";
  const Compatibility c = CompareColumns(
      existing, wanted, {"integer", "numeric(12,2)", "character varying(255)", "text"});
  REQUIRE(c.errors.size() == 3);
  CHECK(c.errors[0] == "column \"price\": target has integer, source maps to numeric(12,2)");
  CHECK(c.errors[1] == "column \"x\" missing in target");
  CHECK(c.errors[2] == "column \"must\" exists only in target and is NOT NULL without a default");
  REQUIRE(c.warnings.size() == 1);
  CHECK(c.warnings[0] == "column \"name\": target is NOT NULL but the source column allows NULL");
}

TEST_CASE("CreateTableSql quotes names, keeps NOT NULL, adds enum CHECK, no primary key",
          "[sink][schema]") {
  using etl::types::TargetColumn;
  std::vector<TargetColumn> cols(3);
  cols[0].name = "id";
  cols[0].pg_type = "bigint";
  cols[0].nullable = false;
  cols[1].name = "Status";
  cols[1].pg_type = "text";
  cols[1].check_values = {"new", "it's"};
  cols[2].name = "price";
  cols[2].pg_type = "numeric(12,2)";
  CHECK(CreateTableSql("s", "t", cols) ==
        "CREATE TABLE \"s\".\"t\" (\n  \"id\" bigint NOT NULL,\n  \"Status\" text CHECK "
        "(\"Status\" IN ('new', 'it''s', '')),\n  \"price\" numeric(12,2)\n)");
}
