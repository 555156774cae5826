#pragma once
// One table's load under its target lock (sink/target_lock.h), and the `--rerun-failed-only`
// check made under that lock.
//
//   1. Take the lock on the table's target (target database, schema, target_table), waiting up
//      to pipeline.table_lock_wait_s. Still held: the table is `skipped`, `skip_reason` names the
//      holder and `skipped_for_lock` is set (the run exits 75).
//   2. With rerun_failed_only: read the latest load of the target by this job from the run
//      history; when it succeeded within the window (plan/rerun_policy.h) the table is
//      `skipped` with the run that loaded it in `skip_reason`. Read under the lock, so a runner
//      that just committed the table is seen. A history that cannot be read means "load it".
//   3. LoadTable (pipeline/table_load.h): everything of the table, from its first read to its
//      commit or rollback (and post_load), happens while the lock is held.
//   4. Release the lock.
//
// Never throws: a lock that cannot be taken because the target is unreachable fails the table.
// Threads: one call per table; calls for different tables may run at the same time.

#include <functional>
#include <string>

#include "config/job_spec.h"
#include "pipeline/table_load.h"
#include "report/run_report.h"

namespace etl::pipeline {

struct TableGuard {
  std::string run_id;
  int lock_wait_s = 0;  // pipeline.table_lock_wait_s
  bool rerun_failed_only = false;
  std::string rerun_cutoff;         // ISO 8601 UTC start of the rerun window (plan::RerunCutoff)
  std::string rerun_since;          // as the user wrote it, for messages
  std::function<bool()> cancelled;  // optional: stop waiting for a lock
};

report::TableReport LoadTableLocked(const LoadContext& context, const config::TableSpec& table,
                                    const TableGuard& guard);

// This machine's host name ("" when unknown), for lock holders and history rows.
std::string HostName();

}  // namespace etl::pipeline
