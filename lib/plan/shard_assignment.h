#pragma once
// Shard assignment: which of N workers loads which work unit (today: one unit per table).
//
// AssignShards is a pure function of the units' names and weights and of N. It uses the LPT rule
// (longest processing time first): units sorted by weight, largest first, each placed on the shard
// with the smallest total so far. The sort breaks equal weights by name, and equal totals go to
// the lowest shard index, so the result depends only on the set of (name, weight) pairs -- never
// on the order of the input (the YAML's order) -- and every worker that computes it from the same
// figures gets the same answer. LPT keeps the largest shard within one unit's weight of the
// smallest (and within 4/3 of the best possible split).
//
// REQUIRES: unit names are unique (table names are); shards >= 1. Weights < 0 count as 0.
// Threads: pure, no shared state.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace etl::plan {

struct ShardUnit {
  std::string name;
  std::int64_t weight = 0;  // estimated bytes
};

struct ShardAssignment {
  std::vector<int> shard_of;          // per input unit, in input order: 0..shards-1
  std::vector<std::int64_t> weights;  // per shard: the sum of its units' weights
  std::vector<int> units;             // per shard: how many units it got
};

ShardAssignment AssignShards(const std::vector<ShardUnit>& units, int shards);

// A worker's place among N: index 0..count-1.
struct ShardSpec {
  int index = 0;
  int count = 1;
  std::string ToString() const;  // "I/N"
};

// Parses "I/N" (e.g. "2/4"): 0 <= I < N, N >= 1. Returns nullopt and sets `error` otherwise.
std::optional<ShardSpec> ParseShardSpec(const std::string& text, std::string& error);

// Checks 0 <= index < count and count >= 1; "" or the problem in words.
std::string ShardSpecProblem(std::int64_t index, std::int64_t count);

}  // namespace etl::plan
