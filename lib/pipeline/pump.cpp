#include "pipeline/pump.h"

#include <exception>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "report/stopwatch.h"

namespace etl::pipeline {
namespace {

// Items in flight between reader and writer. With TableReader::kItemBytes per item this bounds
// the pipeline's buffered rows to a few tens of MB whatever the table's size.
constexpr std::size_t kQueueItems = 4;
// How often the progress callback hears the rows written: the live display redraws 4 times a
// second and folds the parts in, so even a load of a few seconds shows its rows moving.
constexpr double kProgressEvery_s = 0.25;

void HandleBadRows(const BadRowPolicy& policy, const types::RowBatch& batch,
                   std::vector<sink::BadValue>& bad, std::int64_t& rejected) {
  for (const auto& b : bad) {
    const auto& columns = *policy.columns;
    if (policy.mode == config::OnBadRow::kFail || policy.rejects == nullptr) {
      throw std::runtime_error(
          BadRowError(policy.table, DescribeRowKey(batch, b.row, columns, policy.key_indexes),
                      columns.at(b.column).name, b.reason));
    }
    policy.rejects->Write(batch, b.row, columns, policy.key_indexes, b.column, b.reason);
    ++rejected;
  }
  bad.clear();
}

// Rethrows the current exception; as CancelledError (the original nested) when it came from a
// statement stopped by a cancellation.
[[noreturn]] void RethrowStopped(const Cancellation* cancellation, const std::string& what) {
  if (!Requested(cancellation)) throw;
  try {
    throw;
  } catch (const CancelledError&) {
    throw;
  } catch (...) {
    std::throw_with_nested(
        CancelledError(fmt::format("{}: cancelled by {}", what, cancellation->Reason())));
  }
}

}  // namespace

PumpResult Pump(source::MySqlConnection& mysql, const ReadPlan& read_plan,
                plan::ChunkSequencer* sequencer, sink::BatchSink& sink,
                plan::AccumulationPolicy* accumulation, const BadRowPolicy& bad_rows,
                const ProgressCallback& progress, const CancelSource& cancel,
                const Cancellation* cancellation) {
  BoundedQueue<ReadItem> queue(kQueueItems);
  BoundedQueue<types::RowBatch> free(kQueueItems + 2);
  TableReader reader(mysql, read_plan, sequencer);
  std::exception_ptr read_error;
  std::thread reader_thread([&] {
    try {
      reader.Run(queue, free);
    } catch (...) {
      read_error = std::current_exception();
      queue.Cancel();
    }
  });

  PumpResult result;
  std::vector<sink::BadValue> bad;
  report::Stopwatch since_progress;
  try {
    while (auto item = queue.Pop()) {
      ThrowIfRequested(cancellation, bad_rows.table);
      const types::RowBatch& batch = item->batch;
      const std::size_t n = batch.row_count();
      std::size_t done = 0;
      if (accumulation == nullptr) {
        sink.Write(batch, 0, n, bad);
        if (!bad.empty()) HandleBadRows(bad_rows, batch, bad, result.rows_rejected);
        if (item->chunk_end) sink.FinishBatch();
        done = n;
      }
      while (done < n) {
        const std::size_t bytes = batch.byte_size() * (n - done) / n;
        const auto step = accumulation->Offer(n - done, bytes);
        if (step.flush_before) sink.FinishBatch();
        sink.Write(batch, done, done + step.rows, bad);
        if (!bad.empty()) HandleBadRows(bad_rows, batch, bad, result.rows_rejected);
        if (step.flush_after) sink.FinishBatch();
        done += step.rows;
      }
      free.TryPush(std::move(item->batch));
      if (progress && since_progress.Seconds() >= kProgressEvery_s) {
        progress(sink.counters().rows_written + sink.open_batch_rows());
        since_progress.Restart();
      }
    }
  } catch (...) {
    queue.Cancel();
    free.Cancel();
    if (cancel) cancel();  // the reader may be inside a long unbuffered result
    reader_thread.join();
    RethrowStopped(cancellation, bad_rows.table);
  }
  reader_thread.join();
  if (read_error) {
    try {
      std::rethrow_exception(read_error);
    } catch (...) {
      RethrowStopped(cancellation, bad_rows.table);
    }
  }
  ThrowIfRequested(cancellation, bad_rows.table);
  if ((accumulation != nullptr && accumulation->Finish()) || sink.open_batch_rows() > 0) {
    sink.FinishBatch();
  }
  result.reader = reader.counters();
  return result;
}

}  // namespace etl::pipeline
