// Integration tests for source/table_listing.h against the real MariaDB: base tables and what
// is not one (views, sequences), exact names, sizes from information_schema.

#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "source/mysql_connection.h"
#include "source/table_listing.h"
#include "support/test_env.h"

namespace etl::source_tests {
config::SourceSpec TestSource(const std::string& database);
config::EnvLookup TestEnv(const std::optional<std::string>& password);
}  // namespace etl::source_tests

using etl::source::Connect;
using etl::source::ListTables;
using etl::source_tests::TestEnv;
using etl::source_tests::TestSource;

TEST_CASE("ListTables lists base tables and tells views and sequences apart", "[source][listing]") {
  const std::string db = "etl_src_listing";
  etl::testing::ResetMySqlDatabase(db);
  etl::testing::MySql(
      "CREATE TABLE big (id INT PRIMARY KEY, pad VARCHAR(200));"
      "INSERT INTO big SELECT seq, REPEAT('x', 200) FROM seq_1_to_20000;"
      "CREATE TABLE Mixed (id INT PRIMARY KEY);"
      "CREATE TABLE mixed (id INT PRIMARY KEY);"
      "CREATE TABLE hist (id INT PRIMARY KEY) WITH SYSTEM VERSIONING;"
      "CREATE VIEW v_big AS SELECT id FROM big;"
      "CREATE SEQUENCE seq_ids;"
      "ANALYZE TABLE big;",
      db);
  auto conn = Connect(TestSource(db), TestEnv(std::nullopt));
  const auto tables = ListTables(conn, db);

  std::vector<std::string> names;
  for (const auto& t : tables)
    names.push_back(t.name + ":" + t.type + ":" + (t.base_table ? "base" : "other"));
  CHECK(names == std::vector<std::string>{"Mixed:BASE TABLE:base", "big:BASE TABLE:base",
                                          "hist:SYSTEM VERSIONED:base", "mixed:BASE TABLE:base",
                                          "seq_ids:SEQUENCE:other", "v_big:VIEW:other"});
  CHECK(etl::source::BaseTableNames(tables) ==
        std::vector<std::string>{"Mixed", "big", "hist", "mixed"});

  const auto big = tables[1];
  CHECK(big.data_bytes > 20000LL * 200);  // InnoDB pages: at least the payload
  CHECK(big.estimated_rows > 10000);
  CHECK(big.size_mb() > 3.5);
  CHECK(tables[5].size_mb() == 0);  // a view has no size

  CHECK(ListTables(conn, "etl_src_listing_missing").empty());
}
