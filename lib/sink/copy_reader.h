#pragma once
// CopyReader: streams the rows of one SELECT out of PostgreSQL with COPY (...) TO STDOUT.
//
// COPY's text format is the fastest way to read many rows with libpq (no per-row result
// objects, one message per row). Each line is split on tabs and its escapes undone (\\, \t,
// \n, \r, \b, \f, \v, octal \ooo and \xhh); \N is NULL. Fields are stored in a
// types::RowBatch as the text PostgreSQL printed, which is what the verify comparison reads.
//
// Lifetime: the connection must outlive the reader, and while the reader is open no other
// statement may run on it. Closing (or destroying) a reader before the end cancels the COPY
// and drains it, so the connection is usable again (inside a transaction the cancel aborts
// that transaction: callers close readers early only when they stop anyway).
// Errors throw PgError naming `context` and the server's message.

#include <cstddef>
#include <cstdint>
#include <string>

#include "sink/pg_connection.h"
#include "types/row_batch.h"

namespace etl::sink {

class CopyReader {
 public:
  // Starts `COPY (select) TO STDOUT`. Throws PgError.
  CopyReader(PgConnection& conn, const std::string& select, std::string context);
  ~CopyReader();
  CopyReader(CopyReader&& other) noexcept;
  CopyReader& operator=(CopyReader&&) = delete;
  CopyReader(const CopyReader&) = delete;
  CopyReader& operator=(const CopyReader&) = delete;

  // Clears `out` and appends up to `max_rows` rows; false (with `out` empty) at the end.
  // REQUIRES: max_rows > 0.
  bool ReadBatch(types::RowBatch& out, std::size_t max_rows);
  std::int64_t rows() const { return rows_; }

  // Stops the COPY (cancel + drain) when it has not ended; never throws.
  void Close() noexcept;

 private:
  void Finish();  // reads the COPY's final result; throws PgError when it failed
  void AppendLine(types::RowBatch& out, const char* line, std::size_t length);

  PgConnection& conn_;
  std::string statement_;
  std::string context_;
  std::string scratch_;
  bool copying_ = false;
  int columns_ = -1;  // from the first row
  std::int64_t rows_ = 0;
};

// Undoes COPY text-format escapes in `field` into `out` (exposed for tests).
void UnescapeCopyText(std::string_view field, std::string& out);

}  // namespace etl::sink
