#pragma once
// Load-strategy selection: the contract's `auto` rules, in order, with the reason in words.
//
//   1. pipeline.enable_optimizations: false      -> standard
//   2. --strategy, else an explicit performance.strategy -> that strategy
//   3. size > copy_csv_threshold_mb               -> parallel when rows >= parallel_threshold_rows,
//                                                    parallel_chunks > 1 and the table has a
//                                                    single-column integer key; copy_csv otherwise
//   4. size > streaming_threshold_mb              -> streaming
//   5. otherwise                                  -> standard
//
// Size is estimated_size_mb when the spec gives it, else the measured data+index size. Rows and
// the key shape are measured by plan/run; `validate` (offline) cannot call this.
//
// An incremental run past a saved watermark (TableMeasure::delta) is sized by what it reads:
// the table's size times the share of its rows past the watermark, so a 100-row delta of a
// 400 MB table is a 0.0 MB load (rule 5: standard, one stream), not a parallel one. Rules 1 and
// 2 (switches and explicit strategies) are taken as given.

#include <cstdint>
#include <optional>
#include <string>

#include "config/job_spec.h"

namespace etl::plan {

// What plan/run measured about a source table.
struct TableMeasure {
  double measured_size_mb = 0;       // data + index of the whole table, information_schema
  std::optional<std::int64_t> rows;  // rows the load reads (counted or estimated, see rows_text)
  // How `rows` is known, for the reason: "2000 rows", "estimated 2000000 rows from statistics",
  // "more than 1000 rows (counted up to parallel_threshold_rows)". Empty: "<rows> rows".
  std::string rows_text;
  bool delta = false;                      // rows are those past a saved watermark
  std::optional<std::int64_t> table_rows;  // delta only: the whole table's rows (estimate)
  bool single_integer_key = false;         // key is one column of an integer type
  std::string key_description;             // e.g. "id bigint" or "(a, b)" or "none", for messages
};

struct StrategyDecision {
  config::Strategy strategy = config::Strategy::kStandard;
  int rule = 0;                 // which rule of the contract chose it (1..5)
  std::string reason;           // one line, e.g. "size 512.0 MB > copy_csv_threshold_mb 200, ..."
  double size_mb = 0;           // the size the rules used
  bool size_estimated = false;  // from estimated_size_mb
};

// REQUIRES: `table` belongs to `job`. `cli_override` is --strategy (never kAuto).
StrategyDecision ChooseStrategy(const config::JobSpec& job, const config::TableSpec& table,
                                const TableMeasure& measure,
                                std::optional<config::Strategy> cli_override = std::nullopt);

// The problem with running `strategy` on this table, or "" when it can run: `parallel` needs a
// single-column integer key (checked here because only plan/run know the key).
std::string StrategyProblem(config::Strategy strategy, const TableMeasure& measure);

}  // namespace etl::plan
