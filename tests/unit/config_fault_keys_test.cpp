// Unit tests of the timeout, TLS-file and retry keys (config/fault_keys.h): defaults, ranges,
// path resolution against the job file, and the located diagnostics validate prints.

#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/job_loader.h"
#include "support/test_env.h"

namespace etl::config {
namespace {

LoadResult Load(const std::string& text, const std::string& path = "job.yml") {
  return LoadJobSpecFromString(text, path, [](const std::string&) { return std::nullopt; });
}

std::vector<std::string> Lines(const LoadResult& r) {
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diagnostics)
    out.push_back(d.ToString());
  return out;
}

// A job with `source_extra`, `target_extra` and `pipeline_extra` lines added to its blocks.
// Source lines start at line 5, target lines right after.
std::string Job(const std::string& source_extra, const std::string& target_extra = "",
                const std::string& pipeline_extra = "") {
  return "version: 1\n"
         "source:\n"
         "  user: etl\n"
         "  database: shop\n" +
         source_extra +
         "target:\n"
         "  database: dw\n" +
         target_extra + "pipeline:\n  parallel_tables: 1\n" + pipeline_extra +
         "tables:\n"
         "  orders:\n"
         "    batch_size: 1000\n";
}

}  // namespace

TEST_CASE("fault keys: defaults when nothing is given", "[config][faults]") {
  const auto r = Load(Job(""));
  REQUIRE(r.ok());
  const JobSpec& s = *r.spec;
  CHECK(s.source.connect_timeout_s == 10);
  CHECK(s.source.read_timeout_s == 600);
  CHECK(s.source.ssl_ca.empty());
  CHECK(s.source.ssl_cert.empty());
  CHECK(s.source.ssl_key.empty());
  CHECK(s.target.connect_timeout_s == 10);
  CHECK(s.target.sslrootcert.empty());
  CHECK(s.pipeline.retry.attempts == 3);
  CHECK(s.pipeline.retry.initial_backoff_s == 1);
  CHECK(s.pipeline.retry.max_backoff_s == 60);
}

TEST_CASE("fault keys: given values are read", "[config][faults]") {
  const auto r =
      Load(Job("  connect_timeout_s: 3\n  read_timeout_s: 30\n", "  connect_timeout_s: 4\n",
               "  retry: {attempts: 5, initial_backoff_s: 0.5, max_backoff_s: 8}\n"));
  INFO(Catch::StringMaker<std::vector<std::string>>::convert(Lines(r)));
  REQUIRE(r.ok());
  CHECK(r.spec->source.connect_timeout_s == 3);
  CHECK(r.spec->source.read_timeout_s == 30);
  CHECK(r.spec->target.connect_timeout_s == 4);
  CHECK(r.spec->pipeline.retry.attempts == 5);
  CHECK(r.spec->pipeline.retry.initial_backoff_s == 0.5);
  CHECK(r.spec->pipeline.retry.max_backoff_s == 8);
}

TEST_CASE("fault keys: ranges are checked and located", "[config][faults]") {
  const auto r =
      Load(Job("  connect_timeout_s: 0\n  read_timeout_s: 100000\n", "  connect_timeout_s: -1\n",
               "  retry:\n    attempts: 0\n    initial_backoff_s: 5\n"
               "    max_backoff_s: 2\n    jitter: full\n"));
  CHECK_FALSE(r.ok());
  CHECK(Lines(r) ==
        std::vector<std::string>{
            "job.yml:5:22: error: source.connect_timeout_s: must be between 1 and 3600, got 0",
            "job.yml:6:19: error: source.read_timeout_s: must be between 1 and 86400, got 100000",
            "job.yml:9:22: error: target.connect_timeout_s: must be between 1 and 3600, got -1",
            "job.yml:13:15: error: pipeline.retry.attempts: must be between 1 and 100, got 0",
            "job.yml:15:20: error: pipeline.retry.max_backoff_s: max_backoff_s (2) must not be "
            "below initial_backoff_s (5)",
            "job.yml:16:5: error: pipeline.retry.jitter: unknown key 'jitter'"});
}

TEST_CASE("fault keys: TLS files resolve against the job file's directory", "[config][faults]") {
  const auto ca = std::filesystem::path(testing::WriteTempFile("tls/ca.pem", "x"));
  const auto dir = ca.parent_path().parent_path();
  const std::string job_path = (dir / "job.yml").string();
  const auto r = Load(Job("  ssl_mode: verify_identity\n  ssl_ca: tls/ca.pem\n",
                          "  sslmode: verify-full\n  sslrootcert: ./tls/ca.pem\n"),
                      job_path);
  INFO(Catch::StringMaker<std::vector<std::string>>::convert(Lines(r)));
  REQUIRE(r.ok());
  CHECK(r.diagnostics.empty());
  CHECK(r.spec->source.ssl_ca == ca.string());
  CHECK(r.spec->target.sslrootcert == ca.string());
}

TEST_CASE("fault keys: absolute TLS paths stay as given", "[config][faults]") {
  const std::string ca = testing::WriteTempFile("tls/abs-ca.pem", "x");
  const auto r = Load(Job("  ssl_ca: " + ca + "\n"), "/elsewhere/job.yml");
  REQUIRE(r.ok());
  CHECK(r.spec->source.ssl_ca == ca);
}

TEST_CASE("fault keys: a missing TLS file is a warning, a lone certificate an error",
          "[config][faults]") {
  const auto r = Load(Job("  ssl_mode: required\n  ssl_cert: /no/such/client.pem\n",
                          "  sslmode: require\n  sslkey: /no/such/client.key\n"),
                      "/jobs/job.yml");
  CHECK_FALSE(r.ok());
  CHECK(Lines(r) == std::vector<std::string>{
                        "/jobs/job.yml:6:13: warning: source.ssl_cert: file "
                        "'/no/such/client.pem' does not exist here (connecting will fail unless "
                        "it exists where etl runs)",
                        "/jobs/job.yml:6:13: error: source.ssl_cert: ssl_cert needs ssl_key too (a "
                        "client certificate and its private key go together)",
                        "/jobs/job.yml:10:11: warning: target.sslkey: file '/no/such/client.key' "
                        "does not exist here (connecting will fail unless it exists where etl "
                        "runs)",
                        "/jobs/job.yml:10:11: error: target.sslkey: sslkey needs sslcert too (a "
                        "client certificate and its private key go together)"});
}

TEST_CASE("fault keys: TLS files with TLS turned off are ignored with a warning",
          "[config][faults]") {
  const std::string ca = testing::WriteTempFile("tls/off-ca.pem", "x");
  const auto r = Load(Job("  ssl_mode: disabled\n  ssl_ca: " + ca + "\n",
                          "  sslmode: disable\n  sslrootcert: " + ca + "\n"));
  REQUIRE(r.ok());
  CHECK(Lines(r) ==
        std::vector<std::string>{
            "job.yml:6:3: warning: source.ssl_ca: ignored: ssl_mode is disabled (no TLS is used)",
            "job.yml:10:3: warning: target.sslrootcert: ignored: sslmode is disable (no TLS is "
            "used)"});
}

TEST_CASE("fault keys: verify_ca needs ssl_ca", "[config][faults]") {
  const auto r = Load(Job("  ssl_mode: verify_ca\n"));
  CHECK_FALSE(r.ok());
  CHECK(Lines(r) == std::vector<std::string>{"job.yml:5:13: error: source.ssl_mode: verify_ca "
                                             "needs ssl_ca (the CA the server's certificate must "
                                             "chain to)"});
  CHECK(Load(Job("  ssl_mode: verify_identity\n")).ok());  // may use the system's CA store
}

TEST_CASE("fault keys: an empty TLS path is an error", "[config][faults]") {
  const auto r = Load(Job("  ssl_ca: \"\"\n"));
  CHECK_FALSE(r.ok());
  CHECK(Lines(r) == std::vector<std::string>{"job.yml:5:11: error: source.ssl_ca: must not be "
                                             "empty (leave the key out instead)"});
}

}  // namespace etl::config
