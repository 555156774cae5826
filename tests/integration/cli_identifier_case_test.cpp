// identifier_case: lower on the load path: target columns, keys, indexes and the incremental
// upsert use the folded names, reads use MySQL's, for every strategy and target variant.
#include <string>

#include <catch2/catch.hpp>

#include "support/test_env.h"

using etl::testing::JobHeader;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::RunEtl;
using etl::testing::Trim;
using etl::testing::WriteTempFile;

TEST_CASE("identifier_case lower: folded columns and keys load, reload and sync",
          "[cli][identifier_case]") {
  etl::testing::RequireServers();
  const std::string db = "ident_case_src";
  etl::testing::ResetMySqlDatabase(db);
  MySql(
      "CREATE TABLE Orders (OrderID INT PRIMARY KEY, CustomerName VARCHAR(40) NOT NULL, "
      "UpdatedAt DATETIME NOT NULL, KEY ix_Customer (CustomerName));"
      "INSERT INTO Orders SELECT seq, CONCAT('c', seq % 9), '2024-01-01' + INTERVAL seq MINUTE "
      "FROM seq_1_to_3000;",
      db);
  for (const std::string strategy : {"standard", "copy_csv", "parallel"}) {
    const std::string schema = "ident_case_" + strategy;
    etl::testing::ResetPgSchema(schema);
    const std::string job =
        WriteTempFile(schema + ".yml", JobHeader(db, schema) +
                                           "identifier_case: lower\n"
                                           "tables:\n  Orders:\n    batch_size: 1000\n"
                                           "    extraction_strategy: incremental\n"
                                           "    incremental_columns: [UpdatedAt]\n");
    auto r = RunEtl({"run", job, "--strategy", strategy, "--progress", "never"});
    INFO(strategy << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(Trim(Psql("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM "
                    "information_schema.columns WHERE table_schema = '" +
                    schema + "' AND table_name = 'orders'")) == "orderid,customername,updatedat");
    CHECK(Trim(Psql("SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE "
                    "schemaname = '" +
                    schema + "' AND tablename = 'orders'")) == "ix_customer,orders_pkey");
    // Unquoted SQL works on the copy.
    CHECK(Trim(Psql("SET search_path = " + schema +
                    "; SELECT count(*), max(orderid) FROM orders WHERE customername = 'c1'")) ==
          "334|2998");
    // An incremental run upserts by the folded key; a full reload swaps (then merges with a view).
    MySql("UPDATE Orders SET CustomerName = 'changed', UpdatedAt = '2030-01-01' WHERE OrderID = 5",
          db);
    r = RunEtl({"run", job, "--strategy", strategy, "--progress", "never"});
    CHECK(r.exit_code == 0);
    CHECK(Trim(Psql("SELECT customername FROM " + schema + ".orders WHERE orderid = 5")) ==
          "changed");
    Psql("CREATE VIEW " + schema + ".v AS SELECT orderid FROM " + schema + ".orders");
    MySql("DELETE FROM Orders WHERE OrderID = 6", db);
    r = RunEtl({"run", job, "--strategy", strategy, "--full", "--progress", "never"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("target exists: merge") != std::string::npos);
    CHECK(Trim(Psql("SELECT count(*) FROM " + schema + ".v")) == "2999");
    MySql("INSERT INTO Orders VALUES (6, 'c6', '2024-01-01 00:06:00')", db);
  }
}
