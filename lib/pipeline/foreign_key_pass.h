#pragma once
// The run's foreign keys (`schema.foreign_keys: true`): created after every table of the run has
// loaded, for the tables whose target this run created (a target that existed before keeps its
// own constraints; etl never alters it).
//
// Prepare(), before any table loads, remembers which selected tables' targets are missing.
// Finish(), after all of them, reads those tables' foreign keys from the source and hands the
// ones it can resolve to sink::CreateForeignKeys (NOT VALID, then VALIDATE). Skipped with a
// warning naming the key: a referenced table that is not in the job (or is in another MySQL
// database), a referenced target that does not exist, anything the sink could not create.
// A key the loaded rows break is an error of the run (report.error, exit 1) naming the table and
// the constraint; the data stays committed and the constraint is dropped again (docs/loading.md).
// Tables that failed are left out. Never throws: connection failures become report.error.

#include <string>
#include <vector>

#include "pipeline/job_runner.h"
#include "report/run_report.h"

namespace etl::pipeline {

class ForeignKeyPass {
 public:
  // REQUIRES: request.job->schema.foreign_keys; the target schema exists.
  static ForeignKeyPass Prepare(const RunRequest& request);
  // REQUIRES: report.tables[i] belongs to request.tables[i].
  void Finish(const RunRequest& request, report::RunReport& report) const;

 private:
  std::vector<bool> missing_;  // per request.tables[i]: its target did not exist before the run
  std::string error_;          // Prepare could not look
};

}  // namespace etl::pipeline
