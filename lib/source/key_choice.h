#pragma once
// Which columns identify a source table's rows (contract: "A primary_key: override must match a
// unique NOT NULL index of the source table; a table whose only key is a UNIQUE NOT NULL index
// uses it as its key").
//
// ChooseKey, without an override: the PRIMARY KEY; else the UNIQUE index whose columns are all
// NOT NULL and whole (no prefix, no expression) with the fewest columns, by name on a tie; else
// none. With an override (`primary_key:` in the spec): its columns must exist and be exactly the
// columns (in any order) of the PRIMARY KEY or of such a unique index; the key keeps the
// override's order. Anything else is refused in `problem` -- a non-unique key would make keyset
// pages skip rows and upserts merge distinct rows -- naming the unique keys the table has.
// Pure: works on an introspected SourceTable.

#include <string>
#include <vector>

#include "source/schema_introspector.h"

namespace etl::source {

struct KeyChoice {
  std::vector<std::string> columns;  // empty: the table has no key
  std::string index;                 // "PRIMARY", the unique index's name, or "" (none)
  std::string description;           // for plan: "primary key", "unique index uk (no primary key)"
  std::string problem;               // non-empty: the override is refused (nothing to read)
};

KeyChoice ChooseKey(const SourceTable& table, const std::vector<std::string>& override_columns);

}  // namespace etl::source
