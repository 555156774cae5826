#pragma once
// CopyEncoder: turns RowBatches of MySQL text-protocol fields into the bytes of a PostgreSQL
// `COPY ... FROM STDIN` stream, in csv, text or binary format.
//
// The hot path of copy_csv and parallel loads: one virtual call per batch, a switch on the
// column's ValueKind per field, values converted by types::ConvertValue (column overload) into
// a reused scratch buffer and appended to the caller's `out`. Nothing is allocated per row once
// `out` and the scratch buffer have grown (a bad row costs one string for its reason).
//
// Formats:
//   text    NULL is \N; backslash, LF, CR and tab are backslash-escaped (\\ \n \r \t), nothing
//           else needs it; bytea as \\x<hex>.
//   csv     NULL is an unquoted empty field; '' is ""; a field containing , " CR or LF, or
//           starting with \. (the end-of-data marker) is quoted with "" doubling; bytea \x<hex>.
//   binary  PGCOPY header, per row an int16 field count, per field an int32 length (-1 NULL) and
//           the value in PostgreSQL's binary receive format of the column's pg type (see
//           copy_binary_values.h). A kCast column (a `column_types` override, whose binary form
//           the encoder cannot know) makes Create() fall back to csv; fallback_reason() says
//           which column.
//
// A row with a value PostgreSQL cannot hold (invalid UTF-8, NUL in text, invalid JSON, an
// integer out of range in binary, ...) is not written: `out` is cut back to where the row began
// and a BadValue (sink/bad_value.h: row index in the batch, column index and name, reason) is
// appended to `bad`.
//
// TextChecks::kTrustText (binary only) skips that check for text, enum and json values: for an
// encoder whose rows are only compared, as bytes, with rows PostgreSQL sent (the comparing
// merge, sink/changed_rows_sink.h). Bytes equal to a value PostgreSQL holds are valid already;
// a row whose bytes differ is encoded again, checked, by the writer that stages it.
//
// Text travels as UTF-8: the COPY session's client_encoding must be UTF8.
// Thread safety: an encoder is used by one thread at a time (each parallel part owns one).
// REQUIRES: the columns passed to Create() describe the batches' columns, in order; they are
// copied, so they need not outlive the encoder.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "config/job_spec.h"
#include "sink/bad_value.h"
#include "types/row_batch.h"
#include "types/type_mapping.h"

namespace etl::sink {

enum class TextChecks : unsigned char {
  kValidate,   // every value PostgreSQL would refuse makes a bad row
  kTrustText,  // text, enum and json values are copied unchecked (binary only: see above)
};

class CopyEncoder {
 public:
  virtual ~CopyEncoder();
  CopyEncoder(const CopyEncoder&) = delete;
  CopyEncoder& operator=(const CopyEncoder&) = delete;

  static std::unique_ptr<CopyEncoder> Create(config::CopyFormat format,
                                             const std::vector<types::TargetColumn>& columns,
                                             TextChecks checks = TextChecks::kValidate);

  // The format actually produced; differs from the requested one after a binary -> csv fallback.
  config::CopyFormat format() const { return format_; }
  // Why the encoder fell back ("" when it did not).
  std::string fallback_reason() const { return fallback_reason_; }
  // The options for `COPY t (cols) FROM STDIN WITH (<options>)`: "FORMAT csv" | "FORMAT text" |
  // "FORMAT binary".
  std::string CopyOptions() const;

  // Appends what precedes the first row: the 19-byte binary header; nothing for text/csv.
  virtual void BeginStream(std::string& out) = 0;
  // Encodes rows [begin, end) of `batch`, appending to `out`. Rows with a bad value are skipped
  // and listed in `bad`. Returns the number of rows written.
  // REQUIRES: begin <= end <= batch.row_count(); batch.column_count() == columns().size().
  virtual std::size_t EncodeRows(const types::RowBatch& batch, std::size_t begin, std::size_t end,
                                 std::string& out, std::vector<BadValue>& bad) = 0;
  // Appends what follows the last row: the binary trailer (int16 -1); nothing for text/csv.
  virtual void EndStream(std::string& out) = 0;

  const std::vector<types::TargetColumn>& columns() const { return columns_; }

 protected:
  CopyEncoder(config::CopyFormat format, std::vector<types::TargetColumn> columns)
      : format_(format), columns_(std::move(columns)) {}

  void set_fallback_reason(std::string reason) { fallback_reason_ = std::move(reason); }

 private:
  config::CopyFormat format_;
  std::vector<types::TargetColumn> columns_;
  std::string fallback_reason_;
};

}  // namespace etl::sink
