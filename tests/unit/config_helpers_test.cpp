// Unit tests of the small pieces of lib/config: interpolation, sizes, suggestions, the
// PostgreSQL session-setting table, diagnostics rendering and password resolution.

#include <map>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "config/diagnostic.h"
#include "config/interpolation.h"
#include "config/job_loader.h"
#include "config/job_spec.h"
#include "config/pg_session_rules.h"
#include "config/size_parse.h"
#include "config/suggest.h"

namespace etl::config {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST_CASE("InterpolateEnv substitutes set variables and defaults") {
  const EnvLookup env = FakeEnv({{"HOST", "db1"}, {"EMPTY", ""}});
  CHECK(InterpolateEnv("${HOST}:3306", env).value == "db1:3306");
  CHECK(InterpolateEnv("${PORT:-5432}", env).value == "5432");
  CHECK(InterpolateEnv("${HOST:-other}", env).value == "db1");
  CHECK(InterpolateEnv("${EMPTY:-fallback}", env).value == "fallback");
  CHECK(InterpolateEnv("${EMPTY}", env).value.empty());
  CHECK(InterpolateEnv("${PORT:-}", env).value.empty());
  CHECK(InterpolateEnv("plain text", env).value == "plain text");
  CHECK(InterpolateEnv("", env).value.empty());
}

TEST_CASE("InterpolateEnv keeps $$ and lone dollars literal") {
  const EnvLookup env = FakeEnv({{"X", "1"}});
  CHECK(InterpolateEnv("price$$", env).value == "price$");
  CHECK(InterpolateEnv("$${X}", env).value == "${X}");
  CHECK(InterpolateEnv("a$b $", env).value == "a$b $");
  CHECK(InterpolateEnv("${X}${X}", env).value == "11");
  // A substituted value is not interpolated again.
  CHECK(InterpolateEnv("${Y:-${X}", env).value == "${X");
}

TEST_CASE("InterpolateEnv reports unset, malformed and unterminated references") {
  const EnvLookup env = FakeEnv({});
  auto r = InterpolateEnv("${PG_PORT}", env);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0] ==
        "environment variable 'PG_PORT' is not set (set it, or give a default with "
        "${PG_PORT:-default})");
  r = InterpolateEnv("${9X}", env);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0] ==
        "'${9X}' is not a valid variable reference (use ${NAME} or ${NAME:-default})");
  r = InterpolateEnv("abc ${OPEN", env);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0] == "unterminated '${' (write '$$' for a literal '$')");
  CHECK(InterpolateEnv("${A} ${B}", env).errors.size() == 2);
}

TEST_CASE("ParseByteSize reads PostgreSQL-style sizes") {
  CHECK(ParseByteSize("256MB") == 256LL * 1024 * 1024);
  CHECK(ParseByteSize("1GB") == 1LL << 30);
  CHECK(ParseByteSize("512kB") == 512LL * 1024);
  CHECK(ParseByteSize("1048576") == 1048576);
  CHECK(ParseByteSize("2 TB") == 2LL << 40);
  CHECK(ParseByteSize("64mb") == 64LL << 20);
  CHECK(ParseByteSize("10B") == 10);
  CHECK(ParseByteSize("0") == 0);
  CHECK_FALSE(ParseByteSize("").has_value());
  CHECK_FALSE(ParseByteSize("MB").has_value());
  CHECK_FALSE(ParseByteSize("1.5GB").has_value());
  CHECK_FALSE(ParseByteSize("-1MB").has_value());
  CHECK_FALSE(ParseByteSize("12PB").has_value());
  CHECK_FALSE(ParseByteSize("99999999999TB").has_value());
}

TEST_CASE("EditDistance and SuggestClosest") {
  CHECK(EditDistance("", "abc") == 3);
  CHECK(EditDistance("kitten", "sitting") == 3);
  CHECK(EditDistance("batch_size", "batch_size") == 0);
  CHECK(SuggestClosest("batch_sise", {"batch_size", "where"}) == "batch_size");
  CHECK(SuggestClosest("paralel", {"auto", "parallel"}) == "parallel");
  CHECK_FALSE(SuggestClosest("colour", {"batch_size", "where"}).has_value());
  CHECK_FALSE(SuggestClosest("where", {"where"}).has_value());
}

TEST_CASE("ClassifyPgSetting knows what a session may SET") {
  CHECK(ClassifyPgSetting("work_mem") == PgSettingScope::kSession);
  CHECK(ClassifyPgSetting("maintenance_work_mem") == PgSettingScope::kSession);
  CHECK(ClassifyPgSetting("synchronous_commit") == PgSettingScope::kSession);
  CHECK(ClassifyPgSetting("TimeZone") == PgSettingScope::kSession);
  CHECK(ClassifyPgSetting("timezone") == PgSettingScope::kSession);
  for (const char* name :
       {"wal_buffers", "shared_buffers", "max_connections", "wal_level", "max_wal_size",
        "min_wal_size", "checkpoint_timeout", "fsync", "full_page_writes", "listen_addresses",
        "port", "max_worker_processes", "huge_pages", "archive_mode", "autovacuum",
        "max_prepared_transactions", "log_connections"}) {
    INFO(name);
    CHECK(ClassifyPgSetting(name) == PgSettingScope::kServerWide);
  }
  CHECK(ClassifyPgSetting("block_size") == PgSettingScope::kReadOnly);
  CHECK(ClassifyPgSetting("myext.flag") == PgSettingScope::kCustom);
  CHECK(ClassifyPgSetting("work_memory") == PgSettingScope::kUnknown);
}

TEST_CASE("Diagnostic::ToString renders file:line:col, severity, key path and message") {
  Diagnostic d{Severity::kError, "job.yml", 12, 5, "tables.orders.batch_size", "bad"};
  CHECK(d.ToString() == "job.yml:12:5: error: tables.orders.batch_size: bad");
  d.severity = Severity::kWarning;
  CHECK(d.ToString() == "job.yml:12:5: warning: tables.orders.batch_size: bad");
  Diagnostic no_position{Severity::kError, "missing.yml", 0, 0, "", "cannot read job file"};
  CHECK(no_position.ToString() == "missing.yml: error: cannot read job file");
  CHECK(HasErrors({d, no_position}));
  CHECK_FALSE(HasErrors({d}));
  CHECK_FALSE(HasErrors({}));
}

TEST_CASE("ResolvePassword prefers the inline value, then the named variable") {
  const EnvLookup env = FakeEnv({{"PW", "s3cret"}});
  CHECK(ResolvePassword(std::string("inline"), "PW", env) == "inline");
  CHECK(ResolvePassword(std::nullopt, "PW", env) == "s3cret");
  CHECK(ResolvePassword(std::nullopt, "", env).empty());
  try {
    ResolvePassword(std::nullopt, "NOPE", env);
    FAIL("expected an exception");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()) ==
          "environment variable 'NOPE' (named by password_env) is not set");
  }
}

TEST_CASE("Enumeration spellings round-trip") {
  for (const Strategy s : {Strategy::kAuto, Strategy::kStandard, Strategy::kStreaming,
                           Strategy::kCopyCsv, Strategy::kParallel}) {
    CHECK(ParseStrategy(ToString(s)) == s);
  }
  for (const Chunking c : {Chunking::kAuto, Chunking::kRange, Chunking::kKeyset, Chunking::kNone}) {
    CHECK(ParseChunking(ToString(c)) == c);
  }
  CHECK(std::string(ToString(Strategy::kCopyCsv)) == "copy_csv");
  CHECK(std::string(ToString(ExtractionStrategy::kIncremental)) == "incremental");
  CHECK(std::string(ToString(CopyFormat::kBinary)) == "binary");
  CHECK(std::string(ToString(OnBadRow::kReject)) == "reject");
  CHECK_FALSE(ParseStrategy("fast").has_value());
  CHECK_FALSE(ParseChunking("").has_value());
}

}  // namespace
}  // namespace etl::config
