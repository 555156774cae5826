#include <string>

#include <catch2/catch.hpp>

#include "types/json_check.h"
#include "types/value_converter.h"

using etl::types::ConvertStatus;
using etl::types::ConvertValue;
using etl::types::TargetColumn;
using etl::types::ValueKind;
using namespace std::string_literals;

namespace {

struct Result {
  ConvertStatus status;
  std::string value;
  std::string reason;
};

Result Run(ValueKind kind, std::string_view raw) {
  std::string scratch;
  auto c = ConvertValue(kind, raw, scratch);
  return {c.status, std::string(c.value), c.reason};
}

Result RunColumn(const TargetColumn& col, std::string_view raw) {
  std::string scratch;
  auto c = ConvertValue(col, raw, scratch);
  return {c.status, std::string(c.value), c.reason};
}

std::string Ok(ValueKind kind, std::string_view raw) {
  auto r = Run(kind, raw);
  INFO("raw: " << std::string(raw) << " reason: " << r.reason);
  REQUIRE(r.status == ConvertStatus::kOk);
  return r.value;
}

std::string BadReason(ValueKind kind, std::string_view raw) {
  auto r = Run(kind, raw);
  INFO("raw: " << std::string(raw));
  REQUIRE(r.status == ConvertStatus::kBad);
  return r.reason;
}

bool IsNull(ValueKind kind, std::string_view raw) {
  return Run(kind, raw).status == ConvertStatus::kNull;
}

const std::string kNulReason = "text contains a NUL byte (0x00), which PostgreSQL text cannot hold";

}  // namespace

TEST_CASE("text passes through untouched, without copying", "[types][convert]") {
  std::string scratch;
  for (std::string raw : {"plain"s, "\\N"s, "NULL"s, "tab\there"s, "line\nbreak\r\n"s,
                          "back\\slash"s, "quote\"'s"s, "emoji \xF0\x9F\x98\x80"s, ""s}) {
    auto c = ConvertValue(ValueKind::kText, raw, scratch);
    REQUIRE(c.status == ConvertStatus::kOk);
    CHECK(c.value.data() == raw.data());  // points at the input: no copy
    CHECK(c.value.size() == raw.size());
  }
  CHECK(scratch.empty());
  CHECK(Ok(ValueKind::kEnumText, "it's") == "it's");
}

TEST_CASE("text with NUL or invalid UTF-8 is bad", "[types][convert]") {
  CHECK(BadReason(ValueKind::kText, "a\0b"s) == kNulReason);
  CHECK(BadReason(ValueKind::kEnumText, "\0"s) == kNulReason);
  CHECK(BadReason(ValueKind::kText, "caf\xE9") == "invalid UTF-8");       // latin1 é
  CHECK(BadReason(ValueKind::kText, "\xF0\x9F\x98") == "invalid UTF-8");  // truncated emoji
  CHECK(BadReason(ValueKind::kText, "\xED\xA0\x80") == "invalid UTF-8");  // surrogate
  CHECK(BadReason(ValueKind::kCast, "x\0"s) == kNulReason);
}

TEST_CASE("set becomes a text[] literal", "[types][convert]") {
  CHECK(Ok(ValueKind::kSetArray, "") == "{}");
  CHECK(Ok(ValueKind::kSetArray, "a") == R"({"a"})");
  CHECK(Ok(ValueKind::kSetArray, "a,b") == R"({"a","b"})");
  CHECK(Ok(ValueKind::kSetArray, R"(say "hi",back\slash,NULL, sp ace,{x})") ==
        R"({"say \"hi\"","back\\slash","NULL"," sp ace","{x}"})");
  CHECK(BadReason(ValueKind::kSetArray, "a,\0"s) == kNulReason);
  CHECK(BadReason(ValueKind::kSetArray, "\xFF") == "invalid UTF-8");
}

TEST_CASE("booleans from tinyint(1) and bit(1)", "[types][convert]") {
  CHECK(Ok(ValueKind::kBoolFromInt, "0") == "f");
  CHECK(Ok(ValueKind::kBoolFromInt, "1") == "t");
  CHECK(Ok(ValueKind::kBoolFromInt, "-128") == "t");
  CHECK(Ok(ValueKind::kBoolFromInt, "127") == "t");
  CHECK(Ok(ValueKind::kBoolFromInt, "00") == "f");
  CHECK(BadReason(ValueKind::kBoolFromInt, "yes") == "invalid integer for a boolean column");
  CHECK(BadReason(ValueKind::kBoolFromInt, "") == "invalid integer for a boolean column");
  CHECK(Ok(ValueKind::kBoolFromBit, "\x01") == "t");
  CHECK(Ok(ValueKind::kBoolFromBit, "\0"s) == "f");
  CHECK(Ok(ValueKind::kBoolFromBit, "0") == "f");
  CHECK(Ok(ValueKind::kBoolFromBit, "1") == "t");
  CHECK(BadReason(ValueKind::kBoolFromBit, "") == "empty bit value");
}

TEST_CASE("numbers pass through untouched", "[types][convert]") {
  std::string scratch;
  for (auto [kind, raw] : std::vector<std::pair<ValueKind, std::string>>{
           {ValueKind::kInt16, "-32768"},
           {ValueKind::kInt16, "255"},  // unsigned tinyint max
           {ValueKind::kInt32, "65535"},
           {ValueKind::kInt32, "-2147483648"},
           {ValueKind::kInt32, "16777215"},
           {ValueKind::kInt64, "4294967295"},
           {ValueKind::kInt64, "-9223372036854775808"},
           {ValueKind::kNumeric, "18446744073709551615"},
           {ValueKind::kNumeric, "-123456789012345678901234567890.123456789012345678901234567890"},
           {ValueKind::kFloat4, "-3.40282e38"},
           {ValueKind::kFloat8, "1.7976931348623157e308"},
           {ValueKind::kYear, "2155"},
           {ValueKind::kYear, "0000"}}) {
    auto c = ConvertValue(kind, raw, scratch);
    REQUIRE(c.status == ConvertStatus::kOk);
    CHECK(c.value.data() == raw.data());
    CHECK(c.value == raw);
  }
}

TEST_CASE("dates: zero dates become NULL, impossible days are bad", "[types][convert]") {
  CHECK(Ok(ValueKind::kDate, "2024-02-29") == "2024-02-29");
  CHECK(Ok(ValueKind::kDate, "1000-01-01") == "1000-01-01");
  CHECK(IsNull(ValueKind::kDate, "0000-00-00"));
  CHECK(IsNull(ValueKind::kDate, "2024-00-10"));
  CHECK(IsNull(ValueKind::kDate, "2024-05-00"));
  CHECK(IsNull(ValueKind::kDate, "0000-01-01"));
  CHECK(BadReason(ValueKind::kDate, "2023-02-29") == "invalid date");
  CHECK(BadReason(ValueKind::kDate, "2024-13-01") == "invalid date");
  CHECK(BadReason(ValueKind::kDate, "20240101") == "invalid date");
}

TEST_CASE("datetime and timestamp", "[types][convert]") {
  CHECK(Ok(ValueKind::kTimestamp, "2024-01-02 03:04:05") == "2024-01-02 03:04:05");
  CHECK(Ok(ValueKind::kTimestamp, "2024-01-02 03:04:05.123456") == "2024-01-02 03:04:05.123456");
  CHECK(IsNull(ValueKind::kTimestamp, "0000-00-00 00:00:00"));
  CHECK(IsNull(ValueKind::kTimestamp, "2024-00-10 10:00:00.5"));
  CHECK(BadReason(ValueKind::kTimestamp, "2024-01-02 24:00:00") == "invalid datetime");
  CHECK(Ok(ValueKind::kTimestampTz, "2038-01-19 03:14:07.999999") ==
        "2038-01-19 03:14:07.999999+00");
  CHECK(Ok(ValueKind::kTimestampTz, "1970-01-01 00:00:01") == "1970-01-01 00:00:01+00");
  CHECK(IsNull(ValueKind::kTimestampTz, "0000-00-00 00:00:00"));
}

TEST_CASE("time becomes interval text PostgreSQL reads as the same duration", "[types][convert]") {
  CHECK(Ok(ValueKind::kInterval, "838:59:59") == "838:59:59");
  CHECK(Ok(ValueKind::kInterval, "-838:59:59") == "-838:59:59");
  CHECK(Ok(ValueKind::kInterval, "-838:59:59.000000") == "-838:59:59.000000");
  CHECK(Ok(ValueKind::kInterval, "838:59:59.000000") == "838:59:59.000000");
  CHECK(Ok(ValueKind::kInterval, "-00:00:00.5") == "-00:00:00.5");
  CHECK(Ok(ValueKind::kInterval, "00:00:00") == "00:00:00");
  CHECK(BadReason(ValueKind::kInterval, "12:60:00") == "invalid time");
  CHECK(BadReason(ValueKind::kInterval, "1 day") == "invalid time");
}

TEST_CASE("bytea passes raw bytes, geometry drops the SRID", "[types][convert]") {
  CHECK(Ok(ValueKind::kBytea, "") == "");
  CHECK(Ok(ValueKind::kBytea, "\0\xFF\x01"s) == "\0\xFF\x01"s);
  const std::string point = "\xE6\x10\0\0"s + "\x01\x01\0\0\0"s + std::string(16, '\0');
  CHECK(Ok(ValueKind::kGeometry, point) == point.substr(4));
  CHECK(BadReason(ValueKind::kGeometry, "\x01\x02") ==
        "geometry value shorter than its 4-byte SRID prefix");
}

TEST_CASE("bit(n) becomes exactly n digits", "[types][convert]") {
  TargetColumn bit10;
  bit10.kind = bit10.source_kind = ValueKind::kBitVarying;
  bit10.source.numeric_precision = 10;
  CHECK(RunColumn(bit10, "\x02\x01").value == "1000000001");
  CHECK(RunColumn(bit10, "\0\0"s).value == "0000000000");
  CHECK(RunColumn(bit10, "\x03\xFF").value == "1111111111");
  CHECK(RunColumn(bit10, "\x04\x00"s).reason == std::string("bit value wider than its column"));
  CHECK(RunColumn(bit10, "\x01").value == "0000000001");    // short input: leading zeros
  CHECK(Ok(ValueKind::kBitVarying, "\xA5") == "10100101");  // without the column: 8 per byte
  TargetColumn bit64 = bit10;
  bit64.source.numeric_precision = 64;
  CHECK(RunColumn(bit64, "\x80\0\0\0\0\0\0\x01"s).value == "1" + std::string(62, '0') + "1");
}

TEST_CASE("json must be a document jsonb accepts", "[types][convert]") {
  for (std::string doc : {"1", "-0.5e10", "\"s\"", "true", "null", "[]", "{}",
                          R"({"a":[1,{"b":null}],"c":"\u00e9\ud83d\ude00"})",
                          "123456789012345678901234567890", "1e400", " [1, 2] "}) {
    INFO(doc);
    std::string scratch;
    auto c = ConvertValue(ValueKind::kJsonb, doc, scratch);
    CHECK(c.status == ConvertStatus::kOk);
    CHECK(c.value.data() == doc.data());
  }
  CHECK(std::string(BadReason(ValueKind::kJsonb, "{\"a\":")).rfind("invalid JSON: ", 0) == 0);
  CHECK(std::string(BadReason(ValueKind::kJsonb, "")).rfind("invalid JSON: ", 0) == 0);
  CHECK(std::string(BadReason(ValueKind::kJsonb, "[1,]")).rfind("invalid JSON: ", 0) == 0);
  CHECK(std::string(BadReason(ValueKind::kJsonb, "01")).rfind("invalid JSON: ", 0) == 0);
  CHECK(std::string(BadReason(ValueKind::kJsonb, "1e400x")).rfind("invalid JSON: ", 0) == 0);
  CHECK(std::string(BadReason(ValueKind::kJsonb, "{'a':1}")).rfind("invalid JSON: ", 0) == 0);
  CHECK(BadReason(ValueKind::kJsonb, R"(["a\u0000b"])") ==
        "invalid JSON: \\u0000 in a string, which PostgreSQL jsonb cannot hold");
  CHECK(Ok(ValueKind::kJsonb, R"(["a\\u0000b"])") == R"(["a\\u0000b"])");  // escaped backslash
  CHECK(BadReason(ValueKind::kJsonb, "\"\0\""s) == kNulReason);
  CHECK(BadReason(ValueKind::kJsonb, "\"\xC3\"") == "invalid UTF-8");
}

TEST_CASE("the strict JSON grammar agrees with simdjson on ordinary documents", "[types][json]") {
  using etl::types::JsonGrammarProblem;
  CHECK(JsonGrammarProblem(R"({"a":[1,2.5,-3e-2,true,false,null,"x\"y\\z\/\n"]})") == nullptr);
  CHECK(JsonGrammarProblem("99999999999999999999999999999999e99999") == nullptr);
  CHECK(JsonGrammarProblem("[1 2]") != nullptr);
  CHECK(JsonGrammarProblem("{\"a\" 1}") != nullptr);
  CHECK(JsonGrammarProblem("\"\\ud800\"") != nullptr);
  CHECK(JsonGrammarProblem("\"\\udc00\"") != nullptr);
  CHECK(JsonGrammarProblem("\"tab\tinside\"") != nullptr);
  CHECK(JsonGrammarProblem("1.") != nullptr);
  CHECK(JsonGrammarProblem("-") != nullptr);
  CHECK(JsonGrammarProblem("[1] x") != nullptr);
  CHECK(JsonGrammarProblem(std::string(2000, '[')) != nullptr);  // too deep, no crash
}

TEST_CASE("kCast sends the source kind's normalised text", "[types][convert]") {
  auto cast = [](ValueKind source_kind) {
    TargetColumn t;
    t.kind = ValueKind::kCast;
    t.source_kind = source_kind;
    t.pg_type = "text";
    return t;
  };
  CHECK(RunColumn(cast(ValueKind::kDate), "0000-00-00").status == ConvertStatus::kNull);
  CHECK(RunColumn(cast(ValueKind::kDate), "2024-01-01").value == "2024-01-01");
  CHECK(RunColumn(cast(ValueKind::kSetArray), "a,b").value == R"({"a","b"})");
  CHECK(RunColumn(cast(ValueKind::kBoolFromInt), "5").value == "t");
  CHECK(RunColumn(cast(ValueKind::kBoolFromBit), "\0"s).value == "f");
  CHECK(RunColumn(cast(ValueKind::kTimestampTz), "2024-01-01 00:00:00").value ==
        "2024-01-01 00:00:00+00");
  CHECK(RunColumn(cast(ValueKind::kBytea), "\0\xAB"s).value == "\\x00ab");
  CHECK(RunColumn(cast(ValueKind::kGeometry), "\0\0\0\0\x01\x02"s).value == "\\x0102");
  // A cast to json/jsonb (MapColumn gives it source_kind kJsonb) checks the document.
  CHECK(RunColumn(cast(ValueKind::kJsonb), "not json").status == ConvertStatus::kBad);
  CHECK(RunColumn(cast(ValueKind::kJsonb), R"({"a": [1]})").value == R"({"a": [1]})");
  CHECK(RunColumn(cast(ValueKind::kInt16), "5").value == "5");  // tinyint(1) cast to a number
  CHECK(RunColumn(cast(ValueKind::kText), "bad\xFF").reason == std::string("invalid UTF-8"));
  CHECK(RunColumn(cast(ValueKind::kInt64), "-5").value == "-5");
}
