#include <cstdio>
#include <exception>

#include <spdlog/spdlog.h>

#include "app/cli.h"
#include "app/commands.h"
#include "app/job_loading.h"
#include "config/job_loader.h"
#include "pipeline/skip_unchanged.h"
#include "pipeline/table_planner.h"
#include "sink/pg_connection.h"
#include "source/mysql_connection.h"
#include "source/table_fingerprint.h"

namespace etl::app {

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

  bool ok = true;
  std::printf("plan for %s (%zu table%s)\n", spec->path.c_str(), tables->size(),
              tables->size() == 1 ? "" : "s");
  for (const config::TableSpec* table : *tables) {
    try {
      const auto plan =
          pipeline::PlanTable(*spec, *table, *mysql, &*pg, {options.strategy, options.full});
      std::string line = pipeline::FormatPlanLine(plan);
      if (pipeline::SkipUnchangedOn(*spec, *table)) {
        line += ", skip_unchanged: fingerprint by " + source::ChooseFingerprint(*table).reason;
      }
      std::printf("%s\n", line.c_str());
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
