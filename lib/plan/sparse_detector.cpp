#include "plan/sparse_detector.h"

namespace etl::plan {

SparseDetector::Verdict SparseDetector::Observe(std::int64_t width, double efficiency) {
  Verdict verdict;
  verdict.sparse = enabled_ && width > detection_.min_chunk_size_check &&
                   efficiency < detection_.efficiency_threshold;
  if (!verdict.sparse) {
    consecutive_ = 0;
    return verdict;
  }
  ++consecutive_;
  if (consecutive_ >= detection_.consecutive_sparse_limit) {
    verdict.triggered = true;
    ++detections_;
    consecutive_ = 0;
  }
  return verdict;
}

}  // namespace etl::plan
