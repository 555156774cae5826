#pragma once
// Pump: moves one read plan's rows from MySQL into one sink::BatchSink.
//
// A reader thread (TableReader) streams RowBatches into a bounded queue; the calling thread
// takes them, groups them into write batches (plan::AccumulationPolicy) and writes them. Bad
// rows are handled per on_bad_row as they come. Any error on either side cancels both and is
// rethrown here after the reader thread has stopped, so no thread outlives the call.
//
// Cancellation: with a `cancellation`, the writer checks it before every batch it takes and
// stops with CancelledError; the caller registers CancelStatements (pipeline/cancel_hooks.h)
// for both sessions so that a statement running at that moment stops at once. Whatever error
// the stop surfaces as (a cancelled statement, a killed query) is rethrown as CancelledError
// (with the original nested) once cancellation was requested, so it is never retried.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "pipeline/bad_rows.h"
#include "pipeline/cancellation.h"
#include "pipeline/table_reader.h"
#include "plan/accumulation_policy.h"
#include "sink/batch_sink.h"

namespace etl::pipeline {

struct BadRowPolicy {
  config::OnBadRow mode = config::OnBadRow::kFail;
  std::string table;  // for messages
  const std::vector<types::TargetColumn>* columns = nullptr;
  std::vector<std::size_t> key_indexes;  // to name the row in messages
  RejectFile* rejects = nullptr;         // required for kReject
};

struct PumpResult {
  ReaderCounters reader;
  std::int64_t rows_rejected = 0;
};

// `accumulation` null: accumulation is off, every chunk (query) is its own write batch.
// Called about four times a second with the rows written so far (progress display).
using ProgressCallback = std::function<void(std::int64_t rows_written)>;

// Stops the source statement the reader is running (source::KillQuery), so that when the
// writer fails the reader does not first drain a large unbuffered result. May be empty.
using CancelSource = std::function<void()>;

PumpResult Pump(source::MySqlConnection& mysql, const ReadPlan& read_plan,
                plan::ChunkSequencer* sequencer, sink::BatchSink& sink,
                plan::AccumulationPolicy* accumulation, const BadRowPolicy& bad_rows,
                const ProgressCallback& progress = {}, const CancelSource& cancel = {},
                const Cancellation* cancellation = nullptr);

}  // namespace etl::pipeline
