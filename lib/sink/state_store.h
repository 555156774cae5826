#pragma once
// The load-state table `<schema>.etl_state`: where incremental loads keep their watermark.
// One row per target table (contract: "Incremental loads on a busy source"): the state belongs
// to the table the rows went into, and says who wrote it, so that a watermark is never used by
// a job or a source table it does not belong to.
//
//   table_name     text PRIMARY KEY  -- the TARGET table's name in <schema> (the schema is the
//                                       state table's own, also recorded in target_schema)
//   target_schema  text              -- <schema>
//   job            text              -- the job that saved the state (JobSpec::name, as in
//                                       etl_runs.job); NULL: saved before rows recorded it
//   source_table   text              -- "database.table" the rows came from; NULL: idem
//   cursor_columns jsonb             -- the columns the watermark's values belong to
//   watermark      jsonb             -- the cursor values (JsonStringArray), or NULL
//   pending        jsonb             -- the newest committed cursor when the run probed the
//                                       source, which a later run may advance the watermark to
//   pending_at     bigint            -- the source's clock then (Unix seconds)
//   loaded_columns jsonb             -- the target columns the load wrote (schema drift: a
//                                       target column not in it is the target's own)
//   status         text              -- "ok", "early_terminated", ...
//   rows_loaded    bigint            -- rows written by the run that saved this state
//   updated_at     timestamptz
//
// Layouts before this one keyed the row by the table's name in the job spec and had no job,
// source_table or target_schema: EnsureStateTable adds the columns in place (existing rows keep
// their watermark, with job NULL). A job then finds such a row under its target table's name,
// or under its own name for the table (`legacy_name`) when that differs, and the row it writes
// replaces it.
//
// Atomicity is the caller's: WriteState issues its statements on the connection it is given and
// is meant to run INSIDE the transaction that writes the rows the watermark covers, so both
// commit or neither does. ReadState and the other functions open no transaction either.
//
// Cursor values are the cursor columns' text form (as MySQL prints them), any bytes: stored
// losslessly (JsonStringArray), so binary keys round-trip. A NULL cursor value cannot be stored.
// An empty list stores a NULL watermark (e.g. after a full load).
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
  std::string table_name;  // the row's key: the target table (or a legacy job-spec name)
  std::string job;         // "" when the row predates recorded jobs (migrated)
  std::string source_table;
  std::optional<std::vector<std::string>> watermark;  // nullopt: no watermark saved
  std::string status;
  std::int64_t rows_loaded = 0;
  std::string updated_at;  // as PostgreSQL prints it (ISO 8601 with offset)
  // The cursor columns the watermark's values belong to (empty when none was saved): a
  // watermark is only meaningful for the same cursor.
  std::vector<std::string> cursor_columns;
  std::optional<std::vector<std::string>> pending;  // pipeline/watermark.h
  std::int64_t pending_at = 0;
  std::optional<std::vector<std::string>> loaded_columns;  // nullopt: not recorded

  bool migrated() const { return job.empty(); }
};

// What a load saves.
struct StateWrite {
  std::string target_table;
  std::vector<std::string> watermark;  // empty: none
  std::vector<std::string> cursor_columns;
  std::string status;
  std::int64_t rows = 0;
  std::string job;
  std::string source_table;  // "database.table"
  std::string legacy_name;   // the table's name in the job: a migrated row under it is replaced
  std::vector<std::string> pending;  // empty: none
  std::int64_t pending_at = 0;
  std::vector<std::string> loaded_columns;  // the target columns the load wrote
};

// Creates the table, or brings an older layout up to this one in place.
void EnsureStateTable(PgConnection& conn, std::string_view schema);

// The saved state of target table `target_table`, or nullopt when it has none. When it has
// none and `legacy_name` differs, a migrated row (job NULL) under `legacy_name`.
std::optional<TableState> ReadState(PgConnection& conn, std::string_view schema,
                                    std::string_view target_table,
                                    std::string_view legacy_name = {});

// Upserts the state of `state.target_table` (and removes a migrated row under legacy_name).
// Run inside the caller's open transaction.
void WriteState(PgConnection& conn, std::string_view schema, const StateWrite& state);

// Forgets the state of `target_table`. Same transaction rule.
void DeleteState(PgConnection& conn, std::string_view schema, std::string_view target_table);

// The JSON text of an array of values: each is a JSON string when it is valid UTF-8 without
// NUL ("a\"b"), otherwise {"hex": "<lowercase hex of the bytes>"} (jsonb cannot hold invalid
// UTF-8 or \u0000). ["a", {"hex": "00ff"}]. Exposed for tests and for the run report.
std::string JsonStringArray(const std::vector<std::string>& values);

}  // namespace etl::sink
