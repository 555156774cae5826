#pragma once
// TargetLock: at most one runner loads a target table at a time, whatever job, host or shard it
// belongs to.
//
// A PostgreSQL session-level advisory lock in the target database, taken on a dedicated
// connection that does nothing else, with the two-key form pg_try_advisory_lock(int4, int4):
// key 1 is the fixed class kTargetLockClass, key 2 is hashtext of the quoted
// database.schema.table. The job's preparation lock (pipeline/job_lock.h) uses the one-key
// (bigint) form, a separate key space, so the two never collide. Advisory locks belong to the
// session: a killed runner's lock goes with its connection, there is nothing stale to clean up.
// Two different targets whose names hash alike (about 1 in 4 billion per pair) share a lock:
// the second waits or is skipped naming the first, never loads wrongly.
//
// The lock connection's application_name carries who holds it ("etl <run_id> <pid>@<host>", see
// HolderName), so a runner that finds the lock taken names the holder from pg_locks joined to
// pg_stat_activity, with `since` from the holder session's last statement (the lock itself).
// application_name is visible to every role; `since` needs the same role or pg_read_all_stats
// and is empty otherwise.
//
// Acquire polls pg_try_advisory_lock (rather than blocking in pg_advisory_lock) so that a
// cancelled run stops waiting at once. The connection holds one pool-free connection slot on the
// server for as long as the lock is held: count one extra connection per table loading at once.
//
// Errors: Acquire throws PgError when the target cannot be reached. Release never throws.
// Threads: a TargetLock is used by one thread at a time; different locks from different threads.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "config/job_loader.h"
#include "config/job_spec.h"
#include "sink/pg_connection.h"

namespace etl::sink {

// 'ETL1': the first key of every target lock.
inline constexpr std::int32_t kTargetLockClass = 0x45544C31;

// Who is asking for the lock (goes into application_name).
struct LockOwner {
  std::string run_id;
  std::string host;
  long pid = 0;
};

// Who holds a lock, as far as pg_stat_activity tells.
struct LockHolder {
  int backend_pid = 0;           // the holder's PostgreSQL backend
  std::string application_name;  // as the holder set it
  std::string run_id;            // parsed from an etl holder's application_name ("" otherwise)
  std::string host;
  long pid = 0;             // the etl process id on `host` (0 when unknown)
  std::string client_addr;  // "" when not visible
  std::string since;        // ISO 8601 UTC, "" when not visible

  // "run 20261201T...-3fa9c1d2 (host worker-3, pid 4242, since 2026-12-01T19:50:12Z)", or for a
  // session that is not etl: "PostgreSQL backend 1234 (application_name 'psql', ...)".
  std::string Describe() const;
};

// "etl <run_id> <pid>@<host>", cut to PostgreSQL's 63 bytes (the host is cut first).
std::string HolderName(const LockOwner& owner);
// Fills run_id, host and pid of `holder` from an application_name HolderName wrote; false (and
// nothing changed) for any other name.
bool ParseHolderName(const std::string& application_name, LockHolder& holder);

struct TargetLockRequest {
  std::string schema;
  std::string table;
  LockOwner owner;
  std::chrono::milliseconds wait{0};  // how long to keep trying while it is held
  std::function<bool()> cancelled;    // optional: stop waiting when it returns true
};

class TargetLock {
 public:
  struct Result;

  // Takes the lock on `request.schema`.`request.table` in target.database, trying until
  // `request.wait` has passed. Either `lock` is set, or `holder` names who kept it.
  static Result Acquire(const config::TargetSpec& target, const config::EnvLookup& env,
                        const TargetLockRequest& request);

  TargetLock(TargetLock&&) noexcept = default;
  TargetLock& operator=(TargetLock&&) noexcept = default;
  TargetLock(const TargetLock&) = delete;
  TargetLock& operator=(const TargetLock&) = delete;
  ~TargetLock() { Release(); }

  // Unlocks and closes the connection. Idempotent; never throws.
  void Release() noexcept;
  // True while this session still holds the lock (false when the connection was lost: then
  // another runner may have taken it). For a check just before committing.
  bool StillHeld() noexcept;
  // The lock's session, for short reads made under the lock (the load history check).
  PgConnection& connection() { return conn_; }
  const std::string& target() const { return target_; }

 private:
  TargetLock(PgConnection conn, std::int32_t key, std::string target)
      : conn_(std::move(conn)), key_(key), target_(std::move(target)) {}
  PgConnection conn_;
  std::int32_t key_ = 0;
  std::string target_;  // "schema.table", for messages
};

struct TargetLock::Result {
  std::optional<TargetLock> lock;
  std::optional<LockHolder> holder;  // set when `lock` is not
};

}  // namespace etl::sink
