#pragma once
// Every MySQL statement of `etl verify` for one table (the PostgreSQL side is
// sink/table_checksum.h; the algorithm that uses both is pipeline/table_verify.h).
//
// Canonical text. Each compared column is printed by an SQL expression (CanonicalExpression)
// in the text its PostgreSQL counterpart prints for the value the load made of it (the sink's
// expression prints the same text from the target), so equal values give equal bytes:
//   text, varchar, enum, set    the text in UTF-8 (CONVERT(... USING utf8mb4) unless the column
//                               is UTF-8 already); set 'a,b' (PostgreSQL: array_to_string)
//   tinyint(1), bit(1)          'true' / 'false'
//   integers, decimal, year     the digits (ZEROFILL padding removed by c + 0)
//   date                        'YYYY-MM-DD'; zero dates NULL (as loaded)
//   datetime / timestamp        'YYYY-MM-DD hh:mm:ss[.f]' with the fraction's trailing zeros
//                               trimmed, as PostgreSQL prints it; timestamp with '+00' (UTC);
//                               zero values NULL
//   time                        '[-]hh:mm:ss[.f]', trimmed the same way (interval's text)
//   bit(n > 1)                  n binary digits
//   binary, blobs               lower-case hex; geometry: hex of the WKB (SRID dropped)
// Columns without such a form (json, float, double, column_types overrides: see
// types::HasSqlCanonical) are selected as they are and compared in the client.
//
// Checksums. A row's hash is MD5 over its canonical fields joined by '|', NULL written "N" and
// free text (text, enum, set) as "<characters>:<text>" (so no two rows' fields give the same
// bytes; types::HashWithLength); a
// range's checksum is COUNT(*) and the exact SUM of the first 60 bits of the row hashes (an
// order-independent sum: duplicate rows of a keyless table do not cancel out). The sink
// computes the same numbers.
//
// Rows. OpenRows streams the columns of every row of a range as they are (the text protocol's
// bytes, which types::SourceText canonicalises in the client) in key order, with MySQL
// ordering text-like key columns bytewise (CAST(... AS BINARY)), the order PostgreSQL's
// COLLATE "C" gives, so both streams arrive in one order. With a watermark, a last field
// says whether the row is past it ('1': changed or added after the last incremental load).
//
// Filters: the table's `where:` (parenthesised, as SelectBuilder does) applies to everything;
// with a watermark, checksums count only rows whose cursor is at or before it (the rows the
// target should hold).
//
// Session: Connect() already set utf8mb4, time_zone '+00:00' and sql_mode ''. BeginSnapshot
// makes the session read-only and starts one consistent snapshot; every later statement reads
// in it. Errors are MySqlError with the server's message.
// Thread safety: one thread at a time (the connection's rule).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "source/mysql_connection.h"
#include "source/row_reader.h"
#include "types/key_range.h"
#include "types/type_mapping.h"

namespace etl::source {

struct ChecksumTable {
  std::string database;
  std::string table;
  std::vector<types::TargetColumn> columns;  // compared in this order
  std::vector<std::size_t> key;              // indexes into columns; empty: no key
  std::optional<std::string> where;
  std::vector<std::string> cursor;     // incremental: cursor columns (incremental_columns + key)
  std::vector<std::string> watermark;  // the saved watermark's values; empty: none
};

// The MySQL expression printing `column`'s canonical text (see above), or the quoted column
// itself when it has no SQL canonical form.
// `utf8`: the column's character set is utf8mb4/utf8mb3, so text needs no conversion.
std::string CanonicalExpression(const types::TargetColumn& column, bool utf8 = false);

class SourceTableChecksum {
 public:
  SourceTableChecksum(MySqlConnection& conn, ChecksumTable table);

  // SET SESSION TRANSACTION READ ONLY, then START TRANSACTION WITH CONSISTENT SNAPSHOT.
  void BeginSnapshot();
  // Ends the snapshot (ROLLBACK: nothing was written). Never throws.
  void EndSnapshot() noexcept;

  // MIN and MAX of the single integer key under the filter; nullopt when no row matches.
  // REQUIRES: one key column, an integer.
  std::optional<std::pair<std::int64_t, std::int64_t>> KeyBounds();

  types::RangeChecksum Checksum(const types::KeyRange& range);
  // Keys that cut the source rows of `range` into `parts` parts of equal row counts (ascending;
  // fewer when it holds fewer rows), read from the key's index (source::KeySplitPoints), so a
  // skewed key is narrowed by rows, not by width. REQUIRES: a single integer key.
  std::vector<std::int64_t> SplitPoints(const types::KeyRange& range, int parts);
  // REQUIRES for a bounded range: a single integer key.
  RowReader OpenRows(const types::KeyRange& range);

  // Whether OpenRows adds the "past the watermark" field.
  bool has_watermark() const { return !table_.watermark.empty(); }

  std::string ChecksumSql(const types::KeyRange& range) const;
  std::string RowsSql(const types::KeyRange& range) const;

 private:
  std::string Predicates(const types::KeyRange& range, bool below_watermark) const;
  std::string Where(const types::KeyRange& range, bool below_watermark) const;

  MySqlConnection& conn_;
  ChecksumTable table_;
  std::string context_;
  std::vector<bool> utf8_;  // per column: its text is UTF-8 already (read by BeginSnapshot)
};

}  // namespace etl::source
