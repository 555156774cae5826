#include "pipeline/watermark.h"

#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace etl::pipeline {

std::optional<std::vector<std::string>> UsableWatermark(const TablePlan& plan,
                                                        const config::JobSpec& job,
                                                        bool* resume_after_early_stop) {
  *resume_after_early_stop = false;
  if (!plan.target.watermark) return std::nullopt;
  const config::TableSpec& table = *plan.spec;
  if (!plan.target.table_exists) {
    spdlog::warn("{}: target {}.{} is missing; ignoring the saved watermark and loading all rows",
                 table.name, job.target.schema, table.target_table);
    return std::nullopt;
  }
  const auto& saved_cursor = plan.target.cursor_columns;
  const bool same_cursor = saved_cursor.empty()
                               ? plan.target.watermark->size() == plan.cursor.size()
                               : saved_cursor == plan.cursor;
  if (!same_cursor) {
    throw std::runtime_error(fmt::format(
        "the saved watermark [{}] belongs to cursor ({}), but the cursor is now ({}): "
        "incremental_columns or the key changed; run once with --full to reload and reset it",
        fmt::join(*plan.target.watermark, ", "), fmt::join(saved_cursor, ", "),
        fmt::join(plan.cursor, ", ")));
  }
  *resume_after_early_stop = plan.target.last_status == "early_terminated";
  return plan.target.watermark;
}

std::vector<std::string> WatermarkToSave(const IncrementalWindow& window, bool early,
                                         std::optional<std::int64_t> early_stop_key) {
  if (early && early_stop_key) return {std::to_string(*early_stop_key)};
  if (window.upto) return *window.upto;
  if (window.after) return *window.after;  // nothing in the source: keep where we were
  return {};
}

}  // namespace etl::pipeline
