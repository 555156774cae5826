#include "sink/sql_fragments.h"

#include <algorithm>

#include "sink/pg_quote.h"

namespace etl::sink {

std::string ColumnsEqual(const std::vector<std::string>& columns, const std::string& a,
                         const std::string& b) {
  std::string out;
  for (const auto& c : columns) {
    if (!out.empty()) out += " AND ";
    out += a + "." + QuoteIdent(c) + " = " + b + "." + QuoteIdent(c);
  }
  return out;
}

std::string PrefixedColumns(const std::vector<std::string>& columns, const std::string& alias) {
  std::string out;
  for (const auto& c : columns) {
    if (!out.empty()) out += ", ";
    out += alias + "." + QuoteIdent(c);
  }
  return out;
}

std::string OnConflictUpdate(const std::vector<std::string>& columns,
                             const std::vector<std::string>& key) {
  std::string set;
  for (const auto& c : columns) {
    if (std::find(key.begin(), key.end(), c) != key.end()) continue;
    if (!set.empty()) set += ", ";
    set += QuoteIdent(c) + " = EXCLUDED." + QuoteIdent(c);
  }
  return " ON CONFLICT (" + QuoteIdentList(key) + ") DO " +
         (set.empty() ? std::string("NOTHING") : "UPDATE SET " + set);
}

}  // namespace etl::sink
