#include "source/table_stats.h"

#include <algorithm>
#include <charconv>

#include "source/mysql_error.h"
#include "source/mysql_quote.h"
#include "source/schema_introspector.h"
#include "source/select_builder.h"

namespace etl::source {
namespace {

bool IsIntegerType(const std::string& data_type) {
  return data_type == "tinyint" || data_type == "smallint" || data_type == "mediumint" ||
         data_type == "int" || data_type == "integer" || data_type == "bigint";
}

std::optional<std::int64_t> ParseInt64(const std::optional<std::string>& v) {
  if (!v) return std::nullopt;
  std::int64_t out = 0;
  const char* end = v->data() + v->size();
  auto [ptr, ec] = std::from_chars(v->data(), end, out);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return out;
}

std::int64_t ParseCount(const std::optional<std::string>& v) {
  return ParseInt64(v).value_or(0);
}

// " WHERE (<filter>) AND <extra>" with either part optional.
std::string WhereClause(const std::optional<std::string>& filter, const std::string& extra = "") {
  std::string out;
  if (filter && filter->find_first_not_of(" \t\r\n") != std::string::npos) {
    out = " WHERE (" + *filter + "\n)";
  }
  if (!extra.empty()) out += (out.empty() ? " WHERE " : " AND ") + extra;
  return out;
}

}  // namespace

TableStats Measure(MySqlConnection& conn, const std::string& database, const std::string& table,
                   const std::optional<std::string>& key, const std::optional<std::string>& where,
                   const MeasureOptions& options) {
  const auto rows = conn.Query(
      "SELECT TABLE_NAME, DATA_LENGTH, INDEX_LENGTH, TABLE_ROWS FROM information_schema.TABLES"
      " WHERE TABLE_SCHEMA = " +
      QuoteString(database) + " AND TABLE_NAME = " + QuoteString(table));
  const auto it = std::find_if(rows.begin(), rows.end(),
                               [&](const MySqlRow& r) { return r[0].value_or("") == table; });
  if (it == rows.end()) {
    throw TableNotFound("table " + database + "." + table + " does not exist in MySQL [" +
                        conn.endpoint() + "]");
  }
  TableStats stats;
  stats.data_bytes = ParseCount((*it)[1]);
  stats.index_bytes = ParseCount((*it)[2]);
  stats.estimated_rows = ParseCount((*it)[3]);

  const std::string from = " FROM " + QuoteQualified(database, table);
  if (options.count_rows) {
    stats.row_count = ParseCount(conn.QueryScalar("SELECT COUNT(*)" + from + WhereClause(where)));
    stats.row_count_exact = true;
  } else {
    stats.row_count = stats.estimated_rows;
  }

  if (!key) return stats;
  const auto type = conn.Query(
      "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE FROM information_schema.COLUMNS"
      " WHERE TABLE_SCHEMA = " +
      QuoteString(database) + " AND TABLE_NAME = " + QuoteString(table) +
      " AND COLUMN_NAME = " + QuoteString(*key));
  const auto col = std::find_if(type.begin(), type.end(),
                                [&](const MySqlRow& r) { return r[0].value_or("") == *key; });
  if (col == type.end()) {
    stats.key_unsupported = "key column " + *key + " does not exist in " + database + "." + table;
    return stats;
  }
  const std::string data_type = (*col)[1].value_or("");
  if (!IsIntegerType(data_type)) {
    stats.key_unsupported =
        "key column " + *key + " is " + (*col)[2].value_or(data_type) + ", not an integer";
    return stats;
  }
  const auto k = QuoteIdent(*key);
  const auto minmax = conn.Query("SELECT MIN(" + k + "), MAX(" + k + ")" + from +
                                 WhereClause(options.filter_key_range ? where : std::nullopt));
  const auto& mm = minmax.at(0);
  if (!mm[0] || !mm[1]) {  // no rows: any integer key is fine
    stats.key_is_integer = true;
    return stats;
  }
  stats.key_min = ParseInt64(mm[0]);
  stats.key_max = ParseInt64(mm[1]);
  if (!stats.key_min || !stats.key_max) {
    stats.key_min.reset();
    stats.key_max.reset();
    stats.key_unsupported = "key column " + *key + " (" + (*col)[2].value_or(data_type) +
                            ") has values up to " + mm[1].value_or("") +
                            ", beyond the int64 range; range chunking is not supported";
    return stats;
  }
  stats.key_is_integer = true;
  return stats;
}

namespace {

// The split points of [lo, hi] into `parts` ranges of equal width, when `rows` fill at least
// kDenseKeyShare of its values; std::nullopt otherwise (the caller walks the index).
std::optional<std::vector<std::int64_t>> EvenSplitPoints(std::int64_t lo, std::int64_t hi,
                                                         std::int64_t rows, int parts) {
  // Two's-complement arithmetic in uint64: hi - lo + 1 cannot overflow below 2^64 - 1.
  const std::uint64_t width = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
  if (width == 0 || static_cast<double>(rows) < kDenseKeyShare * static_cast<double>(width))
    return std::nullopt;
  const auto n = static_cast<std::uint64_t>(parts);
  std::vector<std::int64_t> splits;
  for (std::uint64_t i = 1; i < n; ++i) {
    const std::uint64_t offset = width / n * i + width % n * i / n;
    if (offset == 0) continue;
    const auto split = static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + offset);
    if (splits.empty() || split > splits.back()) splits.push_back(split);
  }
  return splits;
}

}  // namespace

std::vector<std::int64_t> KeySplitPoints(MySqlConnection& conn, const std::string& database,
                                         const std::string& table, const std::string& key,
                                         const std::optional<std::string>& where, int parts,
                                         const SplitOptions& options) {
  std::vector<std::int64_t> splits;
  if (parts <= 1) return splits;
  const std::string from = " FROM " + QuoteQualified(database, table);
  const std::string k = QuoteIdent(key);
  std::string range;  // the key range the parts cover, when bounded
  if (options.lo) range = k + " >= " + std::to_string(*options.lo);
  if (options.hi)
    range += (range.empty() ? "" : " AND ") + k + " <= " + std::to_string(*options.hi);
  auto extra = [&](const std::string& more) {
    if (range.empty()) return more;
    return more.empty() ? range : range + " AND " + more;
  };
  const std::int64_t total =
      options.total
          ? *options.total
          : ParseCount(conn.QueryScalar("SELECT COUNT(*)" + from + WhereClause(where, extra(""))));
  if (options.lo && options.hi && *options.hi >= *options.lo) {
    const auto dense = EvenSplitPoints(*options.lo, *options.hi, total, parts);
    if (dense) return *dense;
  }
  // Walk forward from the previous split so that every row of the index is stepped over once
  // in total (not once per part, as OFFSET from the start would).
  std::optional<std::int64_t> previous;
  std::int64_t previous_offset = 0;
  for (int i = 1; i < parts; ++i) {
    const std::int64_t offset = total * i / parts;
    if (offset == 0 || (previous && offset <= previous_offset)) continue;
    const std::string after = previous ? k + " >= " + std::to_string(*previous) : "";
    const std::int64_t step = offset - (previous ? previous_offset : 0);
    const auto value =
        conn.QueryScalar("SELECT " + k + from + WhereClause(where, extra(after)) + " ORDER BY " +
                         k + " LIMIT 1 OFFSET " + std::to_string(step));
    if (!value) break;
    const auto split = ParseInt64(value);
    if (!split) {
      throw MySqlError("key " + key + " of " + database + "." + table + " has value " + *value +
                           " outside the int64 range [" + conn.endpoint() + "]",
                       0, "");
    }
    if (splits.empty() || *split > splits.back()) splits.push_back(*split);
    previous = split;
    previous_offset = offset;
  }
  return splits;
}

namespace {

SelectBuilder Rows(const std::string& database, const std::string& table,
                   const std::optional<std::string>& where, const std::string& column,
                   const std::vector<std::string>& cursor,
                   const std::optional<std::vector<std::string>>& after, const Literals& literals,
                   const Lookback& back) {
  SelectBuilder b(database, table, {column});
  b.Literals(literals).Where(where);
  if (after) b.After(cursor, *after, back);
  return b;
}

// EXPLAIN's estimate of the rows a SELECT examines: the `rows` column (10th of MySQL's 12
// columns, 9th of MariaDB's 10), summed over the plan's rows.
std::int64_t ExplainRows(MySqlConnection& conn, const std::string& select) {
  std::int64_t total = 0;
  for (const auto& row : conn.Query("EXPLAIN " + select)) {
    const std::size_t at = row.size() >= 12 ? 9 : 8;
    if (at < row.size()) total += ParseInt64(row[at]).value_or(0);
  }
  return total;
}

}  // namespace

BoundedCount CountUpTo(MySqlConnection& conn, const std::string& database, const std::string& table,
                       const std::optional<std::string>& where, const std::string& column,
                       const std::vector<std::string>& cursor,
                       const std::optional<std::vector<std::string>>& after, std::int64_t cap,
                       const Literals& literals, const Lookback& back) {
  const std::string inner =
      Rows(database, table, where, column, cursor, after, literals, back).Limit(cap + 1).Build();
  BoundedCount out;
  out.rows = ParseCount(conn.QueryScalar("SELECT COUNT(*) FROM (" + inner + ") AS etl_bounded"));
  out.capped = out.rows > cap;
  return out;
}

std::int64_t EstimateRows(MySqlConnection& conn, const std::string& database,
                          const std::string& table, const std::optional<std::string>& where,
                          const std::string& column, const std::vector<std::string>& cursor,
                          const std::optional<std::vector<std::string>>& after,
                          const Literals& literals, const Lookback& back) {
  return ExplainRows(conn,
                     Rows(database, table, where, column, cursor, after, literals, back).Build());
}

std::optional<std::int64_t> NextKeyAfter(MySqlConnection& conn, const std::string& database,
                                         const std::string& table, const std::string& key,
                                         const std::optional<std::string>& where,
                                         std::int64_t after) {
  const std::string k = QuoteIdent(key);
  const auto value =
      conn.QueryScalar("SELECT MIN(" + k + ") FROM " + QuoteQualified(database, table) +
                       WhereClause(where, k + " > " + std::to_string(after)));
  return ParseInt64(value);
}

}  // namespace etl::source
