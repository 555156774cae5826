// Unit tests of tables_match expansion (plan/table_expansion.h) and the start order
// (plan/load_order.h): pure functions over a spec and the source's base-table names.

#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/job_loader.h"
#include "plan/load_order.h"
#include "plan/table_expansion.h"

namespace etl::plan {
namespace {

config::JobSpec Spec(const std::string& tail) {
  const std::string text =
      "version: 1\n"
      "source: {user: etl, database: shop}\n"
      "target: {database: dw, schema: stage}\n" +
      tail;
  config::LoadResult r = config::LoadJobSpecFromString(
      text, "job.yml", [](const std::string&) -> std::optional<std::string> { return {}; });
  INFO(text);
  for (const auto& d : r.diagnostics)
    UNSCOPED_INFO(d.ToString());
  REQUIRE(r.ok());
  return std::move(*r.spec);
}

std::vector<std::string> Names(const TableExpansion& e) {
  std::vector<std::string> out;
  for (const auto& t : e.tables)
    out.push_back(t.name);
  return out;
}

const std::vector<std::string> kBaseTables = {"orders", "customers", "tmp_1", "orders_bak",
                                              "events", "tmp_2",     "audit"};

TEST_CASE("explicit entries in spec order, then matched base tables by name") {
  const auto spec = Spec(
      "tables_match:\n"
      "  include: ['*']\n"
      "  exclude: ['tmp_*', '*_bak']\n"
      "  defaults: {batch_size: 500, on_bad_row: reject}\n"
      "tables:\n"
      "  orders: {batch_size: 10}\n"
      "  daily: {source_table: v_daily}\n");  // a view: only ever named, never matched
  const TableExpansion e = ExpandTables(spec, kBaseTables);
  CHECK(e.problems.empty());
  CHECK(Names(e) == std::vector<std::string>{"orders", "daily", "audit", "customers", "events"});
  CHECK(e.matched_count() == 3);
  REQUIRE(e.excluded.size() == 3);
  CHECK(e.excluded[0].name == "orders_bak");
  CHECK(e.excluded[0].pattern == "*_bak");
  CHECK(e.excluded[1].name == "tmp_1");
  CHECK(e.excluded[1].pattern == "tmp_*");
  CHECK(e.unmatched_include.empty());

  const config::TableSpec& orders = e.tables[0];  // the entry, not a second copy
  CHECK(orders.batch_size == 10);
  CHECK(orders.on_bad_row == config::OnBadRow::kReject);  // defaults fill what it leaves out
  CHECK(orders.matched_by.empty());
  CHECK(e.tables[1].source_table == "v_daily");
  CHECK(e.tables[1].batch_size == 500);

  const config::TableSpec& audit = e.tables[2];
  CHECK(audit.source_table == "audit");
  CHECK(audit.target_table == "audit");
  CHECK(audit.batch_size == 500);
  CHECK(audit.on_bad_row == config::OnBadRow::kReject);
  CHECK(audit.matched_by == "*");
  CHECK(audit.location == spec.tables_match->include[0].location);
}

TEST_CASE("a table is brought in by the first include pattern that matches it") {
  const auto spec = Spec(
      "tables_match:\n"
      "  include: ['ord*', '*s', 'nothing_*']\n"
      "  defaults: {batch_size: 1}\n");
  const TableExpansion e = ExpandTables(spec, kBaseTables);
  CHECK(Names(e) == std::vector<std::string>{"customers", "events", "orders", "orders_bak"});
  CHECK(e.tables[0].matched_by == "*s");
  CHECK(e.tables[2].matched_by == "ord*");
  CHECK(e.tables[3].matched_by == "ord*");
  CHECK(e.unmatched_include == std::vector<std::string>{"nothing_*"});
}

TEST_CASE("an explicit entry wins over exclude, and a table it reads is not matched again") {
  const auto spec = Spec(
      "tables_match:\n"
      "  exclude: ['tmp_*']\n"
      "  defaults: {batch_size: 1}\n"
      "tables:\n"
      "  tmp_1: {}\n"  // excluded, but named
      "  cust: {source_table: customers, target_table: dim_customer}\n");
  const TableExpansion e = ExpandTables(spec, kBaseTables);
  CHECK(e.problems.empty());
  CHECK(Names(e) ==
        std::vector<std::string>{"tmp_1", "cust", "audit", "events", "orders", "orders_bak"});
}

TEST_CASE("order is by byte value and independent of the listing's order, duplicates once") {
  const auto spec = Spec("tables_match: {defaults: {batch_size: 1}}\n");
  const TableExpansion e = ExpandTables(spec, {"b", "B", "a", "_x", "a"});
  CHECK(Names(e) == std::vector<std::string>{"B", "_x", "a", "b"});
}

TEST_CASE("identifier_case lower folds matched target names, collisions are problems") {
  const auto spec = Spec(
      "identifier_case: lower\n"
      "tables_match: {include: ['*rders'], defaults: {batch_size: 1}}\n");
  const TableExpansion ok = ExpandTables(spec, {"CustomerOrders"});
  REQUIRE(ok.tables.size() == 1);
  CHECK(ok.tables[0].name == "CustomerOrders");
  CHECK(ok.tables[0].source_table == "CustomerOrders");
  CHECK(ok.tables[0].target_table == "customerorders");
  CHECK(ok.problems.empty());

  const TableExpansion clash = ExpandTables(spec, {"Orders", "orders"});
  CHECK(clash.problems ==
        std::vector<std::string>{
            "source tables Orders (tables_match.include '*rders') and orders "
            "(tables_match.include '*rders') both load target table stage.orders "
            "(identifier_case lower folds Orders to orders); exclude one (tables_match.exclude) "
            "or give one a target_table under tables:"});

  // The defaults' identifier_case overrides the job's for matched tables.
  const auto preserve = Spec(
      "identifier_case: lower\n"
      "tables_match: {defaults: {batch_size: 1, identifier_case: preserve}}\n");
  const TableExpansion kept = ExpandTables(preserve, {"Orders", "orders"});
  CHECK(kept.problems.empty());
  CHECK(kept.tables[0].target_table == "Orders");
}

TEST_CASE("a matched table may not share its name or target with an explicit entry") {
  const auto spec = Spec(
      "tables_match: {defaults: {batch_size: 1}}\n"
      "tables:\n"
      "  orders: {source_table: orders_v2}\n"
      "  archive: {source_table: old, target_table: events}\n");
  const TableExpansion e = ExpandTables(spec, {"orders", "orders_v2", "old", "events"});
  CHECK(e.problems ==
        std::vector<std::string>{
            "tables_match.include '*' matches source table orders, but tables.orders reads "
            "orders_v2; exclude it (tables_match.exclude) or rename the entry",
            "source tables old (tables.archive, target_table events) and events "
            "(tables_match.include '*') both load target table stage.events; exclude one "
            "(tables_match.exclude) or give one a target_table under tables:"});
}

TEST_CASE("without tables_match the tables are the entries") {
  const auto spec = Spec("tables:\n  b: {batch_size: 1}\n  a: {batch_size: 1}\n");
  const TableExpansion e = ExpandTables(spec, {"x", "y"});
  CHECK(Names(e) == std::vector<std::string>{"b", "a"});
  CHECK(e.problems.empty());
  CHECK(e.unmatched_include.empty());
}

TEST_CASE("start order: as listed with one table at a time, largest first with several") {
  const std::vector<double> sizes = {5, 500, 0, 50, 500};
  CHECK(LoadOrder(sizes, 1) == std::vector<std::size_t>{0, 1, 2, 3, 4});
  CHECK(LoadOrder(sizes, 2) == std::vector<std::size_t>{1, 4, 3, 0, 2});  // ties keep order
  CHECK(LoadOrder({}, 4).empty());
}

}  // namespace
}  // namespace etl::plan
