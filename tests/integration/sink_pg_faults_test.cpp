// A PostgreSQL server that stops answering (SIGSTOP of the postmaster and every backend: the
// kernel still completes handshakes, ACKs data and answers keepalives) never hangs the target
// side, and connection failures say whether the server is away (retryable) or refused us.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "config/job_loader.h"
#include "sink/copy_writer.h"
#include "sink/pg_connection.h"
#include "support/fault_injection.h"
#include "support/test_env.h"
#include "support/test_specs.h"

using etl::testing::FrozenServer;
using etl::testing::SecondsSince;
namespace sink = etl::sink;

namespace {

etl::config::TargetSpec Target(int connect_timeout_s = 10) {
  auto t = etl::testing::TestTargetSpec("sink_faults");
  t.connect_timeout_s = connect_timeout_s;
  return t;
}

sink::PgConnection Open(const etl::config::TargetSpec& t) {
  return sink::Connect(t, etl::config::ProcessEnvironment(), false);
}

// Runs `work` and returns the PgError it must throw.
template <typename F>
sink::PgError ErrorOf(F work) {
  try {
    work();
  } catch (const sink::PgError& e) {
    return e;
  }
  FAIL("no error");
  return sink::PgError("");
}

// An empty table sink_faults.t (s text).
void FreshTable() {
  Open(Target()).Exec(
      "DROP SCHEMA IF EXISTS sink_faults CASCADE; CREATE SCHEMA sink_faults;"
      "CREATE TABLE sink_faults.t (s text)");
}

struct Stopped {
  sink::PgError error;
  double seconds;
};

// Runs a 20 s statement on `conn` while `meanwhile` runs on another thread after 300 ms;
// returns the error that stopped the statement and how long it ran.
Stopped LongStatementStopped(sink::PgConnection& conn, const std::function<void()>& meanwhile) {
  std::jthread other([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    meanwhile();
  });
  const auto start = std::chrono::steady_clock::now();
  sink::PgError e = ErrorOf([&] { conn.Exec("SELECT pg_sleep(20)"); });
  return Stopped{e, SecondsSince(start)};
}

}  // namespace

TEST_CASE("a stopped server makes Connect fail within connect_timeout_s", "[sink][faults]") {
  const auto target = Target(2);
  FrozenServer frozen("pg");
  const auto start = std::chrono::steady_clock::now();
  const auto e = ErrorOf([&] { Open(target); });
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
  const auto refused = ErrorOf([&] { Open(closed); });
  INFO(refused.what());
  CHECK(refused.connection_lost());

  auto wrong_password = Target();
  wrong_password.password_env = "";
  wrong_password.password = "not-the-password";
  const auto auth = ErrorOf([&] { Open(wrong_password); });
  INFO(auth.what());
  CHECK_THAT(auth.what(), Catch::Contains("password authentication failed"));
  CHECK_FALSE(auth.IsConnectionError());

  auto missing_db = Target();
  missing_db.database = "etl_no_such_database";
  const auto db = ErrorOf([&] { Open(missing_db); });
  INFO(db.what());
  CHECK_FALSE(db.IsConnectionError());
}

TEST_CASE("a statement waiting on a stopped server fails after the liveness probe",
          "[sink][faults]") {
  // connect_timeout_s 1 (libpq waits 2 s at least): probe after 3 s of silence, bounded by 2 s.
  auto conn = Open(Target(1));
  std::optional<FrozenServer> frozen;
  const auto stopped = LongStatementStopped(conn, [&] { frozen.emplace("pg"); });
  frozen.reset();
  INFO(stopped.error.what());
  CHECK_THAT(stopped.error.what(), Catch::Contains("does not answer a new connection"));
  CHECK(stopped.error.connection_lost());
  CHECK(stopped.seconds >= 3);
  CHECK(stopped.seconds < 0.3 + 3 + 2 + 3);
  CHECK_FALSE(conn.in_transaction());
  CHECK(PQstatus(conn.get()) == CONNECTION_BAD);
}

TEST_CASE("a long statement on a server that answers is waited for", "[sink][faults]") {
  auto conn = Open(Target(1));  // probes every 3 s: the server answers each
  const auto start = std::chrono::steady_clock::now();
  CHECK(conn.Query("SELECT pg_sleep(4), 42").String(0, 1) == "42");  // a probe after 3 s
  CHECK(SecondsSince(start) >= 4);
}

TEST_CASE("COPY into a stopped server fails within tcp_user_timeout", "[sink][faults]") {
  FreshTable();
  auto conn = Open(Target(1));  // tcp_user_timeout 6 s
  sink::CopyWriter copy(conn, "sink_faults", "t", {"s"}, "");
  copy.Begin();
  std::string rows;
  for (int i = 0; i < 1000; ++i)
    rows += std::string(100, 'x') + "\n";
  copy.Put(rows);
  FrozenServer frozen("pg");
  const auto start = std::chrono::steady_clock::now();
  const auto e = ErrorOf([&] {
    while (SecondsSince(start) < 60)
      copy.Put(rows);
  });
  INFO(e.what());
  CHECK(e.connection_lost());
  const double seconds = SecondsSince(start);
  CHECK(seconds >= 5);
  CHECK(seconds < 6 + 4);
}

TEST_CASE("the end of a COPY on a stopped server fails after the liveness probe",
          "[sink][faults]") {
  FreshTable();
  auto conn = Open(Target(1));
  sink::CopyWriter copy(conn, "sink_faults", "t", {"s"}, "");
  copy.Begin();
  copy.Put("a\nb\n");
  FrozenServer frozen("pg");
  const auto start = std::chrono::steady_clock::now();
  const auto e = ErrorOf([&] { copy.End(); });
  INFO(e.what());
  CHECK(e.connection_lost());
  CHECK(SecondsSince(start) < 3 + 2 + 3);
}

TEST_CASE("a cancelled statement fails with 57014 and the session stays usable", "[sink][faults]") {
  auto conn = Open(Target());
  auto canceller = conn.canceller();
  const auto stopped = LongStatementStopped(conn, [&] { canceller->Cancel(); });
  INFO(stopped.error.what());
  CHECK(stopped.error.sqlstate() == "57014");
  CHECK_FALSE(stopped.error.IsConnectionError());
  CHECK(stopped.seconds < 5);
  CHECK(conn.Query("SELECT 1").String(0, 0) == "1");
}

TEST_CASE("a cancelled statement on a stopped server has its session closed after 2 s",
          "[sink][faults]") {
  auto conn = Open(Target());  // connect_timeout 10: the liveness probe would take 30 s
  auto canceller = conn.canceller();
  std::optional<FrozenServer> frozen;
  const auto stopped = LongStatementStopped(conn, [&] {
    frozen.emplace("pg");
    canceller->Cancel();  // PQcancel cannot reach a stopped server
  });
  frozen.reset();
  INFO(stopped.error.what());
  CHECK_THAT(stopped.error.what(), Catch::Contains("did not stop within 2 s of being cancelled"));
  CHECK(stopped.error.connection_lost());
  CHECK(stopped.seconds < 0.3 + 2 + 2);
}

TEST_CASE("StopAllSessions ends every session's transaction and refuses new ones",
          "[sink][faults]") {
  FreshTable();
  auto conn = Open(Target());
  conn.Exec("INSERT INTO sink_faults.t VALUES ('kept')");
  conn.Exec("BEGIN; TRUNCATE sink_faults.t");
  const auto stopped =
      LongStatementStopped(conn, [] { sink::StopAllSessions("the test stops everything"); });
  INFO(stopped.error.what());
  CHECK(stopped.error.IsConnectionError());
  CHECK(stopped.seconds < 5);
  CHECK_THROWS_WITH(Open(Target()), Catch::Contains("the test stops everything"));
  sink::AcceptNewSessions();
  // The TRUNCATE was rolled back with the session: the row is there, and no lock is left.
  CHECK(etl::testing::Trim(etl::testing::Psql("SET lock_timeout = '5s'; "
                                              "SELECT string_agg(s, ',') FROM sink_faults.t")) ==
        "kept");
}
