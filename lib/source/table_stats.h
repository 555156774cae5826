#pragma once
// Measuring a source table for plan/: size, rows and the range of its integer key, at a cost
// that follows what a run reads, never the whole table (contract: "Incremental loads on a busy
// source").
//
// Sizes come from information_schema.TABLES (DATA_LENGTH + INDEX_LENGTH). For InnoDB these
// are page-level estimates (allocated pages, refreshed by ANALYZE TABLE), good for choosing a
// strategy, not for accounting. `estimated_rows` (TABLE_ROWS) is InnoDB's cheap guess;
// `row_count` is an exact COUNT(*) honouring the `where:` filter, taken only when asked
// (MeasureOptions::count_rows; plan/run never ask: they count with CountUpTo, bounded).
//
// Key figures (only when a key column is given): the key is usable for range chunking when it
// is an integer column (tinyint..bigint, signed or unsigned) and MIN/MAX under the filter fit
// in int64; then key_is_integer is true. A bigint unsigned key whose maximum is above
// 9223372036854775807 is not usable and `key_unsupported` says so. key_min/key_max are
// std::nullopt when no row matches.
//
// Split points and gap jumps walk the key's own index, so they follow the real distribution of
// the key (a skewed key still gives parts with equal row counts). KeySplitPoints steps over the
// rows of its range once in total; a parallel load bounds it to the rows it reads (the window
// past the watermark of an incremental run) and passes the row total it already has, so no
// COUNT(*) precedes the walk. (The optimizer's estimates cannot replace the walk: InnoDB's index
// dives cap a range at half the table and were 2x off on a skewed key.) A dense key needs no
// walk: when the range [lo, hi] is given and the row total fills at least kDenseKeyShare of its
// values, the split points divide the range evenly (no read). Since at most 1 - kDenseKeyShare of
// the values are missing, no part can then be more than that share of the range short of an
// equal part, whatever the distribution. The total may be an estimate (TABLE_ROWS): an estimate
// that is too high only unbalances the parts; which rows a part reads never depends on it.
// REQUIRES for KeySplitPoints/NextKeyAfter: `key` is a unique integer column (a single-column
// primary key) whose values fit in int64. Errors: MySqlError, TableNotFound.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "source/mysql_connection.h"
#include "source/select_builder.h"

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
  // false: MIN/MAX of the key ignore `where` (two index lookups; with a filter MIN/MAX may have
  // to scan until a row matches). The range is then a superset of the filtered one.
  bool filter_key_range = true;
};

TableStats Measure(MySqlConnection& conn, const std::string& database, const std::string& table,
                   const std::optional<std::string>& key, const std::optional<std::string>& where,
                   const MeasureOptions& options = {});

// Bounds of a split: only keys in [lo, hi] (each optional), and the rows there when known (an
// estimate is fine: the last part takes the remainder); otherwise they are counted first. With
// both bounds and a total of at least kDenseKeyShare * (hi - lo + 1), the range is divided evenly.
inline constexpr double kDenseKeyShare = 0.9;
struct SplitOptions {
  std::optional<std::int64_t> lo;
  std::optional<std::int64_t> hi;
  std::optional<std::int64_t> total;
};

// The first key of each part after the first when the rows under `where` (and in the options'
// range) are split into `parts` parts of equal row counts (parts-1 values, ascending, distinct).
// Part i covers [split[i-1], split[i]); the first part starts at the key's minimum, the last ends
// at its maximum. Fewer values come back when there are fewer rows than parts; none for parts <= 1.
std::vector<std::int64_t> KeySplitPoints(MySqlConnection& conn, const std::string& database,
                                         const std::string& table, const std::string& key,
                                         const std::optional<std::string>& where, int parts,
                                         const SplitOptions& options = {});

// Rows under `where` (and, when `after` is given, past it on `cursor`: the keyset comparison of
// source/select_builder.h) counted up to `cap`: SELECT COUNT(*) FROM (SELECT `column` ... LIMIT
// cap + 1). Reads at most cap + 1 rows (index entries when an index covers the condition).
// REQUIRES: cap >= 0; after->size() == cursor.size().
struct BoundedCount {
  std::int64_t rows = 0;  // exact when !capped; cap + 1 when capped
  bool capped = false;    // more than cap rows
};
// `literals` and `back` are those of the read (SelectBuilder::Literals, After's lookback), so
// the count covers exactly the rows the run will read: values are compared as their column's
// type (an integer past 2^53 stays exact) and a lookback widens the window the same way.
BoundedCount CountUpTo(MySqlConnection& conn, const std::string& database, const std::string& table,
                       const std::optional<std::string>& where, const std::string& column,
                       const std::vector<std::string>& cursor,
                       const std::optional<std::vector<std::string>>& after, std::int64_t cap,
                       const Literals& literals = {}, const Lookback& back = {});

// The optimizer's estimate of the same rows (EXPLAIN's `rows`: index dives for a range of an
// indexed column, the table's statistics otherwise). Reads no rows. 0 when EXPLAIN has none.
std::int64_t EstimateRows(MySqlConnection& conn, const std::string& database,
                          const std::string& table, const std::optional<std::string>& where,
                          const std::string& column, const std::vector<std::string>& cursor,
                          const std::optional<std::vector<std::string>>& after,
                          const Literals& literals = {}, const Lookback& back = {});

// MIN(key) over the rows under `where` with key > after; std::nullopt when there is none.
std::optional<std::int64_t> NextKeyAfter(MySqlConnection& conn, const std::string& database,
                                         const std::string& table, const std::string& key,
                                         const std::optional<std::string>& where,
                                         std::int64_t after);

}  // namespace etl::source
