// Binary COPY bytes checked against PostgreSQL's documented send/receive formats.
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "sink/copy_binary_values.h"
#include "sink/copy_encoder.h"
#include "sink/target_row_stream.h"

using etl::config::CopyFormat;
using etl::sink::BadValue;
using etl::sink::CopyEncoder;
using etl::types::RowBatch;
using etl::types::TargetColumn;
using etl::types::ValueKind;
using namespace std::string_literals;

namespace {

std::string Hex(std::string_view bytes) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (unsigned char c : bytes) {
    s.push_back(d[c >> 4]);
    s.push_back(d[c & 15]);
  }
  return s;
}

std::string Numeric(std::string_view text) {
  std::string out;
  REQUIRE(etl::sink::copy_binary::PutNumeric(text, out));
  return Hex(out);
}

TargetColumn Column(ValueKind kind, std::optional<std::int64_t> precision = std::nullopt) {
  TargetColumn c;
  c.name = "c";
  c.kind = c.source_kind = kind;
  c.source.numeric_precision = precision;
  return c;
}

struct FieldResult {
  bool bad = false;
  std::string reason;
  std::string hex;  // length + value, hex
};

// Encodes one single-column row and returns the field's bytes (int32 length + value).
FieldResult One(const TargetColumn& col, std::optional<std::string> raw) {
  auto enc = CopyEncoder::Create(CopyFormat::kBinary, {col});
  REQUIRE(enc->format() == CopyFormat::kBinary);
  RowBatch b(1);
  b.BeginRow();
  raw ? b.AppendField(*raw) : b.AppendNull();
  std::string out;
  std::vector<BadValue> bad;
  std::size_t n = enc->EncodeRows(b, 0, 1, out, bad);
  if (n == 0) {
    REQUIRE(bad.size() == 1);
    CHECK(out.empty());
    return {true, bad[0].reason, ""};
  }
  REQUIRE(out.size() >= 2);
  CHECK(Hex(out.substr(0, 2)) == "0001");  // field count
  return {false, "", Hex(out.substr(2))};
}

std::string Field(ValueKind kind, std::string raw, std::optional<std::int64_t> precision = {}) {
  FieldResult r = One(Column(kind, precision), std::move(raw));
  INFO(r.reason);
  REQUIRE_FALSE(r.bad);
  return r.hex;
}

std::string Reason(ValueKind kind, std::string raw) {
  FieldResult r = One(Column(kind), std::move(raw));
  REQUIRE(r.bad);
  return r.reason;
}

}  // namespace

TEST_CASE("binary stream header and trailer", "[sink][copy][binary]") {
  auto enc = CopyEncoder::Create(CopyFormat::kBinary, {Column(ValueKind::kInt32)});
  std::string out;
  enc->BeginStream(out);
  CHECK(out == "PGCOPY\n\xFF\r\n\0"s + std::string(8, '\0'));
  CHECK(out.size() == 19);
  out.clear();
  enc->EndStream(out);
  CHECK(Hex(out) == "ffff");
}

TEST_CASE("numeric: base-10000 digits, weight, sign, dscale", "[sink][copy][binary][numeric]") {
  // ndigits weight sign dscale | digits
  CHECK(Numeric("12345.678") ==
        "0003"
        "0001"
        "0000"
        "0003"
        "0001"
        "0929"
        "1a7c");
  CHECK(Numeric("0") ==
        "0000"
        "0000"
        "0000"
        "0000");
  CHECK(Numeric("0.00") ==
        "0000"
        "0000"
        "0000"
        "0002");
  CHECK(Numeric("-0.00") ==
        "0000"
        "0000"
        "0000"
        "0002");
  CHECK(Numeric("000123") ==
        "0001"
        "0000"
        "0000"
        "0000"
        "007b");
  CHECK(Numeric("10000") ==
        "0001"
        "0001"
        "0000"
        "0000"
        "0001");
  CHECK(Numeric("1.5000") ==
        "0002"
        "0000"
        "0000"
        "0004"
        "0001"
        "1388");
  CHECK(Numeric("-0.0000123400") ==
        "0001"
        "fffe"
        "4000"
        "000a"
        "04d2");
  CHECK(Numeric(".5") ==
        "0001"
        "ffff"
        "0000"
        "0001"
        "1388");
  CHECK(Numeric("18446744073709551615") ==
        "0005"
        "0004"
        "0000"
        "0000"
        "0734"
        "1a58"
        "02e1"
        "03bb"
        "064f");
  CHECK(Numeric("123456789012345678901234567890") ==
        "0008"
        "0007"
        "0000"
        "0000"
        "000c"
        "0d80"
        "1ed2"
        "04d2"
        "162e"
        "2334"
        "0d80"
        "1ed2");
  CHECK(Numeric("-99999999999999999999999999999999999.999999999999999999999999999999") ==
        // 35 integer digits: 0999 then 8 x 9999; 30 fraction digits: 7 x 9999 then 9900
        "0011"
        "0008"
        "4000"
        "001e"
        "03e7"
        "270f"
        "270f"
        "270f"
        "270f"
        "270f"
        "270f"
        "270f"
        "270f"
        "270f"
        "270f"
        "270f"
        "270f"
        "270f"
        "270f"
        "270f"
        "26ac");
  std::string out;
  for (const char* bad : {"", "-", ".", "1e5", "1.2.3", "abc", "1 ", "NaN"}) {
    CHECK_FALSE(etl::sink::copy_binary::PutNumeric(bad, out));
  }
  CHECK(out.empty());
}

TEST_CASE("integers: exact widths and range checks", "[sink][copy][binary]") {
  CHECK(Field(ValueKind::kInt16, "-32768") ==
        "00000002"
        "8000");
  CHECK(Field(ValueKind::kInt16, "255") ==
        "00000002"
        "00ff");
  CHECK(Field(ValueKind::kYear, "2024") ==
        "00000002"
        "07e8");
  CHECK(Field(ValueKind::kInt32, "65535") ==
        "00000004"
        "0000ffff");
  CHECK(Field(ValueKind::kInt32, "-2147483648") ==
        "00000004"
        "80000000");
  CHECK(Field(ValueKind::kInt64, "4294967295") ==
        "00000008"
        "00000000ffffffff");
  CHECK(Field(ValueKind::kInt64, "-9223372036854775808") ==
        "00000008"
        "8000000000000000");
  CHECK(Field(ValueKind::kInt64, "9223372036854775807") ==
        "00000008"
        "7fffffffffffffff");
  CHECK(Reason(ValueKind::kInt16, "32768") == "integer out of range for smallint");
  CHECK(Reason(ValueKind::kInt32, "2147483648") == "integer out of range for integer");
  CHECK(Reason(ValueKind::kInt64, "9223372036854775808") == "integer out of range for bigint");
  CHECK(Reason(ValueKind::kInt32, "12x") == "integer out of range for integer");
  CHECK(Field(ValueKind::kNumeric, "18446744073709551615") ==
        "00000012"
        "0005"
        "0004"
        "0000"
        "0000"
        "0734"
        "1a58"
        "02e1"
        "03bb"
        "064f");
}

TEST_CASE("floats, bools, NULL", "[sink][copy][binary]") {
  CHECK(Field(ValueKind::kFloat4, "1.5") ==
        "00000004"
        "3fc00000");
  CHECK(Field(ValueKind::kFloat8, "-2.25") ==
        "00000008"
        "c002000000000000");
  CHECK(Reason(ValueKind::kFloat4, "1e39") == "invalid or out of range value for real");
  CHECK(Field(ValueKind::kBoolFromInt, "0") ==
        "00000001"
        "00");
  CHECK(Field(ValueKind::kBoolFromInt, "-5") ==
        "00000001"
        "01");
  CHECK(Field(ValueKind::kBoolFromBit, "\x01") ==
        "00000001"
        "01");
  CHECK(Field(ValueKind::kBoolFromBit, "\0"s) ==
        "00000001"
        "00");
  CHECK(One(Column(ValueKind::kText), std::nullopt).hex == "ffffffff");
}

TEST_CASE("date, timestamp, timestamptz, interval", "[sink][copy][binary]") {
  CHECK(Field(ValueKind::kDate, "2000-01-01") ==
        "00000004"
        "00000000");
  CHECK(Field(ValueKind::kDate, "1999-12-31") ==
        "00000004"
        "ffffffff");
  CHECK(Field(ValueKind::kDate, "2024-02-29") ==
        "00000004"
        "00002279");                                                      // 8825 days
  CHECK(One(Column(ValueKind::kDate), "0000-00-00"s).hex == "ffffffff");  // zero date: NULL
  CHECK(One(Column(ValueKind::kDate), "2024-00-10"s).hex == "ffffffff");
  CHECK(Reason(ValueKind::kDate, "2023-02-29") == "invalid date");
  CHECK(Field(ValueKind::kTimestamp, "2000-01-01 00:00:00.000001") ==
        "00000008"
        "0000000000000001");
  CHECK(Field(ValueKind::kTimestamp, "1970-01-01 00:00:00") ==
        "00000008"
        "fffca2fec4c82000");
  CHECK(Field(ValueKind::kTimestampTz, "2024-02-29 03:04:05.123456") ==
        "00000008"
        "0002b57b47e39580");
  CHECK(Field(ValueKind::kTimestamp, "2000-01-01 00:00:00.5") ==
        "00000008"
        "000000000007a120");
  CHECK(One(Column(ValueKind::kTimestampTz), "0000-00-00 00:00:00"s).hex == "ffffffff");
  CHECK(Field(ValueKind::kInterval, "-838:59:59") ==
        "00000010"
        "fffffd40c230c640"
        "00000000"
        "00000000");
  CHECK(Field(ValueKind::kInterval, "838:59:59.000000") ==
        "00000010"
        "000002bf3dcf39c0"
        "00000000"
        "00000000");
  CHECK(Field(ValueKind::kInterval, "-00:00:00.5") ==
        "00000010"
        "fffffffffff85ee0"
        "00000000"
        "00000000");
}

TEST_CASE("bytes, text, json, arrays, bits, geometry", "[sink][copy][binary]") {
  CHECK(Field(ValueKind::kBytea, ""s) == "00000000");
  CHECK(Field(ValueKind::kBytea, "\0\xFF"s) ==
        "00000002"
        "00ff");
  CHECK(Field(ValueKind::kText, "h\xC3\xA9") ==
        "00000003"
        "68c3a9");
  CHECK(Field(ValueKind::kText, ""s) == "00000000");
  CHECK(Reason(ValueKind::kText, "a\0"s) ==
        "text contains a NUL byte (0x00), which PostgreSQL text cannot hold");
  CHECK(Field(ValueKind::kJsonb, "[1]") ==
        "00000004"
        "01"
        "5b315d");
  CHECK(Reason(ValueKind::kJsonb, "[1").rfind("invalid JSON: ", 0) == 0);
  // ndim 1, no nulls, OID 25, dim 2, lbound 1, "a", "bc"
  CHECK(Field(ValueKind::kSetArray, "a,bc") ==
        "0000001f"
        "00000001"
        "00000000"
        "00000019"
        "00000002"
        "00000001"
        "00000001"
        "61"
        "00000002"
        "6263");
  CHECK(Field(ValueKind::kSetArray, "") ==
        "0000000c"
        "00000000"
        "00000000"
        "00000019");
  CHECK(Field(ValueKind::kBitVarying, "\x02\x01", 10) ==
        "00000006"
        "0000000a"
        "8040");
  CHECK(Field(ValueKind::kBitVarying, "\xA5", 8) ==
        "00000005"
        "00000008"
        "a5");
  CHECK(Field(ValueKind::kGeometry, "\xE6\x10\0\0\x01\x01\0\0\0"s) ==
        "00000005"
        "0101000000");
}

TEST_CASE("TextChecks::kTrustText copies text and json unchecked, and only those",
          "[sink][copy][binary]") {
  // Three rows: invalid UTF-8 text, invalid JSON, an out-of-range smallint.
  const std::vector<TargetColumn> cols{Column(ValueKind::kText), Column(ValueKind::kJsonb),
                                       Column(ValueKind::kInt16)};
  RowBatch b(3);
  for (const auto& row :
       {std::vector<std::string>{"\xFF", "[1]", "1"}, std::vector<std::string>{"a", "[1", "1"},
        std::vector<std::string>{"a", "[1]", "70000"}}) {
    b.BeginRow();
    for (const auto& f : row)
      b.AppendField(f);
  }
  auto trusting = CopyEncoder::Create(CopyFormat::kBinary, cols, etl::sink::TextChecks::kTrustText);
  std::string out;
  std::vector<BadValue> bad;
  CHECK(trusting->EncodeRows(b, 0, 3, out, bad) == 2);
  REQUIRE(bad.size() == 1);  // integers are still parsed: they have to be, to be encoded
  CHECK(bad[0].row == 2);
  CHECK(Hex(out.substr(0, 19)) ==
        "0003"
        "00000001"
        "ff"
        "00000004"
        "015b315d"
        "00000002");

  auto checking = CopyEncoder::Create(CopyFormat::kBinary, cols);
  out.clear();
  bad.clear();
  CHECK(checking->EncodeRows(b, 0, 3, out, bad) == 0);
  CHECK(bad.size() == 3);
}

TEST_CASE("a multi-column row is field count + fields", "[sink][copy][binary]") {
  std::vector<TargetColumn> cols = {Column(ValueKind::kInt32), Column(ValueKind::kText),
                                    Column(ValueKind::kDate)};
  auto enc = CopyEncoder::Create(CopyFormat::kBinary, cols);
  RowBatch b(3);
  b.BeginRow();
  b.AppendField("7");
  b.AppendNull();
  b.AppendField("2000-01-02");
  std::string out;
  std::vector<BadValue> bad;
  REQUIRE(enc->EncodeRows(b, 0, 1, out, bad) == 1);
  CHECK(Hex(out) ==
        "0003"
        "00000004"
        "00000007"
        "ffffffff"
        "00000004"
        "00000001");
}

TEST_CASE("BinaryRowLength walks the rows the binary encoder writes", "[sink][copy][binary]") {
  TargetColumn id = Column(ValueKind::kInt64);
  TargetColumn text = Column(ValueKind::kText);
  text.name = "t";
  auto enc = CopyEncoder::Create(CopyFormat::kBinary, {id, text});
  RowBatch b(2);
  b.BeginRow();
  b.AppendField("7");
  b.AppendField("seven");
  b.BeginRow();
  b.AppendField("8");
  b.AppendNull();
  std::string out;
  std::vector<BadValue> bad;
  REQUIRE(enc->EncodeRows(b, 0, 2, out, bad) == 2);
  // Row 1: int16 count, int32 8 + 8 bytes, int32 5 + "seven"; row 2: count, 8 + 8, -1 (NULL).
  const std::size_t first = etl::sink::BinaryRowLength(out);
  CHECK(first == 2 + 12 + 9);
  CHECK(etl::sink::BinaryRowLength(std::string_view(out).substr(first)) == 2 + 12 + 4);
  CHECK(first + etl::sink::BinaryRowLength(std::string_view(out).substr(first)) == out.size());
  // Cut short: not a whole row.
  CHECK(etl::sink::BinaryRowLength(std::string_view(out).substr(0, first - 1)) == 0);
  CHECK(etl::sink::BinaryRowLength("") == 0);
}
