#pragma once
// SelectBuilder: the one SELECT a reader runs against a source table.
//
//   SELECT `a`, `b` FROM `db`.`t`
//   WHERE (<user filter>) AND <key predicates...>
//   ORDER BY `k1`, `k2` [DESC on each] LIMIT n
//
// Columns are selected by their quoted names: for every type of the contract's mapping table
// the text protocol then sends the bytes types/value_converter.h expects (BIT as raw
// big-endian bytes, geometry as MySQL's internal SRID + WKB, JSON as text), so no column needs
// an expression. The user filter (`where:`) is the one piece of SQL pasted as given; it is
// wrapped in parentheses so its OR cannot escape (with a newline before the closing one, so a
// trailing `-- comment` in it cannot swallow the rest). Key predicates, in the order added:
//   KeyRange(k, lo, hi)       `k` >= lo AND `k` < hi                  (integers, unquoted)
//   After({a}, {x})           `a` > 'x'
//   After({a, b}, {x, y})     (`a` > 'x' OR (`a` = 'x' AND `b` > 'y'))   keyset cursor
//   AtMost({a, b}, {x, y})    (`a` < 'x' OR (`a` = 'x' AND `b` <= 'y'))  upper bound (high mark)
// Cursor values are sent as quoted string literals (MySQL converts them to the column's type),
// so dates, decimals and unsigned bigints all compare exactly.
// REQUIRES: cursor values are not NULL; each list of values is as long as its list of columns.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace etl::source {

class SelectBuilder {
 public:
  SelectBuilder(std::string database, std::string table, std::vector<std::string> columns);

  SelectBuilder& Where(const std::optional<std::string>& filter);
  SelectBuilder& KeyRange(const std::string& key, std::int64_t lo, std::int64_t hi);
  SelectBuilder& After(const std::vector<std::string>& columns,
                       const std::vector<std::string>& values);
  SelectBuilder& AtMost(const std::vector<std::string>& columns,
                        const std::vector<std::string>& values);
  SelectBuilder& OrderBy(const std::vector<std::string>& columns, bool descending = false);
  SelectBuilder& Limit(std::int64_t rows);

  std::string Build() const;

 private:
  std::string database_;
  std::string table_;
  std::vector<std::string> columns_;
  std::optional<std::string> filter_;
  std::vector<std::string> predicates_;
  std::vector<std::string> order_by_;
  bool descending_ = false;
  std::optional<std::int64_t> limit_;
};

// The lexicographic comparison of (columns) against (values): `last_op` is applied to the last
// column, `lead_op` (strict) to the others. Lexicographic({a,b}, {x,y}, ">", ">") ->
// "(`a` > 'x' OR (`a` = 'x' AND `b` > 'y'))". Exposed for tests and for plan/ queries.
std::string Lexicographic(const std::vector<std::string>& columns,
                          const std::vector<std::string>& values, const std::string& lead_op,
                          const std::string& last_op);

}  // namespace etl::source
