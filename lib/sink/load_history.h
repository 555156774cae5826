#pragma once
// Reading the run history (`<schema>.etl_runs`, written by the run-history hook; columns fixed
// in the project's etl_runs contract) for `--rerun-failed-only`: the latest load of one target
// by one job.
//
// "A load" is a history row whose status is not `skipped` (a skipped table loaded nothing, so it
// says nothing about the target's data). The latest is the one that finished last (a row without
// finished_at counts as older than every row that has one; started_at breaks ties).
// The history table may be absent (a job that never ran with history, or an older etl): that is
// "no load known", not an error.
//
// Errors: PgError for server failures (the caller decides what a failed read means).
// Threads: uses the connection it is given; opens no transaction.

#include <optional>
#include <string>
#include <string_view>

#include "sink/pg_connection.h"

namespace etl::sink {

inline constexpr std::string_view kRunHistoryTableName = "etl_runs";

struct LastLoad {
  std::string run_id;
  std::string status;         // ok | early_terminated | failed | cancelled
  std::string finished_at;    // ISO 8601 UTC, "" when it has none
  bool after_cutoff = false;  // finished at or after the cutoff given to LatestLoad
};

// The latest load of `target_schema`.`target_table` by `job` recorded in
// `history_schema`.etl_runs; nullopt when there is none (or no history table).
// `cutoff` is an ISO 8601 timestamp PostgreSQL can read; it only sets `after_cutoff`.
std::optional<LastLoad> LatestLoad(PgConnection& conn, std::string_view history_schema,
                                   std::string_view job, std::string_view target_schema,
                                   std::string_view target_table, const std::string& cutoff);

}  // namespace etl::sink
