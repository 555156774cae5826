#include "sink/lock_wait.h"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "sink/pg_quote.h"

namespace etl::sink {
namespace {

constexpr std::string_view kLockNotAvailable = "55P03";
constexpr std::chrono::milliseconds kPause{250};

}  // namespace

void SetLockTimeout(PgConnection& conn, std::chrono::milliseconds budget) {
  conn.Exec(fmt::format("SET LOCAL lock_timeout = '{}ms'", std::max<long long>(1, budget.count())));
}

std::string DescribeLockHolders(PgConnection& conn, std::string_view schema,
                                std::string_view table) {
  PgResult r = conn.ExecParams(
      "SELECT a.pid, coalesce(nullif(a.application_name, ''), '-'), coalesce(a.usename, '-'), "
      "coalesce(a.state, '-'), coalesce(a.xact_start, a.backend_start)::text, "
      "string_agg(DISTINCT l.mode, ', ') "
      "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'relation' AND l.granted AND l.pid <> pg_catalog.pg_backend_pid() "
      "AND l.relation = (SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
      "ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2) "
      "GROUP BY 1, 2, 3, 4, 5 ORDER BY 5",
      {std::string(schema), std::string(table)});
  std::string out;
  for (int i = 0; i < r.rows(); ++i) {
    if (!out.empty()) out += "; ";
    out += fmt::format("pid {} (application {}, user {}, {} since {}, holds {})", r.Value(i, 0),
                       r.Value(i, 1), r.Value(i, 2), r.Value(i, 3), r.Value(i, 4), r.Value(i, 5));
  }
  return out;
}

bool QueuesReaders(std::string_view mode) {
  return mode == "ACCESS EXCLUSIVE" || mode == "EXCLUSIVE";
}

void AcquireTableLock(PgConnection& conn, std::string_view schema, std::string_view table,
                      std::string_view mode, std::chrono::milliseconds budget) {
  using Clock = std::chrono::steady_clock;
  const std::string statement =
      fmt::format("LOCK TABLE {} IN {} MODE", QualifiedName(schema, table), mode);
  const auto deadline = Clock::now() + budget;
  const auto slice = QueuesReaders(mode) ? kLockSlice : budget;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    conn.Exec("SAVEPOINT etl_lock");
    try {
      SetLockTimeout(conn, std::min(slice, std::max(left, std::chrono::milliseconds(1))));
      conn.Exec(statement);
      conn.Exec("RELEASE SAVEPOINT etl_lock");
      SetLockTimeout(conn, budget);
      return;
    } catch (const PgError& e) {
      if (e.sqlstate() != kLockNotAvailable) throw;
      conn.Exec("ROLLBACK TO SAVEPOINT etl_lock; RELEASE SAVEPOINT etl_lock");
    }
    if (Clock::now() >= deadline) {
      std::string holders = DescribeLockHolders(conn, schema, table);
      throw LockTimeout(
          fmt::format("could not lock {} ({}) within target.lock_timeout_s = {:.0f} s: {}",
                      QualifiedName(schema, table), mode, budget.count() / 1000.0,
                      holders.empty() ? "the sessions holding it have ended meanwhile"
                                      : "held by " + holders),
          std::string(kLockNotAvailable));
    }
    std::this_thread::sleep_for(kPause);
  }
}

}  // namespace etl::sink
