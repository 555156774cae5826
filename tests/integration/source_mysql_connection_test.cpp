// Integration tests for source/mysql_connection.h against the real MariaDB.
// Also defines the helpers the other source_*_test.cpp files declare (TestSource, TestEnv).

#include <optional>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include "config/disclosure.h"
#include "source/mysql_connection.h"
#include "source/mysql_error.h"
#include "source/row_reader.h"
#include "support/test_env.h"

namespace etl::source_tests {

// A SourceSpec for the test MariaDB; the password comes through TestEnv().
config::SourceSpec TestSource(const std::string& database) {
  testing::RequireServers();
  config::SourceSpec s;
  s.host = testing::Env("ETL_MYSQL_HOST");
  s.port = std::stoi(testing::Env("ETL_MYSQL_PORT"));
  s.user = testing::Env("ETL_MYSQL_USER");
  s.password_env = "ETL_TEST_SOURCE_PASSWORD";
  s.database = database;
  s.ssl_mode = "preferred";
  return s;
}

config::EnvLookup TestEnv(const std::optional<std::string>& password) {
  std::string pw = password.value_or(testing::Env("ETL_MYSQL_PASSWORD"));
  return [pw](const std::string& name) -> std::optional<std::string> {
    if (name == "ETL_TEST_SOURCE_PASSWORD") return pw;
    return std::nullopt;
  };
}

}  // namespace etl::source_tests

using etl::source::Connect;
using etl::source::MySqlError;
using etl::source_tests::TestEnv;
using etl::source_tests::TestSource;

TEST_CASE("Connect with a wrong password reports the server's error, not the password",
          "[source][connection]") {
  etl::testing::ResetMySqlDatabase("etl_src_conn");
  const std::string secret = "Wr0ng-S3cret-xyz";
  try {
    Connect(TestSource("etl_src_conn"), TestEnv(secret));
    FAIL("connect with a wrong password succeeded");
  } catch (const MySqlError& e) {
    const std::string what = e.what();
    INFO(what);
    CHECK(what.find("Access denied for user") != std::string::npos);
    CHECK(what.find("1045") != std::string::npos);
    CHECK(what.find("28000") != std::string::npos);
    CHECK(what.find(etl::testing::Env("ETL_MYSQL_PORT") + "/etl_src_conn") != std::string::npos);
    CHECK(what.find(secret) == std::string::npos);
    CHECK(e.code() == 1045);
    CHECK(e.sqlstate() == "28000");
    CHECK_FALSE(e.IsConnectionError());
  }
}

TEST_CASE("Connect to an unknown database names it", "[source][connection]") {
  try {
    Connect(TestSource("etl_src_no_such_db"), TestEnv(std::nullopt));
    FAIL("connect to a missing database succeeded");
  } catch (const MySqlError& e) {
    INFO(e.what());
    CHECK(std::string(e.what()).find("Unknown database 'etl_src_no_such_db'") != std::string::npos);
    CHECK(e.code() == 1049);
  }
}

TEST_CASE("Connect to a closed port is a connection error", "[source][connection]") {
  auto spec = TestSource("etl_src_conn");
  spec.port = 1;  // nothing listens there
  try {
    Connect(spec, TestEnv(std::nullopt));
    FAIL("connect to port 1 succeeded");
  } catch (const MySqlError& e) {
    INFO(e.what());
    CHECK(e.IsConnectionError());
    CHECK(std::string(e.what()).find(":1/etl_src_conn") != std::string::npos);
  }
}

TEST_CASE("An unset password variable is reported by name", "[source][connection]") {
  auto spec = TestSource("etl_src_conn");
  spec.password_env = "ETL_TEST_NOT_SET_ANYWHERE";
  CHECK_THROWS_WITH(Connect(spec, TestEnv(std::nullopt)),
                    Catch::Contains("ETL_TEST_NOT_SET_ANYWHERE"));
}

TEST_CASE("Connect sets the session up for extraction", "[source][connection]") {
  etl::testing::ResetMySqlDatabase("etl_src_conn");
  auto conn = Connect(TestSource("etl_src_conn"), TestEnv(std::nullopt));
  CHECK(conn.QueryScalar("SELECT @@session.time_zone") == "+00:00");
  CHECK(conn.QueryScalar("SELECT @@session.net_write_timeout") == "600");
  CHECK(conn.QueryScalar("SELECT @@session.sql_mode") == "");
  CHECK(conn.QueryScalar("SELECT @@session.character_set_client") == "utf8mb4");
  CHECK(conn.QueryScalar("SELECT @@session.character_set_results") == "utf8mb4");
  CHECK(conn.QueryScalar("SELECT DATABASE()") == "etl_src_conn");
  CHECK(conn.is_mariadb());
  // 4-byte UTF-8 round-trips.
  CHECK(conn.QueryScalar("SELECT '\xf0\x9f\x98\x80'") == "\xf0\x9f\x98\x80");
}

TEST_CASE("Spec session settings override the defaults and are applied in order",
          "[source][connection]") {
  auto spec = TestSource("etl_src_conn");
  spec.session = {{"net_write_timeout", "900"},
                  {"sql_mode", "STRICT_TRANS_TABLES"},
                  {"time_zone", "+02:00"},
                  {"max_statement_time", "0"}};
  etl::testing::ResetMySqlDatabase("etl_src_conn");
  auto conn = Connect(spec, TestEnv(std::nullopt));
  CHECK(conn.QueryScalar("SELECT @@session.net_write_timeout") == "900");
  CHECK(conn.QueryScalar("SELECT @@session.sql_mode") == "STRICT_TRANS_TABLES");
  CHECK(conn.QueryScalar("SELECT @@session.time_zone") == "+02:00");
}

TEST_CASE("Bad session settings fail with a clear error", "[source][connection]") {
  etl::testing::ResetMySqlDatabase("etl_src_conn");
  auto spec = TestSource("etl_src_conn");
  spec.session = {{"net_write_timeout = 1; DROP DATABASE x; --", "1"}};
  CHECK_THROWS_WITH(Connect(spec, TestEnv(std::nullopt)),
                    Catch::Contains("is not a valid MySQL variable name"));
  spec.session = {{"no_such_variable_xyz", "1"}};
  CHECK_THROWS_WITH(Connect(spec, TestEnv(std::nullopt)),
                    Catch::Contains("Unknown system variable 'no_such_variable_xyz'"));
  // A string value is quoted, so it cannot end the statement.
  spec.session = {{"time_zone", "+00:00'; DROP DATABASE etl_src_conn; --"}};
  CHECK_THROWS_AS(Connect(spec, TestEnv(std::nullopt)), MySqlError);
  CHECK(etl::testing::Trim(etl::testing::MySql("SHOW DATABASES LIKE 'etl_src_conn'")) ==
        "etl_src_conn");
}

TEST_CASE("Query, QueryScalar and Exec", "[source][connection]") {
  etl::testing::ResetMySqlDatabase("etl_src_conn");
  auto conn = Connect(TestSource("etl_src_conn"), TestEnv(std::nullopt));
  conn.Exec("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))");
  conn.Exec("INSERT INTO t VALUES (1, 'a'), (2, NULL)");
  const auto rows = conn.Query("SELECT id, v FROM t ORDER BY id");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0][0] == "1");
  CHECK(rows[0][1] == "a");
  CHECK(rows[1][1] == std::nullopt);
  CHECK(conn.QueryScalar("SELECT v FROM t WHERE id = 2") == std::nullopt);
  CHECK(conn.QueryScalar("SELECT v FROM t WHERE id = 3") == std::nullopt);
  try {
    conn.Exec("SELEC broken");
    FAIL("bad SQL succeeded");
  } catch (const MySqlError& e) {
    INFO(e.what());
    CHECK(e.code() == 1064);
    CHECK(e.sqlstate() == "42000");
    CHECK(std::string(e.what()).find("SELEC broken") != std::string::npos);
  }
}

TEST_CASE("SetReadOnly makes later writes fail", "[source][connection]") {
  etl::testing::ResetMySqlDatabase("etl_src_conn");
  etl::testing::MySql("CREATE TABLE t (id INT)", "etl_src_conn");
  auto conn = Connect(TestSource("etl_src_conn"), TestEnv(std::nullopt));
  conn.SetReadOnly();
  CHECK(conn.QueryScalar("SELECT COUNT(*) FROM t") == "0");
  CHECK_THROWS_WITH(conn.Exec("INSERT INTO t VALUES (1)"), Catch::Contains("READ ONLY"));
  CHECK(etl::testing::Trim(etl::testing::MySql("SELECT COUNT(*) FROM t", "etl_src_conn")) == "0");
}

TEST_CASE("A moved-from connection is inert and the moved-to one works", "[source][connection]") {
  etl::testing::ResetMySqlDatabase("etl_src_conn");
  auto a = Connect(TestSource("etl_src_conn"), TestEnv(std::nullopt));
  auto b = std::move(a);
  CHECK(b.QueryScalar("SELECT 2") == "2");
  CHECK_THROWS_AS(a.native(), std::logic_error);  // NOLINT(bugprone-use-after-move)
}

TEST_CASE("statement errors show the statement's shape, not its values (values at trace)",
          "[source][connection][disclosure]") {
  etl::testing::ResetMySqlDatabase("etl_src_shape");
  etl::testing::MySql("CREATE TABLE t (k varchar(40) PRIMARY KEY)", "etl_src_shape");
  auto conn = Connect(TestSource("etl_src_shape"), TestEnv(std::nullopt));
  // A keyset cursor value, as a reader's statement carries it.
  const std::string sql =
      "SELECT `k` FROM `etl_src_shape`.`t` WHERE (`k` > 'cursor-secret@example.com') AND nope = 7 "
      "ORDER BY `k` LIMIT 100";
  for (const bool trace : {false, true}) {
    etl::config::SetShowValues(trace);
    INFO("trace: " << trace);
    for (int via_reader = 0; via_reader < 2; ++via_reader) {
      try {
        if (via_reader == 1) {
          etl::source::RowReader reader(conn, sql, "reading etl_src_shape.t");
        } else {
          conn.Query(sql);
        }
        FAIL("a statement with an unknown column ran");
      } catch (const MySqlError& e) {
        const std::string what = e.what();
        INFO(what);
        CHECK(what.find("Unknown column 'nope'") != std::string::npos);
        CHECK((what.find("cursor-secret") != std::string::npos) == trace);
        if (!trace) {
          CHECK(what.find("statement: SELECT `k` FROM `etl_src_shape`.`t` WHERE (`k` > ?) AND "
                          "nope = ? ORDER BY `k` LIMIT ?") != std::string::npos);
        }
      }
    }
    // A syntax error quotes the statement back from where parsing stopped.
    try {
      conn.Query("SELECT 1 FROM t WHERE k = 'syntax-secret' ORDER BYY k");
      FAIL("a syntax error ran");
    } catch (const MySqlError& e) {
      const std::string what = e.what();
      INFO(what);
      CHECK(what.find("1064") != std::string::npos);
      CHECK((what.find("syntax-secret") != std::string::npos) == trace);
    }
  }
  etl::config::SetShowValues(false);
}
