#pragma once
// InsertWriter: writes RowBatches with multi-row parameterised INSERTs (the `standard` and
// `streaming` strategies), optionally as an upsert.
//
//   INSERT INTO "s"."t" ("c1", "c2") VALUES ($1, $2), ($3, $4), ...
//     [ON CONFLICT ("k") DO UPDATE SET "c2" = EXCLUDED."c2"]   -- or DO NOTHING if all are key
//
// A statement carries at most kMaxParams (65535, PostgreSQL's limit) parameters, so at most
// floor(65535 / ncols) rows, and no more rows than the largest batch written so far. That
// full-size statement is prepared once (PQprepare) and reused (re-prepared only when a larger
// batch arrives); a final partial group is sent unprepared.
//
// Values: each field is converted with types::ConvertValue(column, ...). SQL NULL and
// kNull (e.g. a zero date) become NULL parameters; kBytea/kGeometry values go as binary
// parameters (raw bytes), everything else as text. A kBad value (or a text value holding a NUL
// byte) skips the whole row and is described in the caller's `bad` list; the other rows are
// written. Whether a bad row fails the table is the caller's decision (on_bad_row).
//
// Memory: parameter buffers are kept between statements and batches; nothing is allocated per
// row once they have grown.
//
// REQUIRES: batches have the writer's column count, in the writer's column order; with a
// conflict key, no two rows written in one statement have the same key (PostgreSQL refuses
// to update a row twice in one statement); `conn` outlives the writer. The writer does not
// open transactions: callers wrap Write calls in theirs.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sink/bad_value.h"
#include "sink/pg_connection.h"
#include "types/row_batch.h"
#include "types/type_mapping.h"

namespace etl::sink {

class InsertWriter {
 public:
  static constexpr std::size_t kMaxParams = 65535;

  // `conflict_key` empty: plain INSERT. Otherwise an upsert on those columns, which must be
  // among `columns` and covered by a primary key or unique index on the target.
  // `max_params` lowers the parameter limit (tests use it to force splitting).
  InsertWriter(PgConnection& conn, std::string_view schema, std::string_view table,
               std::vector<types::TargetColumn> columns, std::vector<std::string> conflict_key = {},
               std::size_t max_params = kMaxParams);
  ~InsertWriter();
  InsertWriter(const InsertWriter&) = delete;
  InsertWriter& operator=(const InsertWriter&) = delete;

  // Writes every good row of `batch`; appends one BadValue per skipped row to `bad`
  // (BadValue::row indexes into `batch`). Returns the number of rows sent. Throws PgError
  // (with the server's message) on failure.
  std::size_t Write(const types::RowBatch& batch, std::vector<BadValue>& bad);
  // The same for rows [begin, end) of `batch` (no copy needed for a split batch).
  std::size_t Write(const types::RowBatch& batch, std::size_t begin, std::size_t end,
                    std::vector<BadValue>& bad);

  std::int64_t statements() const { return statements_; }
  std::int64_t rows_written() const { return rows_written_; }
  // Rows the server reported as inserted or updated (an upsert's DO NOTHING counts 0).
  std::int64_t rows_affected() const { return rows_affected_; }
  // Rows in the full-size (prepared) statement (0 until the first Write).
  std::size_t rows_per_statement() const { return full_rows_; }

  // The statement text for `rows` rows (exposed for tests and logs).
  std::string StatementFor(std::size_t rows) const;

 private:
  bool AppendRow(const types::RowBatch& batch, std::size_t row, std::vector<BadValue>& bad);
  void Flush();
  void Deallocate() noexcept;

  PgConnection& conn_;
  std::string table_label_;  // "schema"."table" for SQL and messages
  std::vector<types::TargetColumn> columns_;
  std::string insert_head_;  // INSERT INTO ... VALUES
  std::string conflict_tail_;
  std::vector<int> column_formats_;  // 0 text, 1 binary, per column
  std::size_t max_rows_ = 0;
  std::size_t full_rows_ = 0;
  std::string prepared_name_;
  std::string prepared_label_;  // what error messages show as the prepared statement
  bool prepared_ = false;

  // Parameters of the statement being filled: values live in arena_ (each NUL-terminated).
  std::string arena_;
  std::string scratch_;
  std::vector<std::ptrdiff_t> offsets_;  // -1 for NULL
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<const char*> values_;
  std::size_t pending_rows_ = 0;

  std::int64_t statements_ = 0;
  std::int64_t rows_written_ = 0;
  std::int64_t rows_affected_ = 0;
};

}  // namespace etl::sink
