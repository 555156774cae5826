#pragma once
// JobLock: preparing a target schema (the schema, etl_state and the other tables every load
// needs) is done by one run at a time.
//
// A PostgreSQL session-level advisory lock on hashtext('etl:prepare:<schema>') (the one-key,
// bigint form; table loads use the two-key form of sink/target_lock.h, a separate key space), held
// by a dedicated connection only while the schema and its state tables are created, then
// released: loads of different tables by different runners (shards, other jobs on the same
// schema) then proceed side by side, each under its own table lock. It lives in the target
// database because that is what every runner (cron on one host, Airflow or Kubernetes on others)
// shares, and keys on the schema rather than the job because two jobs creating one schema race
// just as two runs of one job do. It disappears with the session, so a killed run never leaves a
// stale lock behind.

#include <chrono>
#include <optional>
#include <string>

#include "config/job_loader.h"
#include "config/job_spec.h"
#include "sink/pg_connection.h"

namespace etl::pipeline {

// How long a run waits for another run to finish preparing the same schema (which takes
// milliseconds; only a stuck preparer makes a run give up with exit 75).
inline constexpr std::chrono::seconds kPrepareLockWait{60};

class JobLock {
 public:
  // Waits up to `wait` for the lock; nullopt when another run held it all that time.
  // Throws sink::PgError when the target cannot be reached.
  static std::optional<JobLock> Acquire(const config::JobSpec& job, const config::EnvLookup& env,
                                        std::chrono::seconds wait = kPrepareLockWait);
  const std::string& key() const { return key_; }
  // Unlocks and closes the lock's session; idempotent, never throws.
  void Release() noexcept;

 private:
  JobLock(sink::PgConnection conn, std::string key)
      : conn_(std::move(conn)), key_(std::move(key)) {}
  sink::PgConnection conn_;
  std::string key_;
};

}  // namespace etl::pipeline
