#pragma once
// ChangedRowsSink: the writer of a merge that compares (sink/target_merge.h). It sits in front of
// the stage's sink and lets through only the rows the target does not already hold as they are.
//
// The new rows arrive in ascending order of a single integer key (the reader sorts them); the
// target's rows of the same key range stream beside them in the same order
// (sink/target_row_stream.h), and the two are walked like a merge join. Each new row is
// encoded with the binary CopyEncoder and compared, as bytes, with the target's row of its key:
//   - same bytes                 unchanged: not written anywhere (counted in unchanged());
//   - other bytes, or a key the  written to the stage (by the wrapped sink, in its own format);
//     target lacks
//   - a target key with no new   recorded as deleted: written, with COPY, into the keys table
//     row (or whose new row is   `deleted_keys` (one bigint column) when a write batch closes;
//     rejected as a bad row)     the merge deletes those keys.
// So a reload that changes few rows stages few rows, and the merge's apply is small. Equal
// bytes are equal values; unequal bytes that are equal values (a json document spelled
// differently, say) only cost a row in the stage, which the merge then leaves as it is.
//
// EndOfRows() must be called after the last Write: the target rows past the last new row are
// deleted keys. Rows out of key order (or a repeated key) throw std::runtime_error: the
// comparison would be wrong, so the load stops rather than merge it.
//
// Bad rows: as the wrapped sink reports them (BadValue::row indexes the caller's batch).
// Counters: rows_written counts the rows the target holds after the merge from this sink
// (unchanged + written); bytes, statements and times are the wrapped sink's plus the
// comparison's processing time.
//
// REQUIRES: the wrapped sink and the keys table's COPY use the same connection (the part's),
// and `target` another one. One thread.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sink/batch_sink.h"
#include "sink/copy_encoder.h"
#include "sink/target_row_stream.h"

namespace etl::sink {

struct DeletedKeysTable {
  std::string schema;  // "pg_temp" for a temporary table
  std::string table;
  std::string column;  // bigint
};

class ChangedRowsSink final : public BatchSink {
 public:
  // REQUIRES: CopyEncoder::Create(kBinary, columns) does not fall back (no kCast column);
  // columns[key_index] is an integer column.
  ChangedRowsSink(PgConnection& conn, std::unique_ptr<BatchSink> stage,
                  std::unique_ptr<TargetRowStream> target,
                  const std::vector<types::TargetColumn>& columns, std::size_t key_index,
                  DeletedKeysTable deleted_keys, std::string label);
  ~ChangedRowsSink() override;

  void Write(const types::RowBatch& batch, std::size_t begin, std::size_t end,
             std::vector<BadValue>& bad) override;
  void FinishBatch() override;
  std::int64_t open_batch_rows() const override;
  std::int64_t open_batch_bytes() const override;
  std::string Describe() const override;

  void EndOfRows();

  std::int64_t unchanged() const { return unchanged_; }
  std::int64_t deleted() const { return deleted_; }

 private:
  void Forward(const types::RowBatch& batch, std::size_t begin, std::size_t end,
               std::vector<BadValue>& bad);
  void WriteDeletedKeys();
  void Refresh();

  PgConnection& conn_;
  std::unique_ptr<BatchSink> stage_;
  std::unique_ptr<TargetRowStream> target_;
  std::unique_ptr<CopyEncoder> encoder_;
  std::size_t key_index_;
  DeletedKeysTable deleted_keys_;
  std::string label_;
  std::string encoded_;               // the batch's rows, binary, back to back
  std::vector<BadValue> encode_bad_;  // rows the comparison's encoder refused
  std::vector<BadValue> stage_bad_;   // what the stage refused in one Forward
  std::vector<std::pair<std::size_t, std::int64_t>> matched_;  // forwarded rows the target had
  std::vector<std::int64_t> pending_deletes_;
  bool has_previous_ = false;
  std::int64_t previous_key_ = 0;
  std::int64_t unchanged_ = 0;
  std::int64_t deleted_ = 0;
  double compare_seconds_ = 0;
};

}  // namespace etl::sink
