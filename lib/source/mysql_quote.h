#pragma once
// Quoting for MySQL/MariaDB SQL text.
//
// Every identifier and literal that reaches MySQL from a job spec, from information_schema or
// from a saved cursor goes through these functions; nothing is pasted into SQL unquoted (the
// table's `where:` filter is the one deliberate exception). The escapes assume the session's
// sql_mode does not contain NO_BACKSLASH_ESCAPES: Connect() (source/mysql_connection.h) sets
// sql_mode = '' so that holds on every connection this layer opens.

#include <string>
#include <string_view>

namespace etl::source {

// `name` with embedded backticks doubled: orders -> `orders`, a`b -> `a``b`.
std::string QuoteIdent(std::string_view name);

// `database`.`table`
std::string QuoteQualified(std::string_view database, std::string_view table);

// A single-quoted string literal. Backslash, quote, NUL, newline, carriage return and
// Ctrl-Z are escaped the way mysql_real_escape_string does; every other byte passes as is
// (bytes are not interpreted as any character set).
std::string QuoteString(std::string_view value);

// True for an optionally signed decimal number ("600", "-1", "0.5", "1e3"): such session values
// are sent unquoted. Anything else is sent with QuoteString.
bool IsNumericLiteral(std::string_view value);

// True when `name` is a plausible system-variable name: [A-Za-z_][A-Za-z0-9_]* (an optional
// "@@session." / "session." prefix is not accepted: callers write the bare name).
bool IsVariableName(std::string_view name);

}  // namespace etl::source
