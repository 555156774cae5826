#pragma once
// identifier_case: how names that come from MySQL become PostgreSQL names.
//
//   preserve  names keep MySQL's spelling ("CustomerID" stays "CustomerID", always quoted)
//   lower     ASCII letters A-Z become a-z; every other byte is kept. This is exactly what
//             PostgreSQL does to an unquoted identifier in a UTF-8 database, so a folded name
//             can be written unquoted in queries (SELECT customerid FROM orders).
//
// What is folded: target table names derived from a table's name (a `target_table:` written in
// the spec is used as written), target column names, and the key and index names derived from
// them. What is not: MySQL-side names (source_table, primary_key, incremental_columns,
// column_types keys), which always name the source as MySQL spells it.
//
// Folding can make two different MySQL names one PostgreSQL name (`Orders` and `orders` are
// two tables on a case-sensitive MySQL server). The checks below find such collisions so that
// `plan` and `run` refuse them before anything is written. All functions are pure.

#include <string>
#include <string_view>
#include <vector>

#include "config/job_spec.h"

namespace etl::config {

std::string FoldIdentifier(std::string_view name, IdentifierCase rule);

// The problem when two of a table's columns fold to one name under `rule`, naming both source
// columns and the folded name, e.g. "columns UserID and userid of shop.users both become column
// userid (identifier_case: lower)"; "" when there is none. `table_label` names the source table
// in the message.
std::string ColumnFoldProblem(const std::vector<std::string>& source_columns, IdentifierCase rule,
                              std::string_view table_label);

// One problem per pair of tables of the job that load the same target table (after folding),
// naming both tables, where each came from, and the target; in the order the second table of
// each pair appears. `schema` is the target schema, for the message.
std::vector<std::string> TargetTableCollisions(const std::vector<TableSpec>& tables,
                                               std::string_view schema);

// How a table joined the job, for messages and `plan`: "tables.orders" or
// "tables_match.include 'ord*'".
std::string DescribeOrigin(const TableSpec& table);

}  // namespace etl::config
