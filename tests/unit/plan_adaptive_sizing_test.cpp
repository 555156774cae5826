#include <catch2/catch.hpp>

#include "plan/adaptive_sizing.h"

namespace etl::plan {
namespace {

TEST_CASE("NextRangeWidth widens in sparse regions and returns to batch_size", "[plan][adaptive]") {
  const config::AdaptiveScaling defaults;  // factor 10, cap 500,000
  CHECK(NextRangeWidth(0.0, 1'000, defaults) == 10'000);
  CHECK(NextRangeWidth(0.049, 1'000, defaults) == 10'000);
  CHECK(NextRangeWidth(0.05, 1'000, defaults) == 3'000);
  CHECK(NextRangeWidth(0.199, 1'000, defaults) == 3'000);
  CHECK(NextRangeWidth(0.20, 1'000, defaults) == 1'000);
  CHECK(NextRangeWidth(1.0, 1'000, defaults) == 1'000);
}

TEST_CASE("NextRangeWidth is capped at max_chunk_size but never below batch_size",
          "[plan][adaptive]") {
  config::AdaptiveScaling scaling;
  scaling.max_chunk_size = 500'000;
  CHECK(NextRangeWidth(0.0, 100'000, scaling) == 500'000);
  CHECK(NextRangeWidth(0.1, 200'000, scaling) == 500'000);
  CHECK(NextRangeWidth(0.0, 800'000, scaling) == 800'000);
  scaling.max_scale_factor = 2.5;
  CHECK(NextRangeWidth(0.01, 1'000, scaling) == 2'500);
  scaling.max_scale_factor = 1e30;  // absurd factors cannot overflow
  CHECK(NextRangeWidth(0.0, 1'000, scaling) == 500'000);
}

}  // namespace
}  // namespace etl::plan
