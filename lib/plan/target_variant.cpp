#include "plan/target_variant.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace etl::plan {

TargetChoice ChooseTargetVariant(const TargetFacts& f) {
  using sink::TargetVariant;
  TargetChoice c;
  if (!f.exists) {
    c.variant = TargetVariant::kCreate;
    c.reason = "the target does not exist: created with the rows";
    return c;
  }
  if (f.incremental && f.empty && !f.has_watermark && f.swap_blockers.empty() && !f.referenced) {
    c.variant = TargetVariant::kSwap;
    c.reason =
        "incremental first run (no watermark) into an empty target: a bulk load, a clone filled "
        "and swapped in";
    return c;
  }
  if (f.incremental) {
    c.variant = TargetVariant::kUpsert;
    c.reason = "incremental: rows past the watermark are upserted by key";
    if (f.key.empty() || !f.has_unique_key) {
      c.problem =
          fmt::format("has no primary key or unique index on ({}), which incremental upserts need",
                      fmt::join(f.key, ", "));
    }
    return c;
  }
  if (f.swap_blockers.empty()) {
    c.variant = TargetVariant::kSwap;
    c.reason = "nothing a swap would lose: a clone is filled and swapped in";
    return c;
  }
  c.variant = TargetVariant::kMerge;
  std::string why = f.swap_blockers.front();
  if (f.swap_blockers.size() > 1) why += fmt::format(" and {} more", f.swap_blockers.size() - 1);
  if (!f.key.empty() && f.has_unique_key) {
    c.reason =
        fmt::format("the target has what a swap would lose ({}): differences applied by key", why);
  } else {
    c.reason = fmt::format(
        "the target has what a swap would lose ({}) and no unique key matching the load's: its "
        "rows are replaced in one transaction",
        why);
    if (f.referenced) {
      c.problem =
          "the target is referenced by foreign keys but has no primary key or unique index on "
          "the load's key, so a reload cannot match its rows without touching the referencing "
          "tables";
    }
  }
  return c;
}

}  // namespace etl::plan
