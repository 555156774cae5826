#pragma once
// The pair of connections one reader/writer of a table load works with, each holding a slot of
// `pipeline.pool` (pipeline/connection_budget.h) for as long as it is open.
//
// Two ways to get one: OpenLoadSession (a table's session: slots and connections at once), or
// AcquireSlots once and then Connect/Disconnect per unit of work (a part worker keeps its pair
// of slots while it works through the table's parts, and opens fresh connections for every part
// and every retry of a part).

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
  // Closes both connections but keeps the slots.
  void Disconnect() {
    mysql.reset();
    pg.reset();
  }
  bool has_slots() const { return static_cast<bool>(mysql_slot) && static_cast<bool>(pg_slot); }
};

// Opens the MySQL connection (when `mysql` is set) and the PostgreSQL connection (target.session
// applied when `tuned`). `who` names the waiter in a pool timeout.
LoadSession OpenLoadSession(const config::JobSpec& job, const config::EnvLookup& env,
                            ConnectionBudget& mysql_budget, ConnectionBudget& pg_budget,
                            const std::string& who, bool tuned);

// Opens only the PostgreSQL side of `session` again (after ClosePg).
void ReopenPg(LoadSession& session, const config::JobSpec& job, const config::EnvLookup& env,
              ConnectionBudget& pg_budget, const std::string& who, bool tuned);

// A MySQL slot, then a PostgreSQL slot, waiting by `rule`; no connection yet. When the rule stops
// the wait, the result has no slots (has_slots() false) and holds none.
LoadSession AcquireSlots(ConnectionBudget& mysql_budget, ConnectionBudget& pg_budget,
                         const std::string& who, const ConnectionBudget::WaitRule& rule);

// Opens both connections of a session that holds its slots (after AcquireSlots or Disconnect).
void Connect(LoadSession& session, const config::JobSpec& job, const config::EnvLookup& env,
             bool tuned);

}  // namespace etl::pipeline
