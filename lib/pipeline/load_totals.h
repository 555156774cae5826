#pragma once
// What one table load counts, summed over its parts: every figure comes from the copy itself
// (the reader's rows and queries, the writers' rows, bytes and batches), never from a recount.

#include <cstdint>

#include "pipeline/pump.h"
#include "sink/batch_sink.h"

namespace etl::pipeline {

struct LoadTotals {
  std::int64_t rows_read = 0;
  std::int64_t rows_written = 0;
  std::int64_t rows_rejected = 0;
  std::int64_t bytes = 0;
  std::int64_t queries = 0;
  std::int64_t chunks = 0;
  std::int64_t batches = 0;
  double read_seconds = 0;
  double process_seconds = 0;
  double write_seconds = 0;

  void Add(const PumpResult& pump, const sink::SinkCounters& sink) {
    rows_read += pump.reader.rows;
    rows_rejected += pump.rows_rejected;
    queries += pump.reader.queries;
    chunks += pump.reader.chunks;
    read_seconds += pump.reader.read_seconds;
    rows_written += sink.rows_written;
    bytes += sink.bytes;
    batches += sink.batches;
    process_seconds += sink.process_seconds;
    write_seconds += sink.write_seconds;
  }
};

}  // namespace etl::pipeline
