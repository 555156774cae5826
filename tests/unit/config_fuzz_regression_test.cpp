// Replays every input the spec fuzzer ever kept (tests/data/fuzz/) and the spec fixtures
// (tests/data/specs/) through the fuzz harness (tests/fuzz/spec_fuzz_input.h): each must load or
// be refused with diagnostics, never crash, throw, let an exception escape a reader or show a
// password value. Under scripts/build.sh --sanitize the same replay runs with ASan/UBSan.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "fuzz/spec_fuzz_input.h"
#include "support/test_env.h"

namespace etl::fuzzing {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> FilesIn(const std::string& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".yml") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string WorkDir() {
  std::string templ = (fs::temp_directory_path() / "etl-fuzz-replay-XXXXXX").string();
  REQUIRE(::mkdtemp(templ.data()) != nullptr);
  return templ;
}

TEST_CASE("fuzz regressions: every kept input loads or is refused cleanly", "[config][fuzz]") {
  const std::string dir = WorkDir();
  const auto files = FilesIn(std::string(ETL_SOURCE_DIR) + "/tests/data/fuzz");
  for (const auto& f : files) {
    INFO(f.string());
    CHECK(LoadFuzzInput(testing::ReadFile(f.string()), dir) == "");
  }
  fs::remove_all(dir);
}

TEST_CASE("fuzz seeds: the spec fixtures pass the harness's invariants", "[config][fuzz]") {
  const std::string dir = WorkDir();
  for (const auto& f : FilesIn(std::string(ETL_SOURCE_DIR) + "/tests/data/specs")) {
    INFO(f.string());
    CHECK(LoadFuzzInput(testing::ReadFile(f.string()), dir) == "");
  }
  // The job + tables_file form of the harness: the tables file is written next to the job.
  const std::string pair =
      "version: 1\nsource: {database: shop}\ntarget: {database: analytics}\n"
      "tables_file: tables.yml" +
      std::string(kTablesFileMarker) + "orders:\n  batch_size: 10\n";
  CHECK(LoadFuzzInput(pair, dir) == "");
  fs::remove_all(dir);
}

TEST_CASE("fuzz harness: a password from the environment in a diagnostic is a finding",
          "[config][fuzz]") {
  const std::string dir = WorkDir();
  // The first kept finding: an enum error echoed the interpolated value of ${ETL_PG_PASSWORD}.
  const std::string job =
      "version: 1\nsource: {database: shop}\ntarget: {database: analytics}\ntables:\n"
      "  orders:\n    batch_size: 10\n    extraction_strategy: x${ETL_PG_PASSWORD}\n";
  CHECK(LoadFuzzInput(job, dir) == "");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace etl::fuzzing
