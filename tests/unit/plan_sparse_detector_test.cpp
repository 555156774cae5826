#include <catch2/catch.hpp>

#include "plan/sparse_detector.h"

namespace etl::plan {
namespace {

TEST_CASE("SparseDetector triggers after consecutive_sparse_limit sparse chunks in a row",
          "[plan][sparse]") {
  const config::SparseDetection defaults;  // threshold 0.10, min width 1000, limit 2
  SparseDetector detector(defaults, true);

  auto v = detector.Observe(5'000, 0.01);
  CHECK(v.sparse);
  CHECK_FALSE(v.triggered);
  v = detector.Observe(5'000, 0.5);  // a dense chunk resets the count
  CHECK_FALSE(v.sparse);
  CHECK(detector.consecutive() == 0);
  CHECK_FALSE(detector.Observe(5'000, 0.09).triggered);
  v = detector.Observe(50'000, 0.0);
  CHECK(v.sparse);
  CHECK(v.triggered);
  CHECK(detector.detections() == 1);
  CHECK(detector.consecutive() == 0);  // counting starts afresh
}

TEST_CASE("SparseDetector ignores narrow chunks and respects its switches", "[plan][sparse]") {
  config::SparseDetection detection;
  SparseDetector detector(detection, true);
  CHECK_FALSE(detector.Observe(1'000, 0.0).sparse);  // width must exceed min_chunk_size_check
  CHECK(detector.Observe(1'001, 0.0).sparse);
  CHECK_FALSE(detector.Observe(2'000, 0.10).sparse);  // threshold is strict

  SparseDetector off(detection, false);
  for (int i = 0; i < 10; ++i)
    CHECK_FALSE(off.Observe(10'000, 0.0).triggered);
  CHECK(off.detections() == 0);

  detection.consecutive_sparse_limit = 3;
  SparseDetector three(detection, true);
  CHECK_FALSE(three.Observe(5'000, 0.0).triggered);
  CHECK_FALSE(three.Observe(5'000, 0.0).triggered);
  CHECK(three.Observe(5'000, 0.0).triggered);
}

}  // namespace
}  // namespace etl::plan
