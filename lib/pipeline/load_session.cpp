#include "pipeline/load_session.h"

namespace etl::pipeline {

LoadSession OpenLoadSession(const config::JobSpec& job, const config::EnvLookup& env,
                            ConnectionBudget& mysql_budget, ConnectionBudget& pg_budget,
                            const std::string& who, bool tuned) {
  LoadSession s;
  s.mysql_slot = mysql_budget.Acquire(who);
  s.mysql.emplace(source::Connect(job.source, env));
  ReopenPg(s, job, env, pg_budget, who, tuned);
  return s;
}

void ReopenPg(LoadSession& session, const config::JobSpec& job, const config::EnvLookup& env,
              ConnectionBudget& pg_budget, const std::string& who, bool tuned) {
  session.pg_slot = pg_budget.Acquire(who);
  session.pg.emplace(sink::Connect(job.target, env, tuned));
}

LoadSession AcquireSlots(ConnectionBudget& mysql_budget, ConnectionBudget& pg_budget,
                         const std::string& who, const ConnectionBudget::WaitRule& rule) {
  LoadSession s;
  s.mysql_slot = mysql_budget.Acquire(who, rule);
  if (!s.mysql_slot) return s;
  s.pg_slot = pg_budget.Acquire(who, rule);
  if (!s.pg_slot) s.mysql_slot = {};
  return s;
}

void Connect(LoadSession& session, const config::JobSpec& job, const config::EnvLookup& env,
             bool tuned) {
  session.Disconnect();
  session.mysql.emplace(source::Connect(job.source, env));
  session.pg.emplace(sink::Connect(job.target, env, tuned));
}

}  // namespace etl::pipeline
