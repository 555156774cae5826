#include "plan/adaptive_sizing.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace etl::plan {

std::int64_t NextRangeWidth(double efficiency, std::int64_t batch_size,
                            const config::AdaptiveScaling& scaling) {
  double factor = 1.0;
  if (efficiency < kVerySparseEfficiency) {
    factor = scaling.max_scale_factor;
  } else if (efficiency < kSparseEfficiency) {
    factor = kSparseScaleFactor;
  }
  if (factor <= 1.0) return batch_size;
  // Computed in double so a huge factor cannot overflow; the cap brings it back into range.
  const double widened = std::floor(static_cast<double>(batch_size) * factor);
  const double capped = std::min(widened, static_cast<double>(scaling.max_chunk_size));
  if (capped <= static_cast<double>(batch_size)) return batch_size;
  if (capped >= static_cast<double>(std::numeric_limits<std::int64_t>::max())) {
    return std::numeric_limits<std::int64_t>::max();
  }
  return static_cast<std::int64_t>(capped);
}

}  // namespace etl::plan
