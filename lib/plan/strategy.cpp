#include "plan/strategy.h"

#include <algorithm>

#include <fmt/format.h>

namespace etl::plan {

using config::Strategy;

StrategyDecision ChooseStrategy(const config::JobSpec& job, const config::TableSpec& table,
                                const TableMeasure& measure, std::optional<Strategy> cli_override) {
  StrategyDecision d;
  d.size_estimated = table.estimated_size_mb.has_value();
  d.size_mb = table.estimated_size_mb.value_or(measure.measured_size_mb);
  std::string size_word = d.size_estimated ? "estimated size" : "size";
  // A delta is sized by its share of the table's rows (see the header).
  std::string delta_note;
  if (measure.delta && measure.rows) {
    const double table_rows = static_cast<double>(
        std::max<std::int64_t>({measure.table_rows.value_or(0), *measure.rows, 1}));
    const double table_mb = d.size_mb;
    d.size_mb = table_mb * static_cast<double>(*measure.rows) / table_rows;
    size_word = "incremental delta size";
    delta_note = fmt::format(
        " ({} of the table's {:.0f} rows, {:.1f} MB)",
        measure.rows_text.empty() ? fmt::format("{} rows", *measure.rows) : measure.rows_text,
        table_rows, table_mb);
  }

  if (!job.pipeline.enable_optimizations) {
    d.strategy = Strategy::kStandard;
    d.rule = 1;
    d.reason = "pipeline.enable_optimizations is false: every table uses standard";
    return d;
  }
  if (cli_override) {
    d.strategy = *cli_override;
    d.rule = 2;
    d.reason =
        fmt::format("--strategy {} given on the command line", config::ToString(*cli_override));
    return d;
  }
  if (table.performance.strategy != Strategy::kAuto) {
    d.strategy = table.performance.strategy;
    d.rule = 2;
    d.reason = fmt::format("performance.strategy is {} in the spec",
                           config::ToString(table.performance.strategy));
    return d;
  }

  const auto& rules = job.performance_rules;
  if (d.size_mb > rules.copy_csv_threshold_mb) {
    d.rule = 3;
    const std::string head = fmt::format("{} {:.1f} MB{} > copy_csv_threshold_mb {:g}", size_word,
                                         d.size_mb, delta_note, rules.copy_csv_threshold_mb);
    const std::int64_t rows = measure.rows.value_or(0);
    const std::string rows_text = !measure.rows               ? std::string("row count unknown")
                                  : measure.rows_text.empty() ? fmt::format("{} rows", rows)
                                                              : measure.rows_text;
    if (!measure.rows || rows < rules.parallel_threshold_rows) {
      d.strategy = Strategy::kCopyCsv;
      d.reason = fmt::format("{}; {} < parallel_threshold_rows {}", head, rows_text,
                             rules.parallel_threshold_rows);
    } else if (table.performance.parallel_chunks <= 1) {
      d.strategy = Strategy::kCopyCsv;
      d.reason = fmt::format("{}; parallel_chunks is 1", head);
    } else if (!measure.single_integer_key) {
      d.strategy = Strategy::kCopyCsv;
      d.reason = fmt::format("{}; {} but no single-column integer key (key: {})", head, rows_text,
                             measure.key_description.empty() ? "none" : measure.key_description);
    } else {
      d.strategy = Strategy::kParallel;
      d.reason = fmt::format("{}; {} >= parallel_threshold_rows {}, integer key {}, {} chunks",
                             head, rows_text, rules.parallel_threshold_rows,
                             measure.key_description, table.performance.parallel_chunks);
    }
    return d;
  }
  if (d.size_mb > rules.streaming_threshold_mb) {
    d.strategy = Strategy::kStreaming;
    d.rule = 4;
    d.reason = fmt::format("{} {:.1f} MB{} > streaming_threshold_mb {:g}", size_word, d.size_mb,
                           delta_note, rules.streaming_threshold_mb);
    return d;
  }
  d.strategy = Strategy::kStandard;
  d.rule = 5;
  d.reason = fmt::format("{} {:.1f} MB{} <= streaming_threshold_mb {:g}", size_word, d.size_mb,
                         delta_note, rules.streaming_threshold_mb);
  return d;
}

std::string StrategyProblem(Strategy strategy, const TableMeasure& measure) {
  if (strategy == Strategy::kParallel && !measure.single_integer_key) {
    return fmt::format("strategy parallel needs a single-column integer key; the table's key is {}",
                       measure.key_description.empty() ? "none" : measure.key_description);
  }
  return "";
}

}  // namespace etl::plan
