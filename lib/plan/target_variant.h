#pragma once
// Which way rows reach the target (sink/target_variant.h), decided from what the target is,
// with the reason in words for `plan` and the report. Pure.
//
//   target missing                      -> create
//   incremental, first run (no saved    -> swap     (a bulk load like a full reload: clone
//   watermark) into an EMPTY target                  filled with COPY, indexes built after;
//   that a swap loses nothing                        the watermark commits with it)
//   incremental (and not --full)        -> upsert   (needs a key the target is unique on)
//   nothing a faithful swap would lose  -> swap     (fastest full reload; readers blocked only
//                                                    for the rename)
//   otherwise                           -> merge    (keyed differences; nothing of the target
//                                                    is lost and readers are never blocked)

#include <string>
#include <vector>

#include "sink/target_variant.h"

namespace etl::plan {

struct TargetFacts {
  bool exists = false;
  bool incremental = false;                // incremental extraction, not forced --full
  std::vector<std::string> swap_blockers;  // sink::TargetShape::swap_blockers
  bool has_unique_key = false;             // the target is unique on the load's key
  std::vector<std::string> key;            // the load's key (empty: none)
  bool referenced = false;                 // other tables' foreign keys point to the target
  bool empty = false;                      // the existing target holds no row
  bool has_watermark = false;              // incremental: a saved watermark exists
};

struct TargetChoice {
  sink::TargetVariant variant = sink::TargetVariant::kCreate;
  std::string reason;
  std::string problem;  // non-empty: the table cannot be loaded this way (plan refuses)
};

TargetChoice ChooseTargetVariant(const TargetFacts& facts);

}  // namespace etl::plan
