#pragma once
// Every PostgreSQL statement of `etl verify` for one target table (the MySQL side and the
// canonical forms both sides print are described in source/table_checksum.h).
//
// Canonical text here is mostly PostgreSQL's own text output, made deterministic by the
// session BeginSnapshot sets (TimeZone UTC, DateStyle ISO, IntervalStyle postgres,
// extra_float_digits 1, bytea_output hex):
//   text, varchar, enum           c::text              set (text[])  array_to_string(c, ',')
//   boolean                       'true' / 'false'     integers, numeric  c::text
//   date, timestamp(tz)           c::text ('2020-01-01 10:00:00.5', '...+00')
//   interval                      c::text ('-838:59:59', '00:00:01.5')
//   bit varying                   c::text              bytea (binary, blobs, geometry)  hex
// Columns without an SQL canonical form (json, float, double, column_types overrides) are
// selected as c::text and compared in the client.
//
// Checksums are computed exactly as the source's (MD5 over the fields joined by '|', "N" for
// NULL, "<characters>:<text>" for free text; COUNT and the sum of the first 60 bits), so equal rows
// give equal numbers on both servers. Rows are streamed as they are (types::TargetText
// canonicalises them in the client) with COPY (sink/copy_reader.h) in key order, text-like key
// columns ordered COLLATE "C" (bytewise, as the source orders them), NULLs first (as MySQL sorts
// them).
//
// Session: BeginSnapshot applies the settings above, checks that the database's encoding is
// UTF8 (the hashes are over UTF-8 bytes) and starts a REPEATABLE READ, READ ONLY transaction:
// every later statement reads one snapshot and nothing can be written.
// Errors: PgError. Thread safety: one thread at a time.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sink/copy_reader.h"
#include "sink/pg_connection.h"
#include "types/key_range.h"
#include "types/type_mapping.h"

namespace etl::sink {

struct ChecksumTarget {
  std::string schema;
  std::string table;
  std::vector<types::TargetColumn> columns;  // compared in this order (names as in the target)
  std::vector<std::size_t> key;              // indexes into columns; empty: no key
};

// The session settings the canonical text forms rely on (TimeZone UTC, DateStyle ISO,
// IntervalStyle postgres, extra_float_digits 1, bytea_output hex), for any connection whose
// output verify compares (BeginSnapshot applies them too).
void ApplyCanonicalSession(PgConnection& conn);

// The PostgreSQL expression printing `column`'s canonical text (always of type text).
std::string CanonicalExpression(const types::TargetColumn& column);

class TargetTableChecksum {
 public:
  TargetTableChecksum(PgConnection& conn, ChecksumTarget table);

  void BeginSnapshot();
  void EndSnapshot() noexcept;  // ROLLBACK; never throws

  // MIN and MAX of the single integer key; nullopt when the table is empty.
  std::optional<std::pair<std::int64_t, std::int64_t>> KeyBounds();
  types::RangeChecksum Checksum(const types::KeyRange& range);
  CopyReader OpenRows(const types::KeyRange& range);

  std::string ChecksumSql(const types::KeyRange& range) const;
  std::string RowsSql(const types::KeyRange& range) const;

 private:
  std::string Where(const types::KeyRange& range) const;

  PgConnection& conn_;
  ChecksumTarget table_;
  std::string context_;
};

}  // namespace etl::sink
