#include <string>

#include <catch2/catch.hpp>

#include "types/canonical_value.h"

namespace etl::types {
namespace {

std::string Json(std::string_view text) {
  std::string out;
  if (!CanonicalJson(text, out)) return "<invalid>";
  return out;
}

std::string Number(std::string_view token) {
  std::string out;
  if (!CanonicalJsonNumber(token, out)) return "<invalid>";
  return out;
}

TargetColumn Column(ValueKind kind, std::string column_type = "", std::int64_t precision = 0) {
  TargetColumn c;
  c.name = "c";
  c.kind = kind;
  c.source_kind = kind;
  c.source.column_type = std::move(column_type);
  if (precision > 0) c.source.numeric_precision = precision;
  return c;
}

std::string Source(const TargetColumn& c, std::string_view raw) {
  std::string scratch;
  const auto text = SourceText(FieldFormFor(c), raw, scratch);
  return text ? std::string(*text) : "<NULL>";
}

std::string Target(const TargetColumn& c, std::string_view raw) {
  std::string scratch;
  const auto text = TargetText(FieldFormFor(c), raw, scratch);
  return text ? std::string(*text) : "<NULL>";
}

TEST_CASE("JSON numbers are printed as PostgreSQL's numeric prints them", "[types][canonical]") {
  CHECK(Number("0") == "0");
  CHECK(Number("-0") == "0");
  CHECK(Number("-0.0") == "0.0");
  CHECK(Number("1.50") == "1.50");
  CHECK(Number("1e2") == "100");
  CHECK(Number("1E+2") == "100");
  CHECK(Number("1.5e1") == "15");
  CHECK(Number("1.00e1") == "10.0");
  CHECK(Number("1.5e-3") == "0.0015");
  CHECK(Number("-12.5e-1") == "-1.25");
  CHECK(Number("123456789012345678901234567890") == "123456789012345678901234567890");
  CHECK(Number("01") == "<invalid>");
  CHECK(Number("1.") == "<invalid>");
  CHECK(Number("1e") == "<invalid>");
  CHECK(Number("+1") == "<invalid>");
}

TEST_CASE("JSON documents get jsonb's key order and one spelling", "[types][canonical]") {
  // jsonb orders keys by length, then bytewise; a repeated key keeps its last value.
  CHECK(Json(R"({"zeta": 1, "a":[1, 2.50, {"c" :null}],  "s": "x", "b": 1e2, "b": 3})") ==
        R"({"a": [1, 2.50, {"c": null}], "b": 3, "s": "x", "zeta": 1})");
  CHECK(Json(R"({"b":1,"a":2})") == Json(R"({ "a" : 2 , "b" : 1 })"));
  // Escapes are undone and redone one way: \u00e9 is é, \/ is /, control characters as \uXXXX.
  CHECK(Json(R"("t\"q\u00e9\/\u0001\n")") == "\"t\\\"qé/\\u0001\\n\"");
  CHECK(Json(R"("😀 \ud83d\ude00")") == "\"😀 😀\"");
  CHECK(Json("true") == "true");
  CHECK(Json(" null ") == "null");
  CHECK(Json("[]") == "[]");
  CHECK(Json("{}") == "{}");
  CHECK(Json("[1, {\"é\": [true, false]}]") == "[1, {\"é\": [true, false]}]");
  CHECK(Json("{") == "<invalid>");
  CHECK(Json("[1] [2]") == "<invalid>");
  CHECK(Json("") == "<invalid>");
}

TEST_CASE("Equal compares JSON and floats by value, everything else by bytes",
          "[types][canonical]") {
  CHECK(Equal(ClientCanonical::kJson, R"({"n": 1, "a": "x"})", R"({"a": "x", "n": 1})"));
  CHECK_FALSE(Equal(ClientCanonical::kJson, R"({"n": 1})", R"({"n": 2})"));
  CHECK_FALSE(Equal(ClientCanonical::kJson, R"({"n": 1.0})", R"({"n": 1})"));  // numeric scale
  CHECK(Equal(ClientCanonical::kFloat4, "3.4e38", "3.4e+38"));
  CHECK(Equal(ClientCanonical::kFloat4, "0.1", "0.1"));
  CHECK(Equal(ClientCanonical::kFloat4, "100000000", "1e+08"));
  CHECK_FALSE(Equal(ClientCanonical::kFloat4, "3.14159", "3.1416"));
  CHECK(Equal(ClientCanonical::kFloat4, "3.14159", "3.1415901"));  // the same real
  CHECK_FALSE(Equal(ClientCanonical::kFloat8, "0.1", "0.10000000000000002"));
  CHECK(Equal(ClientCanonical::kFloat8, "-2.2250738585072014e-308", "-2.2250738585072014e-308"));
  CHECK(Equal(ClientCanonical::kFloat8, "1e20", "1e+20"));
  CHECK(Equal(ClientCanonical::kFloat8, "inf", "Infinity"));
  CHECK_FALSE(Equal(ClientCanonical::kNone, "1e20", "1e+20"));
  // Text that does not parse is only equal to itself.
  CHECK_FALSE(Equal(ClientCanonical::kJson, "{bad", "{bad "));
  CHECK(Equal(ClientCanonical::kJson, "{bad", "{bad"));
}

TEST_CASE("Only json, float, double and overrides lack an SQL canonical text",
          "[types][canonical]") {
  for (ValueKind k : {ValueKind::kText, ValueKind::kSetArray, ValueKind::kBoolFromBit,
                      ValueKind::kNumeric, ValueKind::kTimestampTz, ValueKind::kInterval,
                      ValueKind::kBitVarying, ValueKind::kGeometry, ValueKind::kBytea}) {
    CHECK(HasSqlCanonical(Column(k)));
  }
  for (ValueKind k :
       {ValueKind::kJsonb, ValueKind::kFloat4, ValueKind::kFloat8, ValueKind::kCast}) {
    CHECK_FALSE(HasSqlCanonical(Column(k)));
  }
}

TEST_CASE("SourceText turns MySQL's text protocol into the canonical text", "[types][canonical]") {
  CHECK(Source(Column(ValueKind::kBoolFromInt), "5") == "true");
  CHECK(Source(Column(ValueKind::kBoolFromInt), "0") == "false");
  CHECK(Source(Column(ValueKind::kBoolFromBit), std::string("\0", 1)) == "false");
  CHECK(Source(Column(ValueKind::kBoolFromBit), "\x01") == "true");
  CHECK(Source(Column(ValueKind::kInt64, "int(6) unsigned zerofill"), "000042") == "42");
  CHECK(Source(Column(ValueKind::kInt64, "int(6) unsigned zerofill"), "000000") == "0");
  CHECK(Source(Column(ValueKind::kInt32, "int(11)"), "-7") == "-7");
  CHECK(Source(Column(ValueKind::kNumeric, "decimal(6,2) unsigned zerofill"), "0001.50") == "1.50");
  CHECK(Source(Column(ValueKind::kYear), "0000") == "0");
  CHECK(Source(Column(ValueKind::kYear), "2024") == "2024");
  CHECK(Source(Column(ValueKind::kDate), "0000-00-00") == "<NULL>");
  CHECK(Source(Column(ValueKind::kDate), "2024-00-10") == "<NULL>");
  CHECK(Source(Column(ValueKind::kDate), "2024-02-29") == "2024-02-29");
  CHECK(Source(Column(ValueKind::kTimestamp), "2024-02-29 12:00:00.500000") ==
        "2024-02-29 12:00:00.5");
  CHECK(Source(Column(ValueKind::kTimestamp), "2024-02-29 12:00:10.000000") ==
        "2024-02-29 12:00:10");
  CHECK(Source(Column(ValueKind::kTimestamp), "2024-02-29 12:00:10") == "2024-02-29 12:00:10");
  CHECK(Source(Column(ValueKind::kTimestamp), "0000-00-00 00:00:00") == "<NULL>");
  CHECK(Source(Column(ValueKind::kTimestampTz), "2038-01-19 03:14:07.999999") ==
        "2038-01-19 03:14:07.999999+00");
  CHECK(Source(Column(ValueKind::kInterval), "-00:00:01.500000") == "-00:00:01.5");
  CHECK(Source(Column(ValueKind::kInterval), "838:59:59") == "838:59:59");
  CHECK(Source(Column(ValueKind::kInterval), "00:00:00.000000") == "00:00:00");
  CHECK(Source(Column(ValueKind::kBytea), std::string("\x00\xff\n", 3)) == "00ff0a");
  CHECK(Source(Column(ValueKind::kGeometry), std::string("\0\0\0\0\x01\x02", 6)) == "0102");
  CHECK(Source(Column(ValueKind::kBitVarying, "bit(10)", 10), "\x01\x05") == "0100000101");
  CHECK(Source(Column(ValueKind::kSetArray), "x,z w") == "x,z w");
  CHECK(Source(Column(ValueKind::kText), "tab\there") == "tab\there");
}

TEST_CASE("TargetText turns PostgreSQL's text output into the canonical text",
          "[types][canonical]") {
  CHECK(Target(Column(ValueKind::kBoolFromInt), "t") == "true");
  CHECK(Target(Column(ValueKind::kBoolFromBit), "f") == "false");
  CHECK(Target(Column(ValueKind::kSetArray), "{x,\"z w\"}") == "x,z w");
  CHECK(Target(Column(ValueKind::kSetArray), "{}") == "");
  CHECK(Target(Column(ValueKind::kSetArray), R"({"a\"b","c\\d"})") == "a\"b,c\\d");
  CHECK(Target(Column(ValueKind::kBytea), "\\x00ff0a") == "00ff0a");
  CHECK(Target(Column(ValueKind::kTimestampTz), "2038-01-19 03:14:07.999999+00") ==
        "2038-01-19 03:14:07.999999+00");
  CHECK(Target(Column(ValueKind::kInt64), "42") == "42");
}

}  // namespace
}  // namespace etl::types
