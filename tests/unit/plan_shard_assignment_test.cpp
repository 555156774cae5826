// Shard assignment (plan/shard_assignment.h): deterministic, independent of the input order,
// balanced by weight (LPT), and the I/N parser.

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "plan/shard_assignment.h"

namespace etl::plan {
namespace {

std::map<std::string, int> ByName(const std::vector<ShardUnit>& units, int shards) {
  const auto a = AssignShards(units, shards);
  std::map<std::string, int> out;
  for (std::size_t i = 0; i < units.size(); ++i)
    out[units[i].name] = a.shard_of[i];
  return out;
}

std::vector<ShardUnit> Sample() {
  // Twelve tables of different sizes, two pairs of equal size (ties broken by name).
  return {{"orders", 900}, {"customers", 300}, {"items", 700},    {"events", 1200},
          {"audit", 50},   {"tags", 50},       {"sessions", 400}, {"prices", 300},
          {"stock", 120},  {"users", 80},      {"notes", 10},     {"empty", 0}};
}

}  // namespace

TEST_CASE("shards: the same units and N give the same assignment, whatever their order") {
  const auto units = Sample();
  const auto expected = ByName(units, 4);
  std::mt19937 rng(42);
  for (int round = 0; round < 50; ++round) {
    auto shuffled = units;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    CHECK(ByName(shuffled, 4) == expected);
  }
  auto reversed = units;
  std::reverse(reversed.begin(), reversed.end());
  CHECK(ByName(reversed, 4) == expected);
}

TEST_CASE("shards: largest first onto the least loaded shard, ties by name, then lowest shard") {
  // events 1200 -> 0, orders 900 -> 1, items 700 -> 2, sessions 400 -> 3, then the lightest:
  // customers 300 (before prices by name) -> 3 (400+300), prices 300 -> 2 (the lower of two 700s)
  const auto got = ByName(Sample(), 4);
  CHECK(got.at("events") == 0);
  CHECK(got.at("orders") == 1);
  CHECK(got.at("items") == 2);
  CHECK(got.at("sessions") == 3);
  CHECK(got.at("customers") == 3);
  CHECK(got.at("prices") == 2);
  // Equal weights: the name decides who goes first, so swapping names swaps shards.
  const auto ab = ByName({{"a", 5}, {"b", 5}}, 2);
  CHECK(ab.at("a") == 0);
  CHECK(ab.at("b") == 1);
  const auto ba = ByName({{"b", 5}, {"a", 5}}, 2);
  CHECK(ba == ab);
}

TEST_CASE("shards: balanced within the largest unit's weight, totals add up") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::int64_t> size(0, 5000);
  for (int round = 0; round < 200; ++round) {
    std::vector<ShardUnit> units;
    const int n = 1 + round % 40;
    for (int i = 0; i < n; ++i)
      units.push_back({"t" + std::to_string(i), size(rng)});
    const int shards = 1 + round % 7;
    const auto a = AssignShards(units, shards);
    REQUIRE(a.weights.size() == static_cast<std::size_t>(shards));
    std::int64_t largest = 0;
    std::int64_t total = 0;
    for (const auto& u : units) {
      largest = std::max(largest, u.weight);
      total += u.weight;
    }
    const auto [lo, hi] = std::minmax_element(a.weights.begin(), a.weights.end());
    INFO("round " << round << " units " << n << " shards " << shards);
    CHECK(*hi - *lo <= largest);
    CHECK(std::accumulate(a.weights.begin(), a.weights.end(), std::int64_t{0}) == total);
    CHECK(std::accumulate(a.units.begin(), a.units.end(), 0) == n);
    for (int s : a.shard_of)
      CHECK((s >= 0 && s < shards));
  }
}

TEST_CASE("shards: one shard takes everything, more shards than units leave some empty") {
  const auto one = AssignShards(Sample(), 1);
  CHECK(std::all_of(one.shard_of.begin(), one.shard_of.end(), [](int s) { return s == 0; }));
  const auto many = AssignShards({{"a", 10}, {"b", 20}}, 5);
  CHECK(many.shard_of == std::vector<int>{1, 0});
  CHECK(many.units == std::vector<int>{1, 1, 0, 0, 0});
  CHECK(AssignShards({}, 3).weights == std::vector<std::int64_t>{0, 0, 0});
  // Negative weights (never measured) count as zero.
  CHECK(AssignShards({{"a", -5}, {"b", 0}}, 2).weights == std::vector<std::int64_t>{0, 0});
}

TEST_CASE("shards: I/N is parsed and checked") {
  std::string error;
  const auto s = ParseShardSpec("2/4", error);
  REQUIRE(s);
  CHECK(s->index == 2);
  CHECK(s->count == 4);
  CHECK(s->ToString() == "2/4");
  CHECK(ParseShardSpec("0/1", error));
  for (const char* bad : {"4/4", "-1/4", "1/0", "1", "a/b", "1/4x", "/4", "1/", ""}) {
    INFO(bad);
    CHECK_FALSE(ParseShardSpec(bad, error));
    CHECK_FALSE(error.empty());
  }
  ParseShardSpec("4/4", error);
  CHECK(error == "the shard index must be between 0 and 3 (count 4), got 4");
  ParseShardSpec("x", error);
  CHECK(error == "expected I/N (e.g. 0/4: the first of 4 shards), got 'x'");
  CHECK(ShardSpecProblem(0, 0) == "the shard count must be at least 1, got 0");
  CHECK(ShardSpecProblem(1, 3).empty());
}

}  // namespace etl::plan
