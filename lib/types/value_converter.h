#pragma once
// Turning one MySQL text-protocol field into the value PostgreSQL should receive.
//
// What MySQL sends (text protocol, session time_zone '+00:00', SET NAMES utf8mb4):
//   integers/decimals/floats as decimal text; date 'YYYY-MM-DD'; datetime/timestamp
//   'YYYY-MM-DD hh:mm:ss[.ffffff]' (zero dates as '0000-00-00...'); time '[-]h..h:mm:ss[.ffffff]';
//   year 'YYYY'; bit(n) as ceil(n/8) raw big-endian bytes; binary/blob raw bytes; geometry as
//   4-byte little-endian SRID + WKB; set as 'a,b'; json as its text.
//
// ConvertValue writes nothing for values that pass through unchanged: it points `out` at the
// input. Otherwise it builds the value in `scratch` (reused by the caller; no allocation once
// it has grown) and points `out` there. The result is the PostgreSQL *text input form* of the
// value, except for kBytea/kGeometry whose `out` is the raw bytes (encoders escape them).

#include <string>
#include <string_view>

#include "types/type_mapping.h"

namespace etl::types {

enum class ConvertStatus : unsigned char { kOk, kNull, kBad };

struct Converted {
  ConvertStatus status = ConvertStatus::kOk;
  std::string_view value;   // valid when kOk
  const char* reason = "";  // static text when kBad, e.g. "text contains a NUL byte"
};

// Per kind (kBad reasons are static strings):
//   kText, kEnumText  valid UTF-8 without NUL -> passed through; else kBad (types/text_check.h)
//   kSetArray         'a,b' -> {"a","b"} (members double-quoted, \ and " backslash-escaped);
//                     '' -> {}
//   kBoolFromInt      '0' -> f, any other integer -> t; non-integers kBad
//   kBoolFromBit      all-zero byte(s) (or the digit '0') -> f, otherwise t; empty kBad
//   kInt16..kFloat8, kNumeric, kYear  passed through untouched (binary COPY parses and range-
//                     checks them; text/csv let PostgreSQL do it)
//   kDate, kTimestamp zero year/month/day -> kNull; a day the month lacks -> kBad; else pass
//   kTimestampTz      as kTimestamp, valid values get "+00" appended (MySQL sends UTC)
//   kInterval         '[-]HHH:MM:SS[.ffffff]' is read by PostgreSQL's interval input as the
//                     same signed duration, so it passes through once its shape is checked
//   kBytea            raw bytes, passed through
//   kGeometry         raw minus the 4-byte SRID prefix (WKB); shorter than 4 bytes -> kBad
//   kBitVarying       raw big-endian bytes -> '0'/'1' digits (8 per raw byte here; the column
//                     overload below gives exactly n digits for bit(n))
//   kJsonb            valid UTF-8, no NUL, a document jsonb accepts (types/json_check.h)
//   kCast             (kind alone) validated as text; use the column overload instead.
// REQUIRES: `raw` is not NULL (callers handle SQL NULL before calling).
Converted ConvertValue(ValueKind kind, std::string_view raw, std::string& scratch);

// The same for a column; this is what encoders and batchers call. It adds what the kind alone
// does not carry:
//   - kBitVarying yields exactly n digits for bit(n) (n = source.numeric_precision);
//   - kCast (a `column_types` override) sends the text form of `source_kind`, normalised as
//     above (zero dates -> NULL, bits -> digits, set -> array literal, bool -> t/f, timestamp
//     -> "+00" suffix), except that kBytea and kGeometry become PostgreSQL's bytea hex text
//     '\x0a1b...' (geometry without its SRID), so a cast to bytea keeps the bytes exactly.
//     MapColumn adjusts `source_kind` to the cast's target: text cast to json/jsonb has
//     source_kind kJsonb and is checked as JSON (a bad document is a bad row); tinyint(1) cast
//     to a non-boolean type has kInt16 and keeps its number. Other text is checked as text.
Converted ConvertValue(const TargetColumn& column, std::string_view raw, std::string& scratch);

}  // namespace etl::types
