#include "plan/shard_assignment.h"

#include <algorithm>
#include <charconv>
#include <numeric>

#include <fmt/format.h>

namespace etl::plan {

ShardAssignment AssignShards(const std::vector<ShardUnit>& units, int shards) {
  shards = std::max(shards, 1);
  ShardAssignment out;
  out.shard_of.assign(units.size(), 0);
  out.weights.assign(static_cast<std::size_t>(shards), 0);
  out.units.assign(static_cast<std::size_t>(shards), 0);

  std::vector<std::size_t> order(units.size());
  std::iota(order.begin(), order.end(), 0);
  const auto weight = [&](std::size_t i) { return std::max<std::int64_t>(units[i].weight, 0); };
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (weight(a) != weight(b)) return weight(a) > weight(b);
    return units[a].name < units[b].name;
  });
  for (const std::size_t i : order) {
    // min_element returns the first minimum: equal totals go to the lowest index.
    const auto lightest = std::min_element(out.weights.begin(), out.weights.end());
    const auto shard = static_cast<std::size_t>(lightest - out.weights.begin());
    out.shard_of[i] = static_cast<int>(shard);
    out.weights[shard] += weight(i);
    ++out.units[shard];
  }
  return out;
}

std::string ShardSpec::ToString() const {
  return fmt::format("{}/{}", index, count);
}

std::string ShardSpecProblem(std::int64_t index, std::int64_t count) {
  if (count < 1) return fmt::format("the shard count must be at least 1, got {}", count);
  if (index < 0 || index >= count) {
    return fmt::format("the shard index must be between 0 and {} (count {}), got {}", count - 1,
                       count, index);
  }
  return "";
}

std::optional<ShardSpec> ParseShardSpec(const std::string& text, std::string& error) {
  const auto slash = text.find('/');
  const auto parse = [](std::string_view s, int& out) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && ec == std::errc() && end == s.data() + s.size();
  };
  ShardSpec spec;
  if (slash == std::string::npos || !parse(std::string_view(text).substr(0, slash), spec.index) ||
      !parse(std::string_view(text).substr(slash + 1), spec.count)) {
    error = fmt::format("expected I/N (e.g. 0/4: the first of 4 shards), got '{}'", text);
    return std::nullopt;
  }
  error = ShardSpecProblem(spec.index, spec.count);
  if (!error.empty()) return std::nullopt;
  return spec;
}

}  // namespace etl::plan
