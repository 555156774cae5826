#include "source/size_estimates.h"

#include <charconv>
#include <set>

#include "source/mysql_quote.h"

namespace etl::source {
namespace {

std::int64_t ParseCount(const std::optional<std::string>& v) {
  std::int64_t out = 0;
  if (!v) return 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  return ec == std::errc() && end == v->data() + v->size() ? out : 0;
}

}  // namespace

std::map<std::string, SizeEstimate> EstimateSizes(MySqlConnection& conn,
                                                  const std::string& database,
                                                  const std::vector<std::string>& tables) {
  std::map<std::string, SizeEstimate> out;
  const std::set<std::string> wanted(tables.begin(), tables.end());
  if (wanted.empty()) return out;
  std::string names;
  for (const auto& t : wanted)
    names += (names.empty() ? "" : ", ") + QuoteString(t);
  const auto rows = conn.Query(
      "SELECT TABLE_NAME, DATA_LENGTH, INDEX_LENGTH, TABLE_ROWS FROM information_schema.TABLES"
      " WHERE TABLE_SCHEMA = " +
      QuoteString(database) + " AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME IN (" + names + ")");
  for (const auto& r : rows) {
    const std::string name = r[0].value_or("");
    // information_schema compares names by the file system's rules; keep exact matches only.
    if (wanted.count(name) == 0) continue;
    out[name] = SizeEstimate{ParseCount(r[1]) + ParseCount(r[2]), ParseCount(r[3])};
  }
  return out;
}

}  // namespace etl::source
