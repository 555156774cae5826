#include "types/type_mapping.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string_view>

namespace etl::types {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The first "(n" or "(p,s" numbers of a COLUMN_TYPE such as "decimal(10,2) unsigned".
std::optional<std::int64_t> TypeArg(std::string_view column_type, int index) {
  std::size_t open = column_type.find('(');
  if (open == std::string_view::npos) return std::nullopt;
  std::size_t pos = open + 1;
  for (int i = 0; i <= index; ++i) {
    std::int64_t v = 0;
    auto [end, ec] =
        std::from_chars(column_type.data() + pos, column_type.data() + column_type.size(), v);
    if (ec != std::errc()) return std::nullopt;
    if (i == index) return v;
    pos = static_cast<std::size_t>(end - column_type.data());
    if (pos >= column_type.size() || column_type[pos] != ',') return std::nullopt;
    ++pos;
  }
  return std::nullopt;
}

// Members of "enum('a','it''s')" / "set(...)": single-quoted, '' and backslash escapes.
std::vector<std::string> QuotedMembers(std::string_view column_type) {
  std::vector<std::string> members;
  std::size_t open = column_type.find('(');
  if (open == std::string_view::npos) return members;
  std::size_t i = open + 1;
  while (i < column_type.size() && column_type[i] == '\'') {
    std::string member;
    ++i;
    while (i < column_type.size()) {
      char c = column_type[i];
      if (c == '\'' && i + 1 < column_type.size() && column_type[i + 1] == '\'') {
        member.push_back('\'');
        i += 2;
      } else if (c == '\\' && i + 1 < column_type.size()) {
        member.push_back(column_type[i + 1]);
        i += 2;
      } else if (c == '\'') {
        ++i;
        break;
      } else {
        member.push_back(c);
        ++i;
      }
    }
    members.push_back(std::move(member));
    if (i < column_type.size() && column_type[i] == ',') ++i;
  }
  return members;
}

// Always spelled with its precision, (0) included: PostgreSQL's bare `timestamp` means 6 digits,
// and datetime(p) maps to timestamp(p) exactly.
std::string WithPrecision(const char* base, const SourceColumn& c) {
  std::int64_t p = c.datetime_precision.value_or(TypeArg(c.column_type, 0).value_or(0));
  p = std::clamp<std::int64_t>(p, 0, 6);
  return std::string(base) + "(" + std::to_string(p) + ")";
}

bool IsGeometry(std::string_view t) {
  return t == "geometry" || t == "point" || t == "linestring" || t == "polygon" ||
         t == "multipoint" || t == "multilinestring" || t == "multipolygon" ||
         t == "geometrycollection" || t == "geomcollection";
}

bool IsTextType(std::string_view t) {
  return t == "tinytext" || t == "text" || t == "mediumtext" || t == "longtext";
}

bool IsBinaryType(std::string_view t) {
  return t == "binary" || t == "varbinary" || t == "tinyblob" || t == "blob" || t == "mediumblob" ||
         t == "longblob";
}

// Fills pg_type, kind and check_values from the default mapping table.
void MapDefault(const SourceColumn& c, TargetColumn& t) {
  const std::string type = Lower(c.data_type);
  const std::string column_type = Lower(c.column_type);
  auto set = [&t](std::string pg, ValueKind kind) {
    t.pg_type = std::move(pg);
    t.kind = kind;
  };
  const bool is_unsigned = c.is_unsigned || column_type.find("unsigned") != std::string::npos;

  if (type == "bool" || type == "boolean" ||
      (type == "tinyint" && StartsWith(column_type, "tinyint(1)"))) {
    set("boolean", ValueKind::kBoolFromInt);
  } else if (type == "tinyint") {
    set("smallint", ValueKind::kInt16);
  } else if (type == "smallint") {
    is_unsigned ? set("integer", ValueKind::kInt32) : set("smallint", ValueKind::kInt16);
  } else if (type == "mediumint" || type == "int" || type == "integer") {
    (is_unsigned && type != "mediumint") ? set("bigint", ValueKind::kInt64)
                                         : set("integer", ValueKind::kInt32);
  } else if (type == "bigint") {
    is_unsigned ? set("numeric(20)", ValueKind::kNumeric) : set("bigint", ValueKind::kInt64);
  } else if (type == "decimal" || type == "numeric" || type == "dec" || type == "fixed") {
    auto p = c.numeric_precision ? c.numeric_precision : TypeArg(column_type, 0);
    auto s = c.numeric_scale ? c.numeric_scale : TypeArg(column_type, 1);
    if (p && *p > 0) {
      set("numeric(" + std::to_string(*p) + "," + std::to_string(s.value_or(0)) + ")",
          ValueKind::kNumeric);
    } else {
      set("numeric", ValueKind::kNumeric);
    }
  } else if (type == "float") {
    set("real", ValueKind::kFloat4);
  } else if (type == "double" || type == "double precision" || type == "real") {
    set("double precision", ValueKind::kFloat8);
  } else if (type == "char" || type == "varchar") {
    auto n = c.char_max_length ? c.char_max_length : TypeArg(column_type, 0);
    // PostgreSQL has no varchar(0) (MySQL has char(0)): such columns get an unbounded varchar.
    set(n && *n > 0 ? "varchar(" + std::to_string(*n) + ")" : std::string("varchar"),
        ValueKind::kText);
  } else if (IsTextType(type)) {
    set("text", ValueKind::kText);
  } else if (type == "enum") {
    set("text", ValueKind::kEnumText);
    t.check_values = c.enum_values.empty() ? QuotedMembers(c.column_type) : c.enum_values;
  } else if (type == "set") {
    set("text[]", ValueKind::kSetArray);
  } else if (type == "json") {
    set("jsonb", ValueKind::kJsonb);
  } else if (IsBinaryType(type)) {
    set("bytea", ValueKind::kBytea);
  } else if (type == "bit") {
    std::int64_t n = c.numeric_precision.value_or(TypeArg(column_type, 0).value_or(1));
    if (n <= 1) {
      set("boolean", ValueKind::kBoolFromBit);
    } else {
      set("bit varying(" + std::to_string(n) + ")", ValueKind::kBitVarying);
    }
  } else if (type == "date") {
    set("date", ValueKind::kDate);
  } else if (type == "datetime") {
    set(WithPrecision("timestamp", c), ValueKind::kTimestamp);
  } else if (type == "timestamp") {
    set(WithPrecision("timestamptz", c), ValueKind::kTimestampTz);
  } else if (type == "time") {
    set(WithPrecision("interval", c), ValueKind::kInterval);
  } else if (type == "year") {
    set("smallint", ValueKind::kYear);
  } else if (IsGeometry(type)) {
    set("bytea", ValueKind::kGeometry);
  } else {
    set("text", ValueKind::kText);
  }
}

}  // namespace

const char* ToString(ValueKind kind) {
  switch (kind) {
    case ValueKind::kText:
      return "text";
    case ValueKind::kEnumText:
      return "enum_text";
    case ValueKind::kSetArray:
      return "set_array";
    case ValueKind::kBoolFromInt:
      return "bool_from_int";
    case ValueKind::kBoolFromBit:
      return "bool_from_bit";
    case ValueKind::kInt16:
      return "int16";
    case ValueKind::kInt32:
      return "int32";
    case ValueKind::kInt64:
      return "int64";
    case ValueKind::kNumeric:
      return "numeric";
    case ValueKind::kFloat4:
      return "float4";
    case ValueKind::kFloat8:
      return "float8";
    case ValueKind::kDate:
      return "date";
    case ValueKind::kTimestamp:
      return "timestamp";
    case ValueKind::kTimestampTz:
      return "timestamptz";
    case ValueKind::kInterval:
      return "interval";
    case ValueKind::kYear:
      return "year";
    case ValueKind::kBytea:
      return "bytea";
    case ValueKind::kBitVarying:
      return "bit_varying";
    case ValueKind::kJsonb:
      return "jsonb";
    case ValueKind::kGeometry:
      return "geometry";
    case ValueKind::kCast:
      return "cast";
  }
  return "unknown";
}

namespace {

// "  JSONB " -> "jsonb": lower case, surrounding blanks trimmed.
std::string NormalisedTypeName(std::string_view type) {
  while (!type.empty() && std::isspace(static_cast<unsigned char>(type.front()))) {
    type.remove_prefix(1);
  }
  while (!type.empty() && std::isspace(static_cast<unsigned char>(type.back()))) {
    type.remove_suffix(1);
  }
  return Lower(type);
}

}  // namespace

bool HoldsZeroDates(ValueKind kind) {
  return kind == ValueKind::kDate || kind == ValueKind::kTimestamp ||
         kind == ValueKind::kTimestampTz;
}

TargetColumn MapColumn(const SourceColumn& column,
                       const std::optional<std::string>& override_pg_type) {
  TargetColumn t;
  t.name = column.name;
  t.nullable = column.nullable;
  t.source = column;
  MapDefault(column, t);
  t.source_kind = t.kind;
  // MySQL keeps zero dates ('0000-00-00') in NOT NULL columns; they load as NULL, so a column
  // that can hold one is created nullable (docs/loading.md, "Type mapping").
  if (HoldsZeroDates(t.source_kind)) t.nullable = true;
  if (override_pg_type) {
    // The user's type wins; the value travels as normalised text and PostgreSQL casts it. The
    // enum CHECK belongs to the default text mapping, so an overridden column has none.
    t.pg_type = *override_pg_type;
    t.kind = ValueKind::kCast;
    t.check_values.clear();
    // The normalisation the value gets before the cast follows the type it is cast to where the
    // source kind alone would get it wrong:
    //  - text cast to json/jsonb is checked as JSON here, so a bad document is a bad row (named
    //    by its key) rather than a failed COPY;
    //  - tinyint(1) cast to anything but boolean keeps its number (5 stays 5, not 't').
    const std::string target = NormalisedTypeName(*override_pg_type);
    const bool text_like = t.source_kind == ValueKind::kText ||
                           t.source_kind == ValueKind::kEnumText ||
                           t.source_kind == ValueKind::kJsonb;
    if (text_like && (target == "json" || target == "jsonb")) t.source_kind = ValueKind::kJsonb;
    if (t.source_kind == ValueKind::kBoolFromInt && target != "boolean" && target != "bool") {
      t.source_kind = ValueKind::kInt16;
    }
  }
  return t;
}

std::vector<TargetColumn> MapColumns(const std::vector<SourceColumn>& columns,
                                     const std::map<std::string, std::string>& overrides) {
  std::vector<TargetColumn> out;
  out.reserve(columns.size());
  for (const SourceColumn& c : columns) {
    std::optional<std::string> override_type;
    if (auto it = overrides.find(c.name); it != overrides.end()) {
      override_type = it->second;
    } else {
      // MySQL column names are case-insensitive; so is matching `column_types` keys to them.
      const std::string lower = Lower(c.name);
      for (const auto& [name, pg_type] : overrides) {
        if (Lower(name) == lower) {
          override_type = pg_type;
          break;
        }
      }
    }
    out.push_back(MapColumn(c, override_type));
  }
  return out;
}

}  // namespace etl::types
