#include <cstdio>
#include <exception>

#include <spdlog/spdlog.h>

#include "app/cli.h"
#include "app/commands.h"
#include "app/job_loading.h"
#include "config/job_loader.h"
#include "report/history_report.h"
#include "sink/pg_connection.h"
#include "sink/run_history.h"

namespace etl::app {
namespace {

report::HistoryFormat FormatOf(const std::string& name) {
  if (name == "markdown") return report::HistoryFormat::kMarkdown;
  if (name == "json") return report::HistoryFormat::kJson;
  return report::HistoryFormat::kText;
}

}  // namespace

int RunHistoryReport(const ReportOptions& options, const GlobalOptions&) {
  auto spec = LoadJobOrReport(options.job_path);
  if (!spec) return kExitUsage;
  auto tables = SelectTables(*spec, options.tables);
  if (!tables) return kExitUsage;

  report::HistoryOptions history;
  history.job = spec->name;
  history.schema = spec->target.schema;
  history.baseline = options.baseline;
  history.last = options.last;
  for (const auto* t : *tables)
    history.tables.push_back(t->name);

  sink::RunQuery query;
  query.job = spec->name;
  query.tables = history.tables;
  query.newest = options.last;
  query.first_load = options.baseline == "first";
  if (!query.first_load) query.run_id = options.baseline;

  std::vector<report::RunRecord> rows;
  try {
    sink::PgConnection pg =
        sink::Connect(spec->target, config::ProcessEnvironment(), /*apply_session=*/false);
    rows = sink::ReadRuns(pg, spec->target.schema, query);
  } catch (const std::exception& e) {
    spdlog::error("cannot read the run history from the target: {}", e.what());
    return kExitFailed;
  }
  if (query.run_id) {
    bool known = false;
    for (const auto& r : rows)
      known = known || r.run_id == *query.run_id;
    if (!known) {
      std::fprintf(stderr, "etl: --baseline %s: no such run of job %s in %s.%s\n",
                   query.run_id->c_str(), spec->name.c_str(), spec->target.schema.c_str(),
                   std::string(sink::kRunsTableName).c_str());
      return kExitUsage;
    }
  }
  const auto compared = report::Compare(rows, history);
  std::fputs(report::RenderHistory(compared, history, FormatOf(options.format)).c_str(), stdout);
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace etl::app
