// Unit tests of the loader for tables_match and identifier_case: the model, how defaults combine
// with tables: entries, and every located problem validate reports for them.

#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/job_loader.h"
#include "support/test_env.h"

namespace etl::config {
namespace {

LoadResult LoadText(const std::string& text, const std::string& path = "job.yml") {
  return LoadJobSpecFromString(text, path,
                               [](const std::string&) -> std::optional<std::string> { return {}; });
}

std::vector<std::string> Messages(const LoadResult& r) {
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diagnostics)
    out.push_back(d.ToString());
  return out;
}

// Lines 1-6.
const std::string kHead =
    "version: 1\n"
    "source:\n"
    "  user: etl\n"
    "  database: shop\n"
    "target:\n"
    "  database: dw\n";

TEST_CASE("tables_match alone is a job: include defaults to *, defaults are read like a table") {
  const LoadResult r = LoadText(kHead +
                                "tables_match:\n"                          // 7
                                "  defaults:\n"                            // 8
                                "    batch_size: 5000\n"                   // 9
                                "    extraction_strategy: incremental\n"   // 10
                                "    incremental_columns: [updated_at]\n"  // 11
                                "    performance: {strategy: copy_csv}\n"  // 12
                                "    identifier_case: lower\n");           // 13
  INFO(::Catch::Detail::stringify(Messages(r)));
  REQUIRE(r.ok());
  CHECK(r.diagnostics.empty());
  const JobSpec& s = *r.spec;
  CHECK(s.tables.empty());
  REQUIRE(s.tables_match);
  const TableMatchSpec& m = *s.tables_match;
  REQUIRE(m.include.size() == 1);
  CHECK(m.include[0].glob == "*");
  CHECK(m.include[0].location == "job.yml:7:1");
  CHECK(m.exclude.empty());
  CHECK(m.location == "job.yml:7:1");
  CHECK(m.defaults.batch_size == 5000);
  CHECK(m.defaults.extraction_strategy == ExtractionStrategy::kIncremental);
  CHECK(m.defaults.incremental_columns == std::vector<std::string>{"updated_at"});
  CHECK(m.defaults.performance.strategy == Strategy::kCopyCsv);
  CHECK(m.defaults.identifier_case == IdentifierCase::kLower);
  CHECK(s.identifier_case == IdentifierCase::kPreserve);
}

TEST_CASE("include and exclude globs are read in order with their locations") {
  const LoadResult r = LoadText(kHead +
                                "tables_match:\n"                       // 7
                                "  include: [\"ord*\", 'cust?mers']\n"  // 8
                                "  exclude:\n"                          // 9
                                "    - tmp_*\n"                         // 10
                                "    - \"*_bak\"\n"                     // 11
                                "  defaults: {batch_size: 10}\n");
  REQUIRE(r.ok());
  const TableMatchSpec& m = *r.spec->tables_match;
  REQUIRE(m.include.size() == 2);
  CHECK(m.include[0].glob == "ord*");
  CHECK(m.include[0].location == "job.yml:8:13");
  CHECK(m.include[1].glob == "cust?mers");
  CHECK(m.include[1].location == "job.yml:8:21");
  REQUIRE(m.exclude.size() == 2);
  CHECK(m.exclude[0].glob == "tmp_*");
  CHECK(m.exclude[0].location == "job.yml:10:7");
  CHECK(m.exclude[1].glob == "*_bak");

  // A single scalar is a one-pattern list.
  const LoadResult one =
      LoadText(kHead + "tables_match: {include: ord*, defaults: {batch_size: 1}}\n");
  REQUIRE(one.ok());
  REQUIRE(one.spec->tables_match->include.size() == 1);
  CHECK(one.spec->tables_match->include[0].glob == "ord*");
}

TEST_CASE("defaults fill every key a tables: entry leaves out, the entry's own keys win") {
  const LoadResult r = LoadText(kHead +
                                "tables_match:\n"
                                "  include: [\"a*\"]\n"
                                "  defaults:\n"
                                "    batch_size: 5000\n"
                                "    on_bad_row: reject\n"
                                "    column_types: {payload: jsonb}\n"
                                "    performance: {strategy: copy_csv, parallel_chunks: 8}\n"
                                "    post_load: [ANALYZE]\n"
                                "tables:\n"
                                "  orders:\n"  // no batch_size: it comes from the defaults
                                "    performance: {parallel_chunks: 2}\n"
                                "    column_types: {price: numeric}\n"
                                "  events:\n"
                                "    batch_size: 10\n"
                                "    on_bad_row: fail\n"
                                "    post_load: []\n");
  INFO(::Catch::Detail::stringify(Messages(r)));
  REQUIRE(r.ok());
  REQUIRE(r.spec->tables.size() == 2);
  const TableSpec& orders = r.spec->tables[0];
  CHECK(orders.batch_size == 5000);
  CHECK(orders.on_bad_row == OnBadRow::kReject);
  CHECK(orders.performance.strategy == Strategy::kCopyCsv);  // sub-keys merge one by one
  CHECK(orders.performance.parallel_chunks == 2);
  CHECK(orders.column_types ==
        std::map<std::string, std::string>{{"payload", "jsonb"}, {"price", "numeric"}});
  CHECK(orders.post_load == std::vector<std::string>{"ANALYZE"});
  CHECK(orders.matched_by.empty());
  CHECK(orders.location == "job.yml:16:3");
  const TableSpec& events = r.spec->tables[1];
  CHECK(events.batch_size == 10);
  CHECK(events.on_bad_row == OnBadRow::kFail);
  CHECK(events.post_load.empty());
  CHECK(events.performance.parallel_chunks == 8);
}

TEST_CASE("without a batch_size in the defaults, entries and the defaults need one") {
  CHECK(Messages(LoadText(kHead + "tables_match:\n"           // 7
                                  "  include: [\"a*\"]\n"     // 8
                                  "  defaults:\n"             // 9
                                  "    on_bad_row: reject\n"  // 10
                                  "tables:\n"                 // 11
                                  "  orders: {}\n"))          // 12
        == std::vector<std::string>{
               "job.yml:9:3: error: tables_match.defaults: missing required key 'batch_size' in "
               "tables_match.defaults (the tables it matches need one)",
               "job.yml:12:3: error: tables.orders.batch_size: missing required key "
               "'batch_size'"});
  CHECK(Messages(LoadText(kHead + "tables_match: {include: [x]}\n")) ==
        std::vector<std::string>{
            "job.yml:7:1: error: tables_match: missing required key 'batch_size' in "
            "tables_match.defaults (the tables it matches need one)"});
}

TEST_CASE("tables_match problems are located at the pattern or key") {
  const LoadResult r = LoadText(kHead +
                                "tables_match:\n"                                          // 7
                                "  include: [\"ok_*\", \"bad[\", \"ok_*\", \"shop.*\"]\n"  // 8
                                "  exclude: {a: 1}\n"                                      // 9
                                "  defualts: {}\n"                                         // 10
                                "  defaults:\n"                                            // 11
                                "    batch_size: 0\n"                                      // 12
                                "    source_table: x\n"                                    // 13
                                "    target_table: y\n"                                    // 14
                                "    batch_sise: 3\n"                                      // 15
                                "    identifier_case: upper\n");                           // 16
  CHECK(Messages(r) ==
        std::vector<std::string>{
            "job.yml:8:21: error: tables_match.include[1]: pattern 'bad[': '[' is not closed "
            "by ']' (write '\\[' for a literal bracket)",
            "job.yml:8:29: warning: tables_match.include[2]: pattern 'ok_*' is listed twice",
            "job.yml:8:37: warning: tables_match.include[3]: patterns match table names within "
            "source.database, not 'shop.<table>': 'shop.*' matches only tables whose name starts "
            "with 'shop.'",
            "job.yml:9:12: error: tables_match.exclude: expected a list of patterns, got a "
            "mapping",
            "job.yml:10:3: error: tables_match.defualts: unknown key 'defualts' (did you mean "
            "'defaults'?)",
            "job.yml:12:17: error: tables_match.defaults.batch_size: must be greater than 0, got 0",
            "job.yml:13:5: error: tables_match.defaults.source_table: cannot be a default (each "
            "matched table is read from the source table of its own name); give it on a tables: "
            "entry",
            "job.yml:14:5: error: tables_match.defaults.target_table: cannot be a default (every "
            "matched table would load the same target table); give it on a tables: entry",
            "job.yml:15:5: error: tables_match.defaults.batch_sise: unknown key 'batch_sise' (did "
            "you mean 'batch_size'?)",
            "job.yml:16:22: error: tables_match.defaults.identifier_case: expected one of "
            "preserve|lower, got 'upper'"});
  CHECK_FALSE(r.ok());

  CHECK(Messages(LoadText(kHead + "tables_match: {include: [], defaults: {batch_size: 1}}\n")) ==
        std::vector<std::string>{"job.yml:7:25: error: tables_match.include: lists no patterns "
                                 "(leave include out to match every table)"});
  CHECK(Messages(LoadText(kHead + "tables_match: [a]\n")) ==
        std::vector<std::string>{"job.yml:7:15: error: tables_match: expected a mapping, got a "
                                 "list"});
}

TEST_CASE("an incremental default needs its cursor, in the defaults or the entry") {
  CHECK(Messages(LoadText(kHead + "tables_match:\n"                           // 7
                                  "  defaults:\n"                             // 8
                                  "    batch_size: 1\n"                       // 9
                                  "    extraction_strategy: incremental\n"))  // 10
        == std::vector<std::string>{
               "job.yml:10:26: error: tables_match.defaults.extraction_strategy: incremental "
               "needs incremental_columns (the cursor columns, e.g. [updated_at])"});
  CHECK(Messages(LoadText(kHead + "tables_match:\n"                            // 7
                                  "  defaults:\n"                              // 8
                                  "    batch_size: 1\n"                        // 9
                                  "    extraction_strategy: incremental\n"     // 10
                                  "    incremental_columns: [updated_at]\n"    // 11
                                  "tables:\n"                                  // 12
                                  "  orders: {incremental_columns: []}\n"      // 13
                                  "  events: {extraction_strategy: full}\n"))  // 14
        == std::vector<std::string>{"job.yml:13:33: error: tables.orders.incremental_columns: an "
                                    "incremental load needs at least one cursor column"});
}

TEST_CASE("identifier_case: job level, per-table override, folds default target names only") {
  const LoadResult r = LoadText(kHead +
                                "identifier_case: lower\n"
                                "tables:\n"
                                "  CustomerOrders: {batch_size: 1}\n"
                                "  Events: {batch_size: 1, identifier_case: preserve}\n"
                                "  Items: {batch_size: 1, target_table: StockItems}\n");
  INFO(::Catch::Detail::stringify(Messages(r)));
  REQUIRE(r.ok());
  CHECK(r.spec->identifier_case == IdentifierCase::kLower);
  const auto& t = r.spec->tables;
  REQUIRE(t.size() == 3);
  CHECK(t[0].name == "CustomerOrders");
  CHECK(t[0].source_table == "CustomerOrders");
  CHECK(t[0].target_table == "customerorders");
  CHECK(t[0].identifier_case == IdentifierCase::kLower);
  CHECK_FALSE(t[0].target_table_given);
  CHECK(t[1].target_table == "Events");
  CHECK(t[1].identifier_case == IdentifierCase::kPreserve);
  CHECK(t[2].target_table == "StockItems");  // written in the spec: used as written
  CHECK(t[2].target_table_given);
  CHECK(t[2].identifier_case == IdentifierCase::kLower);

  const LoadResult defaults_lower =
      LoadText(kHead +
               "tables_match: {include: [Z], defaults: {batch_size: 1, identifier_case: lower}}\n"
               "tables:\n  Orders: {}\n");
  REQUIRE(defaults_lower.ok());
  CHECK(defaults_lower.spec->tables[0].target_table == "orders");

  CHECK(Messages(LoadText(kHead + "identifier_case: Lower\ntables:\n  a: {batch_size: 1}\n")) ==
        std::vector<std::string>{"job.yml:7:18: error: identifier_case: expected one of "
                                 "preserve|lower, got 'Lower' (did you mean 'lower'?)"});
}

TEST_CASE("validate refuses two tables: entries that fold to one target") {
  CHECK(Messages(LoadText(kHead + "identifier_case: lower\n"          // 7
                                  "tables:\n"                         // 8
                                  "  Orders: {batch_size: 1}\n"       // 9
                                  "  orders: {batch_size: 1}\n")) ==  // 10
        std::vector<std::string>{
            "job.yml:10:3: error: tables.orders.target_table: target table 'orders' is already "
            "loaded by table 'Orders' at job.yml:9:3"});
  CHECK(Messages(LoadText(kHead + "identifier_case: lower\n"          // 7
                                  "tables:\n"                         // 8
                                  "  orders: {batch_size: 1}\n"       // 9
                                  "  ORDERS: {batch_size: 1}\n")) ==  // 10
        std::vector<std::string>{
            "job.yml:10:3: error: tables.ORDERS.target_table: target table 'orders' is already "
            "loaded by table 'orders' at job.yml:9:3 (identifier_case: lower folds 'ORDERS' to "
            "'orders')"});
}

TEST_CASE("tables_match works alongside a tables file") {
  const std::string tables_path = etl::testing::WriteTempFile("config_match_tables.yml",
                                                              "orders:\n"
                                                              "  where: \"id > 0\"\n");
  const LoadResult r = LoadText(kHead + "tables_match:\n  defaults: {batch_size: 77}\n" +
                                "tables_file: " + tables_path + "\n");
  INFO(::Catch::Detail::stringify(Messages(r)));
  REQUIRE(r.ok());
  REQUIRE(r.spec->tables.size() == 1);
  CHECK(r.spec->tables[0].batch_size == 77);
  CHECK(r.spec->tables[0].where == "id > 0");
}

TEST_CASE("an empty tables: is fine next to tables_match") {
  const LoadResult r = LoadText(kHead + "tables_match: {defaults: {batch_size: 1}}\ntables: {}\n");
  INFO(::Catch::Detail::stringify(Messages(r)));
  CHECK(r.ok());
}

}  // namespace
}  // namespace etl::config
