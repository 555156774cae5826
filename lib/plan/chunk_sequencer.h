#pragma once
// ChunkSequencer: plans the reads of one table, one chunk at a time, and learns from each
// chunk what to read next (contract: "Chunking, adaptive sizing and sparse sequences").
// Pure logic: it never touches a database. The pipeline loops
//
//   while (auto request = sequencer.Next()) {
//     rows, last_key = run the query for *request          (see plan/chunk_request.h)
//     feedback = sequencer.Record(*request, rows, last_key)
//     hand the rows to the writer; log feedback when monitoring says so
//     if (feedback.stop_early) { commit with sequencer.watermark(); status early_terminated }
//   }
//
// Modes (options.chunking, already resolved by ResolveChunking; never kAuto):
//   kRange  ranges [lo, lo + width) from the first unread key up to and including key_max.
//           width starts at batch_size; with adaptive scaling it follows NextRangeWidth().
//           With detection, after consecutive_sparse_limit sparse ranges in a row:
//             incremental -> stop_early; Next() returns nullopt from then on.
//             full load   -> keyset chunks for the rest of the table (never cut short).
//   kKeyset keyset chunks (after = last key read, limit = batch_size) until a chunk returns
//           fewer than limit rows or reaches key_max.
//   kNone   a single kStream request.
// Resuming (options.resume_after_early_stop, range mode only): the previous run stopped early
// in a sparse stretch, so this run starts with keyset chunks from the watermark (they are
// always full, so the gap costs nothing) and returns to ranges once a keyset chunk shows the
// keys are dense again: rows / (last_key - after) >= kDenseKeyDensity. Repeated runs thus get
// through any sparse stretch, and each run reads every key it covers exactly once.
//
// Watermark: watermark() is the highest key position such that every key <= it (and within
// this run's bounds) has been read: the end of the last range read (even if that range was
// empty), the last key of a keyset chunk, or key_max once the table is finished. It never
// passes an unread key, and an early stop always moves it forward past the sparse ranges read.
// Before anything is read it is keys.start_after. It may name a key position holding no row.
//
// REQUIRES: batch_size > 0; each request from Next() is passed to Record() before Next() is
// called again (otherwise std::logic_error); in range mode key_max < INT64_MAX.
// Record() throws std::invalid_argument when the reported rows/last key cannot belong to the
// request (e.g. a keyset chunk with rows but no last key, or more rows than the limit).

#include <cstdint>
#include <optional>

#include "config/job_spec.h"
#include "plan/chunk_request.h"
#include "plan/sparse_detector.h"

namespace etl::plan {

// Keyset density at which a resumed run goes back to range chunks: at least every other key
// position holds a row, so a batch_size range would be at least half full.
inline constexpr double kDenseKeyDensity = 0.5;

// The key positions this run may read.
struct KeyBounds {
  // Previous run's watermark: only keys > start_after are read. nullopt: from key_min.
  std::optional<std::int64_t> start_after;
  // Smallest and largest key at the start of the run (key_max is the high mark: keys above it
  // are left for the next run). Range mode: nullopt means the table holds no rows. Keyset mode:
  // key_max nullopt means no upper bound (read until a chunk comes back short).
  std::optional<std::int64_t> key_min;
  std::optional<std::int64_t> key_max;
};

struct ChunkSequencerOptions {
  config::Chunking chunking = config::Chunking::kKeyset;  // resolved: range, keyset or none
  std::int64_t batch_size = 0;
  config::SparseSequenceOptimization sparse;
  bool incremental = false;
  KeyBounds keys;
  bool resume_after_early_stop = false;  // the previous run of this table ended early_terminated
};

class ChunkSequencer {
 public:
  explicit ChunkSequencer(const ChunkSequencerOptions& options);

  // The next read, or nullopt when the table (or this run's share of it) is done.
  std::optional<ChunkRequest> Next();

  // Reports what `request` returned: `rows` rows, the largest key among them `last_key_read`
  // (nullopt when rows == 0 or the table has no key).
  ChunkFeedback Record(const ChunkRequest& request, std::int64_t rows,
                       std::optional<std::int64_t> last_key_read);

  bool done() const { return done_; }
  bool early_terminated() const { return early_terminated_; }
  std::int64_t queries() const { return queries_; }  // requests issued
  std::int64_t chunks() const { return chunks_; }    // requests that returned rows
  std::int64_t rows() const { return rows_; }
  // Mean efficiency over all recorded requests (1.0 before any).
  double avg_efficiency() const;
  std::int64_t sparse_detections() const { return detector_.detections(); }
  // ceil(covered key span / batch_size) - queries(), floored at 0: what fixed batch_size ranges
  // over the same keys would have cost extra.
  std::int64_t queries_saved_vs_fixed() const;
  std::optional<std::int64_t> watermark() const { return covered_through_; }
  std::optional<std::int64_t> last_key_read() const { return last_key_read_; }
  // Current read mode: kRange, kKeyset or kNone (changes on detection and when resuming).
  config::Chunking mode() const { return mode_; }

 private:
  ChunkFeedback RecordRange(const ChunkRequest& request, std::int64_t rows);
  ChunkFeedback RecordKeyset(const ChunkRequest& request, std::int64_t rows,
                             std::optional<std::int64_t> last_key_read);
  void CheckPlausible(const ChunkRequest& request, std::int64_t rows,
                      std::optional<std::int64_t> last_key_read) const;
  void Finish();  // the whole run's share is read
  std::optional<std::int64_t> FirstUnreadKey() const;

  ChunkSequencerOptions options_;
  config::Chunking mode_;
  SparseDetector detector_;
  std::int64_t range_width_;  // width of the next range
  std::optional<std::int64_t> covered_through_;
  std::optional<std::int64_t> last_key_read_;
  std::optional<std::int64_t> first_position_;  // first key position this run may read
  bool resuming_ = false;                       // keyset chunks that may go back to ranges
  bool pending_ = false;
  bool done_ = false;
  bool early_terminated_ = false;
  std::int64_t queries_ = 0;
  std::int64_t chunks_ = 0;
  std::int64_t rows_ = 0;
  double efficiency_sum_ = 0;
};

}  // namespace etl::plan
