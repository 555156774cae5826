// Unit tests of the issue-10 keys: pipeline.notify (a channel name a LISTEN can match) and
// skip_unchanged (pipeline default, per-table override), with the exact located diagnostics.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/job_loader.h"

namespace etl::config {
namespace {

LoadResult Load(const std::string& text) {
  return LoadJobSpecFromString(text, "job.yml",
                               [](const std::string&) -> std::optional<std::string> { return {}; });
}

std::vector<std::string> Lines(const LoadResult& r) {
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diagnostics)
    out.push_back(d.ToString());
  return out;
}

std::string Job(const std::string& pipeline, const std::string& table_extra = "") {
  return "version: 1\n"                           // 1
         "source: {user: etl, database: shop}\n"  // 2
         "target: {database: dw}\n"               // 3
         "pipeline:\n" +                          // 4
         pipeline +                               // 5
         "tables:\n"                              // 6
         "  orders:\n"                            // 7
         "    batch_size: 1000\n" +               // 8
         table_extra;                             // 9
}

}  // namespace

TEST_CASE("pipeline.notify and skip_unchanged default to off") {
  const LoadResult r = Load(Job("  benchmark: false\n"));
  REQUIRE(r.ok());
  CHECK(r.spec->pipeline.notify.empty());
  CHECK_FALSE(r.spec->pipeline.skip_unchanged);
  CHECK_FALSE(r.spec->tables[0].skip_unchanged.has_value());
}

TEST_CASE("pipeline.notify takes a channel name") {
  const LoadResult r = Load(Job("  notify: etl_loaded\n"));
  REQUIRE(r.ok());
  CHECK(r.spec->pipeline.notify == "etl_loaded");
  CHECK(r.diagnostics.empty());
}

TEST_CASE("pipeline.notify rejects what LISTEN could not name") {
  for (const std::string& bad :
       std::vector<std::string>{"bad-channel", "1abc", "two words", std::string(64, 'c')}) {
    INFO(bad);
    const LoadResult r = Load(Job("  notify: \"" + bad + "\"\n"));
    CHECK_FALSE(r.ok());
    CHECK(Lines(r) == std::vector<std::string>{
                          "job.yml:5:11: error: pipeline.notify: expected a channel name: letters, "
                          "digits and _, not starting with a digit, at most 63 characters, got '" +
                          bad + "'"});
  }
}

TEST_CASE("pipeline.notify with capitals loads, with a warning about LISTEN's case folding") {
  const LoadResult r = Load(Job("  notify: EtlLoaded\n"));
  REQUIRE(r.ok());
  CHECK(r.spec->pipeline.notify == "EtlLoaded");
  CHECK(Lines(r) ==
        std::vector<std::string>{"job.yml:5:3: warning: pipeline.notify: 'EtlLoaded' has capitals: "
                                 "listeners must write LISTEN \"EtlLoaded\" (double-quoted), since "
                                 "PostgreSQL folds unquoted names to lower case"});
}

TEST_CASE("skip_unchanged: pipeline default, a table overrides, booleans only") {
  const LoadResult r = Load(Job("  skip_unchanged: true\n", "    skip_unchanged: false\n"));
  REQUIRE(r.ok());
  CHECK(r.spec->pipeline.skip_unchanged);
  CHECK(r.spec->tables[0].skip_unchanged == std::optional<bool>(false));

  const LoadResult bad = Load(Job("  skip_unchanged: sometimes\n", "    skip_unchanged: 2\n"));
  CHECK(Lines(bad) == std::vector<std::string>{
                          "job.yml:5:19: error: pipeline.skip_unchanged: expected true or false, "
                          "got 'sometimes'",
                          "job.yml:9:21: error: tables.orders.skip_unchanged: expected true or "
                          "false, got '2'"});
}

}  // namespace etl::config
