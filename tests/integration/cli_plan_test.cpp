// `etl plan` and `etl run --dry-run` against the real servers, through the real binary.
//
// Each test seeds its own MySQL database (tables of different sizes and key shapes) and uses
// `estimated_size_mb` and small `performance_rules` thresholds so the `auto` rules pick each of
// the four strategies; the tests assert the chosen strategy and its reason per table, and that
// planning wrote nothing on either side.

#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "support/test_env.h"

using etl::testing::CommandResult;
using etl::testing::JobHeader;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::RunEtl;
using etl::testing::Trim;
using etl::testing::WriteTempFile;

namespace {

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Tables of different shapes; the *_int/_str/_nopk/_comp ones have 2,000 rows.
void SeedShapes(const std::string& db) {
  etl::testing::ResetMySqlDatabase(db);
  MySql(
      "CREATE TABLE tiny (id INT PRIMARY KEY, name VARCHAR(20));"
      "INSERT INTO tiny SELECT seq, CONCAT('n', seq) FROM seq_1_to_5;"
      "CREATE TABLE big_int (id BIGINT UNSIGNED PRIMARY KEY, v INT);"
      "INSERT INTO big_int SELECT seq, seq * 2 FROM seq_1_to_2000;"
      "CREATE TABLE big_str (code VARCHAR(20) PRIMARY KEY, v INT);"
      "INSERT INTO big_str SELECT CONCAT('c', seq), seq FROM seq_1_to_2000;"
      "CREATE TABLE big_nopk (a INT, b INT);"
      "INSERT INTO big_nopk SELECT seq, seq FROM seq_1_to_2000;"
      "CREATE TABLE big_comp (a INT, b INT, PRIMARY KEY (a, b));"
      "INSERT INTO big_comp SELECT seq, seq FROM seq_1_to_2000;"
      "CREATE TABLE events (id INT PRIMARY KEY, updated_at DATETIME NOT NULL);"
      "INSERT INTO events SELECT seq, '2024-01-01' + INTERVAL seq MINUTE FROM seq_1_to_100;",
      db);
}

// A job over SeedShapes' tables: thresholds streaming 10 MB, copy_csv 100 MB, parallel 1,000 rows.
std::string ShapesJob(const std::string& db, const std::string& schema,
                      const std::string& pipeline_extra = "") {
  return JobHeader(db, schema) + pipeline_extra +
         "performance_rules:\n"
         "  copy_csv_threshold_mb: 100\n"
         "  streaming_threshold_mb: 10\n"
         "  parallel_threshold_rows: 1000\n"
         "tables:\n"
         "  tiny: {batch_size: 100}\n"
         "  medium: {source_table: tiny, batch_size: 100, estimated_size_mb: 50}\n"
         "  big_int: {batch_size: 100, estimated_size_mb: 500}\n"
         "  big_few: {source_table: tiny, batch_size: 100, estimated_size_mb: 500}\n"
         "  big_str: {batch_size: 100, estimated_size_mb: 500}\n"
         "  big_nopk: {batch_size: 100, estimated_size_mb: 500}\n"
         "  big_comp: {batch_size: 100, estimated_size_mb: 500}\n"
         "  big_one: {source_table: big_int, batch_size: 100, estimated_size_mb: 500,\n"
         "            performance: {parallel_chunks: 1}}\n"
         "  events:\n"
         "    batch_size: 10\n"
         "    extraction_strategy: incremental\n"
         "    incremental_columns: [updated_at]\n";
}

const std::vector<std::string> kShapeTables = {
    "tiny", "medium", "big_int", "big_few", "big_str", "big_nopk", "big_comp", "big_one", "events"};

struct PlannedTable {
  std::string line;
  std::string strategy;
  std::string reason;
};

// The plan lines by table name ("<name>: ... strategy S (reason), chunking ...").
std::map<std::string, PlannedTable> ParsePlan(const std::string& out) {
  static const std::regex kLine(R"(^([A-Za-z0-9_]+): .*, strategy (\w+) \((.*)\), chunking .*$)");
  std::map<std::string, PlannedTable> tables;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, kLine)) tables[m[1]] = PlannedTable{line, m[2], m[3]};
  }
  return tables;
}

// Lines of `out` that start with "<name>: " for any name (table lines, including ERROR lines).
std::vector<std::string> TableLinesIn(const std::string& out) {
  static const std::regex kTableLine(R"(^[A-Za-z0-9_]+: .*$)");
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (std::regex_match(line, kTableLine)) lines.push_back(line);
  }
  return lines;
}

// What exists in PostgreSQL for `schema`: the schema itself and its tables (etl_state included).
std::string PgFootprint(const std::string& schema) {
  return Psql(
      "SELECT 'schemata ' || count(*) FROM information_schema.schemata WHERE schema_name = '" +
      schema +
      "' UNION ALL SELECT 'table ' || table_name FROM information_schema.tables "
      "WHERE table_schema = '" +
      schema + "' ORDER BY 1");
}

// The tables of `db` with their checksums, and the database's table list.
std::string MySqlFootprint(const std::string& db) {
  std::string tables = MySql(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
      "ORDER BY table_name",
      db);
  std::string list;
  std::istringstream in(tables);
  for (std::string t; std::getline(in, t);)
    list += (list.empty() ? "`" : ", `") + t + "`";
  return tables + "\n" + MySql("CHECKSUM TABLE " + list + " EXTENDED", db);
}

}  // namespace

TEST_CASE("cli plan: auto picks each strategy with the contract's reason and writes nothing",
          "[cli][plan]") {
  const std::string db = "cli_plan_shapes";
  const std::string schema = "cli_plan_shapes";
  SeedShapes(db);
  etl::testing::ResetPgSchema(schema);
  const std::string job = WriteTempFile("cli_plan_shapes.yml", ShapesJob(db, schema));

  const std::string pg_before = PgFootprint(schema);
  const std::string mysql_before = MySqlFootprint(db);
  REQUIRE(Trim(pg_before) == "schemata 0");

  const CommandResult r = RunEtl({"plan", job});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Has(r.out, "plan for " + job + " (9 tables)"));
  const auto plan = ParsePlan(r.out);
  REQUIRE(plan.size() == kShapeTables.size());
  // Tables are printed in spec order.
  const auto lines = TableLinesIn(r.out);
  REQUIRE(lines.size() == kShapeTables.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    CHECK(lines[i].rfind(kShapeTables[i] + ": ", 0) == 0);
  }

  // Rule 5: small (measured) -> standard.
  CHECK(plan.at("tiny").strategy == "standard");
  CHECK(Has(plan.at("tiny").reason, "<= streaming_threshold_mb 10"));
  CHECK(Has(plan.at("tiny").line, "5 rows"));
  // Rule 4: 10 < 50 <= 100 -> streaming.
  CHECK(plan.at("medium").strategy == "streaming");
  CHECK(plan.at("medium").reason == "estimated size 50.0 MB > streaming_threshold_mb 10");
  // Rule 3: big, enough rows, single integer key, 4 chunks -> parallel.
  CHECK(plan.at("big_int").strategy == "parallel");
  CHECK(Has(plan.at("big_int").reason, "estimated size 500.0 MB > copy_csv_threshold_mb 100"));
  // Rows are counted only up to the threshold (the decision needs no more); the figure shown
  // beyond it is the statistics' estimate.
  CHECK(Has(plan.at("big_int").reason,
            "more than 1000 rows (counted up to parallel_threshold_rows; estimated "));
  CHECK(Has(plan.at("big_int").reason, ">= parallel_threshold_rows 1000"));
  CHECK(Has(plan.at("big_int").reason, "4 chunks"));
  // Rule 3, too few rows -> copy_csv.
  CHECK(plan.at("big_few").strategy == "copy_csv");
  CHECK(Has(plan.at("big_few").reason, "5 rows < parallel_threshold_rows 1000"));
  // Rule 3, no single-column integer key -> never parallel: copy_csv with the reason.
  for (const char* t : {"big_str", "big_nopk", "big_comp"}) {
    CAPTURE(t);
    CHECK(plan.at(t).strategy == "copy_csv");
    CHECK(Has(plan.at(t).reason, "2000 rows"));
    CHECK(Has(plan.at(t).reason, "no single-column integer key"));
  }
  CHECK(Has(plan.at("big_str").reason, "code varchar(20)"));
  CHECK(Has(plan.at("big_nopk").reason, "key: none"));
  CHECK(Has(plan.at("big_comp").reason, "(a, b)"));
  // Rule 3, parallel_chunks 1 -> copy_csv.
  CHECK(plan.at("big_one").strategy == "copy_csv");
  CHECK(Has(plan.at("big_one").reason, "parallel_chunks is 1"));
  // The incremental table: nothing loaded yet.
  CHECK(Has(plan.at("events").line, "incremental (no watermark yet"));
  CHECK(Has(plan.at("events").line, "100 rows"));

  // Nothing written: no schema, no table, no etl_state in PostgreSQL; MySQL unchanged.
  CHECK(PgFootprint(schema) == pg_before);
  CHECK(MySqlFootprint(db) == mysql_before);
}

TEST_CASE("cli plan: measured sizes and row counts drive auto", "[cli][plan]") {
  const std::string db = "cli_plan_measured";
  const std::string schema = "cli_plan_measured";
  etl::testing::ResetMySqlDatabase(db);
  etl::testing::ResetPgSchema(schema);
  // ~3.5 MB of data; ANALYZE so information_schema's sizes are current.
  MySql(
      "CREATE TABLE wide (id INT PRIMARY KEY, pad CHAR(100) NOT NULL);"
      "INSERT INTO wide SELECT seq, REPEAT('x', 100) FROM seq_1_to_20000;"
      "CREATE TABLE small (id INT PRIMARY KEY);"
      "INSERT INTO small SELECT seq FROM seq_1_to_3;"
      "ANALYZE TABLE wide, small;",
      db);
  const std::string job = WriteTempFile(
      "cli_plan_measured.yml", JobHeader(db, schema) +
                                   "performance_rules:\n"
                                   "  copy_csv_threshold_mb: 1\n"
                                   "  streaming_threshold_mb: 0.01\n"
                                   "  parallel_threshold_rows: 10000\n"
                                   "tables:\n"
                                   "  wide: {batch_size: 1000, performance: {parallel_chunks: 3}}\n"
                                   "  wide_filtered: {source_table: wide, batch_size: 1000,\n"
                                   "                  where: \"id <= 500\"}\n"
                                   "  small: {batch_size: 1000}\n");
  const CommandResult r = RunEtl({"plan", job});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  const auto plan = ParsePlan(r.out);
  REQUIRE(plan.size() == 3);
  // Measured (not estimated) size above 1 MB, 20,000 rows, integer key -> parallel.
  CHECK(plan.at("wide").strategy == "parallel");
  CHECK(std::regex_search(plan.at("wide").reason,
                          std::regex(R"(^size [0-9.]+ MB > copy_csv_threshold_mb 1; more than )"
                                     R"(10000 rows \(counted up to parallel_threshold_rows)")));
  CHECK(Has(plan.at("wide").reason, "3 chunks"));
  CHECK_FALSE(Has(plan.at("wide").line, "(estimated)"));
  // Same table with a `where`: rows are counted with the filter -> too few for parallel.
  CHECK(plan.at("wide_filtered").strategy == "copy_csv");
  CHECK(Has(plan.at("wide_filtered").reason, "500 rows < parallel_threshold_rows 10000"));
  // A table of one InnoDB page (16 kB) is above streaming_threshold_mb 0.01.
  CHECK(plan.at("small").strategy == "streaming");
  CHECK(Has(plan.at("small").reason, "> streaming_threshold_mb 0.01"));
}

TEST_CASE("cli plan: enable_optimizations false makes every table standard", "[cli][plan]") {
  const std::string db = "cli_plan_noopt";
  const std::string schema = "cli_plan_noopt";
  SeedShapes(db);
  etl::testing::ResetPgSchema(schema);
  // Even an explicit performance.strategy gives way to the feature flag (rule 1 comes first).
  std::string spec = ShapesJob(db, schema, "  enable_optimizations: false\n");
  spec +=
      "  explicit: {source_table: big_int, batch_size: 100,\n"
      "             performance: {strategy: copy_csv}}\n";
  const std::string job = WriteTempFile("cli_plan_noopt.yml", spec);
  const CommandResult r = RunEtl({"plan", job});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  const auto plan = ParsePlan(r.out);
  REQUIRE(plan.size() == kShapeTables.size() + 1);
  for (const auto& [name, t] : plan) {
    CAPTURE(name);
    CHECK(t.strategy == "standard");
    CHECK(Has(t.reason, "enable_optimizations is false"));
  }
  CHECK(Trim(PgFootprint(schema)) == "schemata 0");
}

TEST_CASE("cli plan: --table restricts the plan to the named tables", "[cli][plan]") {
  const std::string db = "cli_plan_select";
  const std::string schema = "cli_plan_select";
  SeedShapes(db);
  etl::testing::ResetPgSchema(schema);
  const std::string job = WriteTempFile("cli_plan_select.yml", ShapesJob(db, schema));
  // Given out of spec order and one of them twice.
  const CommandResult r =
      RunEtl({"plan", job, "--table", "big_str", "--table", "tiny", "--table", "big_str"});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Has(r.out, "(2 tables)"));
  const auto lines = TableLinesIn(r.out);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].rfind("tiny: ", 0) == 0);
  CHECK(lines[1].rfind("big_str: ", 0) == 0);
  const auto plan = ParsePlan(r.out);
  CHECK(plan.at("tiny").strategy == "standard");
  CHECK(plan.at("big_str").strategy == "copy_csv");
}

TEST_CASE("cli plan: run --dry-run prints the same plan and writes nothing", "[cli][plan]") {
  const std::string db = "cli_plan_dryrun";
  const std::string schema = "cli_plan_dryrun";
  SeedShapes(db);
  etl::testing::ResetPgSchema(schema);
  const std::string job = WriteTempFile("cli_plan_dryrun.yml", ShapesJob(db, schema));
  const std::string pg_before = PgFootprint(schema);
  const std::string mysql_before = MySqlFootprint(db);
  REQUIRE(Trim(pg_before) == "schemata 0");

  const CommandResult plan = RunEtl({"plan", job});
  const CommandResult dry = RunEtl({"run", job, "--dry-run"});
  INFO("plan stdout:\n"
       << plan.out << "\ndry-run stdout:\n"
       << dry.out << "\ndry-run stderr:\n"
       << dry.err);
  REQUIRE(plan.exit_code == 0);
  CHECK(dry.exit_code == 0);
  CHECK(dry.out == plan.out);

  const CommandResult plan_sel = RunEtl({"plan", job, "--table", "big_int"});
  const CommandResult dry_sel = RunEtl({"run", job, "--dry-run", "--table", "big_int"});
  CHECK(dry_sel.exit_code == plan_sel.exit_code);
  CHECK(dry_sel.out == plan_sel.out);
  CHECK(TableLinesIn(dry_sel.out).size() == 1);

  CHECK(PgFootprint(schema) == pg_before);
  CHECK(MySqlFootprint(db) == mysql_before);
}

TEST_CASE("cli plan: run --dry-run honours --strategy and --full", "[cli][plan]") {
  const std::string db = "cli_plan_dryrun_overrides";
  const std::string schema = "cli_plan_dryrun_overrides";
  SeedShapes(db);
  etl::testing::ResetPgSchema(schema);
  const std::string job = WriteTempFile("cli_plan_dryrun_overrides.yml", ShapesJob(db, schema));

  SECTION("--strategy copy_csv overrides every selected table") {
    const CommandResult r = RunEtl({"run", job, "--dry-run", "--strategy", "copy_csv"});
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
    REQUIRE(r.exit_code == 0);
    const auto plan = ParsePlan(r.out);
    REQUIRE(plan.size() == kShapeTables.size());
    for (const auto& [name, t] : plan) {
      CAPTURE(name);
      CHECK(t.strategy == "copy_csv");
      CHECK(Has(t.reason, "--strategy copy_csv"));
    }
  }
  SECTION("--full plans a full reload of an incremental table") {
    const CommandResult r = RunEtl({"run", job, "--dry-run", "--full", "--table", "events"});
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
    REQUIRE(r.exit_code == 0);
    const auto plan = ParsePlan(r.out);
    REQUIRE(plan.count("events") == 1);
    CHECK(Has(plan.at("events").line, "full reload"));
    CHECK_FALSE(Has(plan.at("events").line, "incremental (no watermark yet"));
  }
  CHECK(Trim(PgFootprint(schema)) == "schemata 0");
}

TEST_CASE("cli plan: after a run, plan reads the watermark and changes nothing", "[cli][plan]") {
  const std::string db = "cli_plan_after_run";
  const std::string schema = "cli_plan_after_run";
  SeedShapes(db);
  etl::testing::ResetPgSchema(schema);
  const std::string job = WriteTempFile("cli_plan_after_run.yml", ShapesJob(db, schema));
  const CommandResult load = RunEtl({"run", job, "--table", "events", "--progress", "never"});
  INFO("run stdout:\n" << load.out << "\nrun stderr:\n" << load.err);
  REQUIRE(load.exit_code == 0);
  REQUIRE(Trim(Psql("SELECT count(*) FROM \"" + schema + "\".events")) == "100");

  // Everything plan could touch: the tables, the loaded rows and the saved state.
  const auto pg_state = [&] {
    return PgFootprint(schema) + "\n" +
           Psql(
               "SELECT count(*), md5(string_agg(id || ',' || updated_at, ';' ORDER BY id)) FROM "
               "\"" +
               schema + "\".events") +
           Psql("SELECT table_name, watermark::text, status, rows_loaded, updated_at FROM \"" +
                schema + "\".etl_state ORDER BY table_name");
  };
  const std::string pg_before = pg_state();
  const std::string mysql_before = MySqlFootprint(db);

  const CommandResult r = RunEtl({"plan", job, "--table", "events", "--table", "tiny"});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  const auto plan = ParsePlan(r.out);
  REQUIRE(plan.size() == 2);
  // The watermark is the last cursor loaded: (updated_at, id) of row 100.
  CHECK(Has(plan.at("events").line, "incremental after [2024-01-01 01:40:00, 100]"));
  CHECK(Has(plan.at("events").line, "target exists"));
  CHECK(Has(plan.at("tiny").line, "target will be created"));

  CHECK(pg_state() == pg_before);
  CHECK(MySqlFootprint(db) == mysql_before);
}

TEST_CASE("cli plan: an explicit parallel on a table without an integer key fails the plan",
          "[cli][plan]") {
  const std::string db = "cli_plan_badparallel";
  const std::string schema = "cli_plan_badparallel";
  SeedShapes(db);
  etl::testing::ResetPgSchema(schema);
  const std::string job =
      WriteTempFile("cli_plan_badparallel.yml",
                    JobHeader(db, schema) +
                        "tables:\n"
                        "  big_str: {batch_size: 100, performance: {strategy: parallel}}\n"
                        "  big_int: {batch_size: 100, performance: {strategy: parallel}}\n");
  const CommandResult r = RunEtl({"plan", job});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.exit_code == 1);
  const auto plan = ParsePlan(r.out);
  REQUIRE(plan.size() == 2);
  CHECK(Has(plan.at("big_str").reason, "performance.strategy is parallel"));
  CHECK(Has(r.out + r.err,
            "strategy parallel needs a single-column integer key; the table's key is code "
            "varchar(20)"));
  // The table with an integer key is fine.
  CHECK(plan.at("big_int").strategy == "parallel");
  CHECK_FALSE(Has(r.out + r.err, "ERROR big_int"));
}

TEST_CASE("cli plan: a missing source table fails the plan and is named", "[cli][plan]") {
  const std::string db = "cli_plan_missing";
  const std::string schema = "cli_plan_missing";
  etl::testing::ResetMySqlDatabase(db);
  etl::testing::ResetPgSchema(schema);
  MySql("CREATE TABLE present (id INT PRIMARY KEY); INSERT INTO present VALUES (1), (2);", db);
  const std::string job = WriteTempFile("cli_plan_missing.yml",
                                        JobHeader(db, schema) +
                                            "tables:\n"
                                            "  present: {batch_size: 10}\n"
                                            "  ghost: {source_table: nosuch, batch_size: 10}\n");
  const CommandResult r = RunEtl({"plan", job});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.exit_code == 1);
  CHECK(Has(r.out + r.err, "ghost"));
  CHECK(Has(r.out + r.err, db + ".nosuch does not exist"));
  // The other table is still planned.
  const auto plan = ParsePlan(r.out);
  REQUIRE(plan.count("present") == 1);
  CHECK(plan.at("present").strategy == "standard");
  CHECK(Has(plan.at("present").line, "2 rows"));
  CHECK(Trim(PgFootprint(schema)) == "schemata 0");
}

TEST_CASE("cli plan: wrong passwords fail with the server's message, never the password",
          "[cli][plan]") {
  const std::string db = "cli_plan_auth";
  const std::string schema = "cli_plan_auth";
  etl::testing::ResetMySqlDatabase(db);
  etl::testing::ResetPgSchema(schema);
  MySql("CREATE TABLE t (id INT PRIMARY KEY)", db);
  const std::string job = WriteTempFile("cli_plan_auth.yml",
                                        JobHeader(db, schema) + "tables:\n  t: {batch_size: 10}\n");
  const std::string wrong = "Wr0ng-Pa55word-zq";

  SECTION("wrong MySQL password") {
    const CommandResult r = RunEtl({"plan", job}, {"ETL_MYSQL_PASSWORD=" + wrong});
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
    CHECK(r.exit_code == 1);
    CHECK(Has(r.err, "Access denied"));
    CHECK_FALSE(Has(r.out + r.err, wrong));
    CHECK(ParsePlan(r.out).empty());
  }
  SECTION("wrong PostgreSQL password") {
    const CommandResult r = RunEtl({"plan", job}, {"ETL_PG_PASSWORD=" + wrong});
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
    CHECK(r.exit_code == 1);
    CHECK(Has(r.err, "password authentication failed"));
    CHECK_FALSE(Has(r.out + r.err, wrong));
    CHECK(ParsePlan(r.out).empty());
  }
  SECTION("wrong inline MySQL password") {
    std::string spec = JobHeader(db, schema) + "tables:\n  t: {batch_size: 10}\n";
    spec.replace(spec.find("  password_env: ETL_MYSQL_PASSWORD\n"),
                 std::string("  password_env: ETL_MYSQL_PASSWORD\n").size(),
                 "  password: " + wrong + "\n");
    const std::string inline_job = WriteTempFile("cli_plan_auth_inline.yml", spec);
    const CommandResult r = RunEtl({"plan", inline_job});
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
    CHECK(r.exit_code == 1);
    CHECK(Has(r.err, "Access denied"));
    CHECK(Has(r.err, "warning: source.password"));
    CHECK_FALSE(Has(r.out + r.err, wrong));
  }
  CHECK(Trim(PgFootprint(schema)) == "schemata 0");
}
