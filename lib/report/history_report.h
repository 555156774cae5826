#pragma once
// `etl report`: per table, a baseline load and the latest load side by side, from the run history
// (report::RunRecord rows of <schema>.etl_runs), as text, markdown (pastes into a PR or a wiki)
// or JSON.
//
// Definitions (docs/cli.md says the same):
//   load        a history row with status ok or early_terminated (failed, skipped and cancelled
//               rows copied nothing that stayed; they are shown as a note when newer).
//   baseline    `first`: the table's oldest load; or the table's row of the run RUN_ID.
//   latest      the table's newest load.
//   speed-up    latest rows/s / baseline rows/s (the time ratio when both copied the same
//               rows, and fair when the table grew); when either copied no rows, baseline
//               seconds / latest seconds.
//   memory      latest peak RSS / baseline peak RSS.
//   trend       the last N loads, oldest first (N = --last).
//   median      median seconds of the loads in the trend before the latest; the table is
//               flagged when there are at least 3 of them and latest seconds >= 1.5 x median
//               (one or two earlier loads are too few to call anything usual).
//
// Pure: Compare and the renderers only read their arguments. Rows may come in any order.

#include <optional>
#include <string>
#include <vector>

#include "report/run_record.h"

namespace etl::report {

enum class HistoryFormat { kText, kMarkdown, kJson };

struct HistoryOptions {
  std::string job;
  std::string schema;               // where the history lives (for headings)
  std::vector<std::string> tables;  // display order; empty: every table in the rows, by name
  std::string baseline = "first";   // "first" or a run id
  int last = 10;                    // N of the trend (>= 1)
};

inline constexpr double kSlowerFactor = 1.5;
inline constexpr std::size_t kMinLoadsForFlag = 3;  // earlier loads in the trend

struct TableComparison {
  std::string table;
  std::string target;  // schema.table of the latest row
  std::optional<RunRecord> baseline;
  std::optional<RunRecord> latest;
  std::vector<RunRecord> trend;          // oldest first, ends with latest
  std::optional<RunRecord> newer_other;  // a failed/skipped/cancelled row newer than latest
  std::optional<double> speedup;
  std::optional<double> memory_ratio;
  std::optional<double> median_seconds;  // of the trend's loads before the latest
  bool slower = false;  // >= kMinLoadsForFlag earlier loads, latest >= kSlowerFactor x median
  std::string note;     // why something is missing ("" when complete)
};

std::vector<TableComparison> Compare(const std::vector<RunRecord>& rows,
                                     const HistoryOptions& options);

// Eight levels of ▁▂▃▄▅▆▇█ from the smallest to the largest value (all ▄ when they are equal).
std::string Sparkline(const std::vector<double>& values);

std::string RenderHistory(const std::vector<TableComparison>& tables, const HistoryOptions& options,
                          HistoryFormat format);

}  // namespace etl::report
