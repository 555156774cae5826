#pragma once
// Where an incremental load starts and what it saves (contract: "Loads are all-or-nothing per
// table", "Incremental loads on a busy source").
//
// The window of one run: rows whose cursor (incremental_columns, then the key) is past the
// saved watermark and not past the high mark taken in the run's snapshot. The watermark saved
// with the rows is the high mark, or — when the run stopped early in a sparse key stretch —
// the last key read, or the old watermark when the source had no rows at all.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/job_spec.h"
#include "pipeline/table_planner.h"

namespace etl::pipeline {

struct IncrementalWindow {
  std::optional<std::vector<std::string>> after;  // the saved watermark (exclusive)
  std::optional<std::vector<std::string>> upto;   // the high mark (inclusive)
  bool resume_after_early_stop = false;           // the last run stopped early
};

// The saved watermark this run may continue from. nullopt (with a warning) when the target
// table is gone: reading from the old watermark would rebuild it with only the newest rows.
// Throws std::runtime_error when the watermark belongs to other cursor columns (asks for --full).
// REQUIRES: plan.incremental.
std::optional<std::vector<std::string>> UsableWatermark(const TablePlan& plan,
                                                        const config::JobSpec& job,
                                                        bool* resume_after_early_stop);

// The cursor values to save with the rows (empty: none).
std::vector<std::string> WatermarkToSave(const IncrementalWindow& window, bool early,
                                         std::optional<std::int64_t> early_stop_key);

}  // namespace etl::pipeline
