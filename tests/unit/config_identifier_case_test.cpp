// Unit tests of identifier_case (config/identifier_case.h): the fold and the collision checks.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/identifier_case.h"

namespace etl::config {
namespace {

TableSpec Table(const std::string& name, IdentifierCase rule, const std::string& matched_by = "") {
  TableSpec t;
  t.name = name;
  t.source_table = name;
  t.identifier_case = rule;
  t.target_table = FoldIdentifier(name, rule);
  t.matched_by = matched_by;
  return t;
}

TEST_CASE("preserve keeps names, lower folds ASCII letters only, as PostgreSQL does") {
  CHECK(FoldIdentifier("CustomerID", IdentifierCase::kPreserve) == "CustomerID");
  CHECK(FoldIdentifier("CustomerID", IdentifierCase::kLower) == "customerid");
  CHECK(FoldIdentifier("Order_Items2", IdentifierCase::kLower) == "order_items2");
  CHECK(FoldIdentifier("ÄÖÜ_Straße", IdentifierCase::kLower) ==
        "ÄÖÜ_straße");  // bytes >= 0x80 kept
  CHECK(FoldIdentifier("", IdentifierCase::kLower).empty());
  CHECK(ToString(IdentifierCase::kLower) == std::string("lower"));
  CHECK(ToString(IdentifierCase::kPreserve) == std::string("preserve"));
}

TEST_CASE("two columns folding to one name are a problem naming both") {
  CHECK(ColumnFoldProblem({"id", "Name", "name2"}, IdentifierCase::kLower, "shop.t").empty());
  CHECK(ColumnFoldProblem({"UserID", "userid"}, IdentifierCase::kPreserve, "shop.t").empty());
  CHECK(ColumnFoldProblem({"id", "UserID", "x", "userid"}, IdentifierCase::kLower, "shop.users") ==
        "columns UserID and userid of shop.users both become column userid (identifier_case: "
        "lower); keep their case with identifier_case: preserve for this table");
}

TEST_CASE("two tables loading one target are a problem naming both source tables") {
  const std::vector<TableSpec> ok = {Table("Orders", IdentifierCase::kLower, "*"),
                                     Table("customers", IdentifierCase::kLower, "*")};
  CHECK(TargetTableCollisions(ok, "dw").empty());

  const std::vector<TableSpec> folded = {Table("Orders", IdentifierCase::kLower, "*"),
                                         Table("orders", IdentifierCase::kLower, "*")};
  CHECK(TargetTableCollisions(folded, "dw") ==
        std::vector<std::string>{
            "source tables Orders (tables_match.include '*') and orders (tables_match.include "
            "'*') both load target table dw.orders (identifier_case lower folds Orders to "
            "orders); exclude one (tables_match.exclude) or give one a target_table under "
            "tables:"});

  // The same names without folding are two targets.
  CHECK(TargetTableCollisions({Table("Orders", IdentifierCase::kPreserve, "*"),
                               Table("orders", IdentifierCase::kPreserve, "*")},
                              "dw")
            .empty());

  // An explicit entry's target_table against a matched table.
  TableSpec entry = Table("orders_v2", IdentifierCase::kPreserve);
  entry.target_table = "orders";
  entry.target_table_given = true;
  CHECK(TargetTableCollisions({entry, Table("orders", IdentifierCase::kPreserve, "ord*")}, "dw") ==
        std::vector<std::string>{
            "source tables orders_v2 (tables.orders_v2, target_table orders) and orders "
            "(tables_match.include 'ord*') both load target table dw.orders; exclude one "
            "(tables_match.exclude) or give one a target_table under tables:"});
}

TEST_CASE("DescribeOrigin names the entry or the pattern") {
  CHECK(DescribeOrigin(Table("orders", IdentifierCase::kPreserve)) == "tables.orders");
  CHECK(DescribeOrigin(Table("orders", IdentifierCase::kPreserve, "ord*")) ==
        "tables_match.include 'ord*'");
}

}  // namespace
}  // namespace etl::config
