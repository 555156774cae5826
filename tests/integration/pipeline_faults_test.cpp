// Real server errors are classified as pipeline/error_class.h says (retry on connection loss
// only), Retry recovers a unit whose session was killed, and the cancel hooks stop statements.
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "config/job_loader.h"
#include "pipeline/cancel_hooks.h"
#include "pipeline/cancellation.h"
#include "pipeline/error_class.h"
#include "pipeline/retry.h"
#include "sink/pg_connection.h"
#include "source/mysql_connection.h"
#include "source/mysql_error.h"
#include "support/fault_injection.h"
#include "support/test_env.h"
#include "support/test_specs.h"

using etl::pipeline::Cancellation;
using etl::pipeline::Classify;
using etl::pipeline::ErrorClass;
using etl::testing::SecondsSince;
namespace sink = etl::sink;
namespace source = etl::source;

namespace {

etl::config::TargetSpec Target() {
  return etl::testing::TestTargetSpec();
}

etl::config::SourceSpec Source(const std::string& ssl_mode = "disabled") {
  auto s = etl::testing::TestSourceSpec("etl_pipe_faults");
  s.ssl_mode = ssl_mode;
  return s;
}

const etl::config::EnvLookup kEnv = etl::config::ProcessEnvironment();

sink::PgConnection OpenPg() {
  return sink::Connect(Target(), kEnv, false);
}

// The class of what `work` throws.
template <typename F>
ErrorClass ClassOf(F work) {
  try {
    work();
  } catch (const std::exception& e) {
    INFO(e.what());
    return Classify(e);
  }
  FAIL_CHECK("no error");
  return ErrorClass::kPermanent;
}

int PgPid(sink::PgConnection& pg) {
  return std::stoi(pg.Query("SELECT pg_backend_pid()").String(0, 0));
}

void TerminateSoon(int pid) {
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  etl::testing::Psql("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
}

}  // namespace

TEST_CASE("pg_terminate_backend of a session is a lost connection", "[pipeline][faults]") {
  SECTION("mid-statement") {
    auto pg = OpenPg();
    std::jthread killer(TerminateSoon, PgPid(pg));
    CHECK(ClassOf([&] { pg.Exec("SELECT pg_sleep(20)"); }) == ErrorClass::kConnectionLost);
    killer.join();
  }
  SECTION("idle, then used") {
    auto pg = OpenPg();
    TerminateSoon(PgPid(pg));
    CHECK(ClassOf([&] { pg.Exec("SELECT 1"); }) == ErrorClass::kConnectionLost);
  }
}

TEST_CASE("a unique violation and a wrong password are never retried", "[pipeline][faults]") {
  auto pg = OpenPg();
  pg.Exec(
      "DROP SCHEMA IF EXISTS pipe_faults CASCADE; CREATE SCHEMA pipe_faults;"
      "CREATE TABLE pipe_faults.t (id int PRIMARY KEY); INSERT INTO pipe_faults.t VALUES (1)");
  CHECK(ClassOf([&] { pg.Exec("INSERT INTO pipe_faults.t VALUES (1)"); }) ==
        ErrorClass::kPermanent);
  auto wrong = Target();
  wrong.password_env = "";
  wrong.password = "wrong";
  CHECK(ClassOf([&] { sink::Connect(wrong, kEnv, false); }) == ErrorClass::kPermanent);
  auto wrong_my = Source();
  wrong_my.password_env = "";
  wrong_my.password = "wrong";
  CHECK(ClassOf([&] { source::Connect(wrong_my, kEnv); }) == ErrorClass::kPermanent);
}

TEST_CASE("a KILLed MySQL session is a lost connection, KILL QUERY is not", "[pipeline][faults]") {
  etl::testing::ResetMySqlDatabase("etl_pipe_faults");
  for (const char* mode : {"disabled", "required"}) {
    DYNAMIC_SECTION("ssl_mode " << mode) {
      auto my = source::Connect(Source(mode), kEnv);
      const std::string id = std::to_string(my.connection_id());
      std::jthread killer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        etl::testing::MySql("KILL " + id);
      });
      CHECK(ClassOf([&] { my.Query("SELECT SLEEP(20)"); }) == ErrorClass::kConnectionLost);
      killer.join();
      auto idle = source::Connect(Source(mode), kEnv);
      etl::testing::MySql("KILL " + std::to_string(idle.connection_id()));
      CHECK(ClassOf([&] { idle.Query("SELECT 1"); }) == ErrorClass::kConnectionLost);
    }
  }
  auto my = source::Connect(Source(), kEnv);
  const std::string id = std::to_string(my.connection_id());
  std::jthread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    etl::testing::MySql("KILL QUERY " + id);
  });
  CHECK(ClassOf([&] {
          my.Query("SELECT COUNT(*) FROM seq_1_to_100000000000 WHERE seq % 7 = 8");
        }) == ErrorClass::kPermanent);
  killer.join();
}

TEST_CASE("Retry runs a unit again after its session was terminated", "[pipeline][faults]") {
  auto pg = OpenPg();
  pg.Exec(
      "DROP SCHEMA IF EXISTS pipe_faults CASCADE; CREATE SCHEMA pipe_faults;"
      "CREATE TABLE pipe_faults.t (n int)");
  etl::pipeline::Retry retry(etl::pipeline::RetryPolicy{3, 0.1, 0.5}, "pipe_faults.t");
  const int attempts = retry.Run([&](int attempt) {
    // The unit: one transaction; the first try's session is terminated in the middle.
    auto session = OpenPg();
    sink::Transaction tx(session);
    session.Exec("INSERT INTO pipe_faults.t SELECT generate_series(1, 1000)");
    if (attempt == 1) {
      std::jthread killer(TerminateSoon, PgPid(session));
      session.Exec("SELECT pg_sleep(20)");
      killer.join();
    }
    tx.Commit();
    return attempt;
  });
  CHECK(attempts == 2);
  CHECK(retry.retries() == 1);
  // The lost try's rows went with its session: exactly one copy.
  CHECK(pg.Query("SELECT count(*) FROM pipe_faults.t").String(0, 0) == "1000");
}

TEST_CASE("the cancel hooks stop a running statement on each side", "[pipeline][faults]") {
  etl::testing::ResetMySqlDatabase("etl_pipe_faults");
  Cancellation cancellation;
  auto pg = OpenPg();
  auto my = source::Connect(Source(), kEnv);
  auto stop_pg = etl::pipeline::CancelStatements(&cancellation, pg);
  auto stop_my = etl::pipeline::CancelStatements(&cancellation, my, Source(), kEnv);
  std::jthread requester([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    cancellation.Request(15);
  });
  const auto start = std::chrono::steady_clock::now();
  std::jthread mysql_side([&] {
    CHECK_THROWS_WITH(my.Query("SELECT COUNT(*) FROM seq_1_to_100000000000 WHERE seq % 7 = 8"),
                      Catch::Contains("1317"));
  });
  CHECK_THROWS_WITH(pg.Exec("SELECT pg_sleep(20)"), Catch::Contains("57014"));
  mysql_side.join();
  requester.join();
  CHECK(SecondsSince(start) < 5);
  // Both sessions are still usable (only the statements were stopped).
  CHECK(pg.Query("SELECT 1").String(0, 0) == "1");
  CHECK(my.QueryScalar("SELECT 1") == "1");
}
