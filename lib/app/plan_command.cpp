#include <cstdio>
#include <exception>

#include <spdlog/spdlog.h>

#include "app/cli.h"
#include "app/commands.h"
#include "app/job_loading.h"
#include "app/read_only_connections.h"
#include "config/job_loader.h"
#include "pipeline/table_planner.h"
#include "sink/pg_connection.h"
#include "source/mysql_connection.h"

namespace etl::app {

int RunPlan(const PlanOptions& options, const GlobalOptions&) {
  auto spec = LoadJobOrReport(options.job_path);
  if (!spec) return kExitUsage;
  auto tables = SelectTables(*spec, options.tables);
  if (!tables) return kExitUsage;

  auto servers = ConnectReadOnly(*spec, config::ProcessEnvironment());
  if (!servers) return kExitFailed;
  auto& mysql = servers->mysql;
  auto& pg = servers->pg;

  bool ok = true;
  std::printf("plan for %s (%zu table%s)\n", spec->path.c_str(), tables->size(),
              tables->size() == 1 ? "" : "s");
  for (const config::TableSpec* table : *tables) {
    try {
      const auto plan =
          pipeline::PlanTable(*spec, *table, *mysql, &*pg, {options.strategy, options.full});
      std::printf("%s\n", pipeline::FormatPlanLine(plan).c_str());
      if (!plan.problem.empty()) ok = false;
    } catch (const std::exception& e) {
      std::printf("%s: ERROR %s\n", table->name.c_str(), e.what());
      ok = false;
    }
    std::fflush(stdout);
  }
  return ok ? kExitOk : kExitFailed;
}

}  // namespace etl::app
