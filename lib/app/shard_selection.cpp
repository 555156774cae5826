#include "app/shard_selection.h"

#include <charconv>

#include <fmt/format.h>

namespace etl::app {

ShardSelection ResolveShard(const ShardArgs& args, const config::EnvLookup& env) {
  ShardSelection out;
  const bool split_given = args.index >= 0 || args.count >= 0;
  if (!args.shard.empty()) {
    if (split_given) {
      out.error = "--shard I/N cannot be combined with --shard-index or --shard-count";
      return out;
    }
    out.shard = plan::ParseShardSpec(args.shard, out.error);
    if (!out.shard) out.error = "--shard: " + out.error;
    return out;
  }
  if (!split_given) return out;
  if (args.count < 0) {
    out.error = "--shard-index needs --shard-count N (how many shards there are)";
    return out;
  }
  plan::ShardSpec spec;
  spec.count = args.count;
  if (args.index >= 0) {
    spec.index = args.index;
  } else {
    const auto value = env(kCompletionIndexVariable);
    if (!value || value->empty()) {
      out.error = fmt::format(
          "--shard-count without --shard-index takes the index from ${}, which is not set",
          kCompletionIndexVariable);
      return out;
    }
    const auto [end, ec] =
        std::from_chars(value->data(), value->data() + value->size(), spec.index);
    if (ec != std::errc() || end != value->data() + value->size()) {
      out.error = fmt::format("${} must be a shard index (0, 1, ...), got '{}'",
                              kCompletionIndexVariable, *value);
      return out;
    }
  }
  out.error = plan::ShardSpecProblem(spec.index, spec.count);
  if (!out.error.empty()) {
    out.error = (args.index >= 0 ? "--shard-index/--shard-count: "
                                 : fmt::format("${}/--shard-count: ", kCompletionIndexVariable)) +
                out.error;
    return out;
  }
  out.shard = spec;
  return out;
}

}  // namespace etl::app
