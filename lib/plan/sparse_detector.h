#pragma once
// SparseDetector: notices when a range-chunked read has entered a sparse stretch of the key
// (contract: sparse_sequence_optimization.detection).
//
// A range chunk is *sparse* when its width > min_chunk_size_check and its efficiency
// (rows / width) < efficiency_threshold. When consecutive_sparse_limit sparse chunks arrive in
// a row the detector *triggers* (the caller then stops early or switches to keyset chunks) and
// starts counting afresh. Any chunk that is not sparse resets the count. A detector built
// with detection off never calls a chunk sparse and never triggers.

#include <cstdint>

#include "config/job_spec.h"

namespace etl::plan {

class SparseDetector {
 public:
  struct Verdict {
    bool sparse = false;     // this chunk counts towards detection
    bool triggered = false;  // this chunk completed consecutive_sparse_limit sparse chunks
  };

  SparseDetector(const config::SparseDetection& detection, bool enabled)
      : detection_(detection), enabled_(enabled) {}

  Verdict Observe(std::int64_t width, double efficiency);
  void Reset() { consecutive_ = 0; }

  int consecutive() const { return consecutive_; }
  std::int64_t detections() const { return detections_; }

 private:
  config::SparseDetection detection_;
  bool enabled_;
  int consecutive_ = 0;
  std::int64_t detections_ = 0;
};

}  // namespace etl::plan
