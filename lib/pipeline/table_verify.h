#pragma once
// Verifying one table: does the target hold what the source has, as the type mapping defines it?
//
// The table is planned as a load would plan it (PlanTable: columns, mapping, key, filter), then
// compared by one of these methods, chosen per table and printed with the result:
//   - checksums of key ranges: when the key is a single integer column and every column has a
//     canonical text both servers can print in SQL (types::HasSqlCanonical). Each server
//     checksums the ranges itself, so only counts and sums cross the network; ranges that
//     differ are narrowed (plan/verify_ranges.h) and compared row by row at the end.
//   - one whole-table checksum, then row by row if it differs: the same, for other keys (text,
//     composite), which the two servers cannot cut into ranges that mean the same rows.
//   - row by row: both tables are streamed in key order and compared in the client
//     (plan/row_diff.h) when a column has no SQL canonical form (json, float, double,
//     column_types overrides) or with --full-scan. Every differing row is found in one pass.
//   - a table without a key: row counts and one whole-table checksum (server-side, or in the
//     client for the column kinds above); the rows that differ cannot be named.
// Incremental tables with a saved watermark compare the source rows at or before it (the rows
// the last load covered); rows past it count as pending, not as differences.
// `where:` applies to the source as it does to loads. Overridden columns (column_types) are
// compared by having PostgreSQL cast the source's text to the column's type, as the load does
// (sink/value_caster.h, on a connection of its own).
//
// Read-only on both sides: the MySQL session is READ ONLY and reads one consistent snapshot;
// PostgreSQL reads in one REPEATABLE READ, READ ONLY transaction (both ended here). Source and
// target are read at the same time on two threads. The two snapshots are not one point in time:
// a source with writes in flight shows rows changed meanwhile as differences.
//
// Never throws: a failure (connection, SQL error, missing table) gives status kFailed with the
// message. REQUIRES: `mysql` and `pg` are open and outside transactions; `table` belongs to `job`.

#include <cstddef>

#include "config/job_loader.h"
#include "config/job_spec.h"
#include "plan/verify_ranges.h"
#include "plan/verify_result.h"
#include "sink/pg_connection.h"
#include "source/mysql_connection.h"

namespace etl::pipeline {

struct VerifySettings {
  bool full_scan = false;     // compare every table row by row
  std::size_t max_keys = 20;  // keys listed per kind of difference
  plan::RangeSettings ranges;
};

plan::TableVerifyResult VerifyTable(const config::JobSpec& job, const config::TableSpec& table,
                                    source::MySqlConnection& mysql, sink::PgConnection& pg,
                                    const config::EnvLookup& env, const VerifySettings& settings);

}  // namespace etl::pipeline
