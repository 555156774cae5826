#pragma once
// Adaptive range sizing (contract: sparse_sequence_optimization.adaptive_scaling).
//
// After a range chunk with efficiency e = rows / width, the next range is
//   e <  kVerySparseEfficiency (5%)  -> max_scale_factor x batch_size
//   e <  kSparseEfficiency (20%)     -> kSparseScaleFactor (3) x batch_size
//   otherwise                        -> batch_size (dense again: back to the configured size)
// The widened size is capped at max_chunk_size, but is never below batch_size (a batch_size
// above max_chunk_size is the user's explicit choice and is kept).
// REQUIRES: batch_size > 0, efficiency >= 0. Callers check SparseSequenceOptimization::
// adaptive_on() first; with adaptive sizing off every range is batch_size wide.

#include <cstdint>

#include "config/job_spec.h"

namespace etl::plan {

inline constexpr double kVerySparseEfficiency = 0.05;
inline constexpr double kSparseEfficiency = 0.20;
inline constexpr double kSparseScaleFactor = 3.0;

std::int64_t NextRangeWidth(double efficiency, std::int64_t batch_size,
                            const config::AdaptiveScaling& scaling);

}  // namespace etl::plan
