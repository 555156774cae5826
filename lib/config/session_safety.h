#pragma once
// Session settings that would silently change what etl reads or writes, refused by `validate`.
//
// etl prepares both sessions so that values travel in one known form (source/mysql_connection.h:
// utf8mb4, time_zone '+00:00', sql_mode ''; sink/pg_connection.h: client_encoding UTF8) and
// builds its SQL for that form. A `source.session` or `target.session` entry that changes the
// form does not fail loudly: it shifts timestamps, pads strings, mangles text or changes how
// literals are quoted. So these names are errors, each with the reason:
//   source  time_zone; sql_mode with NO_BACKSLASH_ESCAPES, ANSI_QUOTES (also inside ANSI, DB2,
//           MAXDB, MSSQL, ORACLE, POSTGRESQL), PAD_CHAR_TO_FULL_LENGTH or EMPTY_STRING_IS_NULL;
//           character_set_*, names, collation_connection; sql_select_limit
//   target  client_encoding, DateStyle, IntervalStyle, TimeZone, extra_float_digits,
//           bytea_output, standard_conforming_strings
// Names compare case-insensitively (both servers do); sql_mode is a comma-separated list whose
// members compare case-insensitively. Pure functions.

#include <optional>
#include <string>
#include <string_view>

namespace etl::config {

struct UnsafeSetting {
  std::string message;    // "must not be set: <why>" or "must not contain <MODE>: <why>"
  bool in_value = false;  // the value is what is wrong (sql_mode), not the name
};

// The error for `name: value` in `source.session`; nullopt when etl can live with it.
std::optional<UnsafeSetting> UnsafeMySqlSessionSetting(std::string_view name,
                                                       std::string_view value);

// The error for `name` in `target.session` ("must not be set: <why>", whatever the value);
// nullopt when it may be set.
std::optional<std::string> UnsafePgSessionSetting(std::string_view name);

}  // namespace etl::config
