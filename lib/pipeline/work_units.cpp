#include "pipeline/work_units.h"

#include <cmath>

#include "source/size_estimates.h"

namespace etl::pipeline {

const WorkUnit* WorkUnits::Find(const std::string& table_name) const {
  for (const auto& u : units) {
    if (u.table->name == table_name) return &u;
  }
  return nullptr;
}

WorkUnits PlanWorkUnits(const config::JobSpec& job,
                        const std::vector<const config::TableSpec*>& tables,
                        source::MySqlConnection& mysql, int shards) {
  std::vector<std::string> names;
  for (const auto* t : tables)
    names.push_back(t->source_table);
  const auto sizes = source::EstimateSizes(mysql, job.source.database, names);

  WorkUnits out;
  out.shards = std::max(shards, 1);
  std::vector<plan::ShardUnit> weights;
  for (const auto* t : tables) {
    WorkUnit u;
    u.table = t;
    const auto it = sizes.find(t->source_table);
    if (it != sizes.end()) {
      u.estimated_rows = it->second.rows;
      u.estimated_bytes = it->second.bytes;
      u.size_from = "information_schema";
    } else {
      u.size_from = "missing";
    }
    if (t->estimated_size_mb) {
      u.estimated_bytes = std::llround(*t->estimated_size_mb * 1024.0 * 1024.0);
      u.size_from = "estimated_size_mb";
    }
    weights.push_back({t->name, u.estimated_bytes});
    out.units.push_back(u);
  }
  const auto assignment = plan::AssignShards(weights, out.shards);
  for (std::size_t i = 0; i < out.units.size(); ++i)
    out.units[i].shard = assignment.shard_of[i];
  out.shard_bytes = assignment.weights;
  out.shard_units = assignment.units;
  return out;
}

std::vector<const config::TableSpec*> TablesOfShard(
    const WorkUnits& units, const std::vector<const config::TableSpec*>& selected, int index) {
  std::vector<const config::TableSpec*> out;
  for (const auto* t : selected) {
    const auto* u = units.Find(t->name);
    if (u != nullptr && u->shard == index) out.push_back(t);
  }
  return out;
}

}  // namespace etl::pipeline
