#pragma once
// Canonical text of column values, computed in the client, for `etl verify`.
//
// verify compares a MySQL value with the PostgreSQL value the load made of it, through one
// agreed text form per column kind (the table in source/table_checksum.h). When the servers
// checksum ranges, they print that form in SQL; when rows are compared in the client, both
// sides send their plain text (MySQL's text protocol, PostgreSQL's text output, the same bytes
// a load reads) and SourceText / TargetText turn it into the same form here:
//   source: tinyint(1)/bit(1) -> 'true'/'false'; ZEROFILL and year padding removed; zero dates
//           -> NULL; datetime/timestamp/time fractions with trailing zeros trimmed, timestamp
//           + '+00'; binary and geometry (without the SRID) -> lower-case hex; bit(n) -> n digits
//   target: boolean 't'/'f' -> 'true'/'false'; text[] '{a,"b c"}' -> 'a,b c'; bytea '\x..' -> hex
// and everything else passes unchanged. The two implementations (SQL and these) must agree;
// the integration tests compare every mapped type both ways.
//
// Three kinds have no exact SQL form at all and are compared from their texts here:
//   kJson    MySQL/MariaDB print the document as stored (any key order, any spacing); jsonb
//            prints its keys sorted, its own spacing and numbers as numeric. Both texts are
//            parsed (simdjson) and printed again the same way: object keys in jsonb's order
//            (shorter first, then bytewise), a duplicate key keeps its last value (as jsonb
//            does), strings unescaped and re-escaped one way, numbers as PostgreSQL's numeric
//            prints them (1e2 -> 100, 1.50 -> 1.50, 1.5e-3 -> 0.0015, -0 -> 0).
//   kFloat4, kFloat8  MySQL prints a float its way ('1e20'), PostgreSQL prints the shortest text
//            that reads back as the same binary value ('1e+20'); both are read as the binary
//            value (float for real, double for double precision, as the load does) and printed
//            as the shortest round-trip text. Infinity/NaN in either spelling.
// Everything else (kNone) is compared byte for byte.
//
// Equal() is what the comparison calls: identical bytes are equal without parsing (the common
// case, e.g. MariaDB's JSON_OBJECT output is already in jsonb's form), otherwise both sides
// are canonicalised. Canonical() gives the canonical text itself (for whole-table hashes of
// tables without a key). A text that does not parse has no canonical form: it is equal only to
// identical bytes, and Canonical() returns it prefixed with "\x01invalid:".
// Pure functions; the JSON parser is thread_local, so threads may call them concurrently.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "types/type_mapping.h"

namespace etl::types {

enum class ClientCanonical : unsigned char { kNone, kJson, kFloat4, kFloat8 };

// What SourceText/TargetText need to know of a column.
struct FieldForm {
  ValueKind kind = ValueKind::kText;
  std::int64_t bits = 0;  // bit(n): n
  bool zerofill = false;
};
FieldForm FieldFormFor(const TargetColumn& column);

// The canonical text of one non-NULL field as MySQL sent it (nullopt: the load makes it NULL,
// e.g. a zero date). The result views `raw` or `scratch`. Overridden (kCast) columns pass
// unchanged: their source text has already been cast by PostgreSQL.
std::optional<std::string_view> SourceText(const FieldForm& form, std::string_view raw,
                                           std::string& scratch);
// The same for a field as PostgreSQL's text output printed it.
std::optional<std::string_view> TargetText(const FieldForm& form, std::string_view raw,
                                           std::string& scratch);

// Which comparison a mapped column needs. column_types overrides (kCast) are kNone here: their
// source value is cast by PostgreSQL itself before it is compared (pipeline/table_verify.h).
ClientCanonical ClientCanonicalFor(const TargetColumn& column);

// True when both servers can print the column's canonical text in SQL (every kind but json,
// float, double and column_types overrides): such columns can be checksummed server-side.
bool HasSqlCanonical(const TargetColumn& column);

// True when the column's canonical text can hold any character (text, enum, set): the row hash
// writes such fields as "<characters>:<text>"; every other canonical text is made of digits,
// letters,
// '-', ':', '.', ' ' and '+', never '|' and never the NULL marker "N" on its own, so the fields
// joined by '|' cannot be read two ways.
bool HashWithLength(const TargetColumn& column);

bool Equal(ClientCanonical kind, std::string_view a, std::string_view b);

// The canonical text of `text` (appended to `out`, which is cleared first).
void Canonical(ClientCanonical kind, std::string_view text, std::string& out);

// Exposed for tests. False when the text does not parse (out is then unspecified).
bool CanonicalJson(std::string_view text, std::string& out);
bool CanonicalJsonNumber(std::string_view token, std::string& out);  // appends
bool CanonicalFloat(bool single_precision, std::string_view text, std::string& out);

}  // namespace etl::types
