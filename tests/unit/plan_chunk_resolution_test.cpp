#include <catch2/catch.hpp>

#include "plan/chunk_resolution.h"

namespace etl::plan {
namespace {

using config::Chunking;

TEST_CASE("ResolveChunking follows the contract's table", "[plan][chunk]") {
  struct Row {
    Chunking requested;
    bool has_key;
    bool single_integer;
    Chunking expected;
  };
  const Row rows[] = {
      {Chunking::kAuto, true, true, Chunking::kKeyset},
      {Chunking::kAuto, true, false, Chunking::kKeyset},
      {Chunking::kAuto, false, false, Chunking::kNone},
      {Chunking::kRange, true, true, Chunking::kRange},
      {Chunking::kRange, true, false, Chunking::kKeyset},
      {Chunking::kRange, false, false, Chunking::kNone},
      {Chunking::kKeyset, true, true, Chunking::kKeyset},
      {Chunking::kKeyset, true, false, Chunking::kKeyset},
      {Chunking::kKeyset, false, false, Chunking::kNone},
      {Chunking::kNone, true, true, Chunking::kNone},
      {Chunking::kNone, false, false, Chunking::kNone},
  };
  for (const Row& row : rows) {
    INFO(config::ToString(row.requested)
         << " has_key=" << row.has_key << " single_integer=" << row.single_integer);
    const ChunkingChoice choice = ResolveChunking(row.requested, row.has_key, row.single_integer);
    CHECK(choice.chunking == row.expected);
    CHECK_FALSE(choice.reason.empty());
  }
}

TEST_CASE("ResolveChunking says why range was not possible", "[plan][chunk]") {
  CHECK_THAT(ResolveChunking(Chunking::kRange, true, false).reason,
             Catch::Contains("not a single integer column"));
  CHECK_THAT(ResolveChunking(Chunking::kRange, false, false).reason, Catch::Contains("no key"));
  CHECK_THAT(ResolveChunking(Chunking::kAuto, false, false).reason, Catch::Contains("no key"));
}

}  // namespace
}  // namespace etl::plan
