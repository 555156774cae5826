// The scale-out examples run: the Airflow DAG (docs/examples/airflow/etl_dag.py), imported with
// stand-ins for the Airflow classes it uses (tests/examples/check_examples.py), builds its
// command lines from a plan the real binary prints, and those command lines -- run concurrently
// as the mapped tasks would -- load every table exactly once. The Indexed Job's command line is
// the one docs/scale-out.md documents.

#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/test_env.h"

using etl::testing::EtlCommandLine;
using etl::testing::JobHeader;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::PsqlCommandLine;
using etl::testing::ReadFile;
using etl::testing::RunEtl;
using etl::testing::RunShell;
using etl::testing::ShellQuote;
using etl::testing::Trim;
using etl::testing::WriteTempFile;

namespace {

const std::string kChecker = std::string(ETL_SOURCE_DIR) + "/tests/examples/check_examples.py";

}  // namespace

TEST_CASE("scale-out examples: the Airflow DAG's command lines load every table once",
          "[cli][scaleout]") {
  const std::string db = "tscale_dag_src";
  etl::testing::ResetMySqlDatabase(db);
  MySql(
      "CREATE TABLE a (id INT PRIMARY KEY, v INT); CREATE TABLE b LIKE a; CREATE TABLE c LIKE a;"
      "INSERT INTO a SELECT seq, seq FROM seq_1_to_30; INSERT INTO b SELECT seq, seq FROM "
      "seq_1_to_20; INSERT INTO c SELECT seq, seq FROM seq_1_to_10;",
      db);
  const std::string schema = "tscale_dag";
  etl::testing::ResetPgSchema(schema);
  const std::string job =
      WriteTempFile("tscale_dag.yml", JobHeader(db, schema) +
                                          "tables:\n  a: {batch_size: 10, estimated_size_mb: 3}\n"
                                          "  b: {batch_size: 10, estimated_size_mb: 2}\n"
                                          "  c: {batch_size: 10, estimated_size_mb: 1}\n");
  const auto plan = RunEtl({"plan", job, "--format", "json", "--shards", "2"});
  REQUIRE(plan.exit_code == 0);
  const std::string plan_file = WriteTempFile("tscale_dag.plan.json", plan.out);
  const auto doc = nlohmann::json::parse(plan.out);

  const std::string reports = WriteTempFile("tscale_dag_reports/.keep", "");
  const std::string report_dir = reports.substr(0, reports.rfind('/'));
  const auto dag =
      RunShell("ETL_BINARY=" + ShellQuote(ETL_BINARY) + " ETL_JOB=" + ShellQuote(job) +
               " ETL_SHARDS=2 ETL_REPORT_DIR=" + ShellQuote(report_dir) + " python3 " +
               ShellQuote(kChecker) + " dag " +
               ShellQuote(std::string(ETL_SOURCE_DIR) + "/docs/examples/airflow/etl_dag.py") + " " +
               ShellQuote(plan_file));
  INFO("checker stdout: " << dag.out << "\nstderr: " << dag.err);
  REQUIRE(dag.exit_code == 0);
  CHECK(dag.out.find("plan: " + std::string(ETL_BINARY) + " plan " + job +
                     " --format json --shards 2\n") != std::string::npos);

  // "run I/N try T: COMMAND" lines; the first try of every shard runs concurrently.
  std::map<std::string, std::string> first_try;
  std::map<std::string, std::string> retry;
  std::istringstream lines(dag.out);
  std::regex line_re(R"(^run ([0-9]+/[0-9]+) try ([0-9]+): (.*)$)");
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, line_re)) continue;
    (m[2] == "1" ? first_try : retry)[m[1]] = m[3];
  }
  REQUIRE(first_try.size() == 2);
  REQUIRE(retry.size() == 2);
  CHECK(first_try["0/2"].find("--shard 0/2") != std::string::npos);
  CHECK(first_try["0/2"].find("--rerun-failed-only") == std::string::npos);
  CHECK(retry["1/2"].find("--shard 1/2") != std::string::npos);
  CHECK(retry["1/2"].find("--rerun-failed-only --rerun-since '2026-12-01T01:00:00+00:00'") !=
        std::string::npos);

  std::string cmd;
  for (const auto& [shard, command] : first_try) {
    const std::string rc = report_dir + "/rc-" + shard.substr(0, shard.find('/'));
    cmd += "(" + command + " >/dev/null 2>&1; echo $? > " + ShellQuote(rc) + ") & ";
  }
  RunShell(cmd + "wait");
  std::map<std::string, int> loaded;
  for (const std::string i : {"0", "1"}) {
    CHECK(Trim(ReadFile(report_dir + "/rc-" + i)) == "0");
    const auto report =
        nlohmann::json::parse(ReadFile(report_dir + "/20261201T010000-shard-" + i + ".json"));
    for (const auto& t : report["tables"]) {
      CHECK(t["status"] == "ok");
      ++loaded[t["name"]];
      for (const auto& u : doc["units"]) {
        if (u["table"] == t["name"]) CHECK(u["shard"].get<int>() == std::stoi(i));
      }
    }
  }
  CHECK(loaded == std::map<std::string, int>{{"a", 1}, {"b", 1}, {"c", 1}});
  CHECK(Trim(Psql("SELECT (SELECT count(*) FROM \"" + schema +
                  "\".a) || ',' || (SELECT count(*) "
                  "FROM \"" +
                  schema + "\".b) || ',' || (SELECT count(*) FROM \"" + schema + "\".c)")) ==
        "30,20,10");
  // A retry's command line runs too.
  CHECK(RunShell(retry["1/2"] + " >/dev/null 2>&1").exit_code == 0);
}

TEST_CASE("scale-out examples: the Indexed Job runs the documented command line",
          "[cli][scaleout]") {
  const auto r =
      RunShell("python3 " + ShellQuote(kChecker) + " k8s " +
               ShellQuote(std::string(ETL_SOURCE_DIR) + "/docs/examples/k8s/etl-indexed-job.yaml"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string prefix = "command: ";
  const auto at = r.out.find(prefix);
  REQUIRE(at != std::string::npos);
  const std::string command = Trim(r.out.substr(at + prefix.size()));
  CHECK(command.rfind("etl run /jobs/nightly.yml --shard-count 4", 0) == 0);
  const std::string docs = ReadFile(std::string(ETL_SOURCE_DIR) + "/docs/scale-out.md");
  CHECK(docs.find(command) != std::string::npos);
}
