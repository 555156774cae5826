#include "plan/chunk_resolution.h"

namespace etl::plan {

using config::Chunking;

ChunkingChoice ResolveChunking(Chunking requested, bool has_key, bool key_is_single_integer) {
  switch (requested) {
    case Chunking::kNone:
      return {Chunking::kNone, "none requested: one unbuffered stream"};
    case Chunking::kAuto:
      if (has_key) return {Chunking::kKeyset, "auto: table has a key, keyset chunks"};
      return {Chunking::kNone, "auto: table has no key, one unbuffered stream"};
    case Chunking::kKeyset:
      if (has_key) return {Chunking::kKeyset, "keyset requested"};
      return {Chunking::kNone, "keyset requested but the table has no key: one unbuffered stream"};
    case Chunking::kRange:
      if (has_key && key_is_single_integer) return {Chunking::kRange, "range requested"};
      if (has_key) {
        return {Chunking::kKeyset,
                "range requested but the key is not a single integer column: keyset chunks"};
      }
      return {Chunking::kNone, "range requested but the table has no key: one unbuffered stream"};
  }
  return {Chunking::kNone, "unknown chunking: one unbuffered stream"};
}

}  // namespace etl::plan
