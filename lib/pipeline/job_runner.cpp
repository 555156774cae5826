#include "pipeline/job_runner.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "pipeline/connection_budget.h"
#include "pipeline/foreign_key_pass.h"
#include "pipeline/schema_only.h"
#include "pipeline/skip_unchanged.h"
#include "pipeline/table_load.h"
#include "sink/pg_connection.h"
#include "source/mysql_connection.h"

namespace etl::pipeline {
namespace {

report::TableReport Skipped(const config::TableSpec& table, const Cancellation& cancellation) {
  report::TableReport r;
  r.name = table.name;
  r.status = report::TableStatus::kSkipped;
  spdlog::info("{}: skipped (not started: the run was cancelled by {})", table.name,
               cancellation.Reason());
  return r;
}

// A table that had not finished when cancellation came was stopped by it, whatever error the
// stop surfaced as (a cancelled statement, a closed session): the load rolled back.
void MarkInterrupted(report::TableReport& r, const Cancellation& cancellation) {
  if (r.status != report::TableStatus::kFailed) return;  // it finished (committed) regardless
  const std::string how = r.error;
  r.status = report::TableStatus::kCancelled;
  r.error = fmt::format("cancelled by {}; rolled back, the target is unchanged{}",
                        cancellation.Reason(), how.empty() ? "" : " (stopped at: " + how + ")");
  r.rows_written = 0;
  r.watermark.reset();
}

// After cancellation: waits kHardStopAfter for the loads to end by themselves, then closes every
// session of the process (see job_runner.h). Inert without a Cancellation.
class HardStop {
 public:
  explicit HardStop(Cancellation* cancellation) {
    if (cancellation == nullptr) return;
    thread_ = std::jthread([this, cancellation] { Watch(*cancellation); });
    registration_ = cancellation->OnCancel([this] {
      {
        std::lock_guard lock(mutex_);
        cancelled_ = true;
      }
      wake_.notify_all();
    });
  }
  HardStop(const HardStop&) = delete;
  HardStop& operator=(const HardStop&) = delete;

  // Once every load has returned, sessions may be opened again (for what the run does after
  // its tables, e.g. bookkeeping); the loads' own sessions are gone by then.
  void Finish() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
      if (!fired_) return;
    }
    sink::AcceptNewSessions();
    source::AcceptNewSessions();
  }
  ~HardStop() {
    registration_ = {};  // no callback after this point
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
  }  // thread_ joins

 private:
  void Watch(const Cancellation& cancellation) {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [&] { return cancelled_ || done_; });
    if (done_) return;
    if (wake_.wait_for(lock, kHardStopAfter, [&] { return done_; })) return;
    fired_ = true;
    lock.unlock();
    const std::string reason = fmt::format("the run was cancelled by {}", cancellation.Reason());
    spdlog::warn("loads still running {} s after the cancellation: closing every session",
                 kHardStopAfter.count());
    sink::StopAllSessions(reason);
    source::StopAllSessions(reason);
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  bool cancelled_ = false;
  bool done_ = false;
  bool fired_ = false;
  std::jthread thread_;
  Cancellation::Registration registration_;
};

}  // namespace

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
  ctx.cancellation = request.cancellation;
  Cancellation* const cancellation = request.cancellation;

  report.tables.assign(request.tables.size(), report::TableReport{});
  if (request.tables.empty()) {
    report.finished_at = report::NowIso8601();
    return;
  }
  HardStop hard_stop(cancellation);
  if (Requested(cancellation)) {
    for (std::size_t i = 0; i < request.tables.size(); ++i)
      report.tables[i] = Skipped(*request.tables[i], *cancellation);
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
      if (Requested(cancellation)) {
        report.tables[i] = Skipped(*request.tables[i], *cancellation);
        continue;
      }
      report.tables[i] = LoadTableLocked(ctx, *request.tables[i], guard);
      if (Requested(cancellation)) MarkInterrupted(report.tables[i], *cancellation);
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
  hard_stop.Finish();
  if (foreign_keys && !Requested(cancellation)) foreign_keys->Finish(request, report);
  report.finished_at = report::NowIso8601();
}

}  // namespace etl::pipeline
