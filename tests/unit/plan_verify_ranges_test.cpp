#include <catch2/catch.hpp>

#include "plan/verify_ranges.h"

namespace etl::plan {
namespace {

using types::KeyRange;
using types::RangeChecksum;

TEST_CASE("InitialRanges covers every key with open outer ranges", "[plan][verify]") {
  RangeSettings s;
  s.rows_per_range = 100;
  const auto ranges = InitialRanges(std::pair{std::int64_t{1}, std::int64_t{1000}}, 400, s);
  REQUIRE(ranges.size() == 4);
  CHECK_FALSE(ranges.front().lo.has_value());
  CHECK_FALSE(ranges.back().hi.has_value());
  for (std::size_t i = 0; i + 1 < ranges.size(); ++i) {
    CHECK(ranges[i].hi == ranges[i + 1].lo);  // contiguous, no gap, no overlap
  }
  CHECK(*ranges[1].lo == 251);
  // Empty tables and a single row: one range, the whole table.
  CHECK(InitialRanges(std::nullopt, 0, s).size() == 1);
  CHECK(InitialRanges(std::nullopt, 0, s)[0].whole());
  CHECK(InitialRanges(std::pair{std::int64_t{5}, std::int64_t{5}}, 1, s)[0].whole());
  // Never more than max_ranges; never wider splits than keys.
  s.max_ranges = 3;
  CHECK(InitialRanges(std::pair{std::int64_t{1}, std::int64_t{1000}}, 100000, s).size() == 3);
  s.max_ranges = 4096;
  CHECK(InitialRanges(std::pair{std::int64_t{1}, std::int64_t{2}}, 100000, s).size() == 2);
}

TEST_CASE("SplitRange handles the whole int64 span without overflow", "[plan][verify]") {
  const KeyBounds span = std::pair{INT64_MIN, INT64_MAX - 1};
  const auto parts = SplitRange(KeyRange{}, span, 16);
  REQUIRE(parts.size() == 16);
  CHECK_FALSE(parts.front().lo.has_value());
  CHECK_FALSE(parts.back().hi.has_value());
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    REQUIRE(parts[i].hi.has_value());
    CHECK(parts[i].hi == parts[i + 1].lo);
    if (i > 0) CHECK(*parts[i].lo < *parts[i].hi);
  }
  // A range one key wide cannot be split.
  const KeyRange one{std::int64_t{7}, std::int64_t{8}};
  CHECK(SplitRange(one, span, 16) == std::vector<KeyRange>{one});
}

TEST_CASE("Judge: equal, split while large, compare rows when small or one key wide",
          "[plan][verify]") {
  RangeSettings s;
  s.leaf_rows = 10;
  const KeyBounds span = std::pair{std::int64_t{0}, std::int64_t{999}};
  const KeyRange r{std::int64_t{0}, std::int64_t{1000}};
  CHECK(Judge(r, span, {100, "5"}, {100, "5"}, s) == RangeVerdict::kEqual);
  CHECK(Judge(r, span, {100, "5"}, {100, "6"}, s) == RangeVerdict::kSplit);
  CHECK(Judge(r, span, {100, "5"}, {99, "5"}, s) == RangeVerdict::kSplit);
  CHECK(Judge(r, span, {10, "5"}, {9, "5"}, s) == RangeVerdict::kCompareRows);
  CHECK(Judge(r, span, {0, "0"}, {11, "5"}, s) == RangeVerdict::kSplit);  // target-only rows
  const KeyRange one{std::int64_t{3}, std::int64_t{4}};
  CHECK(Judge(one, span, {1, "5"}, {50, "7"}, s) == RangeVerdict::kCompareRows);
}

TEST_CASE("SplitAt cuts at the source's split points, keeping open ends", "[plan][verify]") {
  const KeyRange open_low{std::nullopt, std::int64_t{100}};
  const auto parts = SplitAt(open_low, {5, 5, 40, 100, 200});
  REQUIRE(parts.size() == 3);
  CHECK(parts[0] == KeyRange{std::nullopt, std::int64_t{5}});
  CHECK(parts[1] == KeyRange{std::int64_t{5}, std::int64_t{40}});
  CHECK(parts[2] == KeyRange{std::int64_t{40}, std::int64_t{100}});
  // Points outside the range are ignored; none inside leaves the range whole.
  const KeyRange r{std::int64_t{10}, std::nullopt};
  CHECK(SplitAt(r, {3, 10}) == std::vector<KeyRange>{r});
  RangeSettings s;
  CHECK(SplitByRows({32, "1"}, s));
  CHECK_FALSE(SplitByRows({31, "1"}, s));
}

TEST_CASE("CombinedBounds spans both sides", "[plan][verify]") {
  CHECK(CombinedBounds(std::nullopt, std::nullopt) == std::nullopt);
  CHECK(CombinedBounds(std::pair{std::int64_t{5}, std::int64_t{9}}, std::nullopt) ==
        std::pair{std::int64_t{5}, std::int64_t{9}});
  CHECK(CombinedBounds(std::pair{std::int64_t{5}, std::int64_t{9}},
                       std::pair{std::int64_t{-3}, std::int64_t{7}}) ==
        std::pair{std::int64_t{-3}, std::int64_t{9}});
}

}  // namespace
}  // namespace etl::plan
