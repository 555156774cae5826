// skip_unchanged end to end: the first run loads and saves each table's source fingerprint; an
// unchanged table is then `skipped` with the reason (and quickly), a changed one loads again, by
// each fingerprint method (CHECKSUM TABLE, the cursor's max, a row checksum under `where`);
// --full and a missing target always load; `plan` names the method.
#include <chrono>
#include <regex>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/test_env.h"

namespace {

using etl::testing::JobHeader;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::ReadFile;
using etl::testing::ResetMySqlDatabase;
using etl::testing::ResetPgSchema;
using etl::testing::RunEtl;
using etl::testing::Trim;
using etl::testing::WriteTempFile;

constexpr const char* kDb = "tskip";
constexpr const char* kSchema = "tskip";

struct Table {
  std::string status;
  std::string skip_reason;
  std::string fingerprint;
  double seconds = 0;
  std::int64_t rows_written = 0;
};

struct Run {
  int exit_code = -1;
  std::string err;
  std::string run_id;
  std::map<std::string, Table> tables;
};

Run RunJob(const std::string& job, const std::vector<std::string>& extra = {}) {
  static int n = 0;
  const std::string report = job + "." + std::to_string(++n) + ".json";
  std::vector<std::string> args = {"run", job, "--progress", "never", "--report-json", report};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = RunEtl(args);
  Run out;
  out.exit_code = r.exit_code;
  out.err = r.err;
  const auto doc = nlohmann::json::parse(ReadFile(report), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return out;
  out.run_id = doc.value("run_id", "");
  for (const auto& t : doc["tables"]) {
    Table table;
    table.status = t.value("status", "");
    table.skip_reason = t.value("skip_reason", "");
    table.fingerprint = t.value("fingerprint", "");
    table.seconds = t.value("seconds", 0.0);
    table.rows_written = t.value("rows_written", std::int64_t{0});
    out.tables[t.value("name", "")] = table;
  }
  return out;
}

std::string Statuses(const Run& r) {
  std::string out;
  for (const auto& [name, t] : r.tables)
    out += name + ":" + t.status + " ";
  return out;
}

}  // namespace

TEST_CASE("skip_unchanged: unchanged tables are skipped, changed ones load, per method",
          "[cli][skip_unchanged]") {
  etl::testing::RequireServers();
  ResetMySqlDatabase(kDb);
  MySql(
      "CREATE TABLE full_t (id int PRIMARY KEY, v varchar(40), d decimal(10,2)) ENGINE=InnoDB;"
      " INSERT INTO full_t SELECT seq, CONCAT('v', seq), seq / 7 FROM seq_1_to_200000;"
      "CREATE TABLE inc_t (id int PRIMARY KEY, v varchar(20), updated_at datetime(6) NOT NULL,"
      " KEY (updated_at)) ENGINE=InnoDB;"
      " INSERT INTO inc_t SELECT seq, 'x', '2024-01-01' + INTERVAL seq SECOND FROM seq_1_to_1000;"
      "CREATE TABLE where_t (id int PRIMARY KEY, v varchar(20)) ENGINE=InnoDB;"
      " INSERT INTO where_t SELECT seq, 'w' FROM seq_1_to_1000;"
      "CREATE TABLE never_t (id int PRIMARY KEY) ENGINE=InnoDB;"
      " INSERT INTO never_t SELECT seq FROM seq_1_to_10",
      kDb);
  ResetPgSchema(kSchema);
  const std::string job = WriteTempFile(
      "tskip.yml", JobHeader(kDb, kSchema) +
                       "  skip_unchanged: true\n"
                       "tables:\n"
                       "  full_t: {batch_size: 50000, performance: {strategy: copy_csv}}\n"
                       "  inc_t:\n"
                       "    batch_size: 500\n"
                       "    extraction_strategy: incremental\n"
                       "    incremental_columns: [updated_at]\n"
                       "  where_t: {batch_size: 500, where: \"id <= 500\"}\n"
                       "  never_t: {batch_size: 500, skip_unchanged: false}\n");

  // plan names each method.
  auto plan = RunEtl({"plan", job});
  INFO("plan: " << plan.out << plan.err);
  CHECK(plan.out.find("skip_unchanged: fingerprint by CHECKSUM TABLE") != std::string::npos);
  CHECK(plan.out.find("skip_unchanged: fingerprint by row count + max(updated_at)") !=
        std::string::npos);
  CHECK(plan.out.find("skip_unchanged: fingerprint by row count + checksum of every row under "
                      "`where`") != std::string::npos);
  CHECK(std::regex_search(plan.out, std::regex("never_t: [^\n]*target will be created\n")));

  const Run first = RunJob(job);
  INFO("run 1: " << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(Statuses(first) == "full_t:ok inc_t:ok never_t:ok where_t:ok ");
  CHECK(
      std::regex_match(first.tables.at("full_t").fingerprint,
                       std::regex("checksum sum=[0-9a-f]{16} shape=[0-9a-f]{16}( updated=\\S+)?")));
  CHECK(std::regex_match(
      first.tables.at("inc_t").fingerprint,
      std::regex("cursor rows=1000 sum=[0-9a-f]{16} shape=[0-9a-f]{16}( updated=\\S+)?")));
  CHECK(std::regex_match(
      first.tables.at("where_t").fingerprint,
      std::regex("rows rows=500 sum=[0-9a-f]{16} shape=[0-9a-f]{16}( updated=\\S+)?")));
  CHECK(first.tables.at("never_t").fingerprint.empty());
  CHECK(Trim(Psql("SELECT count(*) FROM tskip.etl_runs WHERE fingerprint IS NOT NULL")) == "3");

  // Nothing changed: the three are skipped with the reason, never_t loads.
  const Run second = RunJob(job);
  INFO("run 2: " << second.err);
  REQUIRE(second.exit_code == 0);
  CHECK(Statuses(second) == "full_t:skipped inc_t:skipped never_t:ok where_t:skipped ");
  const std::string reason = second.tables.at("full_t").skip_reason;
  CHECK(reason.rfind("source unchanged since run " + first.run_id + " (", 0) == 0);
  // Method, sum and shape are the first run's (updated= may be newer or absent).
  const std::string content = first.tables.at("full_t").fingerprint.substr(0, 48);
  CHECK(second.tables.at("full_t").fingerprint.substr(0, 48) == content);
  CHECK(reason.find(content) != std::string::npos);
  // A small CI check of "a fraction of a reload" (docs/benchmark.md has the 2M-row figure).
  CHECK(second.tables.at("full_t").seconds <= 0.5 * first.tables.at("full_t").seconds);
  CHECK(Trim(Psql("SELECT string_agg(table_name, ',' ORDER BY table_name) FROM tskip.etl_runs "
                  "WHERE run_id = '" +
                  second.run_id + "' AND status = 'skipped' AND fingerprint IS NOT NULL")) ==
        "full_t,inc_t,where_t");

  // One value changes in full_t, a row arrives in inc_t, a row outside where_t's filter changes.
  MySql(
      "UPDATE full_t SET d = d + 1 WHERE id = 123456; INSERT INTO inc_t VALUES (1001, 'new', "
      "'2025-01-01'); UPDATE where_t SET v = 'changed' WHERE id = 800",
      kDb);
  const Run third = RunJob(job);
  INFO("run 3: " << third.err);
  REQUIRE(third.exit_code == 0);
  CHECK(Statuses(third) == "full_t:ok inc_t:ok never_t:ok where_t:skipped ");
  CHECK(third.tables.at("inc_t").rows_written == 1);
  CHECK(Trim(Psql("SELECT d FROM tskip.full_t WHERE id = 123456")) ==
        Trim(MySql("SELECT d FROM full_t WHERE id = 123456", kDb)));

  // A change under the filter loads where_t; --full loads everything; a dropped target reloads.
  MySql("UPDATE where_t SET v = 'changed' WHERE id = 10", kDb);
  const Run fourth = RunJob(job);
  CHECK(Statuses(fourth) == "full_t:skipped inc_t:skipped never_t:ok where_t:ok ");
  const Run forced = RunJob(job, {"--full"});
  CHECK(Statuses(forced) == "full_t:ok inc_t:ok never_t:ok where_t:ok ");
  const Run after_full = RunJob(job);  // --full saved the fingerprints too
  CHECK(Statuses(after_full) == "full_t:skipped inc_t:skipped never_t:ok where_t:skipped ");
  Psql("DROP TABLE tskip.full_t");
  const Run dropped = RunJob(job, {"--table", "full_t"});
  INFO("after drop: " << dropped.err);
  CHECK(Statuses(dropped) == "full_t:ok ");
  CHECK(Trim(Psql("SELECT count(*) FROM tskip.full_t")) == "200000");
}

TEST_CASE("skip_unchanged: no scan while UPDATE_TIME stands still, a late commit is still seen",
          "[cli][skip_unchanged]") {
  etl::testing::RequireServers();
  const std::string db = "tskip_ut";
  ResetMySqlDatabase(db);
  MySql(
      "CREATE TABLE t (id int PRIMARY KEY, v varchar(20)) ENGINE=InnoDB;"
      " INSERT INTO t SELECT seq, 'x' FROM seq_1_to_1000",
      db);
  ResetPgSchema(db);
  const std::string job = WriteTempFile(
      "tskip_ut.yml",
      JobHeader(db, db) + "  skip_unchanged: true\ntables:\n  t: {batch_size: 500}\n");
  const auto target = [&](int id) {
    return Trim(Psql("SELECT v FROM tskip_ut.t WHERE id = " + std::to_string(id)));
  };
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // the last write is settled

  const Run first = RunJob(job);
  INFO("run 1: " << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(std::regex_match(first.tables.at("t").fingerprint,
                         std::regex("checksum sum=[0-9a-f]{16} shape=[0-9a-f]{16} "
                                    "updated=[0-9-]{10}T[0-9:]{8}")));
  const Run second = RunJob(job);
  CHECK(Statuses(second) == "t:skipped ");
  CHECK(second.tables.at("t").skip_reason.find("not written since, by UPDATE_TIME") !=
        std::string::npos);

  // Transaction A writes and stays open; B commits in the same second, so UPDATE_TIME shows that
  // second, and A's commit later stamps the same second again (InnoDB uses the start time).
  const std::string sql =
      WriteTempFile("tskip_ut_a.sql",
                    "START TRANSACTION; UPDATE t SET v = 'A' WHERE id = 5; SELECT SLEEP(4); "
                    "COMMIT;\n");
  etl::testing::RunShell(
      "MYSQL_PWD=" + etl::testing::Env("ETL_MYSQL_PASSWORD") + " nohup mysql --protocol=TCP -h " +
      etl::testing::Env("ETL_MYSQL_HOST") + " -P " + etl::testing::Env("ETL_MYSQL_PORT") + " -u " +
      etl::testing::Env("ETL_MYSQL_USER") + " -D " + db + " <" + sql + " >/dev/null 2>&1 &");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  MySql("UPDATE t SET v = 'B' WHERE id = 6", db);
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  const Run third = RunJob(job);  // sees B, not A (still open)
  INFO("run 3: " << third.err);
  CHECK(Statuses(third) == "t:ok ");
  CHECK(target(6) == "B");
  CHECK(target(5) == "x");
  for (int i = 0; i < 100 && Trim(MySql("SELECT v FROM t WHERE id = 5", db)) != "A"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  REQUIRE(Trim(MySql("SELECT v FROM t WHERE id = 5", db)) == "A");
  const Run fourth = RunJob(job);  // A committed after run 3's fingerprint: loaded now
  INFO("run 4: " << fourth.err);
  CHECK(Statuses(fourth) == "t:ok ");
  CHECK(target(5) == "A");
  CHECK(Statuses(RunJob(job)) == "t:skipped ");
}
