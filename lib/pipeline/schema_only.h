#pragma once
// `etl run --schema-only`: every selected table's target is created empty, with everything a
// load would give it (columns, defaults, identity, primary key, indexes, comments; foreign keys
// follow in the run's ForeignKeyPass), each table in one transaction. Nothing is read beyond
// the source's metadata and size; no state row is written (the first data load starts from
// scratch). An existing target is left exactly as it is and reported `skipped` with the reason
// "target exists". A table the plan cannot load (missing source table, a refused primary_key)
// is `failed`, as a load would be; the others go on.
// REQUIRES: the target schema exists (PrepareTarget). Never throws.

#include "pipeline/job_runner.h"
#include "report/run_report.h"

namespace etl::pipeline {

// Fills report.tables (one per request.tables entry, in order); finished_at is the caller's.
void CreateSchemaOnly(const RunRequest& request, report::RunReport& report);

}  // namespace etl::pipeline
