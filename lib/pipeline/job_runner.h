#pragma once
// Running a job: the selected tables, `pipeline.parallel_tables` at a time, each all or
// nothing (pipeline/table_load.h) under the lock on its target (pipeline/locked_table_load.h),
// collected into one RunReport. A failed or skipped table does not stop the others.
//
// Cancellation (RunRequest::cancellation, may be null): once requested, no table starts (the
// rest are `skipped`), and a table that was loading when it came and did not finish is
// `cancelled` (rolled back, its target unchanged). Loads get kHardStopAfter to stop by
// themselves (their registered statement cancels, their checks between steps); then every
// PostgreSQL and MySQL session of the process is closed (sink::StopAllSessions,
// source::StopAllSessions), which rolls back what is still open on the servers and makes the
// loads fail at their next statement, so RunJob returns within a few seconds of a signal. New
// sessions are refused from then until every load has returned; after RunJob they may be
// opened again (the job lock's session is closed too, so nothing after that holds the lock).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "config/job_loader.h"
#include "config/job_spec.h"
#include "pipeline/cancellation.h"
#include "pipeline/job_lock.h"
#include "pipeline/locked_table_load.h"
#include "report/progress.h"
#include "report/run_report.h"

namespace etl::pipeline {

inline constexpr std::chrono::seconds kHardStopAfter{2};

struct RunRequest {
  const config::JobSpec* job = nullptr;
  std::string run_id;  // report::NewRunId() of this run
  std::vector<const config::TableSpec*> tables;
  // Indexes into `tables` in the order to start them (plan/load_order.h); empty: as listed.
  // The report keeps the order of `tables` either way.
  std::vector<std::size_t> start_order;
  config::EnvLookup env;
  bool full = false;
  bool schema_only = false;  // --schema-only: create missing targets, empty (schema_only.h)
  bool data_only = false;    // --data-only: never create or alter a target
  std::optional<config::Strategy> strategy;
  bool benchmark = false;
  bool progress = false;
  // Scale-out: the preparation lock the caller took (released once the target schema and its
  // state tables are ready), and how each table's target lock and rerun check behave (the
  // guard's run_id is taken from run_id above).
  JobLock* prepare_lock = nullptr;
  TableGuard guard;
  report::Progress* display = nullptr;   // the live/plain progress display, or none
  Cancellation* cancellation = nullptr;  // the run's; null: never cancelled
};

// Fills report.tables (in spec order) and finished_at; started_at is the caller's.
void RunJob(const RunRequest& request, report::RunReport& report);

}  // namespace etl::pipeline
