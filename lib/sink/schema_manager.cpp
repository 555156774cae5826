#include "sink/schema_manager.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>

#include "sink/pg_quote.h"
#include "sink/table_ddl.h"
#include "sink/type_name.h"

namespace etl::sink {
namespace {

struct ParsedType {
  std::string base;    // "character varying", "numeric", "timestamp"
  std::string suffix;  // "with time zone" / "without time zone" / ""
  std::vector<int> mods;
  int array_dims = 0;
};

std::string Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ')
    s.remove_suffix(1);
  return std::string(s);
}

ParsedType ParseType(std::string_view t) {
  ParsedType p;
  std::string s = Trim(t);
  while (s.size() >= 2 && s.ends_with("[]")) {
    ++p.array_dims;
    s = Trim(std::string_view(s).substr(0, s.size() - 2));
  }
  const auto open = s.find('(');
  const auto close = s.find(')', open == std::string::npos ? 0 : open);
  if (open != std::string::npos && close != std::string::npos) {
    p.base = Trim(std::string_view(s).substr(0, open));
    p.suffix = Trim(std::string_view(s).substr(close + 1));
    std::string_view inner = std::string_view(s).substr(open + 1, close - open - 1);
    while (!inner.empty()) {
      const auto comma = inner.find(',');
      const std::string part = Trim(inner.substr(0, comma));
      int v = 0;
      std::from_chars(part.data(), part.data() + part.size(), v);
      p.mods.push_back(v);
      if (comma == std::string_view::npos) break;
      inner.remove_prefix(comma + 1);
    }
  } else {
    p.base = s;
  }
  // "timestamp without time zone" / "time with time zone": split the zone part off.
  for (const char* b : {"timestamp", "time"}) {
    const std::string prefix = std::string(b) + " ";
    if (p.base.starts_with(prefix)) {
      p.suffix = Trim(std::string_view(p.base).substr(prefix.size()));
      p.base = b;
      break;
    }
  }
  return p;
}

bool IsVarcharLike(const ParsedType& p) {
  return p.base == "character varying" || p.base == "text" || p.base == "character";
}

std::optional<int> IntegerDigits(const std::string& base) {
  if (base == "smallint") return 5;
  if (base == "integer") return 10;
  if (base == "bigint") return 19;
  return std::nullopt;
}

int IntegerRank(const std::string& base) {
  if (base == "smallint") return 1;
  if (base == "integer") return 2;
  if (base == "bigint") return 3;
  return 0;
}

bool IsPrecisionType(const std::string& base) {
  return base == "timestamp" || base == "time" || base == "interval";
}

std::string Quoted(std::string_view name) {
  return "column \"" + std::string(name) + "\"";
}

}  // namespace

bool TypeAccepts(std::string_view have_text, std::string_view want_text) {
  if (have_text == want_text) return true;
  const ParsedType have = ParseType(have_text);
  const ParsedType want = ParseType(want_text);
  if (have.array_dims != want.array_dims) return false;

  if (have.base == want.base && have.suffix == want.suffix) {
    if (have.mods == want.mods) return true;
    if (have.base == "character varying" || have.base == "bit varying") {
      if (have.mods.empty()) return true;
      return !want.mods.empty() && have.mods[0] >= want.mods[0];
    }
    if (have.base == "numeric") {
      if (have.mods.empty()) return true;
      if (want.mods.empty()) return false;
      const int hp = have.mods[0], hs = have.mods.size() > 1 ? have.mods[1] : 0;
      const int wp = want.mods[0], ws = want.mods.size() > 1 ? want.mods[1] : 0;
      return hs >= ws && hp - hs >= wp - ws;
    }
    if (IsPrecisionType(have.base)) {
      const int hp = have.mods.empty() ? 6 : have.mods[0];
      const int wp = want.mods.empty() ? 6 : want.mods[0];
      return hp >= wp;
    }
    return false;
  }
  // Text: unbounded text holds any character type.
  if ((have.base == "text" || (have.base == "character varying" && have.mods.empty())) &&
      IsVarcharLike(want)) {
    return true;
  }
  // Integers widen to bigger integers and to numeric with enough integer digits.
  if (const auto digits = IntegerDigits(want.base)) {
    if (IntegerRank(have.base) >= IntegerRank(want.base) && IntegerRank(have.base) > 0) return true;
    if (have.base == "numeric") {
      if (have.mods.empty()) return true;
      const int hp = have.mods[0], hs = have.mods.size() > 1 ? have.mods[1] : 0;
      return hp - hs >= *digits;
    }
    return false;
  }
  if (have.base == "double precision" && want.base == "real") return true;
  return false;
}

void EnsureSchema(PgConnection& conn, std::string_view schema) {
  conn.Exec("CREATE SCHEMA IF NOT EXISTS " + QuoteIdent(schema));
}

bool TableExists(PgConnection& conn, std::string_view schema, std::string_view table) {
  PgResult r = conn.ExecParams(
      "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
      "c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')",
      {std::string(schema), std::string(table)});
  return r.rows() > 0;
}

std::vector<ExistingColumn> ReadTableColumns(PgConnection& conn, std::string_view schema,
                                             std::string_view table) {
  PgResult r = conn.ExecParams(
      "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, "
      "(a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') "
      "FROM pg_catalog.pg_attribute a "
      "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p') "
      "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
      {std::string(schema), std::string(table)});
  std::vector<ExistingColumn> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(
        ExistingColumn{r.String(i, 0), r.String(i, 1), r.Value(i, 2) == "t", r.Value(i, 3) == "t"});
  }
  return out;
}

std::string CreateTableSql(std::string_view schema, std::string_view table,
                           const std::vector<types::TargetColumn>& columns,
                           const types::TableDefinition* definition) {
  if (columns.empty()) {
    throw std::invalid_argument("cannot create " + QualifiedName(schema, table) +
                                " without columns");
  }
  std::string sql = "CREATE TABLE " + QualifiedName(schema, table) + " (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const auto& c = columns[i];
    sql += i == 0 ? "\n  " : ",\n  ";
    sql += QuoteIdent(c.name) + " " + c.pg_type;
    const types::ColumnDefinition* extra = definition ? definition->FindColumn(c.name) : nullptr;
    if (extra != nullptr && extra->identity) sql += " GENERATED BY DEFAULT AS IDENTITY";
    if (extra != nullptr && extra->default_value) {
      sql += " DEFAULT " + DefaultSql(*extra->default_value);
    }
    if (!c.nullable) sql += " NOT NULL";
    if (!c.check_values.empty()) {
      sql += " CHECK (" + QuoteIdent(c.name) + " IN (";
      for (std::size_t v = 0; v < c.check_values.size(); ++v) {
        if (v != 0) sql += ", ";
        sql += QuoteLiteral(c.check_values[v]);
      }
      // MySQL stores '' for an invalid enum value (index 0) outside strict mode; it is a value
      // the source really holds, so it must load.
      if (std::find(c.check_values.begin(), c.check_values.end(), "") == c.check_values.end()) {
        sql += ", ''";
      }
      sql += "))";
    }
  }
  sql += "\n)";
  return sql;
}

std::vector<types::TargetColumn> WithResolvedTypes(
    PgConnection& conn, const std::vector<types::TargetColumn>& columns) {
  std::vector<std::string> types;
  for (const auto& c : columns)
    types.push_back(c.pg_type);
  std::vector<std::string> canonical;
  try {
    canonical = ResolveTypeNames(conn, types);
  } catch (const InvalidTypeName&) {
    for (const auto& c : columns) {  // name the column (error path only)
      try {
        ResolveTypeName(conn, c.pg_type);
      } catch (const InvalidTypeName& e) {
        throw InvalidTypeName(Quoted(c.name) + ": " + e.what());
      }
    }
    throw;
  }
  std::vector<types::TargetColumn> resolved = columns;
  for (std::size_t i = 0; i < resolved.size(); ++i)
    resolved[i].pg_type = canonical[i];
  return resolved;
}

void CreateTable(PgConnection& conn, std::string_view schema, std::string_view table,
                 const std::vector<types::TargetColumn>& columns,
                 const types::TableDefinition* definition) {
  conn.Exec(CreateTableSql(schema, table, WithResolvedTypes(conn, columns), definition));
}

void AddPrimaryKey(PgConnection& conn, std::string_view schema, std::string_view table,
                   const std::vector<std::string>& columns) {
  if (columns.empty()) return;
  conn.Exec("ALTER TABLE " + QualifiedName(schema, table) + " ADD PRIMARY KEY (" +
            QuoteIdentList(columns) + ")");
}

bool HasPrimaryKeyOrUnique(PgConnection& conn, std::string_view schema, std::string_view table,
                           const std::vector<std::string>& columns) {
  if (columns.empty()) return false;
  std::vector<std::string> sorted = columns;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  PgResult r = conn.ExecParams(
      "SELECT 1 FROM pg_catalog.pg_index i "
      "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = $1 AND c.relname = $2 AND i.indisunique AND i.indimmediate "
      "AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indnkeyatts = $4 "
      "AND (SELECT array_agg(a.attname::text ORDER BY a.attname::text) "
      "     FROM pg_catalog.pg_attribute a WHERE a.attrelid = i.indrelid "
      "     AND a.attnum = ANY ((i.indkey::int2[])[0:i.indnkeyatts - 1])) "
      "    = (SELECT array_agg(x ORDER BY x) FROM unnest($3::text[]) AS x)",
      {std::string(schema), std::string(table), TextArrayLiteral(sorted),
       std::to_string(sorted.size())});
  return r.rows() > 0;
}

std::vector<std::string> NormaliseTypes(PgConnection& conn, const std::vector<std::string>& types) {
  return ResolveTypeNames(conn, types);
}

Compatibility CompareColumns(const std::vector<ExistingColumn>& existing,
                             const std::vector<types::TargetColumn>& wanted,
                             const std::vector<std::string>& wanted_types) {
  Compatibility result;
  std::map<std::string, const ExistingColumn*> by_name;
  for (const auto& e : existing)
    by_name[e.name] = &e;
  std::map<std::string, bool> wanted_names;
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    const auto& w = wanted[i];
    wanted_names[w.name] = true;
    const auto it = by_name.find(w.name);
    if (it == by_name.end()) {
      result.errors.push_back(Quoted(w.name) + " missing in target");
      continue;
    }
    const ExistingColumn& e = *it->second;
    const std::string& want = i < wanted_types.size() ? wanted_types[i] : w.pg_type;
    if (!TypeAccepts(e.type, want)) {
      result.errors.push_back(Quoted(w.name) + ": target has " + e.type + ", source maps to " +
                              w.pg_type);
    }
    if (e.not_null && w.nullable) {
      result.warnings.push_back(Quoted(w.name) +
                                ": target is NOT NULL but the source column allows NULL");
    }
  }
  for (const auto& e : existing) {
    if (wanted_names.count(e.name) != 0) continue;
    if (e.not_null && !e.has_default) {
      result.errors.push_back(Quoted(e.name) +
                              " exists only in target and is NOT NULL without a default");
    }
  }
  return result;
}

Compatibility CheckCompatible(PgConnection& conn, const std::vector<ExistingColumn>& existing,
                              const std::vector<types::TargetColumn>& wanted) {
  std::vector<std::string> types;
  types.reserve(wanted.size());
  for (const auto& w : wanted)
    types.push_back(w.pg_type);
  return CompareColumns(existing, wanted, NormaliseTypes(conn, types));
}

}  // namespace etl::sink
