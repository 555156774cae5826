#pragma once
// `post_load:` statements: SQL a job runs on the target after a table's data committed
// (ANALYZE, REFRESH MATERIALIZED VIEW, ...). They are the spec author's SQL, run as written, one
// at a time in autocommit. A failure throws std::runtime_error naming the statement's index
// (post_load[i]) and saying that the data stays committed.

#include <string>
#include <vector>

#include "sink/pg_connection.h"

namespace etl::sink {

void RunPostLoad(PgConnection& conn, const std::vector<std::string>& statements);

}  // namespace etl::sink
