// TLS set up in the job file, through the `etl` binary: CA paths relative to the job file,
// verification of CA and host name on both sides, and validate's look at the files.
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "support/test_env.h"

using etl::testing::Env;
using etl::testing::JobHeader;
using etl::testing::ReadFile;
using etl::testing::RunEtl;
using etl::testing::WriteTempFile;

namespace {

void Replace(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
}

// A job in its own directory, with `ca` copied to certs/ca.pem next to it, connecting to
// `host` with full verification on both sides.
std::string TlsJob(const std::string& name, const std::string& ca, const std::string& host) {
  const std::string tls_dir = Env("ETL_TLS_DIR");
  if (tls_dir.empty())
    FAIL("the TLS tests need servers started with `scripts/servers.sh start --tls`");
  etl::testing::ResetMySqlDatabase("cli_tls_src");
  etl::testing::MySql("CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1), (2)",
                      "cli_tls_src");
  std::string spec =
      JobHeader("cli_tls_src", "cli_tls_tgt") + "tables:\n  t:\n    batch_size: 10\n";
  Replace(spec, "  host: ${ETL_MYSQL_HOST}\n", "  host: " + host + "\n");
  Replace(spec, "  host: ${ETL_PG_HOST}\n", "  host: " + host + "\n");
  Replace(spec, "  ssl_mode: disabled\n", "  ssl_mode: verify_identity\n  ssl_ca: certs/ca.pem\n");
  Replace(spec, "  sslmode: disable\n", "  sslmode: verify-full\n  sslrootcert: certs/ca.pem\n");
  const std::string job = WriteTempFile(name + "/job.yml", spec);
  const auto certs = std::filesystem::path(job).parent_path() / "certs";
  std::filesystem::create_directories(certs);
  std::filesystem::copy_file(tls_dir + "/" + ca, certs / "ca.pem",
                             std::filesystem::copy_options::overwrite_existing);
  return job;
}

}  // namespace

TEST_CASE("cli tls: verify_identity / verify-full with a CA relative to the job file",
          "[cli][tls]") {
  const std::string job = TlsJob("tls-ok", "ca.pem", "localhost");
  const auto plan = RunEtl({"plan", job});
  INFO(plan.err);
  CHECK(plan.exit_code == 0);
  const auto run = RunEtl({"run", job, "--progress", "never"});
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(etl::testing::Trim(etl::testing::Psql("SELECT count(*) FROM cli_tls_tgt.t")) == "2");
}

TEST_CASE("cli tls: a wrong CA or a wrong host name fails with a clear error", "[cli][tls]") {
  SECTION("wrong CA") {
    const auto r = RunEtl({"plan", TlsJob("tls-wrong-ca", "other-ca.pem", "localhost")});
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err,
               Catch::Contains("cannot connect to the source") && Catch::Contains("certificate"));
  }
  SECTION("wrong host name") {
    // The certificate names localhost only.
    const auto r = RunEtl({"plan", TlsJob("tls-wrong-host", "ca.pem", "127.0.0.1")});
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("Validation of SSL server certificate failed"));
  }
}

TEST_CASE("cli tls: validate warns about a TLS file that is not there", "[cli][tls]") {
  std::string spec =
      JobHeader("cli_tls_src", "cli_tls_tgt") + "tables:\n  t:\n    batch_size: 10\n";
  Replace(spec, "  sslmode: disable\n", "  sslmode: verify-full\n  sslrootcert: missing/ca.pem\n");
  const std::string job = WriteTempFile("tls-missing/job.yml", spec);
  const auto r = RunEtl({"validate", job});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("warning: target.sslrootcert: file '") &&
                        Catch::Contains("tls-missing/missing/ca.pem' does not exist here"));
}
