#include "config/session_safety.h"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

namespace etl::config {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

const char kAnsiQuotesReason[] =
    "makes \"...\" an identifier instead of a string and changes how MariaDB prints "
    "identifiers in information_schema (json_valid(\"doc\") instead of json_valid(`doc`)), so "
    "JSON columns would no longer be recognised and a where: filter with a double-quoted "
    "string would compare with a column";

// sql_mode members that break etl's reads, with why. The combination modes are listed with
// what MariaDB expands them to (SET sql_mode = 'ORACLE'; SELECT @@sql_mode on 10.11).
std::optional<std::string> WhySqlModeMemberIsUnsafe(const std::string& member) {
  if (member == "NO_BACKSLASH_ESCAPES") {
    return "etl quotes key and cursor values with backslash escapes; with NO_BACKSLASH_ESCAPES a "
           "value could end its string literal (wrong rows read, or SQL taken from the data)";
  }
  if (member == "ANSI_QUOTES") return std::string(kAnsiQuotesReason);
  static const std::vector<std::string> kWithAnsiQuotes = {"ANSI",  "DB2",    "MAXDB",
                                                           "MSSQL", "ORACLE", "POSTGRESQL"};
  if (std::find(kWithAnsiQuotes.begin(), kWithAnsiQuotes.end(), member) != kWithAnsiQuotes.end()) {
    return member + " includes ANSI_QUOTES, which " + kAnsiQuotesReason;
  }
  if (member == "PAD_CHAR_TO_FULL_LENGTH") {
    return "CHAR values would arrive padded with trailing spaces to their full length, so the "
           "copy would differ from the source and CHAR keys would not compare as stored";
  }
  if (member == "EMPTY_STRING_IS_NULL") {
    return "'' in etl's SQL would mean NULL, so a key or cursor value that is an empty string "
           "would compare as NULL and rows after it would be skipped";
  }
  return std::nullopt;
}

}  // namespace

std::optional<UnsafeSetting> UnsafeMySqlSessionSetting(std::string_view name,
                                                       std::string_view value) {
  const std::string n = Lower(name);
  if (n == "time_zone") {
    return UnsafeSetting{
        "must not be set: etl reads TIMESTAMP columns in UTC (it sets time_zone = '+00:00' "
        "itself and writes them as timestamptz with +00); another time zone would shift every "
        "value"};
  }
  if (n.rfind("character_set_", 0) == 0 || n == "names" || n == "collation_connection") {
    return UnsafeSetting{
        "must not be set: etl reads text as utf8mb4 (it sends SET NAMES utf8mb4 itself); "
        "another character set or collation would re-encode text on the way, turning characters "
        "it lacks into '?' or bytes PostgreSQL rejects"};
  }
  if (n == "sql_select_limit") {
    return UnsafeSetting{
        "must not be set: caps every SELECT without a LIMIT, so reads would stop early and rows "
        "would be missing from the copy without an error"};
  }
  if (n == "sql_mode") {
    std::string_view rest = value;
    while (true) {
      const std::size_t comma = rest.find(',');
      const std::string member = Upper(Trim(rest.substr(0, comma)));
      if (auto why = WhySqlModeMemberIsUnsafe(member)) {
        return UnsafeSetting{"must not contain " + member + ": " + *why, true};
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return std::nullopt;
}

std::optional<std::string> UnsafePgSessionSetting(std::string_view name) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kUnsafe = {
      {"client_encoding",
       "etl sends and reads text as UTF-8 (client_encoding UTF8); another encoding would turn "
       "non-ASCII text into mojibake or fail the load"},
      {"datestyle",
       "etl writes dates and timestamps in ISO form and expects them back in it; DateStyle "
       "changes how PostgreSQL prints them and how it reads ambiguous ones (day/month order)"},
      {"intervalstyle",
       "MySQL TIME values travel as intervals in PostgreSQL's default style; IntervalStyle "
       "changes how signed intervals are read and printed"},
      {"timezone",
       "a value cast to timestamptz without an offset (a column_types override of a DATETIME "
       "column) would be read in that zone, and timestamps read back would be printed in it"},
      {"extra_float_digits",
       "values below 1 make PostgreSQL print real and double precision values rounded, so "
       "float values read back (etl verify compares them with the source) would not match"},
      {"bytea_output",
       "etl expects bytea values it reads back (etl verify compares them with the source) in "
       "hex form; escape output would not match"},
      {"standard_conforming_strings",
       "off makes backslashes in '...' literals escapes; the literals etl builds and your "
       "post_load SQL are written for the standard meaning (on, PostgreSQL's default)"},
  };
  const std::string n = Lower(name);
  for (const auto& [unsafe, why] : kUnsafe) {
    if (n == unsafe) return "must not be set: " + std::string(why);
  }
  return std::nullopt;
}

}  // namespace etl::config
