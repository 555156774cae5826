#include "plan/chunk_sequencer.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "plan/adaptive_sizing.h"

namespace etl::plan {

namespace {

constexpr std::int64_t kMaxKey = std::numeric_limits<std::int64_t>::max();

// b - a for a <= b, exact even when the difference does not fit in int64.
std::uint64_t Distance(std::int64_t a, std::int64_t b) {
  return static_cast<std::uint64_t>(b) - static_cast<std::uint64_t>(a);
}

}  // namespace

ChunkSequencer::ChunkSequencer(const ChunkSequencerOptions& options)
    : options_(options),
      mode_(options.chunking),
      detector_(options.sparse.detection, options.sparse.detection_on()),
      range_width_(options.batch_size),
      covered_through_(options.keys.start_after) {
  if (options_.batch_size <= 0) {
    throw std::invalid_argument(
        fmt::format("chunk sequencer: batch_size must be > 0, got {}", options_.batch_size));
  }
  if (mode_ == config::Chunking::kAuto) {
    throw std::invalid_argument("chunk sequencer: chunking must be resolved (not auto)");
  }
  const KeyBounds& keys = options_.keys;
  if (mode_ == config::Chunking::kRange && keys.key_max && *keys.key_max == kMaxKey) {
    throw std::invalid_argument(
        fmt::format("chunk sequencer: range chunking cannot reach key {}; use keyset", kMaxKey));
  }

  // The first key position this run may read.
  if (keys.start_after) {
    if (*keys.start_after == kMaxKey) {
      done_ = true;
    } else {
      first_position_ = *keys.start_after + 1;
      if (keys.key_min) first_position_ = std::max(*first_position_, *keys.key_min);
    }
  } else {
    first_position_ = keys.key_min;
  }
  if (mode_ == config::Chunking::kRange && (!first_position_ || !keys.key_max)) done_ = true;
  if (mode_ != config::Chunking::kNone && first_position_ && keys.key_max &&
      *first_position_ > *keys.key_max) {
    done_ = true;
  }

  if (mode_ == config::Chunking::kRange && options_.resume_after_early_stop) {
    mode_ = config::Chunking::kKeyset;
    resuming_ = true;
  }
}

std::optional<std::int64_t> ChunkSequencer::FirstUnreadKey() const {
  if (!covered_through_) return first_position_;
  // covered_through_ < key_max <= INT64_MAX - 1 while not done, so +1 cannot overflow.
  const std::int64_t next = *covered_through_ + 1;
  return first_position_ ? std::max(next, *first_position_) : next;
}

std::optional<ChunkRequest> ChunkSequencer::Next() {
  if (pending_) {
    throw std::logic_error("chunk sequencer: Next() called before the previous chunk was recorded");
  }
  if (done_) return std::nullopt;

  ChunkRequest request;
  switch (mode_) {
    case config::Chunking::kRange: {
      request.kind = ChunkRequest::Kind::kRange;
      request.lo = *FirstUnreadKey();
      const std::int64_t end = *options_.keys.key_max + 1;  // key_max < INT64_MAX (constructor)
      request.hi = static_cast<std::uint64_t>(range_width_) >= Distance(request.lo, end)
                       ? end
                       : request.lo + range_width_;
      break;
    }
    case config::Chunking::kKeyset:
      request.kind = ChunkRequest::Kind::kKeyset;
      if (covered_through_) {
        request.after = covered_through_;
      } else if (first_position_ && *first_position_ > std::numeric_limits<std::int64_t>::min()) {
        request.after = *first_position_ - 1;
      }
      request.upto = options_.keys.key_max;
      request.limit = options_.batch_size;
      break;
    case config::Chunking::kNone:
    case config::Chunking::kAuto:
      request.kind = ChunkRequest::Kind::kStream;
      request.after = options_.keys.start_after;
      request.upto = options_.keys.key_max;
      break;
  }
  ++queries_;
  pending_ = true;
  return request;
}

ChunkFeedback ChunkSequencer::Record(const ChunkRequest& request, std::int64_t rows,
                                     std::optional<std::int64_t> last_key_read) {
  if (!pending_) {
    throw std::logic_error("chunk sequencer: Record() called without a request from Next()");
  }
  CheckPlausible(request, rows, last_key_read);
  pending_ = false;
  rows_ += rows;
  if (rows > 0) ++chunks_;
  if (rows > 0 && last_key_read) {
    last_key_read_ = last_key_read_ ? std::max(*last_key_read_, *last_key_read) : *last_key_read;
  }

  switch (request.kind) {
    case ChunkRequest::Kind::kRange:
      return RecordRange(request, rows);
    case ChunkRequest::Kind::kKeyset:
      return RecordKeyset(request, rows, last_key_read);
    case ChunkRequest::Kind::kStream:
      break;
  }
  ChunkFeedback feedback;
  efficiency_sum_ += feedback.efficiency;
  Finish();
  feedback.done = true;
  return feedback;
}

void ChunkSequencer::CheckPlausible(const ChunkRequest& request, std::int64_t rows,
                                    std::optional<std::int64_t> last_key_read) const {
  bool plausible = rows >= 0;
  switch (request.kind) {
    case ChunkRequest::Kind::kRange:
      plausible = plausible && rows <= request.width() &&
                  (rows == 0 || !last_key_read ||
                   (*last_key_read >= request.lo && *last_key_read < request.hi));
      break;
    case ChunkRequest::Kind::kKeyset:
      plausible =
          plausible && rows <= request.limit &&
          (rows == 0 || (last_key_read && (!request.after || *last_key_read > *request.after) &&
                         (!request.upto || *last_key_read <= *request.upto)));
      break;
    case ChunkRequest::Kind::kStream:
      break;
  }
  if (!plausible) {
    throw std::invalid_argument(fmt::format(
        "chunk sequencer: {} cannot return {} rows ending at {}", ToString(request), rows,
        last_key_read ? fmt::format("key {}", *last_key_read) : std::string("no key")));
  }
}

ChunkFeedback ChunkSequencer::RecordRange(const ChunkRequest& request, std::int64_t rows) {
  ChunkFeedback feedback;
  const std::int64_t width = request.width();
  feedback.efficiency = static_cast<double>(rows) / static_cast<double>(width);
  efficiency_sum_ += feedback.efficiency;
  // The whole range has been read, whatever it held.
  covered_through_ = request.hi - 1;

  const SparseDetector::Verdict verdict = detector_.Observe(width, feedback.efficiency);
  feedback.sparse_chunk = verdict.sparse;
  feedback.detection = verdict.triggered;

  if (*covered_through_ >= *options_.keys.key_max) {
    Finish();
    feedback.done = true;
    return feedback;
  }
  if (verdict.triggered) {
    if (options_.incremental) {
      early_terminated_ = true;
      done_ = true;
      feedback.stop_early = true;
      feedback.done = true;
      return feedback;
    }
    mode_ = config::Chunking::kKeyset;
    feedback.switched_to_keyset = true;
    feedback.next_size = options_.batch_size;
    return feedback;
  }
  range_width_ = options_.sparse.adaptive_on()
                     ? NextRangeWidth(feedback.efficiency, options_.batch_size,
                                      options_.sparse.adaptive_scaling)
                     : options_.batch_size;
  feedback.next_size = range_width_;
  return feedback;
}

ChunkFeedback ChunkSequencer::RecordKeyset(const ChunkRequest& request, std::int64_t rows,
                                           std::optional<std::int64_t> last_key_read) {
  ChunkFeedback feedback;
  efficiency_sum_ += feedback.efficiency;
  if (rows > 0) {
    // The chunk covered the key positions (after, last_key]; without `after` it started at the
    // first position this run may read (when known).
    std::optional<double> span;
    if (request.after) {
      span = static_cast<double>(Distance(*request.after, *last_key_read));
    } else if (first_position_) {
      span = static_cast<double>(Distance(*first_position_, *last_key_read)) + 1.0;
    }
    if (span) feedback.density = static_cast<double>(rows) / *span;
  }

  const bool reached_end =
      rows < request.limit || (request.upto && rows > 0 && *last_key_read >= *request.upto);
  if (reached_end) {
    Finish();
    feedback.done = true;
    return feedback;
  }
  covered_through_ = *last_key_read;
  feedback.next_size = options_.batch_size;
  if (resuming_ && feedback.density >= kDenseKeyDensity) {
    resuming_ = false;
    mode_ = config::Chunking::kRange;
    range_width_ = options_.batch_size;
    detector_.Reset();
    feedback.returned_to_range = true;
  }
  return feedback;
}

void ChunkSequencer::Finish() {
  done_ = true;
  if (options_.keys.key_max) {
    covered_through_ = options_.keys.key_max;
  } else if (last_key_read_ && (!covered_through_ || *covered_through_ < *last_key_read_)) {
    covered_through_ = last_key_read_;
  }
}

double ChunkSequencer::avg_efficiency() const {
  const std::int64_t recorded = queries_ - (pending_ ? 1 : 0);
  return recorded == 0 ? 1.0 : efficiency_sum_ / static_cast<double>(recorded);
}

std::int64_t ChunkSequencer::queries_saved_vs_fixed() const {
  if (!first_position_ || !covered_through_ || *covered_through_ < *first_position_) return 0;
  const std::uint64_t span_minus_one = Distance(*first_position_, *covered_through_);
  const std::uint64_t fixed = span_minus_one / static_cast<std::uint64_t>(options_.batch_size) + 1;
  const auto issued = static_cast<std::uint64_t>(queries_);
  if (fixed <= issued) return 0;
  return static_cast<std::int64_t>(
      std::min<std::uint64_t>(fixed - issued, static_cast<std::uint64_t>(kMaxKey)));
}

}  // namespace etl::plan
