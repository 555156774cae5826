#include "app/plan_json.h"

#include <nlohmann/json.hpp>

namespace etl::app {

std::string PlanJson(const config::JobSpec& job, const pipeline::WorkUnits& units,
                     const std::vector<PlannedUnit>& selected) {
  using nlohmann::ordered_json;
  ordered_json doc;
  doc["plan_version"] = kPlanJsonVersion;
  doc["job"] = job.name;
  doc["job_file"] = job.path;
  doc["shards"] = units.shards;
  ordered_json list = ordered_json::array();
  for (const auto& p : selected) {
    const auto& u = *p.unit;
    const auto& t = *u.table;
    ordered_json j;
    j["table"] = t.name;
    j["source_table"] = t.source_table;
    j["target_schema"] = job.target.schema;
    j["target_table"] = t.target_table;
    j["extraction"] = config::ToString(t.extraction_strategy);
    j["strategy"] = p.strategy.empty() ? ordered_json(nullptr) : ordered_json(p.strategy);
    j["strategy_reason"] =
        p.strategy.empty() ? ordered_json(nullptr) : ordered_json(p.strategy_reason);
    j["estimated_rows"] = u.estimated_rows;
    j["estimated_bytes"] = u.estimated_bytes;
    j["size_from"] = u.size_from;
    j["target_exists"] = p.target_exists;
    j["shard"] = u.shard;
    j["error"] = p.error.empty() ? ordered_json(nullptr) : ordered_json(p.error);
    list.push_back(std::move(j));
  }
  doc["units"] = std::move(list);
  ordered_json totals = ordered_json::array();
  for (std::size_t s = 0; s < units.shard_bytes.size(); ++s) {
    totals.push_back(ordered_json{
        {"shard", s}, {"units", units.shard_units[s]}, {"estimated_bytes", units.shard_bytes[s]}});
  }
  doc["shard_totals"] = std::move(totals);
  // Invalid UTF-8 in a name (a latin1 table name) is replaced rather than thrown on.
  return doc.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace etl::app
