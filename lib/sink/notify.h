#pragma once
// Telling downstream caches that a table loaded: `pipeline.notify: CHANNEL` sends a PostgreSQL
// NOTIFY on the channel inside each table's final transaction, so a listener hears about data
// only once it is committed (PostgreSQL delivers notifications at COMMIT and drops them on
// ROLLBACK). A failed table sends nothing.
//
// Notify issues `SELECT pg_notify($1, $2)` on the connection it is given: channel and payload are
// parameters, never spliced into SQL. Run it inside the transaction whose commit it announces.
// The payload is a JSON object (LoadedPayload) kept under PostgreSQL's 8000-byte limit: when the
// watermark would push it over, the watermark is left out ("watermark": null,
// "watermark_omitted": true) rather than failing the commit.
//
// Errors: PgError. Threads: one PgConnection per thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sink/pg_connection.h"

namespace etl::sink {

// PostgreSQL rejects payloads of 8000 bytes or more.
inline constexpr std::size_t kMaxNotifyPayload = 7999;

struct LoadedTable {
  std::string table;  // the table's key in the spec
  std::string schema;
  std::string target_table;
  std::int64_t rows = 0;                 // rows written by this load
  std::optional<std::string> watermark;  // JSON text (array of strings), incremental tables
  std::string run_id;
  std::string job;
  std::string status;  // ok | early_terminated
};

// {"table":…, "schema":…, "target_table":…, "rows":…, "watermark":…, "run_id":…, "job":…,
//  "status":…} as compact JSON, at most kMaxNotifyPayload bytes.
std::string LoadedPayload(const LoadedTable& loaded);

void Notify(PgConnection& conn, std::string_view channel, std::string_view payload);

}  // namespace etl::sink
