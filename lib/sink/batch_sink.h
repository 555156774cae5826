#pragma once
// BatchSink: the writing end of a table load on one PostgreSQL connection.
//
// The pipeline hands it RowBatches; the sink writes them into the current *write batch* (one
// COPY statement for copy_csv/parallel; a group of multi-row INSERTs for standard/streaming)
// until FinishBatch() closes it. The accumulation policy (plan/accumulation_policy.h) decides
// when to call FinishBatch, so a sparse table makes a few large statements, not many small ones.
// One virtual call per batch of rows, never per row.
//
// Rows with a value PostgreSQL cannot hold are not written: Write() lists them in `bad` and the
// caller applies on_bad_row. Errors from the server throw PgError.
//
// REQUIRES: the connection outlives the sink and is inside the caller's transaction.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/job_spec.h"
#include "sink/insert_writer.h"
#include "sink/pg_connection.h"
#include "types/row_batch.h"
#include "types/type_mapping.h"

namespace etl::sink {

struct SinkCounters {
  std::int64_t rows_written = 0;
  std::int64_t bytes = 0;       // bytes sent (COPY data, or INSERT parameter bytes)
  std::int64_t batches = 0;     // write batches closed
  std::int64_t statements = 0;  // COPY / INSERT statements
  double process_seconds = 0;   // converting and encoding
  double write_seconds = 0;     // sending to the server and waiting for it
};

class BatchSink {
 public:
  virtual ~BatchSink() = default;
  // Writes rows [begin, end) of `batch`. BadValue::row indexes into `batch`.
  virtual void Write(const types::RowBatch& batch, std::size_t begin, std::size_t end,
                     std::vector<BadValue>& bad) = 0;
  // Closes the current write batch (no-op when it is empty).
  virtual void FinishBatch() = 0;
  // Rows in the write batch that is still open.
  virtual std::int64_t open_batch_rows() const = 0;
  virtual std::int64_t open_batch_bytes() const = 0;
  const SinkCounters& counters() const { return counters_; }
  // What format/statement the sink uses, for logs ("COPY csv", "COPY binary (fallback: ...)").
  virtual std::string Describe() const = 0;

 protected:
  SinkCounters counters_;
};

// COPY ... FROM STDIN in `format` (binary may fall back to csv when a column needs it); FREEZE
// when the table was created or truncated in the current transaction.
std::unique_ptr<BatchSink> MakeCopySink(PgConnection& conn, const std::string& schema,
                                        const std::string& table,
                                        const std::vector<types::TargetColumn>& columns,
                                        config::CopyFormat format, bool freeze);

// Multi-row parameterised INSERTs (upsert on `conflict_key` when given).
std::unique_ptr<BatchSink> MakeInsertSink(PgConnection& conn, const std::string& schema,
                                          const std::string& table,
                                          const std::vector<types::TargetColumn>& columns,
                                          const std::vector<std::string>& conflict_key);

}  // namespace etl::sink
