#pragma once
// Where an incremental load starts and what it saves (contract: "Loads are all-or-nothing per
// table", "Incremental loads on a busy source").
//
// The window of one run: rows whose cursor (incremental_columns, then the key) is past the
// saved watermark (less `lookback`, when the table has one) and not past the high mark taken
// in the run's snapshot. The watermark saved with the rows is the highest value no open
// transaction can still commit a row below (source/table_source.h, WriterProbe): the probe's
// mark when no writer of the table was open; when one was, the old watermark (the rows read
// past it are read again next run; the upsert makes that harmless) -- or the previous run's
// `pending` mark when every writer open now started after that run read it (a writer that
// started later cannot hold a row below it), so busy tables still advance, one run behind --
// the high mark when the
// source allowed no probe (then only lookback protects late commits). A run that stopped
// early in a sparse key stretch saves the last key read, never more than that limit; a source
// without rows keeps the old watermark.
//
// A saved watermark belongs to its target table and to the job, source table and cursor that
// saved it (sink/state_store.h): UsableWatermark refuses one saved by another job or from
// another source table, and one of other cursor columns, asking for --full.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/job_spec.h"
#include "pipeline/table_planner.h"
#include "source/select_builder.h"
#include "source/table_source.h"

namespace etl::pipeline {

struct IncrementalWindow {
  std::optional<std::vector<std::string>> after;  // the saved watermark (exclusive)
  std::optional<std::vector<std::string>> upto;   // the high mark (inclusive)
  bool resume_after_early_stop = false;           // the last run stopped early
  // What the writer probe found before the snapshot; kUnknown (the default) saves the high
  // mark, as when no probe ran.
  source::WriterProbe probe;
  // The previous run's probe (saved with `after`): the newest committed cursor then, and when.
  std::optional<std::vector<std::string>> pending;
  std::int64_t pending_at = 0;
};

// The saved watermark this run may continue from. nullopt (with a warning) when the target
// table is gone: reading from the old watermark would rebuild it with only the newest rows.
// Throws std::runtime_error when the watermark belongs to other cursor columns, or was saved
// by another job or from another source table (asks for --full).
// REQUIRES: plan.incremental.
std::optional<std::vector<std::string>> UsableWatermark(const TablePlan& plan,
                                                        const config::JobSpec& job,
                                                        bool* resume_after_early_stop);

// The previous run's pending mark (sink/state_store.h), into `window`, when it was saved by this
// job from this source table for this cursor and the target still exists; else nothing.
// Reading starts at window.after (at or below the pending mark, or nothing: every row), so
// every row up to the pending mark is read by this run.
void AdoptPending(const TablePlan& plan, const config::JobSpec& job, IncrementalWindow& window);

// The cursor values to save with the rows (empty: none).
std::vector<std::string> WatermarkToSave(const IncrementalWindow& window, bool early,
                                         std::optional<std::int64_t> early_stop_key);

// Logs what the probe means for the watermark this run saves (held: which transaction;
// unknown: a warning that only lookback protects late commits).
void ExplainProbe(const config::TableSpec& table, const source::WriterProbe& probe);

// tables.X.lookback checked against the first cursor column's type: a duration needs a
// date/datetime/timestamp column, a count an integer or decimal one. Throws
// std::runtime_error otherwise. Zero when the table has none.
source::Lookback LookbackOf(const TablePlan& plan);

// The literal kind of every key and cursor column (source/select_builder.h).
source::Literals KeyLiterals(const TablePlan& plan);

}  // namespace etl::pipeline
