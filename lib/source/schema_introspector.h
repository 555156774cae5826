#pragma once
// Reading a source table's shape from information_schema.
//
// Introspect() returns the columns in ordinal order with every types::SourceColumn field
// filled (unsigned from COLUMN_TYPE, character length, precision/scale, fractional digits,
// enum/set members unquoted), the primary key columns in key order, and exists = true.
// MariaDB stores JSON as longtext with a CHECK (json_valid(`col`)) constraint: such columns
// are reported with data_type "json" (column_type stays "longtext").
// Beyond the columns' types it reads what a faithful copy needs: each column's DEFAULT (parsed
// whichever server spelled it, source/column_default_parse.h), auto_increment, ON UPDATE
// CURRENT_TIMESTAMP and comment; the table's comment, AUTO_INCREMENT counter and type (base
// table or view); its secondary/unique indexes and foreign keys (source/table_constraints.h).
//
// Table names match exactly (case-sensitively), as MySQL on Linux does. A missing table throws
// TableNotFound: "table shop.orders does not exist in MySQL"; IntrospectIfExists() returns
// exists = false instead. Server errors throw MySqlError.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "source/mysql_connection.h"
#include "types/source_column.h"
#include "types/source_schema.h"

namespace etl::source {

struct SourceTable {
  std::string database;
  std::string table;
  std::vector<types::SourceColumn> columns;  // ordinal order
  std::vector<std::string> primary_key;      // key order; empty when the table has none
  std::vector<types::SourceIndex> indexes;   // every index but PRIMARY, by name
  std::vector<types::SourceForeignKey> foreign_keys;
  std::string comment;                          // TABLE_COMMENT ("" when none)
  std::optional<std::uint64_t> auto_increment;  // the next AUTO_INCREMENT value, when it has one
  bool is_view = false;
  bool exists = false;

  // The column named `name` (exact match), or nullptr.
  const types::SourceColumn* FindColumn(std::string_view name) const;
};

class TableNotFound : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

SourceTable Introspect(MySqlConnection& conn, const std::string& database,
                       const std::string& table);
SourceTable IntrospectIfExists(MySqlConnection& conn, const std::string& database,
                               const std::string& table);

// The members of an enum/set COLUMN_TYPE, unquoted: "enum('a','it''s','x,y')" ->
// {"a", "it's", "x,y"}. Doubled quotes and backslash escapes are undone. Returns {} for a
// COLUMN_TYPE that is not enum(...)/set(...).
std::vector<std::string> ParseEnumMembers(std::string_view column_type);

// True when a CHECK clause is exactly json_valid(`column`) (MariaDB's JSON marker).
bool IsJsonValidCheck(std::string_view check_clause, std::string_view column);

}  // namespace etl::source
