#include "sink/type_name.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "sink/pg_quote.h"

namespace etl::sink {
namespace {

// INTERVAL_FULL_RANGE (src/include/utils/timestamp.h): "interval(p)" means every field.
constexpr std::string_view kIntervalFullRange = "32767";

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool IsWordChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
         u == '$' || u >= 0x80;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back()))
    s.remove_suffix(1);
  return std::string(s);
}

// One modifier as typenameTypeMod hands it to typmodin: a number as written, a string's
// contents, an identifier folded to lower case unless quoted.
std::optional<std::string> ModifierText(std::string_view item) {
  const std::string s = Trim(item);
  if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front()) {
    std::string out;
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
      out += s[i];
      if (s[i] == s.front() && i + 2 < s.size() && s[i + 1] == s.front()) ++i;
    }
    return out;
  }
  if (s.empty()) return std::nullopt;
  return (s.front() >= '0' && s.front() <= '9') || s.front() == '-' || s.front() == '+' ||
                 s.front() == '.'
             ? s
             : Lower(s);
}

std::string Reason(const PgError& e) {
  // "PostgreSQL host:port/db: <message> [SQLSTATE ...]; ...": keep the server's message.
  std::string what = e.what();
  if (const auto colon = what.find(": ");
      what.starts_with("PostgreSQL ") && colon != std::string::npos) {
    what = what.substr(colon + 2);
  }
  if (const auto cut = what.find("; statement: "); cut != std::string::npos) what.resize(cut);
  return what;
}

// Runs `f` so that a failure leaves an open transaction usable.
template <typename F>
auto Guarded(PgConnection& conn, F f) {
  if (!conn.in_transaction()) return f();
  conn.Exec("SAVEPOINT etl_type_name");
  try {
    auto out = f();
    conn.Exec("RELEASE SAVEPOINT etl_type_name");
    return out;
  } catch (...) {
    try {
      conn.Exec("ROLLBACK TO SAVEPOINT etl_type_name; RELEASE SAVEPOINT etl_type_name");
    } catch (...) {
    }
    throw;
  }
}

struct TypeInfo {
  std::string oid;
  std::string typmodin;  // quoted schema.function, "" when the type takes no modifiers
};

std::vector<TypeInfo> LookUp(PgConnection& conn, const std::vector<std::string>& texts) {
  PgResult r = conn.ExecParams(
      "SELECT t.oid, pn.nspname, p.proname "
      "FROM unnest($1::pg_catalog.text[]) WITH ORDINALITY AS u(name, i) "
      "JOIN pg_catalog.pg_type t ON t.oid = u.name::pg_catalog.regtype "
      "LEFT JOIN pg_catalog.pg_proc p ON p.oid = t.typmodin "
      "LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace "
      "ORDER BY u.i",
      {TextArrayLiteral(texts)});
  std::vector<TypeInfo> out;
  for (int i = 0; i < r.rows(); ++i) {
    TypeInfo info{r.String(i, 0), ""};
    if (!r.IsNull(i, 1)) info.typmodin = QualifiedName(r.Value(i, 1), r.Value(i, 2));
    out.push_back(std::move(info));
  }
  return out;
}

// The modifiers typmodin gets for `text`, or nullopt for "no typmod" (-1).
std::optional<std::vector<std::string>> TypmodArguments(std::string_view text,
                                                        const TypeInfo& info) {
  const auto parts = SplitTypeName(text);
  if (!parts) {
    throw InvalidTypeName(fmt::format("\"{}\" is not a type name etl can read", text));
  }
  if (parts->interval_fields) {
    throw InvalidTypeName(
        fmt::format("\"{}\": interval field restrictions are not supported here; write interval or "
                    "interval(p)",
                    text));
  }
  if (info.typmodin.empty()) return std::nullopt;  // e.g. float(24) -> real: no typmod
  std::vector<std::string> mods = parts->modifiers;
  const std::string& w = parts->first_word;
  if (mods.empty() && !parts->varying &&
      (w == "char" || w == "character" || w == "nchar" || w == "national" || w == "bit")) {
    mods = {"1"};  // SQL: CHAR and BIT without a length have length 1
  }
  if (mods.empty()) return std::nullopt;
  if (w == "interval") mods.insert(mods.begin(), std::string(kIntervalFullRange));
  return mods;
}

}  // namespace

std::optional<TypeNameParts> SplitTypeName(std::string_view text) {
  TypeNameParts parts;
  bool seen_list = false;
  bool first = true;
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      const auto close = text.find('"', i + 1);
      if (close == std::string_view::npos) return std::nullopt;
      i = close + 1;
      if (i < text.size() && text[i] == '"') continue;  // "" inside a quoted name
      first = false;
    } else if (c == '(') {
      if (seen_list) return std::nullopt;
      seen_list = true;
      std::string item;
      ++i;
      bool closed = false;
      while (i < text.size()) {
        const char d = text[i];
        if (d == '\'' || d == '"') {
          const std::size_t start = i;
          ++i;
          while (i < text.size()) {
            if (text[i] == d && i + 1 < text.size() && text[i + 1] == d) {
              i += 2;
            } else if (text[i] == d) {
              break;
            } else {
              ++i;
            }
          }
          if (i >= text.size()) return std::nullopt;
          item.append(text.substr(start, i + 1 - start));
          ++i;
        } else if (d == ',' || d == ')') {
          const auto m = ModifierText(item);
          if (!m) return std::nullopt;
          parts.modifiers.push_back(*m);
          item.clear();
          ++i;
          if (d == ')') {
            closed = true;
            break;
          }
        } else if (d == '(') {
          return std::nullopt;
        } else {
          item += d;
          ++i;
        }
      }
      if (!closed) return std::nullopt;
    } else if (IsWordChar(c)) {
      const std::size_t start = i;
      while (i < text.size() && IsWordChar(text[i]))
        ++i;
      const std::string word = Lower(text.substr(start, i - start));
      if (first) parts.first_word = word;
      first = false;
      words.push_back(word);
    } else if (c == ')' || c == '\'') {
      return std::nullopt;
    } else {
      ++i;  // spaces, '.', '[', ']', '%'
    }
  }
  parts.varying = std::find(words.begin(), words.end(), "varying") != words.end();
  if (parts.first_word == "interval") {
    for (const char* f : {"year", "month", "day", "hour", "minute", "second"}) {
      if (std::find(words.begin(), words.end(), f) != words.end()) parts.interval_fields = true;
    }
  }
  return parts;
}

std::vector<std::string> ResolveTypeNames(PgConnection& conn,
                                          const std::vector<std::string>& texts) {
  std::vector<std::string> distinct;
  for (const auto& t : texts) {
    if (t.find('\0') != std::string::npos) {
      throw InvalidTypeName("a type name cannot contain a NUL byte");
    }
    if (Trim(t).empty()) throw InvalidTypeName("a type name cannot be empty");
    if (std::find(distinct.begin(), distinct.end(), t) == distinct.end()) distinct.push_back(t);
  }
  if (distinct.empty()) return {};

  std::vector<TypeInfo> infos;
  try {
    infos = Guarded(conn, [&] { return LookUp(conn, distinct); });
  } catch (const PgError& e) {
    if (e.sqlstate().empty()) throw;  // the connection failed, not the name
    // Which one? Ask one by one (only on this error path).
    for (const auto& t : distinct) {
      try {
        Guarded(conn, [&] { return LookUp(conn, {t}); });
      } catch (const PgError& one) {
        if (one.sqlstate().empty()) throw;
        throw InvalidTypeName(
            fmt::format("\"{}\" is not a PostgreSQL type name: {}", t, Reason(one)));
      }
    }
    throw;
  }
  if (infos.size() != distinct.size()) {
    throw PgError("PostgreSQL " + conn.description() + ": type lookup returned " +
                  std::to_string(infos.size()) + " rows for " + std::to_string(distinct.size()));
  }

  // format_type(oid, typmodin(modifiers)) for every name, in one statement. The function names
  // come from pg_type and are quoted; the modifiers are parameters.
  std::string sql = "SELECT ";
  std::vector<PgParam> params;
  for (std::size_t i = 0; i < distinct.size(); ++i) {
    if (i != 0) sql += ", ";
    params.emplace_back(infos[i].oid);
    const std::string oid = "$" + std::to_string(params.size()) + "::pg_catalog.oid";
    const auto mods = TypmodArguments(distinct[i], infos[i]);
    if (!mods) {
      sql += "pg_catalog.format_type(" + oid + ", -1)";
      continue;
    }
    params.emplace_back(TextArrayLiteral(*mods));
    sql += fmt::format("pg_catalog.format_type({}, {}(${}::pg_catalog.cstring[]))", oid,
                       infos[i].typmodin, params.size());
  }
  PgResult r;
  try {
    r = Guarded(conn, [&] { return conn.ExecParams(sql, params); });
  } catch (const PgError& e) {
    if (e.sqlstate().empty()) throw;
    throw InvalidTypeName(fmt::format("type modifiers of {} are not accepted: {}",
                                      fmt::join(distinct, ", "), Reason(e)));
  }
  std::map<std::string, std::string> canonical;
  for (std::size_t i = 0; i < distinct.size(); ++i)
    canonical[distinct[i]] = r.String(0, static_cast<int>(i));
  std::vector<std::string> out;
  out.reserve(texts.size());
  for (const auto& t : texts)
    out.push_back(canonical.at(t));
  return out;
}

std::string ResolveTypeName(PgConnection& conn, std::string_view text) {
  return ResolveTypeNames(conn, {std::string(text)}).front();
}

std::string ResolveColumnTypeOverrides(PgConnection& conn, std::string_view table,
                                       std::vector<types::TargetColumn>& columns) {
  for (auto& c : columns) {
    if (c.kind != types::ValueKind::kCast) continue;
    try {
      c.pg_type = ResolveTypeName(conn, c.pg_type);
    } catch (const InvalidTypeName& e) {
      return fmt::format("table {}: column_types.{}: {}", table, c.name, e.what());
    }
  }
  return "";
}

}  // namespace etl::sink
