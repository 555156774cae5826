#pragma once
// ChunkRequest: one read the pipeline issues against the source table, as planned by a
// ChunkSequencer (plan/chunk_sequencer.h); ChunkFeedback: what the sequencer concluded from it.
//
// The request is pure data: it names key positions, never SQL. The reader turns it into a
// query over the table's single integer key `k` (identifiers quoted as everywhere):
//   kRange   WHERE k >= lo AND k < hi                      (every row of the range, any order)
//   kKeyset  WHERE k > after AND k <= upto ORDER BY k LIMIT limit
//            (`after` absent: no lower bound; `upto` absent: no upper bound)
//   kStream  one unbuffered scan: WHERE k > after AND k <= upto for whichever bounds are set
//            (neither is set for a table without a key)
// plus the table's `where:` filter and, for incremental loads, the cursor condition.

#include <cstdint>
#include <optional>
#include <string>

namespace etl::plan {

struct ChunkRequest {
  enum class Kind { kRange, kKeyset, kStream };

  Kind kind = Kind::kStream;
  // kRange: the half-open key range [lo, hi); hi > lo. Never extends past the run's high mark.
  std::int64_t lo = 0;
  std::int64_t hi = 0;
  // kKeyset: keys strictly greater than `after`, at most `limit` rows, none above `upto`.
  // kStream: the same bounds when the run has them (a watermark, a high mark); no limit.
  std::optional<std::int64_t> after;
  std::optional<std::int64_t> upto;
  std::int64_t limit = 0;

  // Number of key positions a range covers (hi - lo); 0 for other kinds.
  std::int64_t width() const { return kind == Kind::kRange ? hi - lo : 0; }
};

// "range [100, 200)", "keyset after 99 upto 500 limit 1000", "stream": for log lines and errors.
std::string ToString(const ChunkRequest& request);

struct ChunkFeedback {
  // Range: rows / width. Keyset and stream: 1.0 (the query touches only rows it returns,
  // so gaps in the key cost nothing).
  double efficiency = 1.0;
  // Keyset: rows / key positions the chunk covered, i.e. rows / (last_key - after); 1.0 for the
  // other kinds. A resumed run goes back to range chunks when this shows dense keys again.
  double density = 1.0;
  // Width (range) or limit (keyset) of the next request; 0 when the sequence is done.
  std::int64_t next_size = 0;
  bool sparse_chunk = false;        // counted towards detection (wide enough and below threshold)
  bool detection = false;           // this chunk completed a run of sparse chunks
  bool stop_early = false;          // incremental: stop here; commit with the sequencer's watermark
  bool switched_to_keyset = false;  // full load (detection) or resumed run: keyset from here on
  bool returned_to_range = false;   // resumed run: keys are dense again, ranges from here on
  bool done = false;                // Next() will return nullopt
};

}  // namespace etl::plan
