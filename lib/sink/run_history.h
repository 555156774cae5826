#pragma once
// The run history `<schema>.etl_runs`: one row per table per run (report::RunRecord; the columns
// are fixed by the contract, see docs/run-report.md). It lives in the target database so that
// every runner of a job (cron on one host, Airflow on another) sees the same history and nothing
// the next run needs is kept on a local disk.
//
// Atomicity is the caller's, as for sink/state_store.h: AppendRun issues one statement on the
// connection it is given and is meant to run INSIDE the table's final transaction (so the row
// commits with the data, or not at all), or, for a failed table, on its own after the rollback.
// AppendRun is an upsert on (run_id, table_name): a table whose data committed and whose
// post_load then failed overwrites its own `ok` row with the `failed` one.
//
// Readers open no transaction. They return nothing (not an error) when etl_runs does not exist
// yet, so `etl report` on a job that never ran says so instead of failing.
//
// REQUIRES: EnsureRunsTable has run for the schema before AppendRun (once per job, before tables
// start; it tolerates a concurrent creator). Errors: PgError.
// Threads: one PgConnection per thread (libpq's rule); the functions keep no state.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "report/run_record.h"
#include "sink/pg_connection.h"

namespace etl::sink {

inline constexpr std::string_view kRunsTableName = "etl_runs";

// Creates `<schema>.etl_runs` and its index when missing. The schema must exist.
void EnsureRunsTable(PgConnection& conn, std::string_view schema);

// Inserts (or, for the same run and table, replaces) the history row.
void AppendRun(PgConnection& conn, std::string_view schema, const report::RunRecord& record);

struct RunQuery {
  std::string job;
  std::vector<std::string> tables;  // table_name values; empty: every table of the job
  // Per table: the newest `newest` finished loads (ok / early_terminated) and the newest `newest`
  // other rows (failed, skipped, cancelled). 0: every row.
  int newest = 0;
  bool first_load = false;            // also each table's oldest ok / early_terminated row
  std::optional<std::string> run_id;  // also every row of this run
};

// Rows of `query.job` in `<schema>.etl_runs`, ordered by table_name, then oldest first
// (started_at, run_id). Empty when the table does not exist.
std::vector<report::RunRecord> ReadRuns(PgConnection& conn, std::string_view schema,
                                        const RunQuery& query);

// The newest row that changed or tried to change `target_schema.target_table` (any job; skipped
// rows left out): what skip_unchanged compares with. nullopt when there is none.
std::optional<report::RunRecord> LastLoadOf(PgConnection& conn, std::string_view schema,
                                            std::string_view target_table);
// The newest `skipped` row of the target (any job), or nullopt.
std::optional<report::RunRecord> LastSkipOf(PgConnection& conn, std::string_view schema,
                                            std::string_view target_table);

}  // namespace etl::sink
