// Integration tests for source/schema_introspector.h against the real MariaDB.

#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "source/mysql_connection.h"
#include "source/schema_introspector.h"
#include "support/test_env.h"

namespace etl::source_tests {
config::SourceSpec TestSource(const std::string& database);
config::EnvLookup TestEnv(const std::optional<std::string>& password);
}  // namespace etl::source_tests

using etl::source::Connect;
using etl::source::Introspect;
using etl::source::IntrospectIfExists;
using etl::source::TableNotFound;
using etl::source_tests::TestEnv;
using etl::source_tests::TestSource;
using Members = std::vector<std::string>;

namespace {

const char* kEveryType = R"sql(
CREATE TABLE every_type (
  id BIGINT NOT NULL AUTO_INCREMENT,
  flag TINYINT(1) NOT NULL,
  b1 BIT(1),
  t TINYINT,
  tu TINYINT UNSIGNED,
  s SMALLINT,
  su SMALLINT UNSIGNED,
  m MEDIUMINT,
  i INT,
  iu INT UNSIGNED,
  bu BIGINT UNSIGNED,
  d DECIMAL(20,6),
  f FLOAT,
  dbl DOUBLE,
  c CHAR(10),
  vc VARCHAR(255) NOT NULL,
  tt TINYTEXT,
  tx TEXT,
  mt MEDIUMTEXT,
  lt LONGTEXT,
  e ENUM('it''s','b\\s','x,y',''),
  st SET('a','b''c'),
  js JSON,
  bin BINARY(16),
  vb VARBINARY(100),
  bl BLOB,
  lb LONGBLOB,
  b10 BIT(10),
  dt DATE,
  dtm DATETIME(3),
  ts TIMESTAMP(6) NULL,
  tm TIME(6),
  y YEAR,
  g GEOMETRY,
  p POINT,
  PRIMARY KEY (id)
))sql";

const etl::types::SourceColumn& Col(const etl::source::SourceTable& t, const std::string& name) {
  const auto* c = t.FindColumn(name);
  INFO("column " << name);
  REQUIRE(c != nullptr);
  return *c;
}

}  // namespace

TEST_CASE("Introspect reports every type of the mapping table", "[source][schema]") {
  etl::testing::ResetMySqlDatabase("etl_src_schema");
  etl::testing::MySql(kEveryType, "etl_src_schema");
  auto conn = Connect(TestSource("etl_src_schema"), TestEnv(std::nullopt));
  const auto t = Introspect(conn, "etl_src_schema", "every_type");

  CHECK(t.exists);
  CHECK(t.primary_key == std::vector<std::string>{"id"});
  REQUIRE(t.columns.size() == 35);
  CHECK(t.columns.front().name == "id");
  CHECK(t.columns.back().name == "p");
  CHECK(t.columns[19].name == "lt");  // ordinal order

  CHECK(Col(t, "id").data_type == "bigint");
  CHECK_FALSE(Col(t, "id").nullable);
  CHECK(Col(t, "flag").column_type == "tinyint(1)");
  CHECK_FALSE(Col(t, "flag").nullable);
  CHECK(Col(t, "b1").data_type == "bit");
  CHECK(Col(t, "b1").numeric_precision == 1);
  CHECK(Col(t, "b10").numeric_precision == 10);
  CHECK_FALSE(Col(t, "t").is_unsigned);
  CHECK(Col(t, "tu").is_unsigned);
  CHECK(Col(t, "su").is_unsigned);
  CHECK(Col(t, "iu").is_unsigned);
  CHECK(Col(t, "bu").data_type == "bigint");
  CHECK(Col(t, "bu").is_unsigned);
  CHECK(Col(t, "m").data_type == "mediumint");
  CHECK(Col(t, "d").data_type == "decimal");
  CHECK(Col(t, "d").numeric_precision == 20);
  CHECK(Col(t, "d").numeric_scale == 6);
  CHECK(Col(t, "f").data_type == "float");
  CHECK(Col(t, "dbl").data_type == "double");
  CHECK(Col(t, "c").data_type == "char");
  CHECK(Col(t, "c").char_max_length == 10);
  CHECK(Col(t, "vc").char_max_length == 255);
  CHECK(Col(t, "vc").nullable == false);
  CHECK(Col(t, "tt").data_type == "tinytext");
  CHECK(Col(t, "tx").data_type == "text");
  CHECK(Col(t, "mt").data_type == "mediumtext");
  CHECK(Col(t, "lt").data_type == "longtext");  // no json_valid CHECK: stays text
  CHECK(Col(t, "e").data_type == "enum");
  CHECK(Col(t, "e").enum_values == Members{"it's", "b\\s", "x,y", ""});
  CHECK(Col(t, "st").data_type == "set");
  CHECK(Col(t, "st").enum_values == Members{"a", "b'c"});
  CHECK(Col(t, "js").data_type == "json");  // MariaDB: longtext + CHECK (json_valid(`js`))
  CHECK(Col(t, "js").column_type == "longtext");
  CHECK(Col(t, "bin").data_type == "binary");
  CHECK(Col(t, "bin").char_max_length == 16);
  CHECK(Col(t, "vb").data_type == "varbinary");
  CHECK(Col(t, "bl").data_type == "blob");
  CHECK(Col(t, "lb").data_type == "longblob");
  CHECK(Col(t, "dt").data_type == "date");
  CHECK(Col(t, "dtm").data_type == "datetime");
  CHECK(Col(t, "dtm").datetime_precision == 3);
  CHECK(Col(t, "ts").data_type == "timestamp");
  CHECK(Col(t, "ts").datetime_precision == 6);
  CHECK(Col(t, "tm").data_type == "time");
  CHECK(Col(t, "tm").datetime_precision == 6);
  CHECK(Col(t, "y").data_type == "year");
  CHECK(Col(t, "g").data_type == "geometry");
  CHECK(Col(t, "p").data_type == "point");
}

TEST_CASE("A table-level json_valid CHECK also marks JSON, other checks do not",
          "[source][schema]") {
  etl::testing::ResetMySqlDatabase("etl_src_schema");
  etl::testing::MySql(
      "CREATE TABLE j (a LONGTEXT, b LONGTEXT, c LONGTEXT, "
      "CONSTRAINT named_check CHECK (json_valid(a)), CHECK (b <> ''), "
      "CHECK (json_valid(c) OR c IS NULL))",
      "etl_src_schema");
  auto conn = Connect(TestSource("etl_src_schema"), TestEnv(std::nullopt));
  const auto t = Introspect(conn, "etl_src_schema", "j");
  CHECK(Col(t, "a").data_type == "json");
  CHECK(Col(t, "b").data_type == "longtext");
  CHECK(Col(t, "c").data_type == "longtext");
  CHECK(t.primary_key.empty());
}

TEST_CASE("Composite primary keys come back in key order", "[source][schema]") {
  etl::testing::ResetMySqlDatabase("etl_src_schema");
  etl::testing::MySql(
      "CREATE TABLE k (a INT, b VARCHAR(5), `we``ird` INT, PRIMARY KEY (b, `we``ird`, a))",
      "etl_src_schema");
  auto conn = Connect(TestSource("etl_src_schema"), TestEnv(std::nullopt));
  const auto t = Introspect(conn, "etl_src_schema", "k");
  CHECK(t.primary_key == std::vector<std::string>{"b", "we`ird", "a"});
}

TEST_CASE("A missing table is a clear error", "[source][schema]") {
  etl::testing::ResetMySqlDatabase("etl_src_schema");
  etl::testing::MySql("CREATE TABLE Orders (id INT)", "etl_src_schema");
  auto conn = Connect(TestSource("etl_src_schema"), TestEnv(std::nullopt));
  CHECK_THROWS_AS(Introspect(conn, "etl_src_schema", "orders_missing"), TableNotFound);
  CHECK_THROWS_WITH(
      Introspect(conn, "etl_src_schema", "orders_missing"),
      Catch::StartsWith("table etl_src_schema.orders_missing does not exist in MySQL"));
  // Names match exactly, as MySQL on Linux does.
  CHECK_FALSE(IntrospectIfExists(conn, "etl_src_schema", "orders").exists);
  CHECK(IntrospectIfExists(conn, "etl_src_schema", "Orders").exists);
  CHECK(IntrospectIfExists(conn, "etl_src_schema", "Orders").columns.size() == 1);
}
