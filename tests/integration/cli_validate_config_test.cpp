// `etl validate` for tables_match, identifier_case and the refused session settings, through the
// real binary and the specs in tests/data/specs/. Offline: no server is needed.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "support/test_env.h"

using etl::testing::CommandResult;
using etl::testing::RunEtl;
using etl::testing::Trim;

namespace {

std::string Spec(const std::string& name) {
  return std::string(ETL_SOURCE_DIR) + "/tests/data/specs/" + name;
}

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("cli validate: session settings that change values are refused with the reason",
          "[cli][validate]") {
  const std::string spec = Spec("broken_unsafe_session.yml");
  const CommandResult r = RunEtl({"validate", spec});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(Has(r.err, spec + ":9:5: error: source.session.time_zone: must not be set: etl reads "
                          "TIMESTAMP columns in UTC"));
  CHECK(Has(r.err, spec + ":10:15: error: source.session.sql_mode: must not contain "
                          "NO_BACKSLASH_ESCAPES: "));
  CHECK(Has(r.err, spec + ":11:5: error: source.session.character_set_results: must not be set: "
                          "etl reads text as utf8mb4"));
  CHECK(Has(r.err, spec + ":18:5: error: target.session.TimeZone: must not be set: "));
  CHECK(Has(r.err, spec + ":19:5: error: target.session.bytea_output: must not be set: "));
  CHECK(Has(r.err, spec + ": 5 errors"));
  CHECK_FALSE(Has(r.err, "net_write_timeout"));
  CHECK_FALSE(Has(r.err, "work_mem"));
}

TEST_CASE("cli validate: tables_match is checked offline and named in the OK line",
          "[cli][validate]") {
  const CommandResult ok = RunEtl({"validate", Spec("valid_tables_match.yml")});
  INFO("stdout:\n" << ok.out << "\nstderr:\n" << ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(Trim(ok.out) ==
        Spec("valid_tables_match.yml") +
            ": OK (1 table and tables_match: include '*', exclude 'tmp_*' '*_bak')");

  const std::string broken = Spec("broken_tables_match.yml");
  const CommandResult bad = RunEtl({"validate", broken});
  INFO("stdout:\n" << bad.out << "\nstderr:\n" << bad.err);
  CHECK(bad.exit_code == 2);
  CHECK(Has(bad.err, broken + ":12:13: error: tables_match.include[0]: pattern 'orders_[0-9': '[' "
                              "is not closed by ']'"));
  CHECK(Has(bad.err, broken + ":13:3: error: tables_match.defaults: missing required key "
                              "'batch_size'"));
  CHECK(Has(bad.err, broken + ":14:5: error: tables_match.defaults.target_table: cannot be a "
                              "default"));
}
