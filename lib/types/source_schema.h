#pragma once
// The parts of a MySQL/MariaDB table's definition beyond its columns, as information_schema
// describes them (filled by source/schema_introspector.h, mapped by types/table_definition.h).

#include <optional>
#include <string>
#include <vector>

namespace etl::types {

struct SourceIndexColumn {
  std::string name;           // empty for a functional key part (MySQL 8 expression)
  std::optional<int> prefix;  // SUB_PART: the first n characters (bytes for binary types)
  bool descending = false;    // COLLATION 'D'
  bool nullable = true;       // the column allows NULL
};

struct SourceIndex {
  enum class Type : unsigned char { kBtree, kHash, kFullText, kSpatial, kOther };
  std::string name;  // never "PRIMARY" (the primary key is SourceTable::primary_key)
  bool unique = false;
  Type type = Type::kBtree;
  bool visible = true;  // MySQL IS_VISIBLE = NO / MariaDB IGNORED = YES make it false
  std::vector<SourceIndexColumn> columns;  // key order

  // UNIQUE, every column NOT NULL, whole columns (no prefix, no expression): the index
  // identifies a row, so it can serve as the table's key.
  bool IdentifiesRows() const;
};

enum class ReferentialAction : unsigned char {
  kNoAction,
  kRestrict,
  kCascade,
  kSetNull,
  kSetDefault
};
const char* ToSql(ReferentialAction action);  // "NO ACTION", "RESTRICT", "CASCADE", ...

struct SourceForeignKey {
  std::string name;
  std::vector<std::string> columns;  // in constraint order
  std::string referenced_database;
  std::string referenced_table;
  std::vector<std::string> referenced_columns;  // parallel to `columns`
  ReferentialAction on_delete = ReferentialAction::kRestrict;
  ReferentialAction on_update = ReferentialAction::kRestrict;
};

}  // namespace etl::types
