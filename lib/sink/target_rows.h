#pragma once
// Whether an existing target holds any row: SELECT 1 ... LIMIT 1 (one page at most), for the
// planner's choice of how the first incremental run reaches an empty target
// (plan/target_variant.h). Errors: PgError.

#include <string_view>

#include "sink/pg_connection.h"

namespace etl::sink {

// REQUIRES: schema.table exists.
bool TargetIsEmpty(PgConnection& conn, std::string_view schema, std::string_view table);

}  // namespace etl::sink
