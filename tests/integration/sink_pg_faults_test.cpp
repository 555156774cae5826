// A PostgreSQL server that stops answering (SIGSTOP of the postmaster and every backend: the
// kernel still completes handshakes, ACKs data and answers keepalives) never hangs the target
// side, and connection failures say whether the server is away (retryable) or refused us.
#include <chrono>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "config/job_loader.h"
#include "sink/copy_writer.h"
#include "sink/pg_connection.h"
#include "support/fault_injection.h"
#include "support/test_env.h"

using etl::testing::Env;
using etl::testing::FrozenServer;
using etl::testing::SecondsSince;
namespace sink = etl::sink;

namespace {

etl::config::TargetSpec Target(int connect_timeout_s = 10) {
  etl::testing::RequireServers();
  etl::config::TargetSpec t;
  t.host = Env("ETL_PG_HOST");
  t.port = std::stoi(Env("ETL_PG_PORT"));
  t.user = Env("ETL_PG_USER");
  t.password_env = "ETL_PG_PASSWORD";
  t.database = Env("ETL_PG_DATABASE");
  t.schema = "sink_faults";
  t.sslmode = "disable";
  t.connect_timeout_s = connect_timeout_s;
  return t;
}

sink::PgConnection Open(const etl::config::TargetSpec& t) {
  return sink::Connect(t, etl::config::ProcessEnvironment(), false);
}

// Runs `connect` and returns the PgError it must throw.
template <typename F>
sink::PgError ConnectError(F connect) {
  try {
    connect();
  } catch (const sink::PgError& e) {
    return e;
  }
  FAIL("connected");
  return sink::PgError("");
}

}  // namespace

TEST_CASE("a stopped server makes Connect fail within connect_timeout_s", "[sink][faults]") {
  const auto target = Target(2);
  FrozenServer frozen("pg");
  const auto start = std::chrono::steady_clock::now();
  const auto e = ConnectError([&] { Open(target); });
  const double seconds = SecondsSince(start);
  INFO(e.what());
  CHECK_THAT(e.what(), Catch::Contains("timeout expired"));
  CHECK(e.connection_lost());
  CHECK(e.IsConnectionError());
  CHECK(seconds >= 1.5);
  CHECK(seconds < 2 + 2);
}

TEST_CASE("connect failures: away is retryable, refused is not", "[sink][faults]") {
  auto closed = Target();
  closed.port = 1;  // nothing listens
  const auto refused = ConnectError([&] { Open(closed); });
  INFO(refused.what());
  CHECK(refused.connection_lost());

  auto wrong_password = Target();
  wrong_password.password_env = "";
  wrong_password.password = "not-the-password";
  const auto auth = ConnectError([&] { Open(wrong_password); });
  INFO(auth.what());
  CHECK_THAT(auth.what(), Catch::Contains("password authentication failed"));
  CHECK_FALSE(auth.IsConnectionError());

  auto missing_db = Target();
  missing_db.database = "etl_no_such_database";
  const auto db = ConnectError([&] { Open(missing_db); });
  INFO(db.what());
  CHECK_FALSE(db.IsConnectionError());
}

TEST_CASE("a statement waiting on a stopped server fails after the liveness probe",
          "[sink][faults]") {
  // connect_timeout_s 1 (libpq waits 2 s at least): probe after 3 s of silence, bounded by 2 s.
  auto conn = Open(Target(1));
  std::optional<FrozenServer> frozen;
  std::thread freezer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    frozen.emplace("pg");
  });
  const auto start = std::chrono::steady_clock::now();
  try {
    conn.Exec("SELECT pg_sleep(20)");
    FAIL("the statement finished");
  } catch (const sink::PgError& e) {
    INFO(e.what());
    CHECK_THAT(e.what(), Catch::Contains("does not answer a new connection"));
    CHECK(e.connection_lost());
  }
  const double seconds = SecondsSince(start);
  freezer.join();
  frozen.reset();
  CHECK(seconds >= 3);
  CHECK(seconds < 0.5 + 3 + 2 + 3);
  CHECK_FALSE(conn.in_transaction());
  CHECK(PQstatus(conn.get()) == CONNECTION_BAD);
}

TEST_CASE("a long statement on a server that answers is waited for", "[sink][faults]") {
  auto conn = Open(Target(1));  // probes every 3 s: the server answers each
  const auto start = std::chrono::steady_clock::now();
  CHECK(conn.Query("SELECT pg_sleep(7), 42").String(0, 1) == "42");
  CHECK(SecondsSince(start) >= 7);
}

TEST_CASE("COPY into a stopped server fails within tcp_user_timeout", "[sink][faults]") {
  auto setup = Open(Target());
  setup.Exec(
      "DROP SCHEMA IF EXISTS sink_faults CASCADE; CREATE SCHEMA sink_faults;"
      "CREATE TABLE sink_faults.t (s text)");
  auto conn = Open(Target(1));  // tcp_user_timeout 6 s
  sink::CopyWriter copy(conn, "sink_faults", "t", {"s"}, "");
  copy.Begin();
  const std::string rows = [] {
    std::string r;
    for (int i = 0; i < 1000; ++i)
      r += std::string(100, 'x') + "\n";
    return r;
  }();
  copy.Put(rows);
  FrozenServer frozen("pg");
  const auto start = std::chrono::steady_clock::now();
  try {
    while (SecondsSince(start) < 60)
      copy.Put(rows);
    FAIL("COPY into a stopped server went on for a minute");
  } catch (const sink::PgError& e) {
    INFO(e.what());
    CHECK(e.connection_lost());
  }
  const double seconds = SecondsSince(start);
  CHECK(seconds >= 5);
  CHECK(seconds < 6 + 4);
}

TEST_CASE("the end of a COPY on a stopped server fails after the liveness probe",
          "[sink][faults]") {
  auto setup = Open(Target());
  setup.Exec(
      "DROP SCHEMA IF EXISTS sink_faults CASCADE; CREATE SCHEMA sink_faults;"
      "CREATE TABLE sink_faults.t (s text)");
  auto conn = Open(Target(1));
  sink::CopyWriter copy(conn, "sink_faults", "t", {"s"}, "");
  copy.Begin();
  copy.Put("a\nb\n");
  FrozenServer frozen("pg");
  const auto start = std::chrono::steady_clock::now();
  try {
    copy.End();
    FAIL("COPY ended on a stopped server");
  } catch (const sink::PgError& e) {
    INFO(e.what());
    CHECK(e.connection_lost());
  }
  CHECK(SecondsSince(start) < 3 + 2 + 3);
}

TEST_CASE("a cancelled statement fails with 57014 and the session stays usable", "[sink][faults]") {
  auto conn = Open(Target());
  auto canceller = conn.canceller();
  std::thread cancel([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    canceller->Cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  try {
    conn.Exec("SELECT pg_sleep(20)");
    FAIL("not cancelled");
  } catch (const sink::PgError& e) {
    INFO(e.what());
    CHECK(e.sqlstate() == "57014");
    CHECK_FALSE(e.IsConnectionError());
  }
  cancel.join();
  CHECK(SecondsSince(start) < 5);
  CHECK(conn.Query("SELECT 1").String(0, 0) == "1");
}

TEST_CASE("a cancelled statement on a stopped server has its session closed after 2 s",
          "[sink][faults]") {
  auto conn = Open(Target());  // connect_timeout 10: the liveness probe would take 30 s
  auto canceller = conn.canceller();
  std::optional<FrozenServer> frozen;
  std::thread cancel([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    frozen.emplace("pg");
    canceller->Cancel();  // PQcancel cannot reach a stopped server
  });
  const auto start = std::chrono::steady_clock::now();
  try {
    conn.Exec("SELECT pg_sleep(20)");
    FAIL("not cancelled");
  } catch (const sink::PgError& e) {
    INFO(e.what());
    CHECK_THAT(e.what(), Catch::Contains("did not stop within 2 s of being cancelled"));
    CHECK(e.connection_lost());
  }
  const double seconds = SecondsSince(start);
  cancel.join();
  frozen.reset();
  CHECK(seconds < 0.3 + 2 + 2);
}

TEST_CASE("StopAllSessions ends every session's transaction and refuses new ones",
          "[sink][faults]") {
  auto setup = Open(Target());
  setup.Exec(
      "DROP SCHEMA IF EXISTS sink_faults CASCADE; CREATE SCHEMA sink_faults;"
      "CREATE TABLE sink_faults.t (n int); INSERT INTO sink_faults.t VALUES (1)");
  auto conn = Open(Target());
  conn.Exec("BEGIN; TRUNCATE sink_faults.t");
  std::thread stopper([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    sink::StopAllSessions("the test stops everything");
  });
  const auto start = std::chrono::steady_clock::now();
  try {
    conn.Exec("SELECT pg_sleep(20)");
    FAIL("the session survived");
  } catch (const sink::PgError& e) {
    INFO(e.what());
    CHECK(e.IsConnectionError());
  }
  stopper.join();
  CHECK(SecondsSince(start) < 5);
  CHECK_THROWS_WITH(Open(Target()), Catch::Contains("the test stops everything"));
  sink::AcceptNewSessions();
  // The TRUNCATE was rolled back with the session: the row is there, and no lock is left.
  CHECK(etl::testing::Trim(etl::testing::Psql("SET lock_timeout = '5s'; "
                                              "SELECT count(*) FROM sink_faults.t")) == "1");
}
