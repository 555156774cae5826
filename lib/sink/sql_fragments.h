#pragma once
// Pieces of PostgreSQL statements that several writers build the same way. Pure; every name is
// quoted with QuoteIdent.

#include <string>
#include <vector>

namespace etl::sink {

// "a"."x" = b."x" AND a."y" = b."y" (aliases are code's, not quoted).
std::string ColumnsEqual(const std::vector<std::string>& columns, const std::string& a,
                         const std::string& b);

// t."x", t."y"
std::string PrefixedColumns(const std::vector<std::string>& columns, const std::string& alias);

// ON CONFLICT ("k") DO UPDATE SET "c" = EXCLUDED."c", ... for the non-key `columns`, or
// DO NOTHING when every column is a key column.
std::string OnConflictUpdate(const std::vector<std::string>& columns,
                             const std::vector<std::string>& key);

}  // namespace etl::sink
