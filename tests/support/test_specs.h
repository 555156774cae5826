#pragma once
// Connection specs for the test servers (the ETL_* variables of `scripts/servers.sh env`), for
// integration tests that open etl's own connections. Header-only: a test that includes it links
// a layer library, which brings etl_config.

#include <string>

#include <catch2/catch.hpp>

#include "config/job_spec.h"
#include "support/test_env.h"

namespace etl::testing {

// The test PostgreSQL in plain text; the password comes from ETL_PG_PASSWORD.
inline config::TargetSpec TestTargetSpec(const std::string& schema = "public") {
  RequireServers();
  config::TargetSpec t;
  t.host = Env("ETL_PG_HOST");
  t.port = std::stoi(Env("ETL_PG_PORT"));
  t.user = Env("ETL_PG_USER");
  t.password_env = "ETL_PG_PASSWORD";
  t.database = Env("ETL_PG_DATABASE");
  t.schema = schema;
  t.sslmode = "disable";
  return t;
}

// The test MariaDB in plain text; the password comes from ETL_MYSQL_PASSWORD.
inline config::SourceSpec TestSourceSpec(const std::string& database) {
  RequireServers();
  config::SourceSpec s;
  s.host = Env("ETL_MYSQL_HOST");
  s.port = std::stoi(Env("ETL_MYSQL_PORT"));
  s.user = Env("ETL_MYSQL_USER");
  s.password_env = "ETL_MYSQL_PASSWORD";
  s.database = database;
  s.ssl_mode = "disabled";
  return s;
}

// A file of the throwaway CA of `scripts/servers.sh start --tls` ($ETL_TLS_DIR): ca.pem,
// other-ca.pem, client.pem, client.key. FAILs when the servers run without TLS.
inline std::string TlsFile(const std::string& name) {
  const std::string dir = Env("ETL_TLS_DIR");
  if (dir.empty()) FAIL("the TLS tests need servers started with `scripts/servers.sh start --tls`");
  return dir + "/" + name;
}

}  // namespace etl::testing
