#include "pipeline/schema_only.h"

#include <exception>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "pipeline/table_planner.h"
#include "report/stopwatch.h"
#include "sink/pg_connection.h"
#include "sink/schema_manager.h"
#include "sink/table_ddl.h"
#include "source/mysql_connection.h"

namespace etl::pipeline {
namespace {

void CreateOne(const RunRequest& request, const config::TableSpec& table,
               source::MySqlConnection& mysql, sink::PgConnection& pg, report::TableReport& r) {
  const auto& job = *request.job;
  const TablePlan plan =
      PlanTable(job, table, mysql, &pg, PlanOverrides{request.strategy, request.full});
  if (!plan.problem.empty()) throw std::runtime_error(plan.problem);
  const std::string target = fmt::format("{}.{}", job.target.schema, table.target_table);
  if (plan.target.table_exists) {
    r.status = report::TableStatus::kSkipped;
    r.strategy_reason = "schema only: target exists, left as it is";
    spdlog::info("{}: target {} exists; --schema-only leaves it as it is", table.name, target);
    return;
  }
  sink::Transaction tx(pg);
  sink::CreateTable(pg, job.target.schema, table.target_table, plan.columns, &plan.definition);
  const auto finished =
      sink::FinishCreatedTable(pg, job.target.schema, table.target_table, plan.definition);
  tx.Commit();
  r.status = report::TableStatus::kOk;
  r.strategy_reason =
      fmt::format("schema only: created empty with {} index{}", finished.indexes.size(),
                  finished.indexes.size() == 1 ? "" : "es");
  spdlog::info("{}: created {} (empty), key {}, {} indexes", table.name, target,
               plan.KeyDescription(), finished.indexes.size());
}

}  // namespace

void CreateSchemaOnly(const RunRequest& request, report::RunReport& report) {
  const auto& job = *request.job;
  report.tables.assign(request.tables.size(), report::TableReport{});
  std::optional<source::MySqlConnection> mysql;
  std::optional<sink::PgConnection> pg;
  for (std::size_t i = 0; i < request.tables.size(); ++i) {
    const config::TableSpec& table = *request.tables[i];
    report::TableReport& r = report.tables[i];
    r.name = table.name;
    report::Stopwatch watch;
    try {
      if (!mysql) {
        mysql.emplace(source::Connect(job.source, request.env));
        mysql->SetReadOnly();
      }
      if (!pg) pg.emplace(sink::Connect(job.target, request.env, /*apply_session=*/true));
      CreateOne(request, table, *mysql, *pg, r);
    } catch (const std::exception& e) {
      r.status = report::TableStatus::kFailed;
      r.error = e.what();
      spdlog::error("{}: failed: {}", table.name, e.what());
      // A broken session must not fail the tables after it: open fresh ones.
      mysql.reset();
      pg.reset();
    }
    r.seconds = watch.Seconds();
    r.peak_rss_mb = report::PeakRssMb();
  }
}

}  // namespace etl::pipeline
