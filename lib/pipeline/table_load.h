#pragma once
// Loading one table, all or nothing (contract: "Loads are all-or-nothing per table" and "Full
// reloads of an existing target").
//
// LoadTable plans the table in the reader's MySQL snapshot (pipeline/table_planner.h: strategy,
// chunking, and how rows reach the target: create / swap / merge / upsert, plan/target_variant.h),
// then runs N readers into N writers of one sink::TargetLoad (sink/target_load.h owns every
// PostgreSQL statement of the load, its locking and its visibility):
//   one stream   (standard, streaming, copy_csv)  one reader thread into one writer, N = 1;
//   parallel     the key range split by the key's real distribution (source/table_stats.h),
//                one MySQL snapshot, reader and PostgreSQL connection per part, N = parts.
// Then TargetLoad::Commit makes the rows the target's together with the state row (watermark),
// and post_load runs. MySQL statements come from source/, PostgreSQL statements from sink/;
// this layer only moves rows. Each reader/writer pair is a load unit (pipeline/load_unit.h);
// the parts of a parallel load are run by pipeline/part_runner.h.
//
// Faults (docs/faults.md): a lost connection (pipeline/error_class.h) redoes, within
// pipeline.retry, the smallest unit whose writes were lost: a parallel part alone, a
// single-stream table from its Begin with the same plan and incremental window; never a load
// whose final COMMIT was in doubt. Parallel parts are served by at most pool.size workers that
// queue for the pool; the first part that fails for good cancels its siblings. The run's
// `cancellation` stops the running statements and the pump. TableReport::retries counts every
// retry.
//
// LoadTable never throws: failures become a `failed` TableReport with the error, after the load
// was abandoned (the target and its watermark stay as they were).
// REQUIRES: the target schema and its etl_state table exist (PrepareTarget, run once per job
// before any table starts: CREATE ... IF NOT EXISTS is not safe against a concurrent creator).

#include <functional>
#include <optional>
#include <string>

#include "config/job_loader.h"
#include "config/job_spec.h"
#include "pipeline/cancellation.h"
#include "pipeline/connection_budget.h"
#include "report/progress.h"
#include "report/run_report.h"

namespace etl::pipeline {

struct LoadContext {
  const config::JobSpec* job = nullptr;
  std::string run_id;
  config::EnvLookup env;
  bool full = false;                         // --full
  bool data_only = false;                    // --data-only: never create or alter a target
  std::optional<config::Strategy> strategy;  // --strategy
  bool benchmark = false;                    // --benchmark (or pipeline/table benchmark)
  bool progress = false;                     // progress lines on stderr
  report::Progress* display = nullptr;       // fed with each part's rows (issue 10), or none
  ConnectionBudget* mysql_budget = nullptr;
  ConnectionBudget* pg_budget = nullptr;
  // Whether this run still holds the target's table lock (pipeline/locked_table_load.h); asked
  // inside the final transaction, just before COMMIT. Empty: no lock to check.
  std::function<bool()> lock_held;
  // skip_unchanged (issue 10): the source fingerprint taken before this table's load, saved with
  // its history row. Set per table by the job runner.
  std::optional<std::string> fingerprint;
  Cancellation* cancellation = nullptr;  // the run's (pipeline/cancellation.h); may be null
};

report::TableReport LoadTable(const LoadContext& context, const config::TableSpec& table);

// Creates the target schema and its etl_state table when missing. Throws sink::PgError.
void PrepareTarget(const config::JobSpec& job, const config::EnvLookup& env);

}  // namespace etl::pipeline
