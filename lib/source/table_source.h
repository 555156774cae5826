#pragma once
// The MySQL statements of one table's load that are not row reads (those are
// source/select_builder.h + source/row_reader.h): the snapshot a reader works in, the high
// mark of an incremental cursor, and the probe for transactions that may still commit rows
// below it. Sizes and split points are in source/table_stats.h.
//
// BeginSnapshot: REPEATABLE READ is forced for the transaction (a server whose default is
// READ-COMMITTED would otherwise make WITH CONSISTENT SNAPSHOT a no-op), then
// START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY: every later statement on the session
// sees the table as of that moment, until the connection closes or the transaction ends.
//
// Errors: MySqlError (source/mysql_error.h) with the server's message.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "source/mysql_connection.h"
#include "source/select_builder.h"

namespace etl::source {

void BeginSnapshot(MySqlConnection& conn);

// The greatest cursor value under `where` (ORDER BY cursor DESC LIMIT 1, which walks the
// cursor's index when there is one); nullopt when no row matches. Throws std::runtime_error
// when a cursor column of that row is NULL (incremental cursors must be NOT NULL). `literals`
// (the cursor columns' kinds) make a FLOAT cursor come back exact.
std::optional<std::vector<std::string>> HighMark(MySqlConnection& conn, const std::string& database,
                                                 const std::string& table,
                                                 const std::optional<std::string>& where,
                                                 const std::vector<std::string>& cursor,
                                                 const Literals& literals = {});

// How far a saved watermark may advance without passing a row that a transaction still open
// will commit later (contract: "Incremental loads on a busy source").
//
// The probe, on `conn`, ends the session's current transaction and then:
//   1. LOCK TABLES `db`.`t` READ NOWAIT. It is granted only when no session holds an
//      uncommitted write to the table (an INSERT/UPDATE/DELETE holds the table's metadata
//      lock until its transaction ends, and takes it before it allocates an AUTO_INCREMENT
//      id). Under the lock: the high mark (every row at or below it is committed), then
//      UNLOCK TABLES at once (writers of the table wait for microseconds, never for a query).
//      kClear with that mark.
//   2. NOWAIT refused (error 1205): a writer of the table is open. kHeld: the caller keeps
//      the old watermark, or advances it to a previous run's `newest` when every writer open
//      now started after that run read it (pipeline/watermark.h); `detail` names the oldest
//      open writing transaction from information_schema.innodb_trx when PROCESS allows.
//   3. LOCK TABLES not granted (no LOCK TABLES privilege): the same question asked of
//      information_schema.innodb_trx (PROCESS privilege) for the whole server: the high mark
//      is read first, then the transactions; none that has written (rows modified, tables
//      locked, or a statement running in a read-write transaction) -> kClear with the mark,
//      otherwise kHeld. Neither readable: kUnknown (the caller warns and relies on lookback).
// Then BeginSnapshot: the snapshot starts after the probe, so every row committed at or below
// a kClear mark is visible in it.
struct WriterProbe {
  enum class Outcome { kClear, kHeld, kUnknown };
  Outcome outcome = Outcome::kUnknown;
  std::optional<std::vector<std::string>> mark;  // kClear: nullopt when the table had no rows
  std::string detail;  // kHeld: who; kUnknown: why the probe could not run
  // The newest committed cursor and the server's clock (UNIX_TIMESTAMP(), read first) when it
  // was read: every row at or below `newest` that was not committed then belongs to a
  // transaction that had started by `newest_at`. Set for kClear and kHeld (0: not read).
  std::optional<std::vector<std::string>> newest;
  std::int64_t newest_at = 0;
  // kHeld: UNIX_TIMESTAMP(trx_started) of the oldest open writing transaction (0: unknown).
  std::int64_t oldest_writer_since = 0;
};

// REQUIRES: the session may end its transaction (nothing read before it is needed afterwards).
WriterProbe ProbeWritersThenSnapshot(MySqlConnection& conn, const std::string& database,
                                     const std::string& table,
                                     const std::optional<std::string>& where,
                                     const std::vector<std::string>& cursor,
                                     const Literals& literals);

}  // namespace etl::source
