// The job's `schema:` block: defaults, every key read, and the located errors validate gives.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/job_loader.h"

namespace {

const std::string kMinimal =
    "version: 1\n"             // 1
    "source:\n"                // 2
    "  user: etl\n"            // 3
    "  database: shop\n"       // 4
    "target:\n"                // 5
    "  database: dw\n"         // 6
    "tables:\n"                // 7
    "  orders:\n"              // 8
    "    batch_size: 1000\n";  // 9

etl::config::LoadResult Load(const std::string& text) {
  return etl::config::LoadJobSpecFromString(
      text, "job.yml", [](const std::string&) { return std::optional<std::string>{}; });
}

std::vector<std::string> Lines(const etl::config::LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics)
    out.push_back(d.ToString());
  return out;
}

}  // namespace

TEST_CASE("schema: defaults are those of the contract", "[config][schema]") {
  const auto r = Load(kMinimal);
  REQUIRE(r.ok());
  const auto& s = r.spec->schema;
  CHECK(s.indexes);
  CHECK(s.defaults);
  CHECK(s.comments);
  CHECK(s.identity);
  CHECK_FALSE(s.foreign_keys);
}

TEST_CASE("schema: every key is read", "[config][schema]") {
  const auto r = Load(kMinimal +
                      "schema:\n  indexes: false\n  defaults: false\n  comments: false\n"
                      "  identity: false\n  foreign_keys: true\n");
  REQUIRE(r.ok());
  const auto& s = r.spec->schema;
  CHECK_FALSE(s.indexes);
  CHECK_FALSE(s.defaults);
  CHECK_FALSE(s.comments);
  CHECK_FALSE(s.identity);
  CHECK(s.foreign_keys);
}

TEST_CASE("schema: unknown keys and wrong types are located", "[config][schema]") {
  const auto r = Load(kMinimal +
                      "schema:\n"              // 10
                      "  foreign_key: true\n"  // 11
                      "  indexes: yes\n");     // 12
  CHECK_FALSE(r.ok());
  CHECK(Lines(r) ==
        std::vector<std::string>{
            "job.yml:11:3: error: schema.foreign_key: unknown key 'foreign_key' (did you mean "
            "'foreign_keys'?)",
            "job.yml:12:12: error: schema.indexes: expected true or false, got 'yes'"});
  CHECK(Lines(Load(kMinimal + "schema: true\n")) ==
        std::vector<std::string>{"job.yml:10:9: error: schema: expected a mapping, got 'true'"});
}
