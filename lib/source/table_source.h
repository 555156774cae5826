#pragma once
// The MySQL statements of one table's load that are not row reads (those are
// source/select_builder.h + source/row_reader.h): the snapshot a reader works in and the high
// mark of an incremental cursor. Sizes and split points are in source/table_stats.h.
//
// BeginSnapshot: REPEATABLE READ is forced for the transaction (a server whose default is
// READ-COMMITTED would otherwise make WITH CONSISTENT SNAPSHOT a no-op), then
// START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY: every later statement on the session
// sees the table as of that moment, until the connection closes or the transaction ends.
//
// Errors: MySqlError (source/mysql_error.h) with the server's message.

#include <optional>
#include <string>
#include <vector>

#include "source/mysql_connection.h"

namespace etl::source {

void BeginSnapshot(MySqlConnection& conn);

// The greatest cursor value under `where` (ORDER BY cursor DESC LIMIT 1, which walks the
// cursor's index when there is one); nullopt when no row matches. Throws std::runtime_error
// when a cursor column of that row is NULL (incremental cursors must be NOT NULL).
std::optional<std::vector<std::string>> HighMark(MySqlConnection& conn, const std::string& database,
                                                 const std::string& table,
                                                 const std::optional<std::string>& where,
                                                 const std::vector<std::string>& cursor);

}  // namespace etl::source
