#pragma once
// TargetRowStream: an existing target's rows in key order, as COPY BINARY prints them, for a
// merge that compares each new row with the one the target holds (sink/changed_rows_sink.h).
//
//   COPY (SELECT "c1", ... FROM "s"."t" WHERE "k" >= lo AND "k" < hi ORDER BY "k")
//     TO STDOUT (FORMAT binary)
//
// Each row is exposed as its bytes in COPY BINARY's row layout: int16 field count, then per
// field an int32 length (-1 for NULL) and the value in its type's send format. That is byte for
// byte what the binary CopyEncoder (sink/copy_encoder.h) writes for the same values of the same
// types, so equal bytes mean equal values. (Unequal bytes may still be equal values, e.g. a
// json document written with other spacing: such a row is merely written again.)
//
// The key is a single integer column (int2, int4 or int8) at `key_index` of `columns`; a NULL
// or non-integer key field throws. The session's sort is turned off (`enable_sort`), so the
// rows come from the key's index rather than from a sort of the whole range.
//
// Lifetime: `conn` outlives the stream and runs nothing else while it is open; Close (or the
// destructor) cancels a COPY that has not ended. Errors: PgError naming `context`.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sink/pg_connection.h"

namespace etl::sink {

struct KeyRange {
  std::optional<std::int64_t> lo;  // key >= lo (unset: no lower bound)
  std::optional<std::int64_t> hi;  // key < hi (unset: no upper bound)
};

class TargetRowStream {
 public:
  TargetRowStream(PgConnection& conn, std::string_view schema, std::string_view table,
                  const std::vector<std::string>& columns, std::size_t key_index, KeyRange range,
                  std::string context);
  ~TargetRowStream();
  TargetRowStream(const TargetRowStream&) = delete;
  TargetRowStream& operator=(const TargetRowStream&) = delete;

  // Moves to the next row; false at the end of the rows (valid() then false).
  bool Next();
  bool valid() const { return row_ != nullptr; }
  // REQUIRES valid(). The row's bytes, valid until the next call of Next().
  std::string_view row() const { return {row_, row_size_}; }
  std::int64_t key() const { return key_; }
  std::int64_t rows() const { return rows_; }

  // Stops the COPY when it has not ended (cancel + drain); never throws.
  void Close() noexcept;

 private:
  void Release() noexcept;
  void Finish();

  PgConnection& conn_;
  std::string statement_;
  std::string context_;
  std::size_t key_index_;
  bool copying_ = false;
  bool header_seen_ = false;
  char* buffer_ = nullptr;  // PQgetCopyData's buffer holding the current row
  const char* row_ = nullptr;
  std::size_t row_size_ = 0;
  std::int64_t key_ = 0;
  std::int64_t rows_ = 0;
};

// The length of the COPY BINARY row that starts `data` (int16 field count, then the fields);
// 0 when `data` does not hold a whole row.
std::size_t BinaryRowLength(std::string_view data);

}  // namespace etl::sink
