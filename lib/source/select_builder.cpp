#include "source/select_builder.h"

#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "source/mysql_quote.h"

namespace etl::source {
namespace {

bool IsDecimalText(std::string_view v) {
  std::size_t i = (!v.empty() && v[0] == '-') ? 1 : 0;
  const std::size_t digits = i;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9')
    ++i;
  if (i == digits) return false;
  if (i == v.size()) return true;
  if (v[i] != '.') return false;
  const std::size_t fraction = ++i;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9')
    ++i;
  return i > fraction && i == v.size();
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xF];
  }
  return out;
}

std::string LiteralOf(const source::Literals& literals, const std::string& column,
                      const std::string& value) {
  const auto it = literals.find(column);
  return Literal(it == literals.end() ? ValueLiteral::kString : it->second, value);
}

std::string Build(const std::vector<std::string>& columns, const std::vector<std::string>& values,
                  std::size_t i, const std::string& lead_op, const std::string& last_op,
                  const source::Literals& literals) {
  const std::string col = QuoteIdent(columns[i]);
  const std::string val = LiteralOf(literals, columns[i], values[i]);
  if (i + 1 == columns.size()) return col + " " + last_op + " " + val;
  return "(" + col + " " + lead_op + " " + val + " OR (" + col + " = " + val + " AND " +
         Build(columns, values, i + 1, lead_op, last_op, literals) + "))";
}

void CheckArity(const std::vector<std::string>& columns, const std::vector<std::string>& values) {
  if (columns.empty() || columns.size() != values.size()) {
    throw std::invalid_argument("key cursor needs one value per key column (" +
                                std::to_string(columns.size()) + " columns, " +
                                std::to_string(values.size()) + " values)");
  }
}

}  // namespace

ValueLiteral LiteralFor(std::string_view t) {
  if (t == "tinyint" || t == "smallint" || t == "mediumint" || t == "int" || t == "integer" ||
      t == "bigint" || t == "decimal" || t == "numeric") {
    return ValueLiteral::kNumber;
  }
  if (t == "float") return ValueLiteral::kFloat;
  if (t == "double" || t == "real" || t == "double precision") return ValueLiteral::kDouble;
  if (t == "binary" || t == "varbinary" || t == "tinyblob" || t == "blob" || t == "mediumblob" ||
      t == "longblob") {
    return ValueLiteral::kBinary;
  }
  if (t == "bit") return ValueLiteral::kBit;
  return ValueLiteral::kString;
}

std::string Literal(ValueLiteral kind, std::string_view value) {
  switch (kind) {
    case ValueLiteral::kString:
      return QuoteString(value);
    case ValueLiteral::kNumber:
      if (!IsDecimalText(value)) {
        throw std::invalid_argument("cursor value '" + std::string(value) + "' is not a number");
      }
      return std::string(value);
    case ValueLiteral::kFloat:
    case ValueLiteral::kDouble: {
      const std::string text(value);
      char* end = nullptr;
      const double d = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(d) ||
          text.find_first_not_of("0123456789+-.eE") != std::string::npos) {
        throw std::invalid_argument("cursor value '" + text + "' is not a floating-point number");
      }
      // The e makes it a double literal (without it MySQL reads an exact DECIMAL).
      return text.find_first_of("eE") == std::string::npos ? text + "e0" : text;
    }
    case ValueLiteral::kBinary:
      return "_binary X'" + Hex(value) + "'";
    case ValueLiteral::kBit:
      return "X'" + Hex(value) + "'";
  }
  return QuoteString(value);
}

std::string Lexicographic(const std::vector<std::string>& columns,
                          const std::vector<std::string>& values, const std::string& lead_op,
                          const std::string& last_op, const source::Literals& literals) {
  CheckArity(columns, values);
  return Build(columns, values, 0, lead_op, last_op, literals);
}

SelectBuilder::SelectBuilder(std::string database, std::string table,
                             std::vector<std::string> columns)
    : database_(std::move(database)), table_(std::move(table)), columns_(std::move(columns)) {
  if (columns_.empty()) throw std::invalid_argument("SELECT of " + table_ + " has no columns");
}

SelectBuilder& SelectBuilder::Literals(const source::Literals& literals) {
  literals_ = literals;
  return *this;
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
                                    const std::vector<std::string>& values, const Lookback& back) {
  if (!back.any()) {
    predicates_.push_back(Lexicographic(columns, values, ">", ">", literals_));
    return *this;
  }
  CheckArity(columns, values);
  const std::string value = LiteralOf(literals_, columns[0], values[0]);
  const std::string start = back.seconds > 0
                                ? value + " - INTERVAL " + std::to_string(back.seconds) + " SECOND"
                                : value + " - " + std::to_string(back.count);
  predicates_.push_back(QuoteIdent(columns[0]) + " > " + start);
  return *this;
}

SelectBuilder& SelectBuilder::AtMost(const std::vector<std::string>& columns,
                                     const std::vector<std::string>& values) {
  predicates_.push_back(Lexicographic(columns, values, "<", "<=", literals_));
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
    const auto it = literals_.find(columns_[i]);
    if (it != literals_.end() && it->second == ValueLiteral::kFloat) {
      sql += "CAST(" + QuoteIdent(columns_[i]) + " AS DOUBLE) AS " + QuoteIdent(columns_[i]);
    } else {
      sql += QuoteIdent(columns_[i]);
    }
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
