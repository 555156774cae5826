#include "source/select_builder.h"

#include <stdexcept>

#include "source/mysql_quote.h"

namespace etl::source {
namespace {

std::string Build(const std::vector<std::string>& columns, const std::vector<std::string>& values,
                  std::size_t i, const std::string& lead_op, const std::string& last_op) {
  const std::string col = QuoteIdent(columns[i]);
  const std::string val = QuoteString(values[i]);
  if (i + 1 == columns.size()) return col + " " + last_op + " " + val;
  return "(" + col + " " + lead_op + " " + val + " OR (" + col + " = " + val + " AND " +
         Build(columns, values, i + 1, lead_op, last_op) + "))";
}

}  // namespace

std::string Lexicographic(const std::vector<std::string>& columns,
                          const std::vector<std::string>& values, const std::string& lead_op,
                          const std::string& last_op) {
  if (columns.empty() || columns.size() != values.size()) {
    throw std::invalid_argument("key cursor needs one value per key column (" +
                                std::to_string(columns.size()) + " columns, " +
                                std::to_string(values.size()) + " values)");
  }
  return Build(columns, values, 0, lead_op, last_op);
}

SelectBuilder::SelectBuilder(std::string database, std::string table,
                             std::vector<std::string> columns)
    : database_(std::move(database)), table_(std::move(table)), columns_(std::move(columns)) {
  if (columns_.empty()) throw std::invalid_argument("SELECT of " + table_ + " has no columns");
}

SelectBuilder& SelectBuilder::Where(const std::optional<std::string>& filter) {
  if (filter && filter->find_first_not_of(" \t\r\n") != std::string::npos) filter_ = filter;
  return *this;
}

SelectBuilder& SelectBuilder::KeyRange(const std::string& key, std::int64_t lo, std::int64_t hi) {
  const std::string k = QuoteIdent(key);
  predicates_.push_back(k + " >= " + std::to_string(lo) + " AND " + k + " < " + std::to_string(hi));
  return *this;
}

SelectBuilder& SelectBuilder::After(const std::vector<std::string>& columns,
                                    const std::vector<std::string>& values) {
  predicates_.push_back(Lexicographic(columns, values, ">", ">"));
  return *this;
}

SelectBuilder& SelectBuilder::AtMost(const std::vector<std::string>& columns,
                                     const std::vector<std::string>& values) {
  predicates_.push_back(Lexicographic(columns, values, "<", "<="));
  return *this;
}

SelectBuilder& SelectBuilder::OrderBy(const std::vector<std::string>& columns, bool descending) {
  order_by_ = columns;
  descending_ = descending;
  return *this;
}

SelectBuilder& SelectBuilder::Limit(std::int64_t rows) {
  limit_ = rows;
  return *this;
}

std::string SelectBuilder::Build() const {
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (i) sql += ", ";
    sql += QuoteIdent(columns_[i]);
  }
  sql += " FROM " + QuoteQualified(database_, table_);
  bool first = true;
  auto add = [&](const std::string& p) {
    sql += first ? " WHERE " : " AND ";
    sql += p;
    first = false;
  };
  // The newline ends a trailing "-- comment" in the filter before the closing parenthesis.
  if (filter_) add("(" + *filter_ + "\n)");
  for (const auto& p : predicates_)
    add(p);
  if (!order_by_.empty()) {
    sql += " ORDER BY ";
    for (std::size_t i = 0; i < order_by_.size(); ++i) {
      if (i) sql += ", ";
      sql += QuoteIdent(order_by_[i]);
      if (descending_) sql += " DESC";
    }
  }
  if (limit_) sql += " LIMIT " + std::to_string(*limit_);
  return sql;
}

}  // namespace etl::source
