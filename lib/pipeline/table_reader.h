#pragma once
// TableReader: the reading end of a table load. Runs on its own thread, turns the read plan
// into SELECTs (source::SelectBuilder), streams their rows into RowBatches and pushes them to
// the writer through a bounded queue, so reading and writing overlap and memory stays flat.
//
// Read modes:
//   kSequenced  a single integer key; plan::ChunkSequencer decides each chunk (range or keyset,
//               adaptive sizing, sparse detection, early stop for incremental loads).
//   kKeyset     any other key: `WHERE (key) > (last) ORDER BY key LIMIT batch_size` pages,
//               the cursor compared lexicographically.
//   kStream     one unbuffered SELECT (ordered by the cursor for incremental loads, by the key
//               when `ordered`).
// Incremental bounds (after the saved watermark, not past the high mark) are added to every
// SELECT. Batches handed over are recycled through `free` (no allocation in steady state).
//
// REQUIRES: `conn` is used by nothing else while Run() runs; the sequencer (if any) is used by
// nothing else either until Run() returns.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/bounded_queue.h"
#include "plan/chunk_sequencer.h"
#include "source/mysql_connection.h"
#include "source/select_builder.h"
#include "types/row_batch.h"

namespace etl::pipeline {

struct ReadItem {
  types::RowBatch batch;
  bool chunk_end = false;  // the last batch of a chunk (query)
};

struct ReadPlan {
  enum class Mode { kSequenced, kKeyset, kStream };
  Mode mode = Mode::kStream;
  std::string database;
  std::string table;
  std::string label;                     // "shop.orders" for messages
  std::vector<std::string> columns;      // source columns, in target column order
  std::optional<std::string> where;      // the spec's filter
  std::vector<std::string> key;          // kSequenced: one column; kKeyset: the key columns
  std::vector<std::size_t> key_indexes;  // positions of `key` in `columns`
  std::vector<std::string> cursor;       // ORDER BY for kStream (incremental), may be empty
  std::optional<std::vector<std::string>> after;  // cursor > after (incremental watermark)
  std::optional<std::vector<std::string>> upto;   // cursor <= upto (high mark)
  source::Lookback lookback;                      // re-read this far behind `after`
  source::Literals literals;                      // how key and cursor values are written
  std::optional<std::int64_t> key_lo;             // kStream: key >= key_lo (a parallel part)
  std::optional<std::int64_t> key_hi;             // kStream: key < key_hi
  std::int64_t batch_size = 100000;
  // Rows in ascending key order within and across queries (a merge that compares them with
  // the target's needs it): kStream and range chunks get ORDER BY key as well.
  bool ordered = false;
  bool log_chunks = false;         // monitoring.log_efficiency_metrics
  bool alert_on_sparse = true;     // monitoring.alert_on_sparse_detection
  double sparse_threshold = 0.10;  // detection.efficiency_threshold, for messages
  int sparse_limit = 2;            // detection.consecutive_sparse_limit, for messages
};

struct ReaderCounters {
  std::int64_t rows = 0;
  std::int64_t queries = 0;
  std::int64_t chunks = 0;
  double read_seconds = 0;  // in the connector: executing and fetching
};

class TableReader {
 public:
  // Rows per queue item: big enough to amortise the hand-over, small enough that
  // queue capacity x item stays a few MB.
  static constexpr std::size_t kItemRows = 8192;
  static constexpr std::size_t kItemBytes = 4 << 20;

  TableReader(source::MySqlConnection& conn, ReadPlan plan, plan::ChunkSequencer* sequencer);

  // Reads everything the plan covers (or until the sequencer stops early), then closes `out`.
  // Throws on errors (the caller cancels the queues). Returns early when `out` is cancelled.
  void Run(BoundedQueue<ReadItem>& out, BoundedQueue<types::RowBatch>& free);

  const ReaderCounters& counters() const { return counters_; }

 private:
  // Runs one SELECT and pushes its rows; returns rows read. Tracks the last row's key/cursor.
  std::int64_t ReadQuery(const std::string& sql, BoundedQueue<ReadItem>& out,
                         BoundedQueue<types::RowBatch>& free, bool track_max_key,
                         std::optional<std::int64_t>* max_key,
                         std::optional<std::vector<std::string>>* last_values,
                         const std::vector<std::size_t>& value_indexes);
  types::RowBatch TakeBatch(BoundedQueue<types::RowBatch>& free);

  source::MySqlConnection& conn_;
  ReadPlan plan_;
  plan::ChunkSequencer* sequencer_;
  ReaderCounters counters_;
};

}  // namespace etl::pipeline
