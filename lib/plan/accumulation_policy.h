#pragma once
// AccumulationPolicy: decides when the writer turns the rows it has collected into one write
// batch (one COPY or multi-row INSERT), so a sparse table read in many small chunks makes a few
// large statements (contract: sparse_sequence_optimization.accumulation).
//
// With accumulation on, a batch holds
//   - at least min_batch_size rows, unless the input ended or the table stopped early
//     (Finish() then flushes whatever is pending);
//   - at most max_batch_size rows and at most max_memory_mb MiB (bytes as the caller measures
//     them, e.g. RowBatch::byte_size()); a chunk that does not fit is split by rows.
// Batches grow towards the maximum: a batch is written before a chunk that would not fit
// (when it already holds min_batch_size rows) or as soon as it is full.
// With accumulation off, every chunk is its own batch (no splitting). Memory is bounded either
// way: the writer never holds a whole batch (COPY data leaves in 1 MiB pieces, INSERTs in
// statements of at most 65,535 parameters); bulk_insert_buffer lowers max_memory_mb when
// accumulation is on (pipeline/table_load.cpp).
//
// The caller feeds each chunk through Offer() until all of its rows are placed:
//
//   std::size_t done = 0;
//   while (done < chunk.rows) {
//     auto step = policy.Offer(chunk.rows - done, bytes of rows [done, chunk.rows));
//     if (step.flush_before) write the pending batch;
//     append rows [done, done + step.rows) to the pending batch;
//     if (step.flush_after) write the pending batch;
//     done += step.rows;
//   }
//   ... at end of input or early stop: if (policy.Finish()) write the pending batch;
//
// Offer() updates the policy's own accounting as if the caller does exactly that.
// Byte sizes of partial chunks are estimated from the chunk's mean row size.

#include <cstddef>
#include <cstdint>

#include "config/job_spec.h"

namespace etl::plan {

class AccumulationPolicy {
 public:
  struct Step {
    bool flush_before = false;  // write the pending batch before adding any of these rows
    std::size_t rows = 0;       // how many of the offered rows (from the front) to add now
    bool flush_after = false;   // write the pending batch after adding them
  };

  AccumulationPolicy(const config::Accumulation& accumulation, bool enabled);

  // Places (part of) a chunk of `rows` rows taking `bytes` bytes. rows == 0 is a no-op step.
  Step Offer(std::size_t rows, std::size_t bytes);

  // How many of `rows` rows (`bytes` bytes in all) fit into the pending batch as it is now:
  // all of them, or as many as keep it within max_batch_size rows and max_memory_mb; at least 1
  // when the batch is empty (a single row larger than the memory cap still has to go somewhere).
  std::size_t RowsThatFit(std::size_t rows, std::size_t bytes) const;

  // End of input (or early stop): true when a final, possibly small, batch must be written.
  bool Finish();

  std::size_t pending_rows() const { return pending_rows_; }
  std::size_t pending_bytes() const { return pending_bytes_; }
  std::int64_t batches() const { return batches_; }  // batches flushed so far

 private:
  void Flushed();

  bool enabled_;
  std::size_t min_rows_;
  std::size_t max_rows_;
  std::size_t max_bytes_;
  std::size_t pending_rows_ = 0;
  std::size_t pending_bytes_ = 0;
  std::int64_t batches_ = 0;
};

}  // namespace etl::plan
