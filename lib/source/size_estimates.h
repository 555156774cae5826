#pragma once
// Cheap size estimates of many source tables at once, for shard assignment
// (plan/shard_assignment.h).
//
// One query against information_schema.TABLES for all the named tables: DATA_LENGTH +
// INDEX_LENGTH and TABLE_ROWS, the figures InnoDB keeps in its (persistent) statistics. No table
// is scanned or counted, so planning hundreds of tables costs one round trip. The figures are
// estimates: InnoDB refreshes them after ANALYZE TABLE or once about a tenth of a table changed,
// so two runners reading them at about the same time see the same values.
//
// Tables that do not exist (or are views) are absent from the result.
// Errors: MySqlError. Threads: uses the connection it is given.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "source/mysql_connection.h"

namespace etl::source {

struct SizeEstimate {
  std::int64_t bytes = 0;  // data + index
  std::int64_t rows = 0;   // TABLE_ROWS (InnoDB's estimate)
};

// Keyed by table name (as MySQL spells it in information_schema).
std::map<std::string, SizeEstimate> EstimateSizes(MySqlConnection& conn,
                                                  const std::string& database,
                                                  const std::vector<std::string>& tables);

}  // namespace etl::source
