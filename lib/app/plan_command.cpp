#include <cstdio>
#include <exception>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/cli.h"
#include "app/commands.h"
#include "app/job_loading.h"
#include "app/plan_json.h"
#include "config/job_loader.h"
#include "pipeline/table_planner.h"
#include "pipeline/work_units.h"
#include "sink/pg_connection.h"
#include "source/mysql_connection.h"

namespace etl::app {
namespace {

std::vector<const config::TableSpec*> AllTables(const config::JobSpec& spec) {
  std::vector<const config::TableSpec*> all;
  for (const auto& t : spec.tables)
    all.push_back(&t);
  return all;
}

// The first line of a table's plan ends with its shard: "... [shard 1/4, estimated N bytes]".
std::string ShardSuffix(const pipeline::WorkUnit& unit, int shards) {
  return fmt::format(" [shard {}/{}, estimated {} bytes]", unit.shard, shards,
                     unit.estimated_bytes);
}

}  // namespace

int RunPlan(const PlanOptions& options, const GlobalOptions&) {
  auto spec = LoadJobOrReport(options.job_path);
  if (!spec) return kExitUsage;
  auto tables = SelectTables(*spec, options.tables);
  if (!tables) return kExitUsage;

  const auto env = config::ProcessEnvironment();
  std::optional<source::MySqlConnection> mysql;
  std::optional<sink::PgConnection> pg;
  try {
    mysql.emplace(source::Connect(spec->source, env));
    mysql->SetReadOnly();
  } catch (const std::exception& e) {
    spdlog::error("cannot connect to the source: {}", e.what());
    return kExitFailed;
  }
  try {
    pg.emplace(sink::Connect(spec->target, env, /*apply_session=*/true));
  } catch (const std::exception& e) {
    spdlog::error("cannot connect to the target: {}", e.what());
    return kExitFailed;
  }

  // Scale-out: every unit's shard, computed over all tables of the job (app/plan_json.h).
  std::optional<pipeline::WorkUnits> units;
  if (options.format == "json" || options.shards > 1 || options.only_shard) {
    try {
      units = pipeline::PlanWorkUnits(*spec, AllTables(*spec), *mysql, options.shards);
    } catch (const std::exception& e) {
      spdlog::error("cannot estimate the tables' sizes: {}", e.what());
      return kExitFailed;
    }
    if (options.only_shard) {
      *tables = pipeline::TablesOfShard(*units, *tables, options.only_shard->index);
    }
  }
  const bool json = options.format == "json";

  bool ok = true;
  std::vector<PlannedUnit> planned;
  if (!json) {
    std::printf("plan for %s (%zu table%s)\n", spec->path.c_str(), tables->size(),
                tables->size() == 1 ? "" : "s");
  }
  for (const config::TableSpec* table : *tables) {
    PlannedUnit unit;
    if (units) unit.unit = units->Find(table->name);
    std::string line;
    try {
      const auto plan =
          pipeline::PlanTable(*spec, *table, *mysql, &*pg, {options.strategy, options.full});
      line = pipeline::FormatPlanLine(plan);
      if (!plan.problem.empty()) ok = false;
      unit.error = plan.problem;
      if (plan.source.exists) {
        unit.strategy = config::ToString(plan.decision.strategy);
        unit.strategy_reason = plan.decision.reason;
      }
      unit.target_exists = plan.target.table_exists;
    } catch (const std::exception& e) {
      line = table->name + ": ERROR " + e.what();
      unit.error = e.what();
      ok = false;
    }
    if (json) {
      planned.push_back(unit);
      continue;
    }
    if (unit.unit != nullptr) {
      const auto eol = line.find('\n');
      line.insert(eol == std::string::npos ? line.size() : eol,
                  ShardSuffix(*unit.unit, units->shards));
    }
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }
  if (json) {
    std::printf("%s\n", PlanJson(*spec, *units, planned).c_str());
    std::fflush(stdout);
  }
  return ok ? kExitOk : kExitFailed;
}

}  // namespace etl::app
