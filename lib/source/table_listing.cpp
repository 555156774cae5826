#include "source/table_listing.h"

#include <algorithm>
#include <charconv>

#include "source/mysql_quote.h"

namespace etl::source {
namespace {

std::int64_t ToCount(const std::optional<std::string>& v) {
  if (!v) return 0;  // NULL for views
  std::int64_t out = 0;
  const char* end = v->data() + v->size();
  const auto [ptr, ec] = std::from_chars(v->data(), end, out);
  return ec == std::errc() && ptr == end ? out : 0;
}

}  // namespace

std::vector<ListedTable> ListTables(MySqlConnection& conn, const std::string& database) {
  const auto rows = conn.Query(
      "SELECT TABLE_NAME, TABLE_TYPE, DATA_LENGTH, INDEX_LENGTH, TABLE_ROWS, TABLE_SCHEMA"
      " FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
      QuoteString(database));
  std::vector<ListedTable> out;
  out.reserve(rows.size());
  for (const MySqlRow& r : rows) {
    // information_schema may compare names without regard to case; names are exact here.
    if (!r[0] || r[5].value_or("") != database) continue;
    ListedTable t;
    t.name = *r[0];
    t.type = r[1].value_or("");
    t.base_table = t.type == "BASE TABLE" || t.type == "SYSTEM VERSIONED";
    t.data_bytes = ToCount(r[2]);
    t.index_bytes = ToCount(r[3]);
    t.estimated_rows = ToCount(r[4]);
    out.push_back(std::move(t));
  }
  std::sort(out.begin(), out.end(),
            [](const ListedTable& a, const ListedTable& b) { return a.name < b.name; });
  return out;
}

std::vector<std::string> BaseTableNames(const std::vector<ListedTable>& tables) {
  std::vector<std::string> names;
  for (const ListedTable& t : tables) {
    if (t.base_table) names.push_back(t.name);
  }
  return names;
}

}  // namespace etl::source
