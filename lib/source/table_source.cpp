#include "source/table_source.h"

#include <stdexcept>

#include "source/mysql_error.h"
#include "source/mysql_quote.h"

namespace etl::source {
namespace {

constexpr int kLockWaitTimeout = 1205;  // what LOCK TABLES ... NOWAIT gives when not granted

struct Writer {
  std::string who;  // "transaction 1234 (connection 56, open since 2026-01-01 10:00:00)"
  std::int64_t since = 0;
};

// The oldest transaction of another session that has written or is writing; who = "" when
// there is none. Throws MySqlError when innodb_trx cannot be read (PROCESS privilege).
Writer OldestWriter(MySqlConnection& conn) {
  const auto rows = conn.Query(
      "SELECT trx_id, trx_mysql_thread_id, trx_started, UNIX_TIMESTAMP(trx_started)"
      " FROM information_schema.innodb_trx"
      " WHERE trx_mysql_thread_id <> CONNECTION_ID() AND (trx_rows_modified > 0 OR"
      " trx_tables_locked > 0 OR (trx_is_read_only = 0 AND trx_query IS NOT NULL))"
      " ORDER BY trx_started LIMIT 1");
  if (rows.empty()) return {};
  const auto field = [&](std::size_t i) { return rows[0][i].value_or("?"); };
  Writer w;
  w.who = "transaction " + field(0) + " (connection " + field(1) + ", open since " + field(2) + ")";
  w.since = std::stoll(rows[0][3].value_or("0"));
  return w;
}

// The server's clock in whole seconds, then the newest committed cursor.
void ReadNewest(MySqlConnection& conn, const std::string& database, const std::string& table,
                const std::optional<std::string>& where, const std::vector<std::string>& cursor,
                const Literals& literals, WriterProbe& probe) {
  probe.newest_at = std::stoll(conn.QueryScalar("SELECT UNIX_TIMESTAMP()").value_or("0"));
  probe.newest = HighMark(conn, database, table, where, cursor, literals);
}

}  // namespace

void BeginSnapshot(MySqlConnection& conn) {
  conn.Exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
  conn.Exec("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
}

std::optional<std::vector<std::string>> HighMark(MySqlConnection& conn, const std::string& database,
                                                 const std::string& table,
                                                 const std::optional<std::string>& where,
                                                 const std::vector<std::string>& cursor,
                                                 const Literals& literals) {
  const auto rows = conn.Query(SelectBuilder(database, table, cursor)
                                   .Literals(literals)
                                   .Where(where)
                                   .OrderBy(cursor, true)
                                   .Limit(1)
                                   .Build());
  if (rows.empty()) return std::nullopt;
  std::vector<std::string> values;
  for (std::size_t i = 0; i < rows[0].size(); ++i) {
    if (!rows[0][i]) {
      throw std::runtime_error("table " + database + "." + table + ": incremental cursor column " +
                               cursor.at(i) +
                               " is NULL in the newest row; incremental columns must be NOT NULL");
    }
    values.push_back(*rows[0][i]);
  }
  return values;
}

WriterProbe ProbeWritersThenSnapshot(MySqlConnection& conn, const std::string& database,
                                     const std::string& table,
                                     const std::optional<std::string>& where,
                                     const std::vector<std::string>& cursor,
                                     const Literals& literals) {
  WriterProbe probe;
  conn.Exec("COMMIT");
  std::string lock_problem;
  try {
    conn.Exec("LOCK TABLES " + QuoteQualified(database, table) + " READ NOWAIT");
    try {
      ReadNewest(conn, database, table, where, cursor, literals, probe);
    } catch (...) {
      conn.Exec("UNLOCK TABLES");
      throw;
    }
    conn.Exec("UNLOCK TABLES");
    probe.mark = probe.newest;
    probe.outcome = WriterProbe::Outcome::kClear;
  } catch (const MySqlError& e) {
    if (e.IsConnectionError()) throw;
    if (e.code() == kLockWaitTimeout) {
      probe.outcome = WriterProbe::Outcome::kHeld;
      // Newest first, then the writers: one that started later cannot hold a row below it.
      ReadNewest(conn, database, table, where, cursor, literals, probe);
      try {
        const Writer w = OldestWriter(conn);
        probe.detail = w.who;
        probe.oldest_writer_since = w.since;
      } catch (const MySqlError& e2) {
        if (e2.IsConnectionError()) throw;
      }
      if (probe.detail.empty()) probe.detail = "a transaction that has written to the table";
    } else {
      lock_problem = e.what();
    }
  }
  if (!lock_problem.empty()) {
    try {
      ReadNewest(conn, database, table, where, cursor, literals, probe);
      const Writer w = OldestWriter(conn);
      probe.detail = w.who;
      probe.oldest_writer_since = w.since;
      probe.outcome = w.who.empty() ? WriterProbe::Outcome::kClear : WriterProbe::Outcome::kHeld;
      if (w.who.empty()) probe.mark = probe.newest;
    } catch (const MySqlError& e) {
      if (e.IsConnectionError()) throw;
      probe.outcome = WriterProbe::Outcome::kUnknown;
      probe.mark.reset();
      probe.newest.reset();
      probe.newest_at = 0;
      probe.detail = "LOCK TABLES ... READ NOWAIT: " + lock_problem +
                     "; information_schema.innodb_trx: " + e.what();
    }
  }
  BeginSnapshot(conn);
  return probe;
}

}  // namespace etl::source
