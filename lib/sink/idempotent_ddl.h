#pragma once
// Runs `CREATE ... IF NOT EXISTS` statements that two sessions may run at once (etl_state,
// etl_runs): the loser of that race gets a unique violation on the catalog (23505) or "already
// exists" (42P07) although IF NOT EXISTS was said; it then runs them once more, when they find
// what the winner created. Outside a transaction only: inside one the first error has already
// failed the caller's transaction, which must see it.

#include <string>

#include "sink/pg_connection.h"

namespace etl::sink {

inline void ExecIdempotentDdl(PgConnection& conn, const std::string& sql) {
  try {
    conn.Exec(sql);
  } catch (const PgError& e) {
    if (e.sqlstate() != "23505" && e.sqlstate() != "42P07") throw;
    if (conn.in_transaction()) throw;
    conn.Exec(sql);
  }
}

}  // namespace etl::sink
