#include "source/table_checksum.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "source/mysql_error.h"
#include "source/mysql_quote.h"
#include "source/select_builder.h"
#include "source/table_stats.h"
#include "types/canonical_value.h"

namespace etl::source {
namespace {

// The cursor columns' literal kinds, so a watermark compares exactly (select_builder.h).
Literals CursorLiterals(const ChecksumTable& t) {
  Literals out;
  for (const auto& c : t.columns) {
    if (std::find(t.cursor.begin(), t.cursor.end(), c.source.name) != t.cursor.end()) {
      out[c.source.name] = LiteralFor(c.source.data_type);
    }
  }
  return out;
}

using types::ValueKind;

bool IsZerofill(const types::TargetColumn& c) {
  std::string t = c.source.column_type;
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return t.find("zerofill") != std::string::npos;
}

// NULL for MySQL's zero dates ('0000-00-00', '2024-00-10'), which the load turns into NULL.
// One product instead of three comparisons: the parts are small, so it cannot overflow.
std::string UnlessZeroDate(const std::string& col, const std::string& expr) {
  return "CASE WHEN DAYOFMONTH(" + col + ") * MONTH(" + col + ") * YEAR(" + col +
         ") = 0 THEN NULL ELSE " + expr + " END";
}

// A TIMESTAMP holds no partial zero dates, only the zero value itself, which prints as zeros
// with p fractional digits.
std::string UnlessZeroTimestamp(const types::TargetColumn& c, const std::string& printed) {
  const std::int64_t p = c.source.datetime_precision.value_or(0);
  std::string zero = "0000-00-00 00:00:00";
  if (p > 0) zero += "." + std::string(static_cast<std::size_t>(p), '0');
  return "NULLIF(" + printed + ", '" + zero + "')";
}

// MySQL prints datetime(p), timestamp(p) and time(p) with exactly p fractional digits; PostgreSQL
// prints the fraction without trailing zeros (and no '.' when it is zero). With p > 0 the
// fraction's trailing zeros and a bare '.' are trimmed (the '.' stops the trim, so the seconds'
// own digits are safe); with p = 0 there is no fraction to trim.
std::string WithFraction(const types::TargetColumn& c, const std::string& printed) {
  if (c.source.datetime_precision.value_or(0) == 0) return printed;
  return "TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM " + printed + "))";
}

bool TextLike(ValueKind kind) {
  return kind == ValueKind::kText || kind == ValueKind::kEnumText || kind == ValueKind::kSetArray ||
         kind == ValueKind::kCast || kind == ValueKind::kJsonb;
}

// The ORDER BY term for a key column: text-like columns bytewise (no collation, no padding),
// everything else in MySQL's own order, which is PostgreSQL's for those types.
std::string OrderTerm(const types::TargetColumn& c) {
  const std::string col = QuoteIdent(c.source.name);
  if (TextLike(c.kind)) return "CAST(CONVERT(" + col + " USING utf8mb4) AS BINARY)";
  return col;
}

// One field of the hashed row text: N for NULL, else the text ("<characters>:<text>" for free
// text, see types::HashWithLength; CHAR_LENGTH counts characters whatever the column's
// character set, as PostgreSQL's length() does).
std::string HashField(const types::TargetColumn& column, bool utf8) {
  const std::string expr = CanonicalExpression(column, utf8);
  if (types::HashWithLength(column)) {
    return "IFNULL(CONCAT(CHAR_LENGTH(" + QuoteIdent(column.source.name) + "), ':', " + expr +
           "), 'N')";
  }
  return "IFNULL(" + expr + ", 'N')";
}

std::string RowHash(const std::vector<types::TargetColumn>& columns,
                    const std::vector<bool>& utf8) {
  std::string sql = "MD5(CONCAT_WS('|'";
  for (std::size_t i = 0; i < columns.size(); ++i)
    sql += ", " + HashField(columns[i], i < utf8.size() && utf8[i]);
  return sql + "))";
}

std::int64_t ParseInt(const std::optional<std::string>& v, const std::string& what) {
  std::int64_t out = 0;
  if (!v) throw std::runtime_error(what + " returned NULL");
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || end != v->data() + v->size()) {
    throw std::runtime_error(what + " returned '" + *v + "', not an integer");
  }
  return out;
}

}  // namespace

std::string CanonicalExpression(const types::TargetColumn& c, bool utf8) {
  const std::string col = QuoteIdent(c.source.name);
  if (!types::HasSqlCanonical(c)) return col;
  switch (c.kind) {
    case ValueKind::kText:
    case ValueKind::kEnumText:
    case ValueKind::kSetArray:
      // MD5 hashes the bytes of the text's own character set: anything but UTF-8 is converted
      // (a conversion that is not needed costs as much as the hash of the field).
      return utf8 ? col : "CONVERT(" + col + " USING utf8mb4)";
    case ValueKind::kBoolFromInt:
    case ValueKind::kBoolFromBit:
      return "CASE WHEN " + col + " <> 0 THEN 'true' WHEN " + col + " = 0 THEN 'false' END";
    case ValueKind::kInt16:
    case ValueKind::kInt32:
    case ValueKind::kInt64:
    case ValueKind::kNumeric:
      return IsZerofill(c) ? "(" + col + " + 0)" : col;
    case ValueKind::kYear:
      return "(" + col + " + 0)";
    case ValueKind::kDate:
      return UnlessZeroDate(col, "CAST(" + col + " AS CHAR)");
    case ValueKind::kTimestamp:
      return UnlessZeroDate(col, WithFraction(c, "CAST(" + col + " AS CHAR)"));
    case ValueKind::kTimestampTz:
      return "CONCAT(" + WithFraction(c, UnlessZeroTimestamp(c, "CAST(" + col + " AS CHAR)")) +
             ", '+00')";
    case ValueKind::kInterval:
      return WithFraction(c, "CAST(" + col + " AS CHAR)");
    case ValueKind::kBytea:
      return "HEX(" + col + ")";  // upper case; the sink prints upper(encode(...)) to match
    case ValueKind::kGeometry:
      return "HEX(SUBSTRING(" + col + ", 5))";
    case ValueKind::kBitVarying: {
      const std::int64_t bits = c.source.numeric_precision.value_or(1);
      return "LPAD(BIN(" + col + "), " + std::to_string(bits) + ", '0')";
    }
    case ValueKind::kFloat4:
    case ValueKind::kFloat8:
    case ValueKind::kJsonb:
    case ValueKind::kCast:
      break;
  }
  return col;
}

SourceTableChecksum::SourceTableChecksum(MySqlConnection& conn, ChecksumTable table)
    : conn_(conn),
      table_(std::move(table)),
      context_("verifying " + table_.database + "." + table_.table) {
  if (table_.columns.empty()) throw std::invalid_argument(context_ + ": no columns to compare");
}

void SourceTableChecksum::BeginSnapshot() {
  conn_.SetReadOnly();
  conn_.Exec("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
  // Which text columns already hold UTF-8 (utf8mb4, or utf8mb3, whose bytes are the same).
  const auto rows = conn_.Query(
      "SELECT COLUMN_NAME, CHARACTER_SET_NAME FROM information_schema.COLUMNS WHERE "
      "TABLE_SCHEMA = " +
      QuoteString(table_.database) + " AND TABLE_NAME = " + QuoteString(table_.table));
  utf8_.assign(table_.columns.size(), false);
  for (const auto& row : rows) {
    if (row.size() < 2 || !row[0] || !row[1]) continue;
    const bool utf8 = *row[1] == "utf8mb4" || *row[1] == "utf8mb3" || *row[1] == "utf8";
    for (std::size_t i = 0; i < table_.columns.size(); ++i) {
      if (table_.columns[i].source.name == *row[0]) utf8_[i] = utf8;
    }
  }
}

void SourceTableChecksum::EndSnapshot() noexcept {
  try {
    conn_.Exec("ROLLBACK");
  } catch (const std::exception& e) {
    spdlog::debug("{}: ending the snapshot: {}", context_, e.what());
  }
}

std::string SourceTableChecksum::Predicates(const types::KeyRange& range,
                                            bool below_watermark) const {
  std::vector<std::string> predicates;
  if (table_.where && table_.where->find_first_not_of(" \t\r\n") != std::string::npos) {
    // A newline before the closing parenthesis, so a trailing `-- comment` cannot swallow it.
    predicates.push_back("(" + *table_.where + "\n)");
  }
  if (below_watermark && has_watermark()) {
    predicates.push_back(
        Lexicographic(table_.cursor, table_.watermark, "<", "<=", CursorLiterals(table_)));
  }
  if (!range.whole()) {
    if (table_.key.size() != 1) {
      throw std::invalid_argument(context_ + ": key ranges need a single integer key");
    }
    const std::string k = QuoteIdent(table_.columns[table_.key[0]].source.name);
    if (range.lo) predicates.push_back(k + " >= " + std::to_string(*range.lo));
    if (range.hi) predicates.push_back(k + " < " + std::to_string(*range.hi));
  }
  std::string sql;
  for (const auto& p : predicates)
    sql += (sql.empty() ? "" : " AND ") + p;
  return sql;
}

std::string SourceTableChecksum::Where(const types::KeyRange& range, bool below_watermark) const {
  const std::string p = Predicates(range, below_watermark);
  return p.empty() ? p : " WHERE " + p;
}

std::vector<std::int64_t> SourceTableChecksum::SplitPoints(const types::KeyRange& range,
                                                           int parts) {
  if (table_.key.size() != 1) throw std::invalid_argument(context_ + ": no single key");
  const std::string p = Predicates(range, /*below_watermark=*/false);
  return KeySplitPoints(conn_, table_.database, table_.table,
                        table_.columns[table_.key[0]].source.name,
                        p.empty() ? std::nullopt : std::optional(p), parts);
}

std::string SourceTableChecksum::ChecksumSql(const types::KeyRange& range) const {
  return "SELECT COUNT(*), COALESCE(SUM(CAST(CONV(SUBSTRING(" + RowHash(table_.columns, utf8_) +
         ", 1, 15), 16, 10) AS UNSIGNED)), 0) FROM " +
         QuoteQualified(table_.database, table_.table) + Where(range, /*below_watermark=*/true);
}

std::string SourceTableChecksum::RowsSql(const types::KeyRange& range) const {
  // The columns as they are: the text protocol sends what a load reads, and the client
  // canonicalises it (types::SourceText) far cheaper than the server's string functions.
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < table_.columns.size(); ++i) {
    if (i) sql += ", ";
    sql += QuoteIdent(table_.columns[i].source.name);
  }
  if (has_watermark()) {
    sql += ", CASE WHEN " +
           Lexicographic(table_.cursor, table_.watermark, "<", "<=", CursorLiterals(table_)) +
           " THEN '0' ELSE '1' END";
  }
  sql += " FROM " + QuoteQualified(table_.database, table_.table) +
         Where(range, /*below_watermark=*/false);
  if (!table_.key.empty()) {
    sql += " ORDER BY ";
    for (std::size_t i = 0; i < table_.key.size(); ++i) {
      if (i) sql += ", ";
      sql += OrderTerm(table_.columns[table_.key[i]]);
    }
  }
  return sql;
}

std::optional<std::pair<std::int64_t, std::int64_t>> SourceTableChecksum::KeyBounds() {
  if (table_.key.size() != 1) throw std::invalid_argument(context_ + ": no single key");
  const std::string k = QuoteIdent(table_.columns[table_.key[0]].source.name);
  const auto rows = conn_.Query("SELECT MIN(" + k + "), MAX(" + k + ") FROM " +
                                QuoteQualified(table_.database, table_.table) +
                                Where(types::KeyRange{}, /*below_watermark=*/false));
  if (rows.empty() || !rows[0][0] || !rows[0][1]) return std::nullopt;
  return std::pair{ParseInt(rows[0][0], context_ + ": MIN"),
                   ParseInt(rows[0][1], context_ + ": MAX")};
}

types::RangeChecksum SourceTableChecksum::Checksum(const types::KeyRange& range) {
  const std::string sql = ChecksumSql(range);
  spdlog::trace("{}: {}", context_, sql);
  const auto rows = conn_.Query(sql);
  types::RangeChecksum out;
  if (rows.empty()) return out;
  out.rows = ParseInt(rows[0][0], context_ + ": COUNT(*)");
  out.sum = rows[0][1].value_or("0");
  return out;
}

RowReader SourceTableChecksum::OpenRows(const types::KeyRange& range) {
  return RowReader(conn_, RowsSql(range), context_);
}

}  // namespace etl::source
