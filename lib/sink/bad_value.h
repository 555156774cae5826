#pragma once
// BadValue: a value PostgreSQL cannot hold, found while encoding or binding a row. The row is
// not written; the pipeline applies the table's on_bad_row to it.

#include <cstddef>
#include <string>

namespace etl::sink {

// Why a NULL cannot be written: the source sent NULL, or a zero date that loads as NULL, for a
// column the target declares NOT NULL (types::TargetColumn::nullable false).
inline constexpr const char* kNullInNotNull = "NULL in a column that is NOT NULL in the target";
inline constexpr const char* kZeroDateInNotNull =
    "zero date (loads as NULL) in a column that is NOT NULL in the target";

struct BadValue {
  std::size_t row = 0;     // row index within the batch being written
  std::size_t column = 0;  // column index
  std::string column_name;
  std::string reason;  // e.g. "text contains a NUL byte (0x00)..."
};

}  // namespace etl::sink
