#pragma once
// JobLock: one run of a job at a time, per target database and schema.
//
// A PostgreSQL session-level advisory lock on hashtext('etl:<schema>:<job name>'), held by a
// dedicated connection for the whole run. It lives in the target database because that is what
// two runs (cron on one host, Airflow on another) share; it disappears with the session, so a
// killed run never leaves a stale lock behind.

#include <optional>
#include <string>

#include "config/job_loader.h"
#include "config/job_spec.h"
#include "sink/pg_connection.h"

namespace etl::pipeline {

class JobLock {
 public:
  // Returns nullopt when another run holds the lock. Throws sink::PgError when the target
  // cannot be reached.
  static std::optional<JobLock> TryAcquire(const config::JobSpec& job,
                                           const config::EnvLookup& env);
  const std::string& key() const { return key_; }

 private:
  JobLock(sink::PgConnection conn, std::string key)
      : conn_(std::move(conn)), key_(std::move(key)) {}
  sink::PgConnection conn_;
  std::string key_;
};

}  // namespace etl::pipeline
