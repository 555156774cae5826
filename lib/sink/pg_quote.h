#pragma once
// Quoting names and values for PostgreSQL SQL text.
//
// Every identifier that reaches SQL goes through QuoteIdent (always quoted, so case and reserved
// words survive exactly as given); every literal goes through QuoteLiteral. Both throw
// std::invalid_argument for input PostgreSQL cannot represent (a NUL byte, an empty name).
// Pure functions: no connection needed, safe from any thread.

#include <string>
#include <string_view>
#include <vector>

namespace etl::sink {

// "name" with embedded " doubled. REQUIRES: non-empty, no NUL byte.
std::string QuoteIdent(std::string_view name);

// "schema"."table".
std::string QualifiedName(std::string_view schema, std::string_view table);

// "a", "b", "c" — a comma-separated list of quoted identifiers (empty string for no names).
std::string QuoteIdentList(const std::vector<std::string>& names);

// 'value' with ' doubled; when the value holds a backslash the E'' form is used with the
// backslash doubled too, so the result means the same whatever standard_conforming_strings is.
// REQUIRES: no NUL byte.
std::string QuoteLiteral(std::string_view value);

// A text[] array literal ({"a","b\\c"}) for passing a list of strings as one parameter
// ($1::text[]). Every element is double-quoted, with " and \ backslash-escaped.
// REQUIRES: no NUL byte.
std::string TextArrayLiteral(const std::vector<std::string>& items);

// PostgreSQL truncates identifiers to 63 bytes; this truncates `name` the same way, but never in
// the middle of a UTF-8 sequence, so names we derive (staging tables, constraints) are the names
// PostgreSQL will really use.
std::string TruncateIdent(std::string_view name);

}  // namespace etl::sink
