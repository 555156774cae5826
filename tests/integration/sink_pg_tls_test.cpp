// TLS against the test PostgreSQL started with `scripts/servers.sh start --tls` (certificate for
// DNS:localhost only, signed by the throwaway CA in $ETL_TLS_DIR): each sslmode does what libpq
// promises, checked on the server side (pg_stat_ssl of the session).
#include <string>

#include <catch2/catch.hpp>

#include "config/job_loader.h"
#include "sink/pg_connection.h"
#include "support/test_env.h"
#include "support/test_specs.h"

namespace sink = etl::sink;

namespace {

using etl::testing::TlsFile;

etl::config::TargetSpec Target(const std::string& sslmode, const std::string& host = "127.0.0.1") {
  auto t = etl::testing::TestTargetSpec();
  t.host = host;
  t.sslmode = sslmode;
  return t;
}

// "t" when the session is encrypted, as the server sees it.
std::string Encrypted(const etl::config::TargetSpec& t) {
  auto conn = sink::Connect(t, etl::config::ProcessEnvironment(), false);
  return conn.Query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").String(0, 0);
}

void ExpectRefused(const etl::config::TargetSpec& t, const std::string& why) {
  try {
    sink::Connect(t, etl::config::ProcessEnvironment(), false);
    FAIL("connected with sslmode " << t.sslmode << " to " << t.host);
  } catch (const sink::PgError& e) {
    INFO(e.what());
    CHECK_THAT(e.what(), Catch::Contains(why));
    CHECK_FALSE(e.IsConnectionError());  // never retried
  }
}

}  // namespace

TEST_CASE("disable is plain text, require is encrypted", "[sink][tls]") {
  TlsFile("ca.pem");
  CHECK(Encrypted(Target("disable")) == "f");
  CHECK(Encrypted(Target("prefer")) == "t");
  CHECK(Encrypted(Target("require")) == "t");
}

TEST_CASE("verify-ca checks the CA but not the host name", "[sink][tls]") {
  auto t = Target("verify-ca");
  t.sslrootcert = TlsFile("ca.pem");
  CHECK(Encrypted(t) == "t");
  t.sslrootcert = TlsFile("other-ca.pem");
  ExpectRefused(t, "certificate verify failed");
}

TEST_CASE("verify-full checks the CA and the host name", "[sink][tls]") {
  auto t = Target("verify-full", "localhost");
  t.sslrootcert = TlsFile("ca.pem");
  CHECK(Encrypted(t) == "t");
  auto by_address = Target("verify-full", "127.0.0.1");
  by_address.sslrootcert = TlsFile("ca.pem");
  ExpectRefused(by_address, "does not match host name \"127.0.0.1\"");
  t.sslrootcert = TlsFile("other-ca.pem");
  ExpectRefused(t, "certificate verify failed");
}

TEST_CASE("sslcert and sslkey log in a role that must present a client certificate",
          "[sink][tls]") {
  auto t = Target("verify-ca");
  t.user = "etl_cert";
  t.password_env = "";
  t.sslrootcert = TlsFile("ca.pem");
  t.sslcert = TlsFile("client.pem");
  t.sslkey = TlsFile("client.key");
  auto conn = sink::Connect(t, etl::config::ProcessEnvironment(), false);
  CHECK(conn.Query("SELECT current_user").String(0, 0) == "etl_cert");
  t.sslcert.clear();
  t.sslkey.clear();
  ExpectRefused(t, "etl_cert");
}
