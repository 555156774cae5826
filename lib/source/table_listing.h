#pragma once
// Listing the tables of the source database (for tables_match and the load order).
//
// ListTables reads information_schema.TABLES once for `database`: every table with its kind
// and the sizes InnoDB keeps there (DATA_LENGTH + INDEX_LENGTH, TABLE_ROWS: page-level
// estimates, the same figures source/table_stats.h reports, no table is scanned or counted).
// Base tables are TABLE_TYPE 'BASE TABLE' and MariaDB's 'SYSTEM VERSIONED' (a base table with a
// history; a SELECT reads its current rows); views, sequences and system views are listed with
// base_table = false, so a caller can tell a view apart from a missing table. Names come back
// exactly as the server stores them, sorted by byte value (independent of any collation).
// A database that does not exist lists nothing. Errors: MySqlError.

#include <cstdint>
#include <string>
#include <vector>

#include "source/mysql_connection.h"

namespace etl::source {

struct ListedTable {
  std::string name;
  std::string type;  // TABLE_TYPE as the server says it: "BASE TABLE", "VIEW", "SEQUENCE", ...
  bool base_table = false;
  std::int64_t data_bytes = 0;
  std::int64_t index_bytes = 0;
  std::int64_t estimated_rows = 0;

  double size_mb() const {
    return static_cast<double>(data_bytes + index_bytes) / (1024.0 * 1024.0);
  }
};

std::vector<ListedTable> ListTables(MySqlConnection& conn, const std::string& database);

// The names of the base tables in `tables`, in their order.
std::vector<std::string> BaseTableNames(const std::vector<ListedTable>& tables);

}  // namespace etl::source
