#pragma once
// Taking a table lock without ever waiting without bound, and without holding up the target's
// readers for more than about a second.
//
// A lock request that waits blocks every later request that conflicts with it: while etl waits
// for ACCESS EXCLUSIVE (to swap a table), every dashboard query queued behind it waits too. So
// AcquireTableLock asks in slices: `LOCK TABLE ... IN <mode> MODE` with lock_timeout of at most
// kLockSlice, inside a savepoint; when the slice runs out it rolls back to the savepoint (the
// queued readers then go ahead), pauses briefly and asks again, until `budget` has passed. It
// then throws LockTimeout naming the sessions that hold conflicting locks on the table (pid,
// application, user, state and since when), so whoever reads the error knows whom to ask.
// Slices are for the modes readers would queue behind (QueuesReaders: ACCESS EXCLUSIVE, and
// EXCLUSIVE, which SELECT ... FOR UPDATE/SHARE and foreign key checks wait for). Any other mode
// is asked for once, for the whole budget: nothing a reader does waits for it, and a wait longer
// than the server's deadlock_timeout lets PostgreSQL cancel an autovacuum that is in the way
// (SHARE ROW EXCLUSIVE conflicts with it), which a 1-second slice would never let happen.
//
// REQUIRES: `conn` is inside a transaction (the lock lasts until it ends). Afterwards the
// session's lock_timeout is `budget`, so any later statement of the transaction that has to
// wait for a lock is bounded too.

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sink/pg_connection.h"

namespace etl::sink {

inline constexpr std::chrono::milliseconds kLockSlice{1000};

// Whether requests of readers (SELECT, SELECT ... FOR UPDATE, foreign key checks) conflict with
// `mode`, so that they would queue behind a waiting request for it.
bool QueuesReaders(std::string_view mode);

// The table could not be locked within the budget. what() names the holders.
class LockTimeout : public PgError {
 public:
  using PgError::PgError;
};

// `mode` is a PostgreSQL lock mode as code spells it ("ACCESS EXCLUSIVE", "ROW EXCLUSIVE").
void AcquireTableLock(PgConnection& conn, std::string_view schema, std::string_view table,
                      std::string_view mode, std::chrono::milliseconds budget);

// SET LOCAL lock_timeout = budget (REQUIRES: inside a transaction).
void SetLockTimeout(PgConnection& conn, std::chrono::milliseconds budget);

// "pid 4242 (application psql, user bob, idle in transaction since 2026-12-01 10:00:00+00,
// holds AccessShareLock)"; one entry per session holding a granted lock on the table, "" when
// none does. Never contains query text (it may hold row values).
std::string DescribeLockHolders(PgConnection& conn, std::string_view schema,
                                std::string_view table);

}  // namespace etl::sink
