// tables_match and identifier_case through the real binary against the real servers: which
// tables a pattern brings in (base tables only; views only when a tables: entry names them),
// how an explicit entry overrides the defaults, --table with an expanded name, what `plan`
// prints, the start order, and collisions refused before anything is written.

#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "support/test_env.h"

using etl::testing::CommandResult;
using etl::testing::JobHeader;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::ReadFile;
using etl::testing::RunEtl;
using etl::testing::Trim;
using etl::testing::WriteTempFile;

namespace {

const char* kDb = "cli_match";

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// alpha 30 rows, beta 20, tmp_scratch 5, beta_bak 7, and two views.
void SeedMatchSource() {
  etl::testing::ResetMySqlDatabase(kDb);
  MySql(
      "CREATE TABLE alpha (id INT PRIMARY KEY, v VARCHAR(10));"
      "INSERT INTO alpha SELECT seq, 'a' FROM seq_1_to_30;"
      "CREATE TABLE beta (id INT PRIMARY KEY, v VARCHAR(10));"
      "INSERT INTO beta SELECT seq, 'b' FROM seq_1_to_20;"
      "CREATE TABLE tmp_scratch (id INT PRIMARY KEY);"
      "INSERT INTO tmp_scratch SELECT seq FROM seq_1_to_5;"
      "CREATE TABLE beta_bak (id INT PRIMARY KEY);"
      "INSERT INTO beta_bak SELECT seq FROM seq_1_to_7;"
      "CREATE VIEW v_alpha AS SELECT id, v FROM alpha WHERE id <= 5;"
      "CREATE VIEW a_view AS SELECT id FROM beta;",
      kDb);
}

// Lines 1-N of the header, then tables_match with defaults and two explicit entries.
std::string MatchJob(const std::string& schema, const std::string& pipeline_extra = "") {
  std::string job = JobHeader(kDb, schema);
  job.replace(job.find("pipeline:\n"), 10, "pipeline:\n" + pipeline_extra);
  return job +
         "tables_match:\n"
         "  include: ['*']\n"
         "  exclude: ['tmp_*', '*_bak']\n"
         "  defaults:\n"
         "    batch_size: 7\n"
         "    where: \"id <= 25\"\n"
         "tables:\n"
         "  beta:\n"
         "    where: \"id <= 3\"\n"  // overrides the default; batch_size comes from it
         "    estimated_size_mb: 30\n"
         "  alpha_top:\n"
         "    source_table: v_alpha\n";  // a view, named: loaded (with the default where)
}

std::string PgTables(const std::string& schema) {
  return Trim(
      Psql("SELECT string_agg(table_name, ',' ORDER BY table_name) FROM "
           "information_schema.tables WHERE table_schema = '" +
           schema + "'"));
}

std::string Count(const std::string& schema, const std::string& table) {
  return Trim(Psql("SELECT count(*) FROM \"" + schema + "\".\"" + table + "\""));
}

// The table names of a run report, in report order.
std::vector<std::string> ReportTables(const std::string& json) {
  static const std::regex kName(R"re("name":"([^"]*)")re");
  std::vector<std::string> names;
  for (auto it = std::sregex_iterator(json.begin(), json.end(), kName);
       it != std::sregex_iterator(); ++it) {
    names.push_back((*it)[1]);
  }
  return names;
}

}  // namespace

TEST_CASE("cli tables_match: plan names the pattern, run loads base tables, views only when named",
          "[cli][tables_match]") {
  etl::testing::RequireServers();
  SeedMatchSource();
  const std::string schema = "cli_match_all";
  etl::testing::ResetPgSchema(schema);
  const std::string job =
      WriteTempFile("cli_match_all.yml", MatchJob(schema, "  parallel_tables: 2\n"));

  const CommandResult plan = RunEtl({"plan", job});
  INFO("plan stdout:\n" << plan.out << "\nstderr:\n" << plan.err);
  REQUIRE(plan.exit_code == 0);
  CHECK(Has(plan.out, "plan for " + job + " (3 tables: 2 from tables, 1 matched by tables_match)"));
  CHECK(Has(plan.out,
            "tables_match in cli_match: 1 base table matched by include '*'; excluded "
            "beta_bak ('*_bak'), tmp_scratch ('tmp_*')"));
  CHECK(Has(plan.out, "\n  matched by tables_match.include '*', target " + schema + ".alpha\n"));
  CHECK(Has(plan.out, "\n  from tables.beta, target " + schema + ".beta\n"));
  CHECK(Has(plan.out, "\nalpha: "));
  CHECK(Has(plan.out, "\nalpha_top: "));
  CHECK_FALSE(Has(plan.out, "v_alpha:"));
  CHECK_FALSE(Has(plan.out, "a_view"));
  CHECK_FALSE(Has(plan.out, "\ntmp_scratch:"));
  // Largest first: beta says it is 30 MB; alpha is a few pages; the view has no size.
  CHECK(Has(plan.out, "start order (parallel_tables 2, largest first): beta (30.0 MB), alpha ("));
  CHECK(PgTables(schema).empty());  // plan wrote nothing

  const std::string report = WriteTempFile("cli_match_all.json", "");
  const CommandResult run = RunEtl({"run", job, "--progress", "never", "--report-json", report});
  INFO("run stdout:\n" << run.out << "\nstderr:\n" << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(PgTables(schema) == "alpha,alpha_top,beta,etl_runs,etl_state");
  CHECK(Count(schema, "alpha") == "25");     // the default where
  CHECK(Count(schema, "beta") == "3");       // the entry's own where wins
  CHECK(Count(schema, "alpha_top") == "5");  // the view, named by an entry
  // The report keeps the job's order (entries, then matched tables), whatever the start order.
  CHECK(ReportTables(ReadFile(report)) == std::vector<std::string>{"beta", "alpha_top", "alpha"});
}

TEST_CASE("cli tables_match: --table takes an expanded name, an unknown one lists the tables",
          "[cli][tables_match]") {
  etl::testing::RequireServers();
  SeedMatchSource();
  const std::string schema = "cli_match_one";
  etl::testing::ResetPgSchema(schema);
  const std::string job = WriteTempFile("cli_match_one.yml", MatchJob(schema));

  const CommandResult plan = RunEtl({"plan", job, "--table", "alpha"});
  INFO("plan stdout:\n" << plan.out << "\nstderr:\n" << plan.err);
  REQUIRE(plan.exit_code == 0);
  CHECK(Has(plan.out, "(1 of 3 tables: 2 from tables, 1 matched by tables_match)"));
  CHECK(Has(plan.out, "\nalpha: "));
  CHECK_FALSE(Has(plan.out, "\nbeta: "));

  const std::string report = WriteTempFile("cli_match_one.json", "");
  const CommandResult run =
      RunEtl({"run", job, "--table", "alpha", "--progress", "never", "--report-json", report});
  INFO("run stdout:\n" << run.out << "\nstderr:\n" << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(PgTables(schema) == "alpha,etl_runs,etl_state");
  CHECK(Count(schema, "alpha") == "25");
  CHECK(ReportTables(ReadFile(report)) == std::vector<std::string>{"alpha"});

  for (const char* command : {"plan", "run"}) {
    const CommandResult bad = RunEtl({command, job, "--table", "alpah"});
    INFO(command << " stderr:\n" << bad.err);
    CHECK(bad.exit_code == 2);
    CHECK(Has(bad.err, "--table alpah: no such table in " + job +
                           " (did you mean 'alpha'?) (tables: beta, alpha_top, alpha)"));
  }
  CHECK(PgTables(schema) == "alpha,etl_runs,etl_state");
}

TEST_CASE("cli tables_match: a pattern that matches nothing is a warning, no table at all fails",
          "[cli][tables_match]") {
  etl::testing::RequireServers();
  SeedMatchSource();
  const std::string schema = "cli_match_none";
  etl::testing::ResetPgSchema(schema);
  const std::string job =
      WriteTempFile("cli_match_none.yml", JobHeader(kDb, schema) +
                                              "tables_match:\n"
                                              "  include: ['nomatch_*', 'v_*']\n"  // v_alpha: view
                                              "  defaults: {batch_size: 10}\n");
  const std::string report = WriteTempFile("cli_match_none.json", "");
  const CommandResult run = RunEtl({"run", job, "--progress", "never", "--report-json", report});
  INFO("run stdout:\n" << run.out << "\nstderr:\n" << run.err);
  CHECK(run.exit_code == 1);
  CHECK(Has(run.err, "tables_match.include 'nomatch_*' matches no base table of cli_match"));
  CHECK(Has(run.err, "tables_match.include 'v_*' matches no base table of cli_match"));
  CHECK(Has(ReadFile(report),
            "\"error\":\"no tables to load: tables_match matches no base table of cli_match\""));
  CHECK(PgTables(schema).empty());

  const CommandResult plan = RunEtl({"plan", job});
  CHECK(plan.exit_code == 1);
  CHECK(Has(plan.out, "ERROR no tables to load: tables_match matches no base table of cli_match"));
}

TEST_CASE("cli identifier_case lower: folded target names, a collision is refused before writing",
          "[cli][tables_match]") {
  etl::testing::RequireServers();
  const std::string db = "cli_match_case";
  const std::string schema = "cli_match_case";
  etl::testing::ResetMySqlDatabase(db);
  etl::testing::ResetPgSchema(schema);
  MySql(
      "CREATE TABLE CustomerOrders (id INT PRIMARY KEY, amount INT);"
      "INSERT INTO CustomerOrders SELECT seq, seq * 10 FROM seq_1_to_12;"
      "CREATE TABLE Items (id INT PRIMARY KEY);"
      "INSERT INTO Items SELECT seq FROM seq_1_to_4;",
      db);
  const std::string job =
      WriteTempFile("cli_match_case.yml",
                    JobHeader(db, schema) +
                        "identifier_case: lower\ntables_match: {defaults: {batch_size: 5}}\n");

  const CommandResult plan = RunEtl({"plan", job});
  INFO("plan stdout:\n" << plan.out << "\nstderr:\n" << plan.err);
  REQUIRE(plan.exit_code == 0);
  CHECK(Has(plan.out,
            "\n  matched by tables_match.include '*', target " + schema + ".customerorders\n"));
  const CommandResult run = RunEtl({"run", job, "--progress", "never"});
  INFO("run stdout:\n" << run.out << "\nstderr:\n" << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(PgTables(schema) == "customerorders,etl_runs,etl_state,items");
  CHECK(Count(schema, "customerorders") == "12");
  // --table takes the MySQL name.
  REQUIRE(RunEtl({"run", job, "--table", "Items", "--progress", "never"}).exit_code == 0);

  // A second table that folds to the same name: plan and run refuse, nothing is written.
  MySql("CREATE TABLE customerorders (id INT PRIMARY KEY); INSERT INTO customerorders VALUES (1);",
        db);
  etl::testing::ResetPgSchema(schema);
  const std::string problem =
      "source tables CustomerOrders (tables_match.include '*') and customerorders "
      "(tables_match.include '*') both load target table " +
      schema + ".customerorders (identifier_case lower folds CustomerOrders to customerorders)";
  const CommandResult refused_plan = RunEtl({"plan", job});
  INFO("plan stdout:\n" << refused_plan.out << "\nstderr:\n" << refused_plan.err);
  CHECK(refused_plan.exit_code == 1);
  CHECK(Has(refused_plan.out, "ERROR " + problem));
  const std::string report = WriteTempFile("cli_match_case.json", "");
  const CommandResult refused_run =
      RunEtl({"run", job, "--progress", "never", "--report-json", report});
  INFO("run stdout:\n" << refused_run.out << "\nstderr:\n" << refused_run.err);
  CHECK(refused_run.exit_code == 2);
  CHECK(Has(refused_run.err, problem));
  CHECK(Has(ReadFile(report), "\"status\":\"failed\""));
  CHECK(Trim(Psql("SELECT count(*) FROM information_schema.schemata WHERE schema_name = '" +
                  schema + "'")) == "0");  // not even the schema was created
}
