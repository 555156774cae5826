#pragma once
// What a table load tells the world when it ends (issue 10): its row in the run history
// (sink/run_history.h) and, with `pipeline.notify`, a NOTIFY for downstream caches
// (sink/notify.h).
//
//   RecordCommitted  INSIDE the table's final transaction, just before COMMIT: the history row
//                    and the NOTIFY commit with the data or not at all. Throws PgError (the
//                    caller's transaction then fails, as any statement of it would).
//   RecordAlone      after the table's transaction is gone (failed: rolled back; skipped;
//                    cancelled): the history row on a connection of its own, autocommit, no
//                    NOTIFY. Never throws: a history row that cannot be written is a warning, not
//                    a second failure of the table.
//
// `report` is the table's TableReport as it stands: counters, status, watermark and fingerprint
// filled in; `seconds` up to now. REQUIRES: sink::EnsureRunsTable ran for the job's schema.

#include <string>

#include "config/job_loader.h"
#include "config/job_spec.h"
#include "report/run_report.h"
#include "sink/pg_connection.h"

namespace etl::pipeline {

void RecordCommitted(sink::PgConnection& pg, const config::JobSpec& job, const std::string& run_id,
                     const config::TableSpec& table, const report::TableReport& report);

void RecordAlone(const config::JobSpec& job, const config::EnvLookup& env,
                 const std::string& run_id, const config::TableSpec& table,
                 const report::TableReport& report);

}  // namespace etl::pipeline
