#pragma once
// MySQL/MariaDB -> PostgreSQL column mapping: the contract's "Default type mapping" table.
//
// MapColumn decides, per column, the PostgreSQL type written in DDL and the ValueKind that
// tells value_converter how to turn MySQL's text-protocol bytes into a value PostgreSQL accepts.
// With a `column_types` override the PostgreSQL type is the override and the kind is kCast:
// the value travels as text (after the zero-date / bit / set normalisation of its source kind,
// kept in `source_kind`) and PostgreSQL casts it.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "types/source_column.h"

namespace etl::types {

enum class ValueKind : unsigned char {
  kText,         // char/varchar/text: must be valid UTF-8 without NUL
  kEnumText,     // enum: text, CHECK of the allowed values
  kSetArray,     // set: 'a,b' -> text[] {"a","b"}
  kBoolFromInt,  // tinyint(1)/bool: 0 -> false, any other integer -> true
  kBoolFromBit,  // bit(1): one raw byte 0x00/0x01
  kInt16,
  kInt32,
  kInt64,
  kNumeric,  // decimal and unsigned bigint: digits pass through untouched
  kFloat4,
  kFloat8,
  kDate,         // zero dates -> NULL
  kTimestamp,    // datetime: zero -> NULL
  kTimestampTz,  // timestamp: read in UTC, zero -> NULL
  kInterval,     // time: [-]HHH:MM:SS[.ffffff]
  kYear,         // year -> smallint
  kBytea,        // binary/varbinary/blobs: raw bytes
  kBitVarying,   // bit(n>1): raw big-endian bytes -> '0101...' (n digits)
  kJsonb,        // json: must be a valid JSON document
  kGeometry,     // MySQL internal geometry = 4-byte SRID + WKB -> WKB bytea
  kCast,         // column_types override: normalised text, cast by PostgreSQL
};

const char* ToString(ValueKind kind);

struct TargetColumn {
  std::string name;
  std::string pg_type;  // as written in CREATE TABLE, e.g. "numeric(20)", "varchar(255)"
  ValueKind kind = ValueKind::kText;
  ValueKind source_kind = ValueKind::kText;  // == kind unless overridden (kCast)
  // Whether the target column accepts NULL: for a created table, the source's nullability except
  // that date/datetime/timestamp columns are always nullable (zero dates load as NULL); for an
  // existing target, the target column's (set by the planner). Writers turn a NULL bound for a
  // non-nullable column into a bad row naming key and column, instead of a failed statement.
  bool nullable = true;
  std::vector<std::string> check_values;  // enum members for the CHECK constraint
  SourceColumn source;
};

// Kinds whose MySQL values may be zero dates (which load as NULL).
bool HoldsZeroDates(ValueKind kind);

// REQUIRES: `column.data_type` is one information_schema can report. An unknown type maps to
// text with kind kText (and is reported by plan as such), never to an error.
TargetColumn MapColumn(const SourceColumn& column,
                       const std::optional<std::string>& override_pg_type = std::nullopt);

std::vector<TargetColumn> MapColumns(const std::vector<SourceColumn>& columns,
                                     const std::map<std::string, std::string>& overrides);

}  // namespace etl::types
