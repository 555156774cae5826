#include "pipeline/job_runner.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <optional>
#include <thread>

#include <spdlog/spdlog.h>

#include "pipeline/connection_budget.h"
#include "pipeline/foreign_key_pass.h"
#include "pipeline/schema_only.h"
#include "pipeline/skip_unchanged.h"
#include "pipeline/table_load.h"

namespace etl::pipeline {

void RunJob(const RunRequest& request, report::RunReport& report) {
  const auto& job = *request.job;
  ConnectionBudget mysql_budget(job.pipeline.pool.size, job.pipeline.pool.timeout_s);
  ConnectionBudget pg_budget(job.pipeline.pool.size, job.pipeline.pool.timeout_s);
  LoadContext ctx;
  ctx.job = &job;
  ctx.run_id = request.run_id;
  ctx.env = request.env;
  ctx.full = request.full;
  ctx.data_only = request.data_only;
  ctx.strategy = request.strategy;
  ctx.benchmark = request.benchmark;
  ctx.progress = request.progress;
  ctx.display = request.display;
  ctx.mysql_budget = &mysql_budget;
  ctx.pg_budget = &pg_budget;

  report.tables.assign(request.tables.size(), report::TableReport{});
  if (request.tables.empty()) {
    report.finished_at = report::NowIso8601();
    return;
  }
  try {
    PrepareTarget(job, request.env);
    if (request.prepare_lock != nullptr) request.prepare_lock->Release();
  } catch (const std::exception& e) {
    for (std::size_t i = 0; i < request.tables.size(); ++i) {
      report.tables[i].name = request.tables[i]->name;
      report.tables[i].status = report::TableStatus::kFailed;
      report.tables[i].error = std::string("cannot prepare the target schema: ") + e.what();
    }
    spdlog::error("cannot prepare the target schema {}: {}", job.target.schema, e.what());
    report.finished_at = report::NowIso8601();
    return;
  }
  // Foreign keys (schema.foreign_keys) come after every table: see which targets this run makes.
  std::optional<ForeignKeyPass> foreign_keys;
  if (job.schema.foreign_keys && !request.data_only)
    foreign_keys = ForeignKeyPass::Prepare(request);
  if (request.schema_only) {
    CreateSchemaOnly(request, report);
    if (foreign_keys) foreign_keys->Finish(request, report);
    report.finished_at = report::NowIso8601();
    return;
  }
  TableGuard guard = request.guard;
  guard.run_id = request.run_id;
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t k = next++; k < request.tables.size(); k = next++) {
      const std::size_t i = k < request.start_order.size() ? request.start_order[k] : k;
      report.tables[i] = LoadTableLocked(ctx, *request.tables[i], guard);
    }
  };
  const std::size_t threads = std::clamp<std::size_t>(
      static_cast<std::size_t>(job.pipeline.parallel_tables), 1, request.tables.size());
  {
    std::vector<std::jthread> pool;  // joined at the end of the scope, also on an exception
    for (std::size_t i = 1; i < threads; ++i) {
      pool.emplace_back(worker);
    }
    worker();
  }
  if (foreign_keys) foreign_keys->Finish(request, report);
  report.finished_at = report::NowIso8601();
}

}  // namespace etl::pipeline
