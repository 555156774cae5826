#pragma once
// The ways rows reach a target table (sink/target_load.h implements them; plan/target_variant.h
// chooses one). Header-only so that plan/ can name them without linking sink/.

namespace etl::sink {

enum class TargetVariant {
  kCreate,  // the target does not exist: created with the rows
  kSwap,    // exists, replaceable: a faithful clone is filled and swapped in
  kMerge,   // exists with dependents: differences applied by key, readers never blocked
  kUpsert,  // incremental: rows past the watermark upserted by key
};

inline const char* ToString(TargetVariant v) {
  switch (v) {
    case TargetVariant::kCreate:
      return "create";
    case TargetVariant::kSwap:
      return "swap";
    case TargetVariant::kMerge:
      return "merge";
    case TargetVariant::kUpsert:
      return "upsert";
  }
  return "unknown";
}

}  // namespace etl::sink
