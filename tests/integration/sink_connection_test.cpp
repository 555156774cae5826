// PgConnection, Transaction and CopyWriter against the real PostgreSQL test server.
#include <string>

#include <catch2/catch.hpp>

#include "config/disclosure.h"
#include "config/job_loader.h"
#include "sink/copy_writer.h"
#include "sink/pg_connection.h"
#include "support/test_env.h"

using etl::testing::Env;
using etl::testing::Psql;
using etl::testing::Trim;
namespace sink = etl::sink;

// A TargetSpec for the test PostgreSQL (also used by the other sink_*_test.cpp files).
namespace etl::sink_tests {

etl::config::TargetSpec TestTarget(const std::string& schema) {
  etl::testing::RequireServers();
  etl::config::TargetSpec t;
  t.host = Env("ETL_PG_HOST");
  t.port = std::stoi(Env("ETL_PG_PORT"));
  t.user = Env("ETL_PG_USER");
  t.password_env = "ETL_PG_PASSWORD";
  t.database = Env("ETL_PG_DATABASE");
  t.schema = schema;
  t.sslmode = "disable";
  return t;
}

}  // namespace etl::sink_tests

using etl::sink_tests::TestTarget;

namespace {

sink::PgConnection Open(const std::string& schema) {
  return sink::Connect(TestTarget(schema), etl::config::ProcessEnvironment(), true);
}

}  // namespace

TEST_CASE("a wrong password gives the server's message but never the password",
          "[sink][connection]") {
  auto target = TestTarget("sink_conn");
  target.password_env = "";
  target.password = "Wr0ng-Secret-Pa55";
  try {
    sink::Connect(target, etl::config::ProcessEnvironment(), true);
    FAIL("connecting with a wrong password succeeded");
  } catch (const sink::PgError& e) {
    const std::string msg = e.what();
    CHECK_THAT(msg, Catch::Contains("password authentication failed"));
    CHECK_THAT(msg, Catch::Contains(target.host + ":" + std::to_string(target.port) + "/" +
                                    target.database));
    CHECK_THAT(msg, !Catch::Contains("Wr0ng-Secret-Pa55"));
  }
}

TEST_CASE("an unset password variable is reported by name", "[sink][connection]") {
  auto target = TestTarget("sink_conn");
  target.password_env = "ETL_SINK_TEST_SURELY_UNSET";
  CHECK_THROWS_WITH(sink::Connect(target, etl::config::ProcessEnvironment(), true),
                    Catch::Contains("ETL_SINK_TEST_SURELY_UNSET"));
}

TEST_CASE("session settings are applied in order, and only when asked", "[sink][connection]") {
  auto target = TestTarget("sink_conn");
  target.session = {
      {"work_mem", "77MB"}, {"synchronous_commit", "off"}, {"application_name", "it's etl"}};
  {
    sink::PgConnection conn = sink::Connect(target, etl::config::ProcessEnvironment(), true);
    CHECK(conn.Query("SHOW work_mem").String(0, 0) == "77MB");
    CHECK(conn.Query("SHOW synchronous_commit").String(0, 0) == "off");
    CHECK(conn.Query("SHOW application_name").String(0, 0) == "it's etl");
    CHECK(conn.Query("SHOW client_encoding").String(0, 0) == "UTF8");
    CHECK(conn.server_version() >= 150000);
  }
  {
    sink::PgConnection plain = sink::Connect(target, etl::config::ProcessEnvironment(), false);
    CHECK(plain.Query("SHOW work_mem").String(0, 0) != "77MB");
    CHECK(plain.Query("SHOW application_name").String(0, 0) == "etl");
  }
}

TEST_CASE("a bad session setting names the setting", "[sink][connection]") {
  auto target = TestTarget("sink_conn");
  target.session = {{"wal_buffers", "16MB"}};
  CHECK_THROWS_WITH(sink::Connect(target, etl::config::ProcessEnvironment(), true),
                    Catch::Contains("target.session.wal_buffers") && Catch::Contains("SQLSTATE"));
  target.session = {{"work_mem; DROP", "1MB"}};
  CHECK_THROWS_WITH(sink::Connect(target, etl::config::ProcessEnvironment(), true),
                    Catch::Contains("not a valid PostgreSQL setting name"));
}

TEST_CASE("statement errors carry SQLSTATE, message and the statement", "[sink][connection]") {
  auto conn = Open("sink_conn");
  try {
    conn.Exec("SELECT * FROM sink_no_such_table_anywhere");
    FAIL("query on a missing table succeeded");
  } catch (const sink::PgError& e) {
    CHECK(e.sqlstate() == "42P01");
    CHECK_THAT(std::string(e.what()),
               Catch::Contains("relation \"sink_no_such_table_anywhere\" does not exist") &&
                   Catch::Contains("[SQLSTATE 42P01]") &&
                   Catch::Contains("statement: SELECT * FROM sink_no_such_table_anywhere"));
  }
  const std::string long_sql = "SELECT " + std::string(500, '(') + "x";
  try {
    conn.Exec(long_sql);
    FAIL("syntax error not reported");
  } catch (const sink::PgError& e) {
    CHECK(e.sqlstate() == "42601");
    CHECK_THAT(std::string(e.what()), !Catch::Contains(std::string(300, '(')));
  }
  auto r = conn.ExecParams("SELECT $1::int + 1, $2::text IS NULL", {std::string("41"), {}});
  CHECK(r.String(0, 0) == "42");
  CHECK(r.String(0, 1) == "t");
}

TEST_CASE("Transaction rolls back unless committed", "[sink][connection]") {
  etl::testing::ResetPgSchema("sink_tx");
  Psql("CREATE SCHEMA sink_tx; CREATE TABLE sink_tx.t (v int)");
  auto conn = Open("sink_tx");
  {
    sink::Transaction tx(conn);
    conn.Exec("INSERT INTO sink_tx.t VALUES (1)");
  }
  CHECK(Trim(Psql("SELECT count(*) FROM sink_tx.t")) == "0");
  {
    sink::Transaction tx(conn);
    conn.Exec("INSERT INTO sink_tx.t VALUES (2)");
    tx.Commit();
  }
  CHECK(Trim(Psql("SELECT string_agg(v::text, ',') FROM sink_tx.t")) == "2");
  {
    sink::Transaction tx(conn);
    CHECK_THROWS(conn.Exec("INSERT INTO sink_tx.t VALUES ('x')"));
    CHECK_THROWS_WITH(tx.Commit(), Catch::Contains("rolled back"));
  }
  CHECK_FALSE(conn.in_transaction());
}

TEST_CASE("CopyWriter loads csv, reports server errors, and aborts cleanly", "[sink][copy]") {
  etl::testing::ResetPgSchema("sink_copy");
  Psql(
      "CREATE SCHEMA sink_copy; CREATE TABLE sink_copy.\"Items\" (id int, \"Na me\" text, "
      "price numeric(8,2))");
  auto conn = Open("sink_copy");

  SECTION("csv text arrives, split across Put calls") {
    sink::CopyWriter w(conn, "sink_copy", "Items", {"id", "Na me", "price"}, "FORMAT csv");
    CHECK(w.statement() ==
          "COPY \"sink_copy\".\"Items\" (\"id\", \"Na me\", \"price\") FROM STDIN WITH (FORMAT "
          "csv)");
    w.Begin();
    const std::string part1 = "1,\"a, \"\"quoted\"\"\",1.50\n2,";
    const std::string part2 = "plain,\n3,\"multi\nline\",7\n";
    w.Put(part1);
    w.Put(part2);
    CHECK(w.End() == 3);
    CHECK(w.bytes_sent() == part1.size() + part2.size());
    CHECK(Psql("SELECT id, \"Na me\", coalesce(price::text, 'NULL') FROM sink_copy.\"Items\" "
               "ORDER BY id") == "1|a, \"quoted\"|1.50\n2|plain|NULL\n3|multi\nline|7.00\n");
  }
  SECTION("a bad value fails End with the server's line and column context, not the value") {
    // The value is row data: shown only at --log-level trace (config/disclosure.h).
    for (const bool trace : {false, true}) {
      etl::config::SetShowValues(trace);
      sink::CopyWriter w(conn, "sink_copy", "Items", {"id", "Na me", "price"}, "FORMAT csv");
      w.Begin();
      w.Put("1,a,1\n2,b,notanumber\n");
      try {
        w.End();
        FAIL("bad COPY data accepted");
      } catch (const sink::PgError& e) {
        INFO("trace: " << trace);
        CHECK(e.sqlstate() == "22P02");
        CHECK_THAT(std::string(e.what()),
                   Catch::Contains("line 2") && Catch::Contains("column price"));
        CHECK((std::string(e.what()).find("notanumber") != std::string::npos) == trace);
      }
      etl::config::SetShowValues(false);
      CHECK(Trim(Psql("SELECT count(*) FROM sink_copy.\"Items\"")) == "0");
      CHECK(conn.Query("SELECT 1").String(0, 0) == "1");  // connection usable again
    }
  }
  SECTION("Abort leaves nothing, even inside a transaction that then commits nothing") {
    {
      sink::CopyWriter w(conn, "sink_copy", "Items", {"id", "Na me", "price"}, "FORMAT csv");
      w.Begin();
      w.Put("1,a,1\n2,b,2\n");
      w.Abort("source read failed");
      CHECK_FALSE(w.in_progress());
    }
    CHECK(Trim(Psql("SELECT count(*) FROM sink_copy.\"Items\"")) == "0");
    {
      sink::Transaction tx(conn);
      sink::CopyWriter w(conn, "sink_copy", "Items", {"id", "Na me", "price"}, "FORMAT csv");
      w.Begin();
      w.Put("1,a,1\n");
    }  // destructor aborts the COPY, then the transaction rolls back
    CHECK(Trim(Psql("SELECT count(*) FROM sink_copy.\"Items\"")) == "0");
    CHECK_FALSE(conn.in_transaction());
    CHECK(conn.Query("SELECT 2").String(0, 0) == "2");
  }
  SECTION("COPY into a missing table fails at Begin") {
    sink::CopyWriter w(conn, "sink_copy", "nope", {"id"}, "FORMAT csv");
    CHECK_THROWS_WITH(w.Begin(), Catch::Contains("\"sink_copy.nope\" does not exist") ||
                                     Catch::Contains("\"nope\" does not exist"));
  }
}
