// Unit tests of the session settings validate refuses (config/session_safety.h): every refused
// setting with its reason, the ones that stay allowed, and the located errors the loader gives.

#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/job_loader.h"
#include "config/session_safety.h"

namespace etl::config {
namespace {

bool Contains(const std::optional<std::string>& text, const std::string& part) {
  return text && text->find(part) != std::string::npos;
}
bool Contains(const std::optional<UnsafeSetting>& problem, const std::string& part) {
  return problem && Contains(problem->message, part);
}

TEST_CASE("source.session: time_zone, character sets, collation and sql_select_limit") {
  CHECK(Contains(UnsafeMySqlSessionSetting("time_zone", "+02:00"),
                 "must not be set: etl reads TIMESTAMP columns in UTC"));
  CHECK(Contains(UnsafeMySqlSessionSetting("TIME_ZONE", "UTC"), "shift every value"));
  for (const char* name :
       {"character_set_client", "character_set_results", "character_set_connection",
        "Character_Set_Server", "names", "NAMES", "collation_connection"}) {
    INFO(name);
    CHECK(Contains(UnsafeMySqlSessionSetting(name, "latin1"),
                   "must not be set: etl reads text as utf8mb4"));
  }
  CHECK(Contains(UnsafeMySqlSessionSetting("sql_select_limit", "1000"),
                 "rows would be missing from the copy"));
  CHECK_FALSE(UnsafeMySqlSessionSetting("time_zone", "UTC")->in_value);  // the name is wrong
  CHECK(UnsafeMySqlSessionSetting("sql_mode", "ANSI")->in_value);        // the value is
}

TEST_CASE("source.session sql_mode: each refused mode, also inside lists and combinations") {
  CHECK(Contains(UnsafeMySqlSessionSetting("sql_mode", "NO_BACKSLASH_ESCAPES"),
                 "must not contain NO_BACKSLASH_ESCAPES: etl quotes key and cursor values with "
                 "backslash escapes"));
  CHECK(Contains(UnsafeMySqlSessionSetting("sql_mode", "STRICT_TRANS_TABLES, no_backslash_escapes"),
                 "must not contain NO_BACKSLASH_ESCAPES"));
  CHECK(Contains(UnsafeMySqlSessionSetting("sql_mode", "ANSI_QUOTES"),
                 "must not contain ANSI_QUOTES: makes \"...\" an identifier"));
  CHECK(Contains(UnsafeMySqlSessionSetting("sql_mode", "PAD_CHAR_TO_FULL_LENGTH"),
                 "must not contain PAD_CHAR_TO_FULL_LENGTH: CHAR values would arrive padded"));
  CHECK(Contains(UnsafeMySqlSessionSetting("SQL_MODE", "empty_string_is_null"),
                 "must not contain EMPTY_STRING_IS_NULL"));
  // MariaDB's combination modes that switch on ANSI_QUOTES.
  for (const char* mode : {"ANSI", "ORACLE", "POSTGRESQL", "MSSQL", "DB2", "MAXDB", "oracle"}) {
    INFO(mode);
    const auto why =
        UnsafeMySqlSessionSetting("sql_mode", std::string("STRICT_ALL_TABLES,") + mode);
    CHECK(Contains(why, "includes ANSI_QUOTES"));
  }
}

TEST_CASE("source.session: settings that do not change values stay allowed") {
  CHECK_FALSE(UnsafeMySqlSessionSetting("net_write_timeout", "600"));
  CHECK_FALSE(UnsafeMySqlSessionSetting("sql_mode", ""));
  CHECK_FALSE(UnsafeMySqlSessionSetting("sql_mode", "STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION"));
  CHECK_FALSE(UnsafeMySqlSessionSetting("sql_mode", "TRADITIONAL"));
  CHECK_FALSE(UnsafeMySqlSessionSetting("sql_mode", "ANSI_QUOTESX"));  // members compare whole
  CHECK_FALSE(UnsafeMySqlSessionSetting("max_statement_time", "0"));
  CHECK_FALSE(UnsafeMySqlSessionSetting("time_zone_x", "1"));
}

TEST_CASE("target.session: every setting that changes value formats is refused") {
  const std::vector<std::pair<const char*, const char*>> refused = {
      {"client_encoding", "text as UTF-8"},
      {"DateStyle", "ISO form"},
      {"datestyle", "day/month order"},
      {"IntervalStyle", "intervals"},
      {"TimeZone", "timestamptz"},
      {"timezone", "read in that zone"},
      {"extra_float_digits", "rounded"},
      {"bytea_output", "hex form"},
      {"standard_conforming_strings", "backslashes"},
  };
  for (const auto& [name, reason] : refused) {
    INFO(name);
    const auto why = UnsafePgSessionSetting(name);
    CHECK(Contains(why, "must not be set: "));
    CHECK(Contains(why, reason));
  }
  CHECK_FALSE(UnsafePgSessionSetting("work_mem"));
  CHECK_FALSE(UnsafePgSessionSetting("synchronous_commit"));
  CHECK_FALSE(UnsafePgSessionSetting("maintenance_work_mem"));
}

std::vector<std::string> Lines(const std::string& yaml) {
  const LoadResult r = LoadJobSpecFromString(
      yaml, "job.yml", [](const std::string&) -> std::optional<std::string> { return {}; });
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diagnostics)
    out.push_back(d.ToString());
  if (!out.empty()) CHECK_FALSE(r.ok());
  return out;
}

TEST_CASE("validate locates each refused session setting: the name, or sql_mode's value") {
  const std::string text =
      "version: 1\n"
      "source:\n"
      "  user: etl\n"
      "  database: shop\n"
      "  session:\n"
      "    net_write_timeout: 600\n"                // 6: fine
      "    Time_Zone: '+02:00'\n"                   // 7
      "    sql_mode: STRICT_TRANS_TABLES,ORACLE\n"  // 8
      "    character_set_results: latin1\n"         // 9
      "target:\n"
      "  database: dw\n"
      "  session:\n"
      "    work_mem: 64MB\n"           // 13: fine
      "    DateStyle: 'SQL, DMY'\n"    // 14
      "    client_encoding: LATIN1\n"  // 15
      "tables:\n"
      "  orders: {batch_size: 1}\n";
  const auto lines = Lines(text);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0].rfind("job.yml:7:5: error: source.session.Time_Zone: must not be set: etl reads "
                       "TIMESTAMP columns in UTC",
                       0) == 0);
  CHECK(lines[1].rfind("job.yml:8:15: error: source.session.sql_mode: must not contain ORACLE: "
                       "ORACLE includes ANSI_QUOTES",
                       0) == 0);
  CHECK(lines[2].rfind("job.yml:9:5: error: source.session.character_set_results: must not be "
                       "set: etl reads text as utf8mb4",
                       0) == 0);
  CHECK(lines[3].rfind("job.yml:14:5: error: target.session.DateStyle: must not be set: ", 0) == 0);
  CHECK(lines[4].rfind("job.yml:15:5: error: target.session.client_encoding: must not be set: etl "
                       "sends and reads text as UTF-8",
                       0) == 0);
}

}  // namespace
}  // namespace etl::config
