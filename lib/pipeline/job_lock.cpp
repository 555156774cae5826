#include "pipeline/job_lock.h"

#include <spdlog/spdlog.h>

namespace etl::pipeline {
namespace {

constexpr const char* kLockNotAvailable = "55P03";

}  // namespace

std::optional<JobLock> JobLock::Acquire(const config::JobSpec& job, const config::EnvLookup& env,
                                        std::chrono::seconds wait) {
  sink::PgConnection conn = sink::Connect(job.target, env, /*apply_session=*/false);
  std::string key = "etl:prepare:" + job.target.schema;
  if (wait.count() <= 0) {
    auto r = conn.ExecParams("SELECT pg_try_advisory_lock(hashtext($1))", {key});
    if (r.Value(0, 0) != "t") return std::nullopt;
    return JobLock(std::move(conn), std::move(key));
  }
  // The server queues the waiters and hands the lock over the moment it is released; lock_timeout
  // bounds the wait (an advisory lock wait honours it like any other lock wait).
  conn.ExecParams("SELECT set_config('lock_timeout', $1, false)",
                  {std::to_string(wait.count()) + "s"});
  try {
    conn.ExecParams("SELECT pg_advisory_lock(hashtext($1))", {key});
  } catch (const sink::PgError& e) {
    if (e.sqlstate() == kLockNotAvailable) return std::nullopt;
    throw;
  }
  return JobLock(std::move(conn), std::move(key));
}

void JobLock::Release() noexcept {
  if (!conn_) return;
  try {
    conn_.ExecParams("SELECT pg_advisory_unlock(hashtext($1))", {key_});
  } catch (const std::exception& e) {
    spdlog::debug("unlocking {} failed ({}); closing its session", key_, e.what());
  }
  conn_ = sink::PgConnection();
}

}  // namespace etl::pipeline
