#include "pipeline/job_lock.h"

namespace etl::pipeline {

std::optional<JobLock> JobLock::TryAcquire(const config::JobSpec& job,
                                           const config::EnvLookup& env) {
  sink::PgConnection conn = sink::Connect(job.target, env, /*apply_session=*/false);
  std::string key = "etl:" + job.target.schema + ":" + job.name;
  auto r = conn.ExecParams("SELECT pg_try_advisory_lock(hashtext($1))", {key});
  if (r.Value(0, 0) != "t") return std::nullopt;
  return JobLock(std::move(conn), std::move(key));
}

}  // namespace etl::pipeline
