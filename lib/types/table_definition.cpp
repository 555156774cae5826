#include "types/table_definition.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "types/value_converter.h"

namespace etl::types {
namespace {

// Longest column a prefix index part may widen to a whole-value btree entry: PostgreSQL's btree
// entries are limited to about 2,700 bytes; 500 utf8mb4 characters (2,000 bytes) stay clear.
constexpr std::int64_t kWholeValueCharacters = 500;
constexpr std::int64_t kWholeValueBytes = 2000;

std::string Column(const std::string& name) {
  return "column \"" + name + "\"";
}

std::string Index(const std::string& name) {
  return "index \"" + name + "\"";
}

bool IsInteger(ValueKind k) {
  return k == ValueKind::kInt16 || k == ValueKind::kInt32 || k == ValueKind::kInt64;
}

bool IsNumber(ValueKind k) {
  return IsInteger(k) || k == ValueKind::kNumeric || k == ValueKind::kFloat4 ||
         k == ValueKind::kFloat8 || k == ValueKind::kYear || k == ValueKind::kBoolFromInt;
}

bool IsTemporal(ValueKind k) {
  return k == ValueKind::kDate || k == ValueKind::kTimestamp || k == ValueKind::kTimestampTz;
}

// [-+]digits[.digits][e[-+]digits]: what MySQL prints for a numeric default.
bool LooksLikeNumber(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    ++i;
    ++digits;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      ++i;
      ++digits;
    }
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    const std::size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      ++i;
    if (i == start) return false;
  }
  return i == s.size();
}

// A literal shown in a note: printable ASCII as is, anything else elided.
std::string Shown(std::string_view value) {
  std::string out;
  for (unsigned char c : value.substr(0, 40)) {
    out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
  }
  if (value.size() > 40) out += "...";
  return "'" + out + "'";
}

std::set<std::string> AsSet(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

const TargetColumn* Find(const std::vector<TargetColumn>& columns, const std::string& name) {
  for (const auto& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// Whether a prefix part on `c` may index the whole value instead.
bool WholeValueFits(const TargetColumn* c) {
  if (c == nullptr || !c->source.char_max_length) return false;
  const std::string& t = c->source.data_type;
  if (t == "char" || t == "varchar") return *c->source.char_max_length <= kWholeValueCharacters;
  if (t == "binary" || t == "varbinary") return *c->source.char_max_length <= kWholeValueBytes;
  return false;
}

// The index as PostgreSQL will have it, or nullopt with a note.
std::optional<PgIndex> MapIndex(const SourceIndex& idx, const std::vector<TargetColumn>& columns,
                                std::vector<std::string>& notes) {
  const std::string what = (idx.unique ? "unique " : "") + Index(idx.name);
  if (!idx.visible) {
    notes.push_back(what +
                    " skipped: it is invisible (ignored) in the source, and PostgreSQL "
                    "has no invisible indexes");
    return std::nullopt;
  }
  PgIndex out;
  out.name = idx.name;
  out.unique = idx.unique;
  switch (idx.type) {
    case SourceIndex::Type::kBtree:
    case SourceIndex::Type::kHash:
      out.method = PgIndex::Method::kBtree;
      break;
    case SourceIndex::Type::kFullText:
      out.method = PgIndex::Method::kFullText;
      break;
    case SourceIndex::Type::kSpatial:
      notes.push_back(what +
                      " skipped: SPATIAL indexes need PostGIS (geometry loads as WKB bytea)");
      return std::nullopt;
    case SourceIndex::Type::kOther:
      notes.push_back(what + " skipped: its index type has no PostgreSQL equivalent");
      return std::nullopt;
  }
  std::vector<std::string> widened;
  for (const auto& part : idx.columns) {
    if (part.name.empty()) {
      notes.push_back(what +
                      " skipped: it has a functional key part (MySQL expressions are not "
                      "translated)");
      return std::nullopt;
    }
    if (part.prefix && out.method == PgIndex::Method::kBtree) {
      const TargetColumn* c = Find(columns, part.name);
      if (!WholeValueFits(c)) {
        notes.push_back(what + " skipped: its prefix part \"" + part.name + "\"(" +
                        std::to_string(*part.prefix) +
                        ") is on a long column; PostgreSQL has no prefix indexes and a "
                        "whole-value index could exceed its entry size limit");
        return std::nullopt;
      }
      widened.push_back("\"" + part.name + "\"(" + std::to_string(*part.prefix) + ")");
    }
    out.columns.push_back(part.name);
    out.descending.push_back(part.descending && out.method == PgIndex::Method::kBtree);
  }
  if (!widened.empty()) {
    std::string parts;
    for (const auto& w : widened)
      parts += (parts.empty() ? "" : ", ") + w;
    notes.push_back(what + ": prefix part " + parts +
                    " indexes the whole value in PostgreSQL (no prefix indexes)" +
                    (idx.unique ? "; uniqueness of whole values is weaker than of prefixes" : ""));
  }
  if (out.method == PgIndex::Method::kFullText) {
    notes.push_back(what +
                    " mapped to a GIN index on to_tsvector('simple', ...) of its columns; "
                    "queries must use that expression (MATCH ... AGAINST has no PostgreSQL "
                    "equivalent)");
  }
  return out;
}

}  // namespace

void FoldTargetNames(std::vector<TargetColumn>& columns, TableDefinition& definition,
                     const std::function<std::string(const std::string&)>& fold) {
  auto all = [&](std::vector<std::string>& names) {
    for (auto& n : names)
      n = fold(n);
  };
  for (auto& c : columns)
    c.name = fold(c.name);
  all(definition.primary_key);
  all(definition.zero_date_nullable);
  for (auto& c : definition.columns)
    c.name = fold(c.name);
  for (auto& i : definition.indexes) {
    i.name = fold(i.name);
    all(i.columns);
  }
  for (auto& k : definition.foreign_keys) {
    k.name = fold(k.name);
    all(k.columns);
    all(k.referenced_columns);
  }
}

const ColumnDefinition* TableDefinition::FindColumn(const std::string& name) const {
  for (const auto& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::optional<PgDefault> MapDefault(const TargetColumn& column, std::string& note) {
  note.clear();
  const ColumnDefault& d = column.source.default_value;
  const std::string who = Column(column.name);
  if (d.kind == ColumnDefault::Kind::kNone) return std::nullopt;
  if (column.kind == ValueKind::kCast) {
    note = who + ": default not carried over (the column has a column_types override)";
    return std::nullopt;
  }
  switch (d.kind) {
    case ColumnDefault::Kind::kNone:
      return std::nullopt;
    case ColumnDefault::Kind::kExpression:
      note = who + ": default (" + d.value +
             ") is an expression etl does not translate; not carried over";
      return std::nullopt;
    case ColumnDefault::Kind::kCurrentTimestamp:
    case ColumnDefault::Kind::kCurrentDate: {
      if (!IsTemporal(column.kind)) {
        note =
            who + ": default " +
            (d.kind == ColumnDefault::Kind::kCurrentDate ? "CURRENT_DATE" : "CURRENT_TIMESTAMP") +
            " on a column that is not a date or timestamp; not carried over";
        return std::nullopt;
      }
      PgDefault out;
      out.kind = d.kind == ColumnDefault::Kind::kCurrentDate ? PgDefault::Kind::kCurrentDate
                                                             : PgDefault::Kind::kCurrentTimestamp;
      out.precision = d.precision;
      return out;
    }
    case ColumnDefault::Kind::kLiteral:
      break;
  }
  if (IsNumber(column.kind) && !LooksLikeNumber(d.value)) {
    note = who + ": default " + Shown(d.value) + " is not a number; not carried over";
    return std::nullopt;
  }
  // The value's text form, as it is sent for a cast (binary as '\x..' hex): what a quoted
  // PostgreSQL literal of the column's type needs.
  TargetColumn text_form = column;
  text_form.kind = ValueKind::kCast;
  std::string scratch;
  const Converted v = ConvertValue(text_form, d.value, scratch);
  switch (v.status) {
    case ConvertStatus::kNull:
      note = who + ": zero-date default " + Shown(d.value) +
             " becomes no default (zero dates load as NULL)";
      return std::nullopt;
    case ConvertStatus::kBad:
      note = who + ": default " + Shown(d.value) + " not carried over: " + v.reason;
      return std::nullopt;
    case ConvertStatus::kOk:
      break;
  }
  PgDefault out;
  out.literal = std::string(v.value);
  return out;
}

std::vector<PgForeignKey> MapForeignKeys(const std::vector<SourceForeignKey>& foreign_keys) {
  std::vector<PgForeignKey> out;
  for (const auto& fk : foreign_keys) {
    out.push_back(PgForeignKey{fk.name, fk.columns, fk.referenced_database, fk.referenced_table,
                               fk.referenced_columns, fk.on_delete, fk.on_update});
  }
  return out;
}

TableDefinition BuildTableDefinition(const std::vector<TargetColumn>& columns,
                                     const std::vector<std::string>& primary_key,
                                     const std::vector<SourceIndex>& indexes,
                                     const std::vector<SourceForeignKey>& foreign_keys,
                                     const std::string& table_comment,
                                     const std::vector<std::string>& key,
                                     const config::SchemaOptions& options) {
  TableDefinition def;
  def.primary_key = primary_key;
  if (options.comments) def.comment = table_comment;

  const std::set<std::string> pk_set = AsSet(primary_key);
  for (const auto& c : columns) {
    ColumnDefinition cd;
    cd.name = c.name;
    if (options.identity && c.source.auto_increment) {
      if (IsInteger(c.kind)) {
        cd.identity = true;
      } else {
        def.notes.push_back(Column(c.name) + ": AUTO_INCREMENT not carried over: it maps to " +
                            c.pg_type + ", which cannot be an identity column");
      }
    }
    if (options.defaults && !cd.identity) {
      std::string note;
      cd.default_value = MapDefault(c, note);
      if (!note.empty()) def.notes.push_back(note);
    }
    if (options.defaults && c.source.on_update_current_timestamp) {
      def.notes.push_back(Column(c.name) +
                          ": ON UPDATE CURRENT_TIMESTAMP not carried over (PostgreSQL has no "
                          "such clause; a trigger would be needed)");
    }
    if (options.comments) cd.comment = c.source.comment;
    // MapColumn made such a column nullable (types/type_mapping.h): say so in the plan.
    if (!c.source.nullable && c.nullable && HoldsZeroDates(c.source_kind)) {
      def.zero_date_nullable.push_back(c.name);
    }
    if (cd.identity || cd.default_value || !cd.comment.empty()) def.columns.push_back(cd);
  }

  // The unique index that keys the table when the key is not the primary key.
  const std::set<std::string> key_set = AsSet(key);
  const SourceIndex* key_index = nullptr;
  if (!key.empty() && key_set != pk_set) {
    for (const auto& idx : indexes) {
      std::vector<std::string> names;
      for (const auto& part : idx.columns)
        names.push_back(part.name);
      if (idx.IdentifiesRows() && AsSet(names) == key_set) {
        key_index = &idx;
        break;
      }
    }
  }
  for (const auto& idx : indexes) {
    const bool is_key = &idx == key_index;
    if (!options.indexes && !is_key) continue;
    std::vector<std::string> notes;
    auto mapped = MapIndex(idx, columns, notes);
    if (is_key && !mapped) {
      // The key must exist for upserts: create it plainly, whatever its visibility or type.
      notes.clear();
      mapped = PgIndex{idx.name, true, PgIndex::Method::kBtree, {}, {}, true};
      for (const auto& part : idx.columns) {
        mapped->columns.push_back(part.name);
        mapped->descending.push_back(false);
      }
    }
    def.notes.insert(def.notes.end(), notes.begin(), notes.end());
    if (!mapped) continue;
    mapped->is_key = is_key;
    def.indexes.push_back(std::move(*mapped));
  }
  if (options.foreign_keys) def.foreign_keys = MapForeignKeys(foreign_keys);
  return def;
}

}  // namespace etl::types
