#include "pipeline/locked_table_load.h"

#include <array>
#include <exception>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "pipeline/skip_unchanged.h"
#include "plan/rerun_policy.h"
#include "sink/load_history.h"
#include "sink/target_lock.h"

namespace etl::pipeline {
namespace {

report::TableReport Skipped(const config::TableSpec& table, std::string reason) {
  report::TableReport r;
  r.name = table.name;
  r.status = report::TableStatus::kSkipped;
  r.skip_reason = std::move(reason);
  return r;
}

// The rerun check; a history that cannot be read never stops a load.
plan::RerunDecision CheckHistory(sink::PgConnection& conn, const config::JobSpec& job,
                                 const config::TableSpec& table, const TableGuard& guard) {
  std::optional<plan::LatestLoadFacts> facts;
  try {
    if (auto last = sink::LatestLoad(conn, job.target.schema, job.name, job.target.schema,
                                     table.target_table, guard.rerun_cutoff)) {
      facts =
          plan::LatestLoadFacts{last->run_id, last->status, last->finished_at, last->after_cutoff};
    }
  } catch (const std::exception& e) {
    spdlog::warn("{}: cannot read the run history ({}); loading it", table.name, e.what());
    return {false, "run history unreadable: loading"};
  }
  return plan::DecideRerun(facts, guard.rerun_since);
}

}  // namespace

std::string HostName() {
  std::array<char, 256> buf{};
  if (::gethostname(buf.data(), buf.size() - 1) != 0) return "";
  return std::string(buf.data());
}

report::TableReport LoadTableLocked(const LoadContext& ctx, const config::TableSpec& table,
                                    const TableGuard& guard) {
  const auto& job = *ctx.job;
  sink::TargetLockRequest request;
  request.schema = job.target.schema;
  request.table = table.target_table;
  request.owner = sink::LockOwner{guard.run_id, HostName(), static_cast<long>(::getpid())};
  request.wait = std::chrono::seconds(guard.lock_wait_s);
  request.cancelled = guard.cancelled;
  const std::string target = job.target.schema + "." + table.target_table;

  sink::TargetLock::Result got;
  try {
    got = sink::TargetLock::Acquire(job.target, ctx.env, request);
  } catch (const std::exception& e) {
    report::TableReport r;
    r.name = table.name;
    r.status = report::TableStatus::kFailed;
    r.error = fmt::format("cannot take the lock on target {}: {}", target, e.what());
    spdlog::error("{}: failed: {}", table.name, r.error);
    return r;
  }
  if (!got.lock) {
    auto r = Skipped(table, fmt::format("target {} is being loaded by {}; try again later", target,
                                        got.holder->Describe()));
    r.skipped_for_lock = true;
    spdlog::warn("{}: skipped: {}", table.name, r.skip_reason);
    return r;
  }
  if (guard.rerun_failed_only) {
    const auto decision = CheckHistory(got.lock->connection(), job, table, guard);
    if (decision.skip) {
      spdlog::info("{}: skipped: {}", table.name, decision.reason);
      return Skipped(table, decision.reason);
    }
    spdlog::info("{}: --rerun-failed-only: {}", table.name, decision.reason);
  }
  LoadContext locked = ctx;
  sink::TargetLock* lock = &*got.lock;
  locked.lock_held = [lock] { return lock->StillHeld(); };
  report::TableReport r = LoadOrSkip(locked, table);  // LoadTable unless unchanged
  got.lock->Release();
  return r;
}

}  // namespace etl::pipeline
