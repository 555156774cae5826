#pragma once
// Loading one table, all or nothing (contract: "Loads are all-or-nothing per table").
//
//   full         one PostgreSQL transaction: CREATE TABLE when missing, else TRUNCATE; COPY
//                (FREEZE) or INSERT every source row; primary key added after the load when the
//                table was created; state row; COMMIT. A kill at any moment rolls it all back.
//   incremental  rows whose cursor is past the saved watermark and not past the high mark taken
//                at the start go to a temporary stage, are upserted by primary key, and the new
//                watermark is written in the same transaction. An early stop (sparse keys)
//                commits what was read with the watermark at the last key read.
//   parallel     key ranges split by the real key distribution; each part is read and COPYd by
//                its own pair of connections into a staging table, which replaces the target in
//                one transaction (sink/table_swap.h) or, for incremental loads, is upserted
//                from together with the watermark.
// MySQL reads of one part run in one consistent snapshot (START TRANSACTION WITH CONSISTENT
// SNAPSHOT), so measured key bounds, the high mark and the rows agree.
//
// LoadTable never throws: failures become a `failed` TableReport with the error.
// REQUIRES: the target schema and its etl_state table exist (PrepareTarget, run once per job
// before any table starts: CREATE ... IF NOT EXISTS is not safe against a concurrent creator).

#include <optional>
#include <string>

#include "config/job_loader.h"
#include "config/job_spec.h"
#include "pipeline/cancellation.h"
#include "pipeline/connection_budget.h"
#include "report/run_report.h"

namespace etl::pipeline {

struct LoadContext {
  const config::JobSpec* job = nullptr;
  std::string run_id;
  config::EnvLookup env;
  bool full = false;                         // --full
  std::optional<config::Strategy> strategy;  // --strategy
  bool benchmark = false;                    // --benchmark (or pipeline/table benchmark)
  bool progress = false;                     // progress lines on stderr
  ConnectionBudget* mysql_budget = nullptr;
  ConnectionBudget* pg_budget = nullptr;
  Cancellation* cancellation = nullptr;  // the run's (pipeline/cancellation.h); may be null
};

report::TableReport LoadTable(const LoadContext& context, const config::TableSpec& table);

// Creates the target schema and its etl_state table when missing. Throws sink::PgError.
void PrepareTarget(const config::JobSpec& job, const config::EnvLookup& env);

}  // namespace etl::pipeline
