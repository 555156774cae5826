#pragma once
// RowReader: runs one SELECT on the source and hands its rows out in types::RowBatch blocks.
//
// The statement's result type is sql::ResultSet::TYPE_FORWARD_ONLY, which makes the connector
// use mysql_use_result: rows come off the socket as they are read, so memory holds one batch,
// not the table. Each field is copied as the raw bytes the text protocol sent (NULL stays
// NULL), which is what types/value_converter.h expects. One exception is made good here: the
// connector's getString turns BIT(n) into decimal text ("513"), so BIT columns are read with
// getUInt64 and stored as the ceil(n/8) big-endian bytes the text protocol carried. The connector
// hands every non-NULL field over as a sql::SQLString (a std::string), so fields longer than the
// small-string buffer (15 bytes) cost one short-lived allocation each; nothing else is allocated
// per row, and a reused RowBatch keeps its arena between batches.
//
// Lifetime: the connection must outlive the reader, and while the reader is open no other
// statement may run on that connection (an unbuffered result occupies it). Closing a reader
// before the end makes the connector read and discard the rest of the result; to stop early on
// a large table, read in chunks (SelectBuilder with LIMIT) instead.
//
// Errors (including a connection lost mid-stream) throw MySqlError whose text starts with the
// `context` given to the constructor (e.g. "reading shop.orders").

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "source/mysql_connection.h"
#include "types/row_batch.h"

namespace sql {
class Statement;
class ResultSet;
}  // namespace sql

namespace etl::source {

struct ReaderStats {
  std::int64_t rows = 0;
  std::int64_t bytes = 0;      // field bytes read (NULLs count 0)
  double seconds = 0;          // executing the query plus fetching rows from the connector
  double execute_seconds = 0;  // of which: until the first row could be fetched
};

class RowReader {
 public:
  // Executes `sql` at once. Throws MySqlError.
  RowReader(MySqlConnection& conn, const std::string& sql, std::string context);
  ~RowReader();
  RowReader(RowReader&&) noexcept;
  RowReader& operator=(RowReader&&) noexcept;
  RowReader(const RowReader&) = delete;
  RowReader& operator=(const RowReader&) = delete;

  // Clears `out`, sets its column count and appends up to `max_rows` rows (stopping earlier
  // once the batch holds `max_bytes` bytes, when max_bytes > 0). Returns false, with `out`
  // empty, when the result is exhausted. REQUIRES: max_rows > 0.
  bool ReadBatch(types::RowBatch& out, std::size_t max_rows, std::size_t max_bytes = 0);

  std::size_t column_count() const { return columns_; }
  bool exhausted() const { return exhausted_; }
  const ReaderStats& stats() const { return stats_; }

  // Frees the result (draining unread rows) and the statement; later ReadBatch returns false.
  void Close();

 private:
  MySqlConnection* conn_;
  std::unique_ptr<sql::Statement> statement_;
  std::unique_ptr<sql::ResultSet> result_;
  std::string context_;
  std::string endpoint_;
  std::string sql_;  // for errors: shown by its shape (source/statement_shape.h)
  std::size_t columns_ = 0;
  std::vector<unsigned> bit_bytes_;  // per column: byte width of a BIT column, 0 otherwise
  bool exhausted_ = false;
  ReaderStats stats_;
};

}  // namespace etl::source
