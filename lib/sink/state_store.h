#pragma once
// The load-state table `<schema>.etl_state`: where incremental loads keep their watermark.
//
//   table_name  text PRIMARY KEY   -- the table's name in the job spec
//   watermark   jsonb              -- the cursor values as a JSON array of strings, or NULL
//   status      text               -- "ok", "early_terminated", ...
//   rows_loaded bigint             -- rows written by the run that saved this state
//   updated_at  timestamptz
//   cursor_columns jsonb       -- the columns the watermark's values belong to
//
// Atomicity is the caller's: WriteWatermark issues one upsert on the connection it is given and
// is meant to run INSIDE the transaction that writes the rows the watermark covers, so both
// commit or neither does. ReadState and the other functions open no transaction either.
//
// Cursor values are strings in the cursor columns' text form (as MySQL prints them); a NULL
// cursor value cannot be stored. An empty list stores a NULL watermark (e.g. after a full load).
//
// REQUIRES: EnsureStateTable has run for the schema before Read/Write (run it once before
// starting parallel workers; it tolerates a concurrent creator anyway).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sink/pg_connection.h"

namespace etl::sink {

inline constexpr std::string_view kStateTableName = "etl_state";

struct TableState {
  std::optional<std::vector<std::string>> watermark;  // nullopt: no watermark saved
  std::string status;
  std::int64_t rows_loaded = 0;
  std::string updated_at;  // as PostgreSQL prints it (ISO 8601 with offset)
  // The cursor columns the watermark's values belong to (empty when none was saved): a
  // watermark is only meaningful for the same cursor.
  std::vector<std::string> cursor_columns;
};

void EnsureStateTable(PgConnection& conn, std::string_view schema);

// The saved state of `table`, or nullopt when it has none.
std::optional<TableState> ReadState(PgConnection& conn, std::string_view schema,
                                    std::string_view table);

// Upserts the state of `table`. Run inside the caller's open transaction.
void WriteWatermark(PgConnection& conn, std::string_view schema, std::string_view table,
                    const std::vector<std::string>& values, std::string_view status,
                    std::int64_t rows_loaded, const std::vector<std::string>& cursor_columns = {});

// Forgets the state of `table` (e.g. before a forced full reload). Same transaction rule.
void DeleteState(PgConnection& conn, std::string_view schema, std::string_view table);

// The JSON text of an array of strings: ["a","b\"c"] (exposed for tests).
std::string JsonStringArray(const std::vector<std::string>& values);

}  // namespace etl::sink
