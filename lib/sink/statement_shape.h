#pragma once
// What a PostgreSQL error may show of a statement and of the server's message
// (config/disclosure.h).
//
// StatementShape: the statement with every literal replaced by ?: '...' strings (doubled quotes;
// E'...' with backslash escapes; B'', X'', U&'' forms), $tag$...$tag$ strings, numbers; comments
// (--, nested /* */) dropped. "identifiers", $1 parameters, keywords and operators stay.
//   INSERT INTO "s"."t" VALUES (1, 'secret') -> INSERT INTO "s"."t" VALUES (?, ?)
//
// StatementForLog: the statement itself when config::ShowValues() (--log-level trace), else its
// shape.
//
// MaskErrorFields: PostgreSQL quotes row values back in its errors; unless ShowValues() these are
// masked (the rest of the message, which names tables, columns and constraints, stays):
//   DETAIL "Failing row contains (...)"            -> "Failing row contains (values not shown)"
//   DETAIL "Key (id)=(42) already exists."          -> "Key (id)=(?) already exists."
//   CONTEXT "COPY t, line 3, column doc: "{bad""    -> "COPY t, line 3, column doc"
//   CONTEXT "JSON data, line 1: {bad..."            -> "JSON data, line 1"
//   CONTEXT "SQL statement "..."" lines             -> the statement's shape
//   "... at or near "'x'""                          -> "... at or near "?""
//   SQLSTATE class 22 (data exceptions): the value after the first ": " of the message
//   ("invalid input syntax for type integer: "abc"" -> "...: ?"), else every "..." in it, and every
//   "..." in its DETAIL ("Token "abc" is invalid.").

#include <string>
#include <string_view>

namespace etl::sink {

std::string StatementShape(std::string_view sql);
std::string StatementForLog(std::string_view sql);

struct ErrorFields {
  std::string primary;
  std::string detail;
  std::string hint;
  std::string context;
};
void MaskErrorFields(ErrorFields& fields, std::string_view sqlstate);

}  // namespace etl::sink
