#pragma once
// Building a table's indexes after a bulk load instead of maintaining them row by row.
//
// For a full reload of an existing table the loader, inside its transaction and right after the
// TRUNCATE, calls DropIndexesForLoad; after the data is in it runs the returned statements,
// which rebuild each index with one sort. Everything happens in the caller's transaction, so a
// failed or killed load rolls the indexes back with the rows: readers never see the table
// without them.
//
// Deferred: primary key and unique constraints (recreated under their own names with the same
// definition) and plain indexes (recreated from pg_get_indexdef). Nothing is deferred -- the
// result is empty and nothing is dropped -- when a foreign key references the table (dropping
// its key would need CASCADE), when the table has exclusion constraints, or when it is
// partitioned.
//
// REQUIRES: the caller holds the table's ACCESS EXCLUSIVE lock (e.g. from TRUNCATE) in an open
// transaction.

#include <string>
#include <string_view>
#include <vector>

#include "sink/pg_connection.h"

namespace etl::sink {

// Drops the table's deferrable indexes; returns the statements that recreate them, in order.
std::vector<std::string> DropIndexesForLoad(PgConnection& conn, std::string_view schema,
                                            std::string_view table);

}  // namespace etl::sink
