// Scale-out in the app layer: which shard a run is (app/shard_selection.h) and the JSON document
// of `plan --format json` (app/plan_json.h).

#include <map>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "app/plan_json.h"
#include "app/shard_selection.h"

namespace etl::app {
namespace {

config::EnvLookup Env(std::map<std::string, std::string> vars = {}) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

ShardArgs Args(std::string shard, int index = -1, int count = -1) {
  ShardArgs a;
  a.shard = std::move(shard);
  a.index = index;
  a.count = count;
  return a;
}

}  // namespace

TEST_CASE("shard selection: --shard, --shard-index/--shard-count, JOB_COMPLETION_INDEX") {
  CHECK_FALSE(ResolveShard(Args(""), Env()).shard);
  CHECK(ResolveShard(Args(""), Env()).error.empty());

  auto s = ResolveShard(Args("1/4"), Env({{"JOB_COMPLETION_INDEX", "3"}}));
  REQUIRE(s.shard);
  CHECK(s.shard->ToString() == "1/4");  // an explicit index wins over the environment

  s = ResolveShard(Args("", 2, 3), Env());
  REQUIRE(s.shard);
  CHECK(s.shard->ToString() == "2/3");

  s = ResolveShard(Args("", -1, 5), Env({{"JOB_COMPLETION_INDEX", "4"}}));
  REQUIRE(s.shard);
  CHECK(s.shard->ToString() == "4/5");
}

TEST_CASE("shard selection: usage errors say what is wrong") {
  CHECK(ResolveShard(Args("1/4", 1, 4), Env()).error ==
        "--shard I/N cannot be combined with --shard-index or --shard-count");
  CHECK(ResolveShard(Args("4/4"), Env()).error ==
        "--shard: the shard index must be between 0 and 3 (count 4), got 4");
  CHECK(ResolveShard(Args("", 1, -1), Env()).error ==
        "--shard-index needs --shard-count N (how many shards there are)");
  CHECK(ResolveShard(Args("", -1, 4), Env()).error ==
        "--shard-count without --shard-index takes the index from $JOB_COMPLETION_INDEX, which "
        "is not set");
  CHECK(ResolveShard(Args("", -1, 4), Env({{"JOB_COMPLETION_INDEX", "x"}})).error ==
        "$JOB_COMPLETION_INDEX must be a shard index (0, 1, ...), got 'x'");
  CHECK(ResolveShard(Args("", -1, 4), Env({{"JOB_COMPLETION_INDEX", "4"}})).error ==
        "$JOB_COMPLETION_INDEX/--shard-count: the shard index must be between 0 and 3 (count 4), "
        "got 4");
  CHECK(ResolveShard(Args("", 0, 0), Env()).error ==
        "--shard-index/--shard-count: the shard count must be at least 1, got 0");
  for (const auto& bad : {Args("", 1, 4), Args("x")}) {
    const auto r = ResolveShard(bad, Env());
    CHECK((r.shard.has_value() != !r.error.empty()));
  }
}

TEST_CASE("plan json: one line, every documented field, nulls where nothing was chosen") {
  config::JobSpec job;
  job.name = "nightly";
  job.path = "jobs/nightly.yml";
  job.target.schema = "dw";
  config::TableSpec orders;
  orders.name = "orders";
  orders.source_table = "orders";
  orders.target_table = "orders_copy";
  orders.extraction_strategy = config::ExtractionStrategy::kIncremental;
  config::TableSpec gone = orders;
  gone.name = "gone";
  gone.source_table = "gone";
  gone.target_table = "gone";
  gone.extraction_strategy = config::ExtractionStrategy::kFull;

  pipeline::WorkUnits units;
  units.shards = 2;
  units.units = {{&orders, 5000, 40, "information_schema", 0}, {&gone, 0, 0, "missing", 1}};
  units.shard_bytes = {5000, 0};
  units.shard_units = {1, 1};
  std::vector<PlannedUnit> planned = {
      {&units.units[0], "standard", "size 0.0 MB <= streaming_threshold_mb 50", true, ""},
      {&units.units[1], "", "", false, "table shop.gone does not exist in MySQL"}};

  const std::string text = PlanJson(job, units, planned);
  CHECK(text.find('\n') == std::string::npos);
  const auto doc = nlohmann::json::parse(text);
  CHECK(doc["plan_version"] == 1);
  CHECK(doc["job"] == "nightly");
  CHECK(doc["job_file"] == "jobs/nightly.yml");
  CHECK(doc["shards"] == 2);
  REQUIRE(doc["units"].size() == 2);
  const auto& u = doc["units"][0];
  CHECK(u["table"] == "orders");
  CHECK(u["source_table"] == "orders");
  CHECK(u["target_schema"] == "dw");
  CHECK(u["target_table"] == "orders_copy");
  CHECK(u["extraction"] == "incremental");
  CHECK(u["strategy"] == "standard");
  CHECK(u["strategy_reason"] == "size 0.0 MB <= streaming_threshold_mb 50");
  CHECK(u["estimated_rows"] == 40);
  CHECK(u["estimated_bytes"] == 5000);
  CHECK(u["size_from"] == "information_schema");
  CHECK(u["target_exists"] == true);
  CHECK(u["shard"] == 0);
  CHECK(u["error"].is_null());
  const auto& g = doc["units"][1];
  CHECK(g["strategy"].is_null());
  CHECK(g["strategy_reason"].is_null());
  CHECK(g["size_from"] == "missing");
  CHECK(g["shard"] == 1);
  CHECK(g["error"] == "table shop.gone does not exist in MySQL");
  REQUIRE(doc["shard_totals"].size() == 2);
  CHECK(doc["shard_totals"][0] ==
        nlohmann::json({{"shard", 0}, {"units", 1}, {"estimated_bytes", 5000}}));
  // Field order is fixed (what `expand` users see in XCom).
  CHECK(text.rfind("{\"plan_version\":1,\"job\":\"nightly\",", 0) == 0);
}

}  // namespace etl::app
