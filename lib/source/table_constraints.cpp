#include "source/table_constraints.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "source/mysql_quote.h"

namespace etl::source {
namespace {

std::optional<int> ToInt(const std::optional<std::string>& v) {
  if (!v) return std::nullopt;
  int out = 0;
  const auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || ptr != v->data() + v->size()) return std::nullopt;
  return out;
}

types::SourceIndex::Type IndexType(const std::string& t) {
  if (t == "BTREE") return types::SourceIndex::Type::kBtree;
  if (t == "HASH") return types::SourceIndex::Type::kHash;
  if (t == "FULLTEXT") return types::SourceIndex::Type::kFullText;
  if (t == "SPATIAL") return types::SourceIndex::Type::kSpatial;
  return types::SourceIndex::Type::kOther;
}

// Which optional columns this server's information_schema.STATISTICS has.
struct StatisticsColumns {
  bool is_visible = false;  // MySQL 8
  bool expression = false;  // MySQL 8.0.13
  bool ignored = false;     // MariaDB 10.6
};

StatisticsColumns ProbeStatistics(MySqlConnection& conn) {
  StatisticsColumns out;
  for (const auto& r :
       conn.Query("SELECT UPPER(COLUMN_NAME) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                  "'information_schema' AND TABLE_NAME = 'STATISTICS'")) {
    const std::string name = r[0].value_or("");
    out.is_visible |= name == "IS_VISIBLE";
    out.expression |= name == "EXPRESSION";
    out.ignored |= name == "IGNORED";
  }
  return out;
}

}  // namespace

types::ReferentialAction ParseReferentialAction(const std::string& rule) {
  if (rule == "CASCADE") return types::ReferentialAction::kCascade;
  if (rule == "SET NULL") return types::ReferentialAction::kSetNull;
  if (rule == "SET DEFAULT") return types::ReferentialAction::kSetDefault;
  if (rule == "NO ACTION") return types::ReferentialAction::kNoAction;
  return types::ReferentialAction::kRestrict;
}

std::vector<types::SourceIndex> ReadIndexes(MySqlConnection& conn, const std::string& database,
                                            const std::string& table,
                                            const std::vector<types::SourceColumn>& columns) {
  const StatisticsColumns has = ProbeStatistics(conn);
  const std::string sql =
      std::string(
          "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, COLLATION, "
          "INDEX_TYPE, ") +
      (has.is_visible ? "IS_VISIBLE"
       : has.ignored  ? "IF(IGNORED = 'YES', 'NO', 'YES')"
                      : "'YES'") +
      ", " + (has.expression ? "EXPRESSION" : "NULL") +
      " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = " + QuoteString(database) +
      " AND TABLE_NAME = " + QuoteString(table) +
      " AND INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME, SEQ_IN_INDEX";
  std::vector<types::SourceIndex> out;
  for (const auto& r : conn.Query(sql)) {
    if (r[0].value_or("") != table) continue;
    const std::string name = r[1].value_or("");
    if (out.empty() || out.back().name != name) {
      types::SourceIndex idx;
      idx.name = name;
      idx.unique = r[2].value_or("1") == "0";
      idx.type = IndexType(r[6].value_or(""));
      idx.visible = r[7].value_or("YES") == "YES";
      out.push_back(std::move(idx));
    }
    types::SourceIndexColumn part;
    part.name = r[3].value_or("");  // NULL: a functional key part (r[8] holds its expression)
    part.prefix = ToInt(r[4]);
    part.descending = r[5].value_or("") == "D";
    const auto col =
        std::find_if(columns.begin(), columns.end(),
                     [&](const types::SourceColumn& c) { return c.name == part.name; });
    part.nullable = col == columns.end() || col->nullable;
    out.back().columns.push_back(std::move(part));
  }
  return out;
}

std::vector<types::SourceForeignKey> ReadForeignKeys(MySqlConnection& conn,
                                                     const std::string& database,
                                                     const std::string& table) {
  const std::string sql =
      "SELECT rc.TABLE_NAME, rc.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, "
      "k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, rc.UPDATE_RULE, rc.DELETE_RULE "
      "FROM information_schema.REFERENTIAL_CONSTRAINTS rc "
      "JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA "
      "AND k.CONSTRAINT_NAME = rc.CONSTRAINT_NAME AND k.TABLE_NAME = rc.TABLE_NAME "
      "WHERE rc.CONSTRAINT_SCHEMA = " +
      QuoteString(database) + " AND rc.TABLE_NAME = " + QuoteString(table) +
      " AND k.REFERENCED_TABLE_NAME IS NOT NULL ORDER BY rc.CONSTRAINT_NAME, k.ORDINAL_POSITION";
  std::vector<types::SourceForeignKey> out;
  for (const auto& r : conn.Query(sql)) {
    if (r[0].value_or("") != table) continue;
    const std::string name = r[1].value_or("");
    if (out.empty() || out.back().name != name) {
      types::SourceForeignKey fk;
      fk.name = name;
      fk.referenced_database = r[3].value_or("");
      fk.referenced_table = r[4].value_or("");
      fk.on_update = ParseReferentialAction(r[6].value_or(""));
      fk.on_delete = ParseReferentialAction(r[7].value_or(""));
      out.push_back(std::move(fk));
    }
    out.back().columns.push_back(r[2].value_or(""));
    out.back().referenced_columns.push_back(r[5].value_or(""));
  }
  return out;
}

}  // namespace etl::source
