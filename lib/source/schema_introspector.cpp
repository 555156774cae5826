#include "source/schema_introspector.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

#include "source/column_default_parse.h"
#include "source/mysql_quote.h"
#include "source/table_constraints.h"

namespace etl::source {
namespace {

std::optional<std::int64_t> ToInt(const std::optional<std::string>& v) {
  if (!v) return std::nullopt;
  std::int64_t out = 0;
  const char* end = v->data() + v->size();
  auto [ptr, ec] = std::from_chars(v->data(), end, out);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return out;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string TrimSpaces(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return std::string(s);
}

// The CHECK clauses on the table (MariaDB marks JSON columns with CHECK (json_valid(`col`))).
std::vector<std::string> CheckClauses(MySqlConnection& conn, const std::string& database,
                                      const std::string& table) {
  if (!conn.is_mariadb()) return {};  // MySQL has a real JSON type
  const auto rows = conn.Query(
      "SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS"
      " WHERE CONSTRAINT_SCHEMA = " +
      QuoteString(database) + " AND TABLE_NAME = " + QuoteString(table));
  std::vector<std::string> out;
  for (const auto& r : rows) {
    if (r[0].value_or("") == table && r[1]) out.push_back(*r[1]);
  }
  return out;
}

}  // namespace

const types::SourceColumn* SourceTable::FindColumn(std::string_view name) const {
  for (const auto& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::vector<std::string> ParseEnumMembers(std::string_view column_type) {
  std::string_view t = column_type;
  const std::string head = Lower(std::string(t.substr(0, 5)));
  if (head.rfind("enum(", 0) == 0) {
    t.remove_prefix(5);
  } else if (head.rfind("set(", 0) == 0) {
    t.remove_prefix(4);
  } else {
    return {};
  }
  std::vector<std::string> members;
  std::size_t i = 0;
  while (i < t.size()) {
    if (t[i] != '\'') {
      ++i;  // separators ',' and the closing ')'
      continue;
    }
    members.push_back(UnquoteMySqlLiteral(t, i));
  }
  return members;
}

bool IsJsonValidCheck(std::string_view check_clause, std::string_view column) {
  std::string clause = TrimSpaces(check_clause);
  // Some versions wrap the clause in parentheses.
  while (clause.size() >= 2 && clause.front() == '(' && clause.back() == ')') {
    clause = TrimSpaces(std::string_view(clause).substr(1, clause.size() - 2));
  }
  return Lower(clause.substr(0, 11)) == "json_valid(" &&
         clause.substr(11) == QuoteIdent(column) + ")";
}

SourceTable IntrospectIfExists(MySqlConnection& conn, const std::string& database,
                               const std::string& table) {
  SourceTable out;
  out.database = database;
  out.table = table;
  const std::string where =
      " WHERE TABLE_SCHEMA = " + QuoteString(database) + " AND TABLE_NAME = " + QuoteString(table);

  // information_schema compares names case-insensitively; keep only the exact match.
  const auto tables = conn.Query(
      "SELECT TABLE_NAME, TABLE_TYPE, TABLE_COMMENT, AUTO_INCREMENT FROM "
      "information_schema.TABLES" +
      where);
  for (const auto& r : tables) {
    if (r[0].value_or("") != table) continue;
    out.exists = true;
    out.is_view = r[1].value_or("") == "VIEW";
    if (!out.is_view) out.comment = r[2].value_or("");
    if (const auto next = ToInt(r[3]); next && *next > 0) {
      out.auto_increment = static_cast<std::uint64_t>(*next);
    }
  }
  if (!out.exists) return out;

  const auto rows = conn.Query(
      "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE,"
      " CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION,"
      " COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT"
      " FROM information_schema.COLUMNS" +
      where + " ORDER BY ORDINAL_POSITION");
  const auto checks = CheckClauses(conn, database, table);
  const DefaultSpelling spelling = SpellingOf(conn.server_version());
  for (const auto& r : rows) {
    if (r[0].value_or("") != table) continue;
    types::SourceColumn c;
    c.name = r[1].value_or("");
    c.data_type = Lower(r[2].value_or(""));
    c.column_type = r[3].value_or("");
    const std::string lower_type = Lower(c.column_type);
    c.is_unsigned = lower_type.find(" unsigned") != std::string::npos;
    c.nullable = r[4].value_or("YES") == "YES";
    c.char_max_length = ToInt(r[5]);
    c.numeric_precision = ToInt(r[6]);
    c.numeric_scale = ToInt(r[7]);
    c.datetime_precision = ToInt(r[8]);
    if (c.data_type == "enum" || c.data_type == "set")
      c.enum_values = ParseEnumMembers(c.column_type);
    const bool json_checked = std::any_of(checks.begin(), checks.end(), [&](const std::string& k) {
      return IsJsonValidCheck(k, c.name);
    });
    if (json_checked && (c.data_type == "longtext" || c.data_type == "json")) c.data_type = "json";
    const std::string extra = r[10].value_or("");
    c.default_value = ParseColumnDefault(r[9], extra, c, spelling);
    c.auto_increment = ExtraHasAutoIncrement(extra);
    c.on_update_current_timestamp = ExtraHasOnUpdate(extra);
    c.comment = r[11].value_or("");
    out.columns.push_back(std::move(c));
  }

  const auto key = conn.Query("SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.STATISTICS" +
                              where + " AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX");
  for (const auto& r : key) {
    if (r[0].value_or("") == table && r[1]) out.primary_key.push_back(*r[1]);
  }
  out.indexes = ReadIndexes(conn, database, table, out.columns);
  out.foreign_keys = ReadForeignKeys(conn, database, table);
  return out;
}

SourceTable Introspect(MySqlConnection& conn, const std::string& database,
                       const std::string& table) {
  SourceTable t = IntrospectIfExists(conn, database, table);
  if (!t.exists) {
    throw TableNotFound("table " + database + "." + table + " does not exist in MySQL [" +
                        conn.endpoint() + "]");
  }
  return t;
}

}  // namespace etl::source
