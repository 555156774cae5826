#include "plan/accumulation_policy.h"

#include <algorithm>
#include <limits>

namespace etl::plan {

namespace {

constexpr std::size_t kMiB = 1024 * 1024;

std::size_t ToSize(std::int64_t v) {
  return v <= 0 ? 0 : static_cast<std::size_t>(v);
}

std::size_t MiBToBytes(std::int64_t mb) {
  const std::size_t m = ToSize(mb);
  if (m > std::numeric_limits<std::size_t>::max() / kMiB) {
    return std::numeric_limits<std::size_t>::max();
  }
  return m * kMiB;
}

// Bytes of the first `part` rows of a chunk of `rows` rows and `bytes` bytes (mean row size).
std::size_t PartBytes(std::size_t part, std::size_t rows, std::size_t bytes) {
  if (part >= rows) return bytes;
  return static_cast<std::size_t>(static_cast<long double>(bytes) * part / rows);
}

}  // namespace

AccumulationPolicy::AccumulationPolicy(const config::Accumulation& accumulation, bool enabled)
    : enabled_(enabled),
      min_rows_(ToSize(accumulation.min_batch_size)),
      max_rows_(std::max<std::size_t>(1, ToSize(accumulation.max_batch_size))),
      max_bytes_(std::max<std::size_t>(1, MiBToBytes(accumulation.max_memory_mb))) {}

std::size_t AccumulationPolicy::RowsThatFit(std::size_t rows, std::size_t bytes) const {
  if (!enabled_ || rows == 0) return rows;
  const std::size_t room_rows = max_rows_ > pending_rows_ ? max_rows_ - pending_rows_ : 0;
  std::size_t fit = std::min(rows, room_rows);
  if (pending_bytes_ + bytes > max_bytes_) {
    const std::size_t room_bytes = max_bytes_ > pending_bytes_ ? max_bytes_ - pending_bytes_ : 0;
    const long double row_bytes = static_cast<long double>(bytes) / rows;
    const auto by_memory = static_cast<std::size_t>(room_bytes / row_bytes);
    fit = std::min(fit, by_memory);
  }
  if (fit == 0 && pending_rows_ == 0) fit = 1;
  return fit;
}

AccumulationPolicy::Step AccumulationPolicy::Offer(std::size_t rows, std::size_t bytes) {
  Step step;
  if (rows == 0) return step;
  if (!enabled_) {
    step.rows = rows;
    step.flush_after = true;
    ++batches_;
    return step;
  }
  const bool fits_whole = RowsThatFit(rows, bytes) == rows;
  if (pending_rows_ > 0 && (!fits_whole && pending_rows_ >= min_rows_)) {
    step.flush_before = true;
    Flushed();
  }
  step.rows = RowsThatFit(rows, bytes);
  if (step.rows == 0) {
    // Below min_batch_size but not a single row fits (a full memory budget): write it anyway.
    step.flush_before = true;
    Flushed();
    step.rows = RowsThatFit(rows, bytes);
  }
  pending_rows_ += step.rows;
  pending_bytes_ += PartBytes(step.rows, rows, bytes);
  if (step.rows < rows || pending_rows_ >= max_rows_ || pending_bytes_ >= max_bytes_) {
    step.flush_after = true;
    Flushed();
  }
  return step;
}

bool AccumulationPolicy::Finish() {
  if (pending_rows_ == 0) return false;
  Flushed();
  return true;
}

void AccumulationPolicy::Flushed() {
  pending_rows_ = 0;
  pending_bytes_ = 0;
  ++batches_;
}

}  // namespace etl::plan
