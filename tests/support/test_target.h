#pragma once
// For sink/ integration tests: a connection to the test PostgreSQL server made by etl's own
// sink::Connect (tests that check etl's outcome use the psql helpers of test_env.h instead).
// Header-only: only test executables that link etl_sink include it.

#include <string>

#include "config/job_loader.h"
#include "config/job_spec.h"
#include "sink/pg_connection.h"
#include "support/test_env.h"

namespace etl::testing {

// The TargetSpec of the test server (ETL_PG_* variables, plain text).
inline config::TargetSpec TestTargetSpec() {
  RequireServers();
  config::TargetSpec t;
  t.host = Env("ETL_PG_HOST");
  t.port = std::stoi(Env("ETL_PG_PORT"));
  t.user = Env("ETL_PG_USER");
  t.password_env = "ETL_PG_PASSWORD";
  t.database = Env("ETL_PG_DATABASE");
  t.sslmode = "disable";
  return t;
}

// A connection to it; `apply_session` as sink::Connect.
inline sink::PgConnection OpenTestTarget(bool apply_session = true) {
  return sink::Connect(TestTargetSpec(), config::ProcessEnvironment(), apply_session);
}

}  // namespace etl::testing
