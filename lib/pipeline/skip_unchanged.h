#pragma once
// skip_unchanged (tables.X.skip_unchanged, default pipeline.skip_unchanged): a table whose source
// fingerprint (source/table_fingerprint.h) equals the one saved with the last load of its target
// is not loaded again: its status is `skipped`, with the reason, and it costs one fingerprint query
// and one history lookup instead of a reload.
//
// The comparison is with the newest etl_runs row that loaded (or tried to load) the same target
// table, whatever the job: the table is skipped only when that row is an `ok` load of the same
// job, spec table and source table with an equal fingerprint, and the target table still exists.
// A failed, cancelled or early-terminated last load, another job's load in between, a missing
// fingerprint or any difference means a normal load (which then saves the new fingerprint).
// `--full` never skips (but still saves the fingerprint, so the next run can). skip_unchanged
// trusts that nothing else writes to the target; `etl verify` checks that.
//
// LoadOrSkip is what the job runner calls instead of LoadTable. It never throws: a fingerprint that
// cannot be taken is a warning and the table loads normally.

#include <optional>
#include <string>

#include "config/job_spec.h"
#include "pipeline/table_load.h"
#include "report/run_report.h"
#include "sink/pg_connection.h"
#include "source/mysql_connection.h"

namespace etl::pipeline {

struct SkipDecision {
  bool skip = false;
  std::optional<std::string> fingerprint;  // taken now; saved with the load when not skipped
  std::string reason;  // skipped: why ("source unchanged since run ..."); else why it loads
};

bool SkipUnchangedOn(const config::JobSpec& job, const config::TableSpec& table);

// REQUIRES: the connections are idle. Throws MySqlError / PgError.
SkipDecision ShouldSkip(source::MySqlConnection& mysql, sink::PgConnection& pg,
                        const config::JobSpec& job, const config::TableSpec& table);

// LoadTable(ctx, table), unless skip_unchanged applies and the source is unchanged; then a
// `skipped` report (with `fingerprint` and `skip_reason`), its etl_runs row, and the display told.
report::TableReport LoadOrSkip(const LoadContext& ctx, const config::TableSpec& table);

}  // namespace etl::pipeline
