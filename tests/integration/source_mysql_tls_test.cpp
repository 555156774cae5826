// TLS against the test MariaDB started with `scripts/servers.sh start --tls` (its certificate
// names DNS:localhost only, signed by the throwaway CA in $ETL_TLS_DIR): each ssl_mode does
// what it promises, checked on the server side (Ssl_cipher of the session).
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "source/mysql_connection.h"
#include "source/mysql_error.h"
#include "support/fault_injection.h"
#include "support/test_env.h"
#include "support/test_specs.h"

namespace etl::source_tests {
config::SourceSpec TestSource(const std::string& database);
config::EnvLookup TestEnv(const std::optional<std::string>& password);
}  // namespace etl::source_tests

using etl::source::Connect;
using etl::source::MySqlError;
using etl::source_tests::TestEnv;
using etl::source_tests::TestSource;

namespace {

using etl::testing::TlsFile;

etl::config::SourceSpec Spec(const std::string& mode, const std::string& host = "127.0.0.1") {
  auto s = TestSource("");
  s.host = host;
  s.ssl_mode = mode;
  return s;
}

// The session's cipher as the server sees it ("" in plain text).
std::string Cipher(const etl::config::SourceSpec& spec) {
  auto conn = Connect(spec, TestEnv(std::nullopt));
  const auto rows = conn.Query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
  REQUIRE(rows.size() == 1);
  return rows[0][1].value_or("");
}

void ExpectRefused(const etl::config::SourceSpec& spec, const std::string& why) {
  try {
    Connect(spec, TestEnv(std::nullopt));
    FAIL("connected with ssl_mode " << spec.ssl_mode << " to " << spec.host);
  } catch (const MySqlError& e) {
    INFO(e.what());
    CHECK_THAT(e.what(), Catch::Contains(why));
    CHECK_FALSE(e.IsConnectionError());  // never retried
  }
}

}  // namespace

TEST_CASE("disabled is plain text, preferred and required are encrypted", "[source][tls]") {
  TlsFile("ca.pem");
  CHECK(Cipher(Spec("disabled")).empty());
  CHECK_FALSE(Cipher(Spec("preferred")).empty());
  CHECK_FALSE(Cipher(Spec("required")).empty());
}

TEST_CASE("verify_ca checks the CA but not the host name", "[source][tls]") {
  auto spec = Spec("verify_ca");  // 127.0.0.1 is not in the certificate: still accepted
  spec.ssl_ca = TlsFile("ca.pem");
  CHECK_FALSE(Cipher(spec).empty());
  spec.ssl_ca = TlsFile("other-ca.pem");
  ExpectRefused(spec, "certificate");
  spec.ssl_ca.clear();  // nothing to verify against: refused rather than unverified
  ExpectRefused(spec, "ssl_mode verify_ca needs ssl_ca");
}

TEST_CASE("verify_identity checks the CA and the host name", "[source][tls]") {
  auto spec = Spec("verify_identity", "localhost");
  spec.ssl_ca = TlsFile("ca.pem");
  CHECK_FALSE(Cipher(spec).empty());
  spec.ssl_ca = TlsFile("other-ca.pem");
  ExpectRefused(spec, "certificate");
  auto by_address = Spec("verify_identity", "127.0.0.1");
  by_address.ssl_ca = TlsFile("ca.pem");
  ExpectRefused(by_address, "Validation of SSL server certificate failed");
}

TEST_CASE("a CA given with required is not used to verify (as with the MySQL client)",
          "[source][tls]") {
  auto spec = Spec("required");
  spec.ssl_ca = TlsFile("other-ca.pem");
  CHECK_FALSE(Cipher(spec).empty());
}

TEST_CASE("ssl_cert and ssl_key log in a user that requires a client certificate",
          "[source][tls]") {
  auto spec = Spec("verify_ca");
  spec.user = "etl_cert";
  spec.password_env = "";
  spec.ssl_ca = TlsFile("ca.pem");
  spec.ssl_cert = TlsFile("client.pem");
  spec.ssl_key = TlsFile("client.key");
  auto conn = Connect(spec, TestEnv(std::nullopt));
  CHECK(conn.QueryScalar("SELECT CURRENT_USER()") == "etl_cert@%");
  spec.ssl_cert.clear();
  spec.ssl_key.clear();
  ExpectRefused(spec, "Access denied for user 'etl_cert'");
}

TEST_CASE("against a server without TLS, required and the verify modes refuse plain text",
          "[source][tls]") {
  TlsFile("ca.pem");
  etl::testing::RestartServer("mysql --plain");
  struct Restore {
    ~Restore() { etl::testing::RestartServer("mysql"); }
  } restore;
  CHECK(Cipher(Spec("preferred")).empty());
  ExpectRefused(Spec("required"), "ssl_mode is required but the connection is not encrypted");
  auto verify_ca = Spec("verify_ca");
  verify_ca.ssl_ca = TlsFile("ca.pem");
  ExpectRefused(verify_ca, "ssl_mode is verify_ca but the connection is not encrypted");
  auto verify_identity = Spec("verify_identity", "localhost");
  verify_identity.ssl_ca = TlsFile("ca.pem");
  ExpectRefused(verify_identity, "SSL is required, but the server does not support it");
}
