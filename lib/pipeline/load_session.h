#pragma once
// The pair of connections one reader/writer of a table load works with, each holding a slot of
// `pipeline.pool` (pipeline/connection_budget.h) for as long as it is open.

#include <optional>
#include <string>

#include "config/job_loader.h"
#include "config/job_spec.h"
#include "pipeline/connection_budget.h"
#include "sink/pg_connection.h"
#include "source/mysql_connection.h"

namespace etl::pipeline {

struct LoadSession {
  ConnectionBudget::Slot mysql_slot;
  std::optional<source::MySqlConnection> mysql;
  ConnectionBudget::Slot pg_slot;
  std::optional<sink::PgConnection> pg;

  void CloseMySql() {
    mysql.reset();
    mysql_slot = {};
  }
  void ClosePg() {
    pg.reset();
    pg_slot = {};
  }
};

// Opens the MySQL connection (when `mysql` is set) and the PostgreSQL connection (target.session
// applied when `tuned`). `who` names the waiter in a pool timeout.
LoadSession OpenLoadSession(const config::JobSpec& job, const config::EnvLookup& env,
                            ConnectionBudget& mysql_budget, ConnectionBudget& pg_budget,
                            const std::string& who, bool tuned);

// Opens only the PostgreSQL side of `session` again (after ClosePg).
void ReopenPg(LoadSession& session, const config::JobSpec& job, const config::EnvLookup& env,
              ConnectionBudget& pg_budget, const std::string& who, bool tuned);

}  // namespace etl::pipeline
