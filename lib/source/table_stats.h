#pragma once
// Measuring a source table for plan/: size, rows and the range of its integer key.
//
// Sizes come from information_schema.TABLES (DATA_LENGTH + INDEX_LENGTH). For InnoDB these
// are page-level estimates (allocated pages, refreshed by ANALYZE TABLE), good for choosing a
// strategy, not for accounting. `estimated_rows` (TABLE_ROWS) is InnoDB's cheap guess;
// `row_count` is an exact COUNT(*) honouring the `where:` filter.
//
// Key figures (only when a key column is given): the key is usable for range chunking when it
// is an integer column (tinyint..bigint, signed or unsigned) and MIN/MAX under the filter fit
// in int64; then key_is_integer is true. A bigint unsigned key whose maximum is above
// 9223372036854775807 is not usable and `key_unsupported` says so. key_min/key_max are
// std::nullopt when no row matches.
//
// Split points and gap jumps walk the key's own index, so they follow the real distribution of
// the key (a skewed key still gives parts with equal row counts).
// REQUIRES for KeySplitPoints/NextKeyAfter: `key` is a unique integer column (a single-column
// primary key) whose values fit in int64. Errors: MySqlError, TableNotFound.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "source/mysql_connection.h"

namespace etl::source {

struct TableStats {
  std::int64_t data_bytes = 0;
  std::int64_t index_bytes = 0;
  std::int64_t estimated_rows = 0;  // TABLE_ROWS: an estimate for InnoDB
  std::int64_t row_count = 0;       // exact COUNT(*) under the filter (when counted)
  bool row_count_exact = false;     // false when Measure was told not to count

  bool key_is_integer = false;
  std::optional<std::int64_t> key_min;
  std::optional<std::int64_t> key_max;
  std::string key_unsupported;  // why the key cannot be range-chunked ("" when it can / no key)

  double size_mb() const {
    return static_cast<double>(data_bytes + index_bytes) / (1024.0 * 1024.0);
  }
};

struct MeasureOptions {
  bool count_rows = true;  // false: skip COUNT(*) (row_count = estimated_rows)
};

TableStats Measure(MySqlConnection& conn, const std::string& database, const std::string& table,
                   const std::optional<std::string>& key, const std::optional<std::string>& where,
                   const MeasureOptions& options = {});

// The first key of each part after the first when the rows under `where` are split into
// `parts` parts of equal row counts (parts-1 values, ascending, distinct). Part i covers
// [split[i-1], split[i]); the first part starts at the key's minimum, the last ends at its
// maximum. Fewer values come back when there are fewer rows than parts; none for parts <= 1.
std::vector<std::int64_t> KeySplitPoints(MySqlConnection& conn, const std::string& database,
                                         const std::string& table, const std::string& key,
                                         const std::optional<std::string>& where, int parts);

// MIN(key) over the rows under `where` with key > after; std::nullopt when there is none.
std::optional<std::int64_t> NextKeyAfter(MySqlConnection& conn, const std::string& database,
                                         const std::string& table, const std::string& key,
                                         const std::optional<std::string>& where,
                                         std::int64_t after);

}  // namespace etl::source
