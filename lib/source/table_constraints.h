#pragma once
// A source table's secondary/unique indexes and foreign keys, from information_schema.
//
// ReadIndexes: every index but PRIMARY, by name, key parts in order with prefix length
// (SUB_PART), direction (COLLATION 'D') and the column's nullability; the type from INDEX_TYPE
// (BTREE, HASH, FULLTEXT, SPATIAL, anything else kOther); visibility from MySQL 8's IS_VISIBLE or
// MariaDB 10.6's IGNORED when the server has those columns; MySQL 8 functional key parts
// (COLUMN_NAME NULL, EXPRESSION set) have an empty name.
// ReadForeignKeys: the table's own foreign keys (REFERENTIAL_CONSTRAINTS + KEY_COLUMN_USAGE),
// columns in constraint order with the referenced ones, ON DELETE / ON UPDATE rules.
// Table names match exactly (information_schema compares them case-insensitively). Read-only;
// errors are MySqlError.

#include <string>
#include <vector>

#include "source/mysql_connection.h"
#include "types/source_column.h"
#include "types/source_schema.h"

namespace etl::source {

// `columns` (the table's, for nullability) may be empty: key parts then count as nullable.
std::vector<types::SourceIndex> ReadIndexes(MySqlConnection& conn, const std::string& database,
                                            const std::string& table,
                                            const std::vector<types::SourceColumn>& columns);

std::vector<types::SourceForeignKey> ReadForeignKeys(MySqlConnection& conn,
                                                     const std::string& database,
                                                     const std::string& table);

// "CASCADE" -> kCascade ... ; anything unknown is RESTRICT (InnoDB's default).
types::ReferentialAction ParseReferentialAction(const std::string& rule);

}  // namespace etl::source
