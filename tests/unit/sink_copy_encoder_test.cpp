// Exact bytes of the text and csv COPY encoders, bad-row handling and the binary fallback.
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "sink/copy_encoder.h"

using etl::config::CopyFormat;
using etl::sink::BadValue;
using etl::sink::CopyEncoder;
using etl::types::RowBatch;
using etl::types::TargetColumn;
using etl::types::ValueKind;
using namespace std::string_literals;

namespace {

TargetColumn Column(std::string name, ValueKind kind, std::string pg_type = "text") {
  TargetColumn c;
  c.name = std::move(name);
  c.kind = c.source_kind = kind;
  c.pg_type = std::move(pg_type);
  return c;
}

using Field = std::optional<std::string>;  // nullopt = SQL NULL

RowBatch Batch(std::size_t columns, const std::vector<std::vector<Field>>& rows) {
  RowBatch b(columns);
  for (const auto& row : rows) {
    b.BeginRow();
    for (const auto& f : row)
      f ? b.AppendField(*f) : b.AppendNull();
  }
  return b;
}

std::string Encode(CopyFormat format, const std::vector<TargetColumn>& cols,
                   const std::vector<std::vector<Field>>& rows,
                   std::vector<BadValue>* bad_out = nullptr) {
  auto enc = CopyEncoder::Create(format, cols);
  RowBatch b = Batch(cols.size(), rows);
  std::string out;
  std::vector<BadValue> bad;
  enc->BeginStream(out);
  const std::size_t written = enc->EncodeRows(b, 0, b.row_count(), out, bad);
  enc->EndStream(out);
  CHECK(written + bad.size() == rows.size());
  if (bad_out) *bad_out = bad;
  return out;
}

}  // namespace

TEST_CASE("text format escapes and NULLs", "[sink][copy][text]") {
  std::vector<TargetColumn> cols = {Column("t", ValueKind::kText), Column("n", ValueKind::kInt32)};
  CHECK(Encode(CopyFormat::kText, cols,
               {{"plain"s, "1"s},
                {std::nullopt, std::nullopt},
                {"\\N"s, "2"s},
                {"NULL"s, "3"s},
                {"tab\there"s, "4"s},
                {"line\nbreak\r\n"s, "5"s},
                {"back\\slash"s, "6"s},
                {"\\."s, "7"s},
                {""s, "8"s},
                {"quote\" , comma \xF0\x9F\x98\x80"s, "9"s},
                {"bell\a form\f"s, "10"s}}) ==
        "plain\t1\n"
        "\\N\t\\N\n"
        "\\\\N\t2\n"
        "NULL\t3\n"
        "tab\\there\t4\n"
        "line\\nbreak\\r\\n\t5\n"
        "back\\\\slash\t6\n"
        "\\\\.\t7\n"
        "\t8\n"
        "quote\" , comma \xF0\x9F\x98\x80\t9\n"
        "bell\a form\f\t10\n");
}

TEST_CASE("text format: bytea hex, zero dates, sets, bools, timestamptz", "[sink][copy][text]") {
  std::vector<TargetColumn> cols = {
      Column("b", ValueKind::kBytea, "bytea"), Column("d", ValueKind::kDate, "date"),
      Column("s", ValueKind::kSetArray, "text[]"), Column("f", ValueKind::kBoolFromInt, "boolean"),
      Column("ts", ValueKind::kTimestampTz, "timestamptz")};
  CHECK(Encode(CopyFormat::kText, cols,
               {{"\0\xFF\\"s, "0000-00-00"s, R"(a,b"c,d\e)"s, "0"s, "2024-01-02 03:04:05.5"s},
                {""s, "2024-02-29"s, ""s, "-1"s, "0000-00-00 00:00:00"s}}) ==
        "\\\\x00ff5c\t\\N\t{\"a\",\"b\\\\\"c\",\"d\\\\\\\\e\"}\tf\t2024-01-02 03:04:05.5+00\n"
        "\\\\x\t2024-02-29\t{}\tt\t\\N\n");
}

TEST_CASE("csv format quoting", "[sink][copy][csv]") {
  std::vector<TargetColumn> cols = {Column("t", ValueKind::kText), Column("n", ValueKind::kInt64)};
  CHECK(Encode(CopyFormat::kCsv, cols,
               {{"plain"s, "1"s},
                {std::nullopt, std::nullopt},
                {""s, "2"s},
                {"\\N"s, "3"s},
                {"NULL"s, "4"s},
                {"a,b"s, "5"s},
                {"say \"hi\""s, "6"s},
                {"line\nbreak"s, "7"s},
                {"cr\r"s, "8"s},
                {"\\."s, "9"s},
                {"\\.x"s, "10"s},
                {"tab\tand back\\slash"s, "11"s},
                {" spaced "s, "12"s}}) ==
        "plain,1\n"
        ",\n"
        "\"\",2\n"
        "\\N,3\n"
        "NULL,4\n"
        "\"a,b\",5\n"
        "\"say \"\"hi\"\"\",6\n"
        "\"line\nbreak\",7\n"
        "\"cr\r\",8\n"
        "\"\\.\",9\n"
        "\"\\.x\",10\n"
        "tab\tand back\\slash,11\n"
        " spaced ,12\n");
}

TEST_CASE("csv format: bytea, sets, json, bits, intervals", "[sink][copy][csv]") {
  TargetColumn bits = Column("v", ValueKind::kBitVarying, "bit varying(10)");
  bits.source.numeric_precision = 10;
  std::vector<TargetColumn> cols = {
      Column("b", ValueKind::kBytea, "bytea"), Column("s", ValueKind::kSetArray, "text[]"),
      Column("j", ValueKind::kJsonb, "jsonb"), bits, Column("i", ValueKind::kInterval, "interval")};
  CHECK(Encode(CopyFormat::kCsv, cols,
               {{"\x01\xAB"s, "a,b"s, R"({"k": "v,w"})"s, "\x02\x01"s, "-838:59:59"s},
                {""s, ""s, "1"s, "\0\0"s, "838:59:59.000000"s}}) ==
        "\\x01ab,\"{\"\"a\"\",\"\"b\"\"}\",\"{\"\"k\"\": \"\"v,w\"\"}\",1000000001,-838:59:59\n"
        "\\x,{},1,0000000000,838:59:59.000000\n");
}

TEST_CASE("rows with a bad value are skipped and reported", "[sink][copy]") {
  std::vector<TargetColumn> cols = {Column("id", ValueKind::kInt32), Column("t", ValueKind::kText),
                                    Column("j", ValueKind::kJsonb, "jsonb")};
  for (CopyFormat format : {CopyFormat::kText, CopyFormat::kCsv, CopyFormat::kBinary}) {
    std::vector<BadValue> bad;
    std::string all = Encode(format, cols,
                             {{"1"s, "ok"s, "{}"s},
                              {"2"s, "nul\0"s, "{}"s},
                              {"3"s, "ok"s, "{bad"s},
                              {"4"s, "bad \xC0"s, "[]"s},
                              {"5"s, "ok"s, "[]"s}},
                             &bad);
    std::string good = Encode(format, cols, {{"1"s, "ok"s, "{}"s}, {"5"s, "ok"s, "[]"s}});
    CHECK(all == good);  // nothing of the bad rows is left in the output
    REQUIRE(bad.size() == 3);
    CHECK(bad[0].row == 1);
    CHECK(bad[0].column == 1);
    CHECK(bad[0].column_name == "t");
    CHECK(bad[0].reason == "text contains a NUL byte (0x00), which PostgreSQL text cannot hold");
    CHECK(bad[1].row == 2);
    CHECK(bad[1].column == 2);
    CHECK(bad[1].reason.rfind("invalid JSON: ", 0) == 0);
    CHECK(bad[2].row == 3);
    CHECK(bad[2].reason == "invalid UTF-8");
  }
}

TEST_CASE("EncodeRows honours the row range and appends", "[sink][copy]") {
  std::vector<TargetColumn> cols = {Column("t", ValueKind::kText)};
  auto enc = CopyEncoder::Create(CopyFormat::kCsv, cols);
  RowBatch b = Batch(1, {{"a"s}, {"b"s}, {"c"s}});
  std::string out = "prefix|";
  std::vector<BadValue> bad;
  CHECK(enc->EncodeRows(b, 1, 3, out, bad) == 2);
  CHECK(out == "prefix|b\nc\n");
  CHECK(enc->EncodeRows(b, 3, 3, out, bad) == 0);
  CHECK(out == "prefix|b\nc\n");
}

TEST_CASE("formats, options and the binary fallback", "[sink][copy]") {
  std::vector<TargetColumn> cols = {Column("id", ValueKind::kInt64, "bigint")};
  auto csv = CopyEncoder::Create(CopyFormat::kCsv, cols);
  CHECK(csv->format() == CopyFormat::kCsv);
  CHECK(csv->CopyOptions() == "FORMAT csv");
  CHECK(csv->fallback_reason().empty());
  CHECK(CopyEncoder::Create(CopyFormat::kText, cols)->CopyOptions() == "FORMAT text");
  auto bin = CopyEncoder::Create(CopyFormat::kBinary, cols);
  CHECK(bin->format() == CopyFormat::kBinary);
  CHECK(bin->CopyOptions() == "FORMAT binary");
  CHECK(bin->fallback_reason().empty());

  TargetColumn cast = Column("payload", ValueKind::kCast, "citext");
  cast.source_kind = ValueKind::kText;
  cols.push_back(cast);
  auto fallback = CopyEncoder::Create(CopyFormat::kBinary, cols);
  CHECK(fallback->format() == CopyFormat::kCsv);
  CHECK(fallback->CopyOptions() == "FORMAT csv");
  CHECK(fallback->fallback_reason().find("\"payload\"") != std::string::npos);
  CHECK(fallback->fallback_reason().find("citext") != std::string::npos);
  std::string out;
  fallback->BeginStream(out);
  CHECK(out.empty());
}

TEST_CASE("kCast columns travel as normalised text", "[sink][copy]") {
  TargetColumn cast = Column("b", ValueKind::kCast, "bytea");
  cast.source_kind = ValueKind::kBytea;
  TargetColumn d = Column("d", ValueKind::kCast, "text");
  d.source_kind = ValueKind::kDate;
  CHECK(Encode(CopyFormat::kText, {cast, d}, {{"\x01\x02"s, "0000-00-00"s}}) == "\\\\x0102\t\\N\n");
  CHECK(Encode(CopyFormat::kCsv, {cast, d}, {{"\x01\x02"s, "2024-01-01"s}}) ==
        "\\x0102,2024-01-01\n");
}
