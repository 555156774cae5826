#pragma once
// Which shard `etl run` is, from its options: `--shard I/N`, or `--shard-index I --shard-count N`,
// or `--shard-count N` alone with I from $JOB_COMPLETION_INDEX (what a Kubernetes Indexed Job
// sets in each pod). Giving neither means no sharding; mixing --shard with the other two, an
// index without a count, or a bad number is a usage error.
//
// Pure apart from the environment lookup it is given.

#include <optional>
#include <string>

#include "config/job_loader.h"
#include "plan/shard_assignment.h"

namespace etl::app {

struct ShardArgs {
  std::string shard;  // --shard I/N ("" = not given)
  int index = -1;     // --shard-index (-1 = not given)
  int count = -1;     // --shard-count (-1 = not given)
};

inline constexpr const char* kCompletionIndexVariable = "JOB_COMPLETION_INDEX";

struct ShardSelection {
  std::optional<plan::ShardSpec> shard;  // nullopt: not sharded
  std::string error;                     // non-empty: usage error, in words
};

ShardSelection ResolveShard(const ShardArgs& args, const config::EnvLookup& env);

}  // namespace etl::app
