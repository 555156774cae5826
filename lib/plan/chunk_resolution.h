#pragma once
// ResolveChunking: turns a table's `performance.chunking` (which may be `auto`) into the mode
// its reads will actually use, with the reason, for `plan` output and the run report.
//
// Rules (contract, "Chunking, adaptive sizing and sparse sequences"):
//   auto   -> keyset when the table has a key, else none.
//   range  -> range when the key is a single integer column; otherwise keyset when there is a
//             key at all, else none (the reason says why range was not possible).
//   keyset -> keyset when the table has a key, else none.
//   none   -> none.
// The result is never Chunking::kAuto.
//
// Note: ChunkSequencer tracks keyset positions as one int64, so a keyset over a key that is
// not a single integer column (key_is_single_integer == false) must be paged by the caller.

#include <string>

#include "config/job_spec.h"

namespace etl::plan {

struct ChunkingChoice {
  config::Chunking chunking = config::Chunking::kNone;
  std::string reason;  // e.g. "range requested but key (a, b) is not a single integer column"
};

ChunkingChoice ResolveChunking(config::Chunking requested, bool has_key,
                               bool key_is_single_integer);

}  // namespace etl::plan
