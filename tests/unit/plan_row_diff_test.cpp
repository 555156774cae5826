#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "plan/row_diff.h"

namespace etl::plan {
namespace {

using Row = std::vector<std::optional<std::string>>;

// A stream of `rows`, `per_batch` rows per batch (so merges cross batch ends).
BatchSource Stream(std::vector<Row> rows, std::size_t per_batch = 2) {
  auto batch = std::make_shared<types::RowBatch>();
  auto next = std::make_shared<std::size_t>(0);
  auto data = std::make_shared<std::vector<Row>>(std::move(rows));
  return [batch, next, data, per_batch]() -> const types::RowBatch* {
    if (*next >= data->size()) return nullptr;
    batch->Reset(data->front().size());
    for (std::size_t n = 0; n < per_batch && *next < data->size(); ++n, ++*next) {
      batch->BeginRow();
      for (const auto& field : (*data)[*next]) {
        if (field) {
          batch->AppendField(*field);
        } else {
          batch->AppendNull();
        }
      }
    }
    return batch.get();
  };
}

types::TargetColumn Column(const std::string& name, types::ValueKind kind) {
  types::TargetColumn c;
  c.name = name;
  c.kind = kind;
  c.source_kind = kind;
  return c;
}

std::vector<CompareColumn> IdAndValue(types::ValueKind value_kind = types::ValueKind::kText) {
  return CompareColumnsFor({Column("id", types::ValueKind::kInt64), Column("v", value_kind)});
}

TEST_CASE("RowDiff finds changed, missing and extra rows in one merge", "[plan][verify]") {
  RowDiff diff(IdAndValue(), {0}, false, 20);
  diff.Run(Stream({{"-5", "a"}, {"1", "b"}, {"2", "c"}, {"10", "d"}, {"11", std::nullopt}}),
           Stream({{"-5", "a"}, {"2", "C"}, {"3", "x"}, {"10", "d"}, {"11", ""}, {"99", "z"}}));
  const DiffCounts& d = diff.diff();
  CHECK(d.changed == 2);
  CHECK(d.missing == 1);
  CHECK(d.extra == 2);
  REQUIRE(d.changed_keys.size() == 2);
  CHECK(d.changed_keys[0].key == "id=2");
  CHECK(d.changed_keys[0].columns == std::vector<std::string>{"v"});
  CHECK(d.changed_keys[1].key == "id=11");  // NULL is not ''
  CHECK(d.missing_keys == std::vector<std::string>{"id=1"});
  CHECK(d.extra_keys == std::vector<std::string>{"id=3", "id=99"});
  CHECK(diff.source_rows() == 5);
  CHECK(diff.target_rows() == 6);
}

TEST_CASE("RowDiff orders numbers by value, not as text", "[plan][verify]") {
  RowDiff diff(IdAndValue(), {0}, false, 20);
  diff.Run(Stream({{"9", "a"}, {"10", "b"}, {"100", "c"}}),
           Stream({{"9", "a"}, {"10", "b"}, {"100", "c"}}));
  CHECK(diff.diff().total() == 0);
  RowDiff wrong(IdAndValue(), {0}, false, 20);
  CHECK_THROWS_WITH(wrong.Run(Stream({{"10", "a"}, {"9", "b"}}), Stream({})),
                    Catch::Contains("source rows are not in key order (id=9 came after 10)"));
}

TEST_CASE("RowDiff compares json by value and canonicalises both sides", "[plan][verify]") {
  RowDiff diff(IdAndValue(types::ValueKind::kJsonb), {0}, false, 20);
  diff.Run(Stream({{"1", R"({"b": 1, "a": 2})"}, {"2", R"({"a":1})"}}),
           Stream({{"1", R"({"a": 2, "b": 1})"}, {"2", R"({"a": 2})"}}));
  CHECK(diff.diff().changed == 1);
  CHECK(diff.diff().changed_keys.at(0).key == "id=2");

  // Zero dates at the source are NULL in the target; booleans are 't' there.
  RowDiff dates(CompareColumnsFor({Column("id", types::ValueKind::kInt32),
                                   Column("d", types::ValueKind::kDate),
                                   Column("b", types::ValueKind::kBoolFromInt)}),
                {0}, false, 20);
  dates.Run(Stream({{"1", "0000-00-00", "5"}, {"2", "2024-01-01", "0"}}),
            Stream({{"1", std::nullopt, "t"}, {"2", "2024-01-01", "f"}}));
  CHECK(dates.diff().total() == 0);
}

TEST_CASE("RowDiff with a watermark counts rows past it as pending", "[plan][verify]") {
  // The source's last field is the "past the watermark" flag.
  RowDiff diff(IdAndValue(), {0}, true, 20);
  diff.Run(Stream({{"1", "a", "0"}, {"2", "new", "1"}, {"3", "added", "1"}, {"4", "x", "0"}}),
           Stream({{"1", "a"}, {"2", "old"}, {"4", "y"}}));
  CHECK(diff.diff().pending == 2);
  CHECK(diff.diff().changed == 1);
  CHECK(diff.diff().changed_keys.at(0).key == "id=4");
  CHECK(diff.diff().missing == 0);
  CHECK(diff.diff().extra == 0);
}

TEST_CASE("RowDiff names composite and text keys, repeated target keys are extra",
          "[plan][verify]") {
  RowDiff diff(CompareColumnsFor({Column("a", types::ValueKind::kInt32),
                                  Column("b", types::ValueKind::kText),
                                  Column("v", types::ValueKind::kText)}),
               {0, 1}, false, 1);
  diff.Run(Stream({{"1", "O'Brien", "x"}, {"1", "Z", "y"}, {"2", "a", "z"}}),
           Stream({{"1", "O'Brien", "X"}, {"1", "Z", "y"}, {"1", "Z", "y"}, {"3", "a", "z"}}));
  const DiffCounts& d = diff.diff();
  CHECK(d.changed_keys.at(0).key == "(a=1, b='O''Brien')");
  CHECK(d.extra == 2);              // the repeated (1, 'Z') and (3, 'a')
  CHECK(d.extra_keys.size() == 1);  // capped at max_keys
  CHECK(d.missing_keys == std::vector<std::string>{"(a=2, b='a')"});
}

TEST_CASE("AddRows hashes rows in any order, after canonicalisation", "[plan][verify]") {
  const auto columns = CompareColumnsFor(
      {Column("v", types::ValueKind::kText), Column("j", types::ValueKind::kJsonb)});
  auto sum = [&](std::vector<Row> rows, bool source) {
    UnorderedChecksum out;
    auto next = Stream(std::move(rows), 1);
    while (const types::RowBatch* b = next())
      AddRows(columns, *b, source, out);
    return out;
  };
  const auto a =
      sum({{"x", R"({"b": 1, "a": 2})"}, {"x", R"({"b": 1, "a": 2})"}, {"", std::nullopt}}, true);
  const auto b =
      sum({{"", std::nullopt}, {"x", R"({"a": 2, "b": 1})"}, {"x", R"({"a": 2, "b": 1})"}}, false);
  CHECK(a == b);
  CHECK(a.rows == 3);
  // A duplicate row does not cancel out, NULL is not ''.
  CHECK_FALSE(sum({{"x", "1"}, {"x", "1"}}, true) == sum({{"y", "1"}, {"y", "1"}}, true));
  CHECK_FALSE(sum({{"", std::nullopt}}, true) == sum({{std::nullopt, std::nullopt}}, true));
}

}  // namespace
}  // namespace etl::plan
