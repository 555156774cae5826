#pragma once
// Adding the columns a source table gained to its existing target (contract: "Incremental loads
// on a busy source": a column added at the source is added to the target, nullable, and loaded;
// docs/loading.md "Schema drift").
//
// AddColumnsSql: one ALTER TABLE "schema"."table" ADD COLUMN "c" <type>, ADD COLUMN ... Every
// column is added nullable and without a default, so PostgreSQL changes only the catalog (no
// table rewrite, however large the target). The type is the load's mapping of the source column
// (types/type_mapping.h, column_types applied); an enum's CHECK constraint, which a created
// target carries, is not added. Pure.
//
// AddColumns runs it in a transaction of its own: ACCESS EXCLUSIVE asked for in slices within
// `lock_timeout` (sink/lock_wait.h: queued readers wait at most about a second), the ALTER, and
// COMMIT. The columns stay when the load that follows fails: they are nullable and empty, and the
// next run finds them in place. Errors: PgError, LockTimeout.
// REQUIRES: `columns` non-empty, none of them in the target yet; `conn` outside a transaction.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "sink/pg_connection.h"
#include "types/type_mapping.h"

namespace etl::sink {

std::string AddColumnsSql(std::string_view schema, std::string_view table,
                          const std::vector<types::TargetColumn>& columns);

void AddColumns(PgConnection& conn, std::string_view schema, std::string_view table,
                const std::vector<types::TargetColumn>& columns,
                std::chrono::milliseconds lock_timeout);

}  // namespace etl::sink
