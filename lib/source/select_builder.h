#pragma once
// SelectBuilder: the one SELECT a reader runs against a source table.
//
//   SELECT `a`, `b` FROM `db`.`t`
//   WHERE (<user filter>) AND <key predicates...>
//   ORDER BY `k1`, `k2` [DESC on each] LIMIT n
//
// Columns are selected by their quoted names: for every type of the contract's mapping table
// the text protocol then sends the bytes types/value_converter.h expects (BIT as raw
// big-endian bytes, geometry as MySQL's internal SRID + WKB, JSON as text). The one exception
// is a FLOAT column named in Literals(): MySQL prints FLOAT with 6 significant digits, which
// is not the stored value, so it is selected as CAST(`f` AS DOUBLE) AS `f` (the exact value:
// PostgreSQL's real parses it back to the same float, and a key boundary compares exactly).
// The user filter (`where:`) is the one piece of SQL pasted as given; it is
// wrapped in parentheses so its OR cannot escape (with a newline before the closing one, so a
// trailing `-- comment` in it cannot swallow the rest). Key predicates, in the order added:
//   KeyRange(k, lo, hi)       `k` >= lo AND `k` < hi                  (integers, unquoted)
//   After({a}, {x})           `a` > x
//   After({a, b}, {x, y})     (`a` > x OR (`a` = x AND `b` > y))      keyset cursor
//   After(cols, vals, back)   `a` > x - INTERVAL n SECOND  /  `a` > x - n   (lookback: the first
//                             column only, so every row of the window is read again)
//   AtMost({a, b}, {x, y})    (`a` < x OR (`a` = x AND `b` <= y))     upper bound (high mark)
// Each value is written as the literal its column's type compares exactly with (Literal()):
// integers and decimals unquoted (a quoted string would be compared as a double, wrong above
// 2^53), floats as double literals, binary strings as _binary X'..', everything else (text,
// dates, times) as a quoted string in the column's text form. Columns not named in
// Literals() are written as quoted strings.
// REQUIRES: cursor values are not NULL; each list of values is as long as its list of columns.
// Throws std::invalid_argument for a value that is not of its literal's form (a number that
// is not a number): nothing malformed reaches the SQL text.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etl::source {

// How a value of a column is written into SQL.
enum class ValueLiteral { kString, kNumber, kFloat, kDouble, kBinary, kBit };

// The literal kind for a column of MySQL DATA_TYPE `data_type` ("int", "decimal", "varbinary").
ValueLiteral LiteralFor(std::string_view data_type);

// `value` (the column's text form, as the text protocol sends it) as an SQL literal:
// kString 'x' (escaped), kNumber 123 / -1.50, kFloat and kDouble 1.25e0, kBinary _binary X'0A1B',
// kBit X'01'.
std::string Literal(ValueLiteral kind, std::string_view value);

// Column name -> literal kind, for the key and cursor columns.
using Literals = std::map<std::string, ValueLiteral>;

// Re-read a window behind the watermark (tables.X.lookback): seconds for a temporal first
// cursor column, a count for an integer one. Zero: none.
struct Lookback {
  std::int64_t seconds = 0;
  std::int64_t count = 0;
  bool any() const { return seconds > 0 || count > 0; }
};

class SelectBuilder {
 public:
  SelectBuilder(std::string database, std::string table, std::vector<std::string> columns);

  SelectBuilder& Literals(const source::Literals& literals);
  SelectBuilder& Where(const std::optional<std::string>& filter);
  SelectBuilder& KeyRange(const std::string& key, std::int64_t lo, std::int64_t hi);
  SelectBuilder& After(const std::vector<std::string>& columns,
                       const std::vector<std::string>& values, const Lookback& back = {});
  SelectBuilder& AtMost(const std::vector<std::string>& columns,
                        const std::vector<std::string>& values);
  SelectBuilder& OrderBy(const std::vector<std::string>& columns, bool descending = false);
  SelectBuilder& Limit(std::int64_t rows);

  std::string Build() const;

 private:
  std::string database_;
  std::string table_;
  std::vector<std::string> columns_;
  source::Literals literals_;
  std::optional<std::string> filter_;
  std::vector<std::string> predicates_;
  std::vector<std::string> order_by_;
  bool descending_ = false;
  std::optional<std::int64_t> limit_;
};

// The lexicographic comparison of (columns) against (values): `last_op` is applied to the last
// column, `lead_op` (strict) to the others. Lexicographic({a,b}, {x,y}, ">", ">") ->
// "(`a` > 'x' OR (`a` = 'x' AND `b` > 'y'))". Values are written by Literal() with the kinds
// in `literals` (quoted strings for columns not in it). Exposed for tests and for plan/ queries.
std::string Lexicographic(const std::vector<std::string>& columns,
                          const std::vector<std::string>& values, const std::string& lead_op,
                          const std::string& last_op, const source::Literals& literals = {});

}  // namespace etl::source
