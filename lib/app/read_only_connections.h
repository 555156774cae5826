#pragma once
// Opening both servers for a subcommand that only reads (plan, verify): MySQL with
// SET SESSION TRANSACTION READ ONLY, PostgreSQL with the target's session settings.
// A failure is logged on stderr ("cannot connect to the source: <server's message>") and gives
// nullopt; the caller exits 1.

#include <optional>

#include "config/job_loader.h"
#include "config/job_spec.h"
#include "sink/pg_connection.h"
#include "source/mysql_connection.h"

namespace etl::app {

struct ReadOnlyConnections {
  std::optional<source::MySqlConnection> mysql;
  std::optional<sink::PgConnection> pg;
};

std::optional<ReadOnlyConnections> ConnectReadOnly(const config::JobSpec& spec,
                                                   const config::EnvLookup& env);

}  // namespace etl::app
