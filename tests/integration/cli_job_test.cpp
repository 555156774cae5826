// Job-level behaviour of `etl run`: several tables at once (pipeline.parallel_tables), post_load
// statements, and --table selection. Outcomes are checked in the target and in the report.
#include <string>

#include <catch2/catch.hpp>

#include "support/test_env.h"

using etl::testing::JobHeader;
using etl::testing::JsonString;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::ReadFile;
using etl::testing::RunEtl;
using etl::testing::Trim;
using etl::testing::WriteTempFile;

namespace {

const char* kDb = "job_src";
const char* kSchema = "job_tgt";

void SeedThreeTables() {
  etl::testing::ResetMySqlDatabase(kDb);
  etl::testing::ResetPgSchema(kSchema);
  MySql(
      "CREATE TABLE a (id INT PRIMARY KEY, v VARCHAR(10));"
      "CREATE TABLE b (id INT PRIMARY KEY, v VARCHAR(10));"
      "CREATE TABLE c (id INT PRIMARY KEY, v VARCHAR(10));"
      "INSERT INTO a SELECT seq, 'a' FROM seq_1_to_3000;"
      "INSERT INTO b SELECT seq, 'b' FROM seq_1_to_4000;"
      "INSERT INTO c SELECT seq, 'c' FROM seq_1_to_5000;",
      kDb);
}

std::string Table(const std::string& name, const std::string& strategy,
                  const std::string& extra = "") {
  return "  " + name + ":\n    batch_size: 1000\n    performance:\n      strategy: " + strategy +
         "\n" + extra;
}

std::string Count(const std::string& table) {
  return Trim(Psql("SELECT count(*) FROM " + std::string(kSchema) + "." + table));
}

}  // namespace

TEST_CASE("parallel_tables loads several tables at once, each completely", "[cli][job]") {
  etl::testing::RequireServers();
  SeedThreeTables();
  std::string spec = JobHeader(kDb, kSchema);
  spec.replace(spec.find("pipeline:\n"), 10, "pipeline:\n  parallel_tables: 3\n");
  spec += "tables:\n" + Table("a", "standard") + Table("b", "copy_csv") + Table("c", "parallel");
  const std::string report = WriteTempFile("job-parallel-tables.json", "");
  auto r = RunEtl({"run", WriteTempFile("job_parallel_tables.yml", spec), "--progress", "never",
                   "--report-json", report});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Count("a") == "3000");
  CHECK(Count("b") == "4000");
  CHECK(Count("c") == "5000");
  // The report lists the tables in spec order whatever order they finished in.
  const std::string json = ReadFile(report);
  CHECK(json.find("\"name\":\"a\"") < json.find("\"name\":\"b\""));
  CHECK(json.find("\"name\":\"b\"") < json.find("\"name\":\"c\""));
  CHECK(JsonString(json, "status") == "ok");
}

TEST_CASE("post_load runs after the data commits, a failing statement fails the table only",
          "[cli][job]") {
  etl::testing::RequireServers();
  SeedThreeTables();
  const std::string spec =
      JobHeader(kDb, kSchema) + "tables:\n" +
      Table("a", "copy_csv",
            "    post_load:\n"
            "      - CREATE TABLE job_tgt.a_summary AS SELECT count(*) AS n FROM job_tgt.a\n") +
      Table("b", "copy_csv", "    post_load:\n      - SELECT no_such_function()\n") +
      Table("c", "standard");
  auto r = RunEtl({"run", WriteTempFile("job_post_load.yml", spec), "--progress", "never"});
  CHECK(r.exit_code == 1);
  // a: post_load saw the committed rows.
  CHECK(Trim(Psql("SELECT n FROM job_tgt.a_summary")) == "3000");
  // b: its data committed before post_load ran, and the failure names post_load.
  CHECK(Count("b") == "4000");
  CHECK(r.out.find("post_load[0] failed after the table's data committed") != std::string::npos);
  CHECK(r.out.find("no_such_function") != std::string::npos);
  // c: a failing table does not stop the others.
  CHECK(Count("c") == "5000");
}

TEST_CASE("run --table loads only the named tables", "[cli][job]") {
  etl::testing::RequireServers();
  SeedThreeTables();
  const std::string spec = JobHeader(kDb, kSchema) + "tables:\n" + Table("a", "standard") +
                           Table("b", "standard") + Table("c", "standard");
  auto r = RunEtl({"run", WriteTempFile("job_select.yml", spec), "--table", "c", "--table", "a",
                   "--progress", "never"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Count("a") == "3000");
  CHECK(Count("c") == "5000");
  CHECK(Trim(Psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'job_tgt' AND tablename = "
                  "'b'")) == "0");
}
