// pipeline.table_lock_wait_s: default, value and range (validate's check).

#include <string>

#include <catch2/catch.hpp>

#include "config/job_loader.h"

namespace etl::config {
namespace {

const std::string kJob =
    "version: 1\n"
    "source: {user: etl, database: shop}\n"
    "target: {database: dw}\n"
    "tables: {orders: {batch_size: 10}}\n";

LoadResult Load(const std::string& text) {
  return LoadJobSpecFromString(text, "job.yml",
                               [](const std::string&) { return std::optional<std::string>(); });
}

}  // namespace

TEST_CASE("pipeline.table_lock_wait_s defaults to 0 and takes whole seconds >= 0") {
  const auto plain = Load(kJob);
  REQUIRE(plain.ok());
  CHECK(plain.spec->pipeline.table_lock_wait_s == 0);

  const auto set = Load(kJob + "pipeline: {table_lock_wait_s: 30}\n");
  REQUIRE(set.ok());
  CHECK(set.spec->pipeline.table_lock_wait_s == 30);

  const auto negative = Load(kJob + "pipeline:\n  table_lock_wait_s: -1\n");
  CHECK_FALSE(negative.ok());
  REQUIRE(negative.diagnostics.size() == 1);
  CHECK(negative.diagnostics[0].ToString() ==
        "job.yml:6:22: error: pipeline.table_lock_wait_s: must be at least 0, got -1");

  const auto typo = Load(kJob + "pipeline:\n  table_lock_wait: 5\n");
  REQUIRE(typo.diagnostics.size() == 1);
  CHECK(typo.diagnostics[0].ToString().find("did you mean 'table_lock_wait_s'") !=
        std::string::npos);
}

}  // namespace etl::config
