#pragma once
// Running a job: the selected tables, `pipeline.parallel_tables` at a time, each all or
// nothing (pipeline/table_load.h), collected into one RunReport. A failed table does not stop
// the others.

#include <optional>
#include <string>
#include <vector>

#include "config/job_loader.h"
#include "config/job_spec.h"
#include "report/progress.h"
#include "report/run_report.h"

namespace etl::pipeline {

struct RunRequest {
  const config::JobSpec* job = nullptr;
  std::string run_id;  // report::NewRunId() of this run
  std::vector<const config::TableSpec*> tables;
  config::EnvLookup env;
  bool full = false;
  std::optional<config::Strategy> strategy;
  bool benchmark = false;
  bool progress = false;
  report::Progress* display = nullptr;  // the live/plain progress display, or none
};

// Fills report.tables (in spec order) and finished_at; started_at is the caller's.
void RunJob(const RunRequest& request, report::RunReport& report);

}  // namespace etl::pipeline
