// Scale-out end to end through the real binary against the real servers: `plan --format json`,
// `run --shard I/N` in concurrent processes, the per-table target lock (exit 75 naming the
// holder), a shard killed mid-load and rerun, and `--rerun-failed-only` over the run history.
//
// A load is held in place deterministically by a test session that keeps an ACCESS EXCLUSIVE
// lock on the (existing) target table: the runner takes its target lock, plans, and then waits to
// write, so another runner or a SIGKILL meets it in the middle of that table.

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/test_env.h"

using etl::testing::CommandResult;
using etl::testing::Env;
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
using nlohmann::json;

namespace {

// Table name -> "count|md5" of the target table's rows in key order.
std::string PgDigest(const std::string& schema, const std::string& table) {
  return Trim(
      Psql("SELECT count(*) || '|' || coalesce(md5(string_agg(id || ':' || payload, ',' "
           "ORDER BY id)), '') FROM \"" +
           schema + "\".\"" + table + "\""));
}

bool PgTableExists(const std::string& schema, const std::string& table) {
  return Trim(Psql("SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema +
                   "' AND tablename = '" + table + "'")) == "1";
}

// Twelve tables t01..t12 of 60*i rows each, ~250 bytes a row, so their sizes differ; ANALYZE
// makes information_schema's figures current (and stable for plan and run alike).
std::vector<std::string> SeedTwelve(const std::string& db) {
  etl::testing::ResetMySqlDatabase(db);
  std::string sql;
  std::vector<std::string> names;
  for (int i = 1; i <= 12; ++i) {
    const std::string t = (i < 10 ? "t0" : "t") + std::to_string(i);
    names.push_back(t);
    sql += "CREATE TABLE " + t + " (id INT PRIMARY KEY, payload VARCHAR(300) NOT NULL);";
    sql += "INSERT INTO " + t + " SELECT seq, CONCAT(seq, '-', REPEAT('x', 240)) FROM seq_1_to_" +
           std::to_string(60 * i) + ";";
    sql += "ANALYZE TABLE " + t + ";";
  }
  MySql(sql, db);
  return names;
}

std::string TwelveJob(const std::string& db, const std::string& schema,
                      const std::vector<std::string>& names) {
  std::string y = JobHeader(db, schema) + "tables:\n";
  // Listed out of name order on purpose: the assignment must not care.
  std::vector<std::string> order = names;
  std::reverse(order.begin(), order.end());
  std::rotate(order.begin(), order.begin() + 5, order.end());
  for (const auto& t : order)
    y += "  " + t + ": {batch_size: 100}\n";
  return y;
}

json ParseJson(const std::string& text) {
  INFO("json: " << text);
  REQUIRE(!text.empty());
  return json::parse(text);
}

// Waits until a runner holds the target lock of `schema`.`table` (sink/target_lock.h keys);
// returns that session's application_name.
std::string WaitForTargetLock(const std::string& schema, const std::string& table) {
  const std::string sql =
      "SELECT coalesce(max(a.application_name), '') FROM pg_locks l JOIN pg_stat_activity a ON "
      "a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND "
      "l.classid = 1163152433 AND l.objid = (hashtext('\"" +
      Env("ETL_PG_DATABASE") + "\".\"" + schema + "\".\"" + table +
      "\"')::bigint & 4294967295)::oid";
  for (int i = 0; i < 500; ++i) {
    const std::string name = Trim(Psql(sql));
    if (!name.empty()) return name;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return "";
}

// Holds ACCESS EXCLUSIVE on an existing target for `seconds` in the background (a psql session);
// returns once the lock is granted.
void BlockTarget(const std::string& schema, const std::string& table, int seconds,
                 const std::string& pid_file) {
  const std::string qualified = "\"" + schema + "\".\"" + table + "\"";
  RunShell(PsqlCommandLine() + " -c " +
           ShellQuote("BEGIN; LOCK TABLE " + qualified +
                      " IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(" + std::to_string(seconds) +
                      "); COMMIT;") +
           " >/dev/null 2>&1 & echo $! > " + ShellQuote(pid_file));
  for (int i = 0; i < 500; ++i) {
    if (Trim(Psql("SELECT count(*) FROM pg_locks WHERE locktype = 'relation' AND granted AND "
                  "mode = 'AccessExclusiveLock' AND relation = '" +
                  qualified + "'::regclass")) != "0") {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("the blocking session never got its lock");
}

void EndBlock(const std::string& pid_file) {
  RunShell("kill $(cat " + ShellQuote(pid_file) + ") 2>/dev/null; true");
  // The server ends the backend (and its lock) when psql goes away.
  Psql(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'psql' "
      "AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()");
}

}  // namespace

TEST_CASE("scale-out: 4 concurrent shards load exactly what one run loads, each table once",
          "[cli][scaleout]") {
  const std::string db = "tscale_src";
  const auto names = SeedTwelve(db);
  const std::string one = "tscale_one";
  const std::string sharded = "tscale_sharded";
  etl::testing::ResetPgSchema(one);
  etl::testing::ResetPgSchema(sharded);
  const std::string job_one = WriteTempFile("tscale_one.yml", TwelveJob(db, one, names));
  const std::string job = WriteTempFile("tscale_sharded.yml", TwelveJob(db, sharded, names));

  // The plan: one unit per table, each with a shard, balanced within the largest unit.
  const auto plan = RunEtl({"plan", job, "--format", "json", "--shards", "4"});
  INFO("plan stderr: " << plan.err);
  REQUIRE(plan.exit_code == 0);
  REQUIRE(std::count(plan.out.begin(), plan.out.end(), '\n') == 1);  // one line: an XCom value
  const json doc = ParseJson(plan.out);
  CHECK(doc["shards"] == 4);
  CHECK(doc["job"] == "tscale_sharded");
  REQUIRE(doc["units"].size() == 12);
  std::map<std::string, int> planned_shard;
  std::int64_t largest = 0;
  std::vector<std::int64_t> shard_bytes(4, 0);
  std::set<std::int64_t> sizes;
  for (const auto& u : doc["units"]) {
    planned_shard[u["table"]] = u["shard"];
    const std::int64_t bytes = u["estimated_bytes"];
    largest = std::max(largest, bytes);
    shard_bytes[u["shard"].get<std::size_t>()] += bytes;
    sizes.insert(bytes);
    CHECK(u["size_from"] == "information_schema");
    CHECK(u["strategy"] == "standard");
    CHECK(u["target_schema"] == sharded);
    CHECK(u["error"].is_null());
  }
  CHECK(sizes.size() >= 6);  // the tables really differ in size
  const auto [lo, hi] = std::minmax_element(shard_bytes.begin(), shard_bytes.end());
  CHECK(*hi - *lo <= largest);
  for (std::size_t s = 0; s < 4; ++s)
    CHECK(doc["shard_totals"][s]["estimated_bytes"] == shard_bytes[s]);
  // The assignment does not depend on the YAML order: the other job lists the tables the same
  // way but another job file in another order gives the same shards.
  std::string sorted_job = JobHeader(db, sharded) + "tables:\n";
  for (const auto& t : names)
    sorted_job += "  " + t + ": {batch_size: 100}\n";
  const auto plan_sorted = RunEtl({"plan", WriteTempFile("tscale_sorted.yml", sorted_job),
                                   "--format", "json", "--shards", "4"});
  REQUIRE(plan_sorted.exit_code == 0);
  for (const auto& u : ParseJson(plan_sorted.out)["units"])
    CHECK(planned_shard.at(u["table"]) == u["shard"]);

  // One run of everything, for comparison.
  auto r = RunEtl({"run", job_one, "--progress", "never"});
  INFO("1-shard run: " << r.err);
  REQUIRE(r.exit_code == 0);

  // Four shards as four concurrent processes.
  std::string cmd;
  for (int i = 0; i < 4; ++i) {
    const std::string base = job + ".shard" + std::to_string(i);
    cmd += "(" +
           EtlCommandLine({"run", job, "--shard", std::to_string(i) + "/4", "--progress", "never",
                           "--report-json", base + ".json"}) +
           " >" + ShellQuote(base + ".out") + " 2>" + ShellQuote(base + ".err") + "; echo $? >" +
           ShellQuote(base + ".rc") + ") & ";
  }
  RunShell(cmd + "wait");
  std::map<std::string, int> loaded_by;  // table -> shard whose report says ok
  std::map<std::string, int> times_loaded;
  for (int i = 0; i < 4; ++i) {
    const std::string base = job + ".shard" + std::to_string(i);
    INFO("shard " << i << " stderr: " << ReadFile(base + ".err"));
    CHECK(Trim(ReadFile(base + ".rc")) == "0");
    const json report = ParseJson(ReadFile(base + ".json"));
    CHECK(report["shard"] == std::to_string(i) + "/4");
    for (const auto& t : report["tables"]) {
      CHECK(t["status"] == "ok");
      loaded_by[t["name"]] = i;
      ++times_loaded[t["name"]];
    }
  }
  // Every table exactly once, in the shard the plan said, with the same rows as the 1-shard run.
  REQUIRE(times_loaded.size() == 12);
  for (const auto& t : names) {
    INFO(t);
    CHECK(times_loaded[t] == 1);
    CHECK(loaded_by[t] == planned_shard[t]);
    CHECK(PgDigest(sharded, t) == PgDigest(one, t));
  }
  // With the run history present (it is written by the history hook), one ok row per table.
  if (PgTableExists(sharded, "etl_runs")) {
    CHECK(Trim(Psql("SELECT count(*) FROM \"" + sharded +
                    "\".etl_runs WHERE status = 'ok' GROUP BY table_name HAVING count(*) <> 1")) ==
          "");
  }
}

TEST_CASE("scale-out: two runners on one table at once: one loads, the other exits 75 naming it",
          "[cli][scaleout]") {
  const std::string db = "tscale_pair_src";
  etl::testing::ResetMySqlDatabase(db);
  MySql(
      "CREATE TABLE t (id INT PRIMARY KEY, payload VARCHAR(50) NOT NULL);"
      "INSERT INTO t SELECT seq, CONCAT('v', seq) FROM seq_1_to_500;",
      db);
  const std::string schema = "tscale_pair";
  etl::testing::ResetPgSchema(schema);
  const std::string job =
      WriteTempFile("tscale_pair.yml", JobHeader(db, schema) + "tables:\n  t: {batch_size: 100}\n");
  REQUIRE(RunEtl({"run", job, "--progress", "never"}).exit_code == 0);  // the target exists now
  MySql("INSERT INTO t SELECT seq, CONCAT('v', seq) FROM seq_501_to_800;", db);

  const std::string block = job + ".block.pid";
  BlockTarget(schema, "t", 4, block);
  const std::string a = job + ".a";
  RunShell("(" + EtlCommandLine({"run", job, "--progress", "never", "--report-json", a + ".json"}) +
           " >/dev/null 2>" + ShellQuote(a + ".err") + "; echo $? >" + ShellQuote(a + ".rc") +
           ") &");
  const std::string holder = WaitForTargetLock(schema, "t");
  REQUIRE(holder.rfind("etl ", 0) == 0);  // "etl <run_id> <pid>@<host>"

  const std::string b_report = job + ".b.json";
  const auto b = RunEtl({"run", job, "--progress", "never", "--report-json", b_report});
  INFO("b stderr: " << b.err);
  CHECK(b.exit_code == 75);
  const json rb = ParseJson(ReadFile(b_report));
  REQUIRE(rb["tables"].size() == 1);
  CHECK(rb["tables"][0]["status"] == "skipped");
  const std::string reason = rb["tables"][0]["skip_reason"];
  CHECK(reason.find("target " + schema + ".t is being loaded by run ") != std::string::npos);
  CHECK(reason.find(" pid ") != std::string::npos);
  CHECK(reason.find("since ") != std::string::npos);
  CHECK(b.err.find(reason) != std::string::npos);  // logged too

  // A finishes once the block ends; its run id is the one B named.
  for (int i = 0; i < 500 && Trim(ReadFile(a + ".rc")).empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  INFO("a stderr: " << ReadFile(a + ".err"));
  REQUIRE(Trim(ReadFile(a + ".rc")) == "0");
  const json ra = ParseJson(ReadFile(a + ".json"));
  CHECK(ra["tables"][0]["status"] == "ok");
  CHECK(reason.find("run " + ra["run_id"].get<std::string>() + " (host ") != std::string::npos);
  CHECK(Trim(Psql("SELECT count(*) FROM \"" + schema + "\".t")) == "800");

  // B's rerun (what the scheduler's retry does) loads it.
  const auto again = RunEtl({"run", job, "--progress", "never"});
  INFO("rerun stderr: " << again.err);
  CHECK(again.exit_code == 0);
  CHECK(Trim(Psql("SELECT count(*) FROM \"" + schema + "\".t")) == "800");
  EndBlock(block);
}

TEST_CASE("scale-out: a shard killed mid-load is rerun with nothing lost or duplicated",
          "[cli][scaleout]") {
  const std::string db = "tscale_kill_src";
  etl::testing::ResetMySqlDatabase(db);
  MySql(
      "CREATE TABLE k1 (id INT PRIMARY KEY, payload VARCHAR(50) NOT NULL);"
      "CREATE TABLE k2 LIKE k1; CREATE TABLE k3 LIKE k1;"
      "INSERT INTO k1 SELECT seq, CONCAT('a', seq) FROM seq_1_to_300;"
      "INSERT INTO k2 SELECT seq, CONCAT('b', seq) FROM seq_1_to_400;"
      "INSERT INTO k3 SELECT seq, CONCAT('c', seq) FROM seq_1_to_500;",
      db);
  const std::string schema = "tscale_kill";
  etl::testing::ResetPgSchema(schema);
  // Sizes pinned so k1 > k2 > k3 run in that order within the one shard that holds them all.
  const std::string job =
      WriteTempFile("tscale_kill.yml", JobHeader(db, schema) +
                                           "tables:\n"
                                           "  k1: {batch_size: 100, estimated_size_mb: 3}\n"
                                           "  k2: {batch_size: 100, estimated_size_mb: 2}\n"
                                           "  k3: {batch_size: 100, estimated_size_mb: 1}\n");
  // An earlier copy of k2 exists (so a blocker can hold it) and must survive the kill intact.
  Psql("CREATE SCHEMA \"" + schema + "\"; CREATE TABLE \"" + schema +
       "\".k2 (id integer PRIMARY KEY, payload varchar(50) NOT NULL);"
       "INSERT INTO \"" +
       schema + "\".k2 SELECT g, 'old' || g FROM generate_series(1, 10) g");
  const std::string before = PgDigest(schema, "k2");

  const std::string block = job + ".block.pid";
  BlockTarget(schema, "k2", 30, block);
  const std::string pid_file = job + ".run.pid";
  RunShell(EtlCommandLine({"run", job, "--shard", "0/1", "--progress", "never"}) + " >" +
           ShellQuote(job + ".log") + " 2>&1 & echo $! > " + ShellQuote(pid_file));
  REQUIRE(WaitForTargetLock(schema, "k2").rfind("etl ", 0) == 0);  // k1 done, k2 in flight
  RunShell("kill -9 $(cat " + ShellQuote(pid_file) + ")");
  EndBlock(block);
  INFO("killed run log: " << ReadFile(job + ".log"));
  CHECK(PgDigest(schema, "k1") == "300|" + Trim(Psql("SELECT md5(string_agg(g || ':a' || g, ',' "
                                                     "ORDER BY g)) FROM generate_series(1, 300) "
                                                     "g")));
  CHECK(PgDigest(schema, "k2") == before);  // rolled back: the earlier copy, untouched
  CHECK_FALSE(PgTableExists(schema, "k3"));

  // The rerun of the shard completes: the killed session's locks went with it.
  const auto r = RunEtl({"run", job, "--shard", "0/1", "--progress", "never"});
  INFO("rerun stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  for (const auto& [t, n, p] : std::vector<std::tuple<std::string, int, std::string>>{
           {"k1", 300, "a"}, {"k2", 400, "b"}, {"k3", 500, "c"}}) {
    INFO(t);
    CHECK(PgDigest(schema, t) ==
          std::to_string(n) + "|" +
              Trim(Psql("SELECT md5(string_agg(g || ':" + p + "' || g, ',' ORDER BY g)) FROM " +
                        "generate_series(1, " + std::to_string(n) + ") g")));
  }
}

TEST_CASE("scale-out: --rerun-failed-only skips what the history says loaded within the window",
          "[cli][scaleout]") {
  const std::string db = "tscale_rerun_src";
  etl::testing::ResetMySqlDatabase(db);
  MySql(
      "CREATE TABLE r1 (id INT PRIMARY KEY, payload VARCHAR(50) NOT NULL);"
      "CREATE TABLE r2 LIKE r1; CREATE TABLE r3 LIKE r1; CREATE TABLE r4 LIKE r1;"
      "INSERT INTO r1 SELECT seq, 'x' FROM seq_1_to_10; INSERT INTO r2 SELECT * FROM r1;"
      "INSERT INTO r3 SELECT * FROM r1; INSERT INTO r4 SELECT * FROM r1;",
      db);
  const std::string schema = "tscale_rerun";
  etl::testing::ResetPgSchema(schema);
  const std::string job = WriteTempFile(
      "tscale_rerun.yml", JobHeader(db, schema) +
                              "tables:\n  r1: {batch_size: 10}\n  r2: {batch_size: 10}\n"
                              "  r3: {batch_size: 10}\n  r4: {batch_size: 10}\n");
  // Without a history table everything loads (and the flag is harmless).
  auto r = RunEtl({"run", job, "--rerun-failed-only", "--progress", "never"});
  INFO("first run: " << r.err);
  REQUIRE(r.exit_code == 0);

  // The history as the history hook writes it (columns of the etl_runs contract): r1 loaded an
  // hour ago, r2's latest load failed after an earlier success, r3 loaded two days ago, r4 was
  // only skipped since its failure.
  Psql("CREATE TABLE IF NOT EXISTS \"" + schema +
       "\".etl_runs (run_id text NOT NULL, job text NOT NULL, table_name text NOT NULL,"
       " source_table text, target_schema text NOT NULL, target_table text NOT NULL, host text,"
       " pid integer, shard text, started_at timestamptz, finished_at timestamptz,"
       " status text NOT NULL, strategy text, strategy_reason text, target_variant text,"
       " rows_read bigint, rows_written bigint, rows_rejected bigint, bytes bigint,"
       " queries bigint, chunks bigint, batches bigint, retries bigint, seconds double precision,"
       " rows_per_second double precision, peak_rss_mb double precision,"
       " phase_read double precision, phase_process double precision,"
       " phase_write double precision, phase_total double precision, watermark jsonb,"
       " fingerprint text, error text, PRIMARY KEY (run_id, table_name))");
  Psql("DELETE FROM \"" + schema + "\".etl_runs");
  const std::string ins = "INSERT INTO \"" + schema +
                          "\".etl_runs (run_id, job, table_name, target_schema, target_table, "
                          "started_at, finished_at, status) VALUES ";
  Psql(ins + "('R-old', 'tscale_rerun', 'r1', '" + schema +
       "', 'r1', now() - interval '2 days', now() - interval '2 days', 'failed'),"
       "('R-1', 'tscale_rerun', 'r1', '" +
       schema +
       "', 'r1', now() - interval '61 minutes', now() - interval '1 hour', 'ok'),"
       "('R-1', 'tscale_rerun', 'r2', '" +
       schema +
       "', 'r2', now() - interval '61 minutes', now() - interval '1 hour', 'ok'),"
       "('R-2', 'tscale_rerun', 'r2', '" +
       schema +
       "', 'r2', now() - interval '31 minutes', now() - interval '30 minutes', 'failed'),"
       "('R-old', 'tscale_rerun', 'r3', '" +
       schema +
       "', 'r3', now() - interval '2 days', now() - interval '2 days', 'ok'),"
       "('R-1', 'tscale_rerun', 'r4', '" +
       schema +
       "', 'r4', now() - interval '61 minutes', now() - interval '1 hour', 'failed'),"
       "('R-2', 'tscale_rerun', 'r4', '" +
       schema +
       "', 'r4', now() - interval '31 minutes', now() - interval '30 minutes', 'skipped'),"
       "('R-other', 'another_job', 'r3', '" +
       schema + "', 'r3', now() - interval '5 minutes', now() - interval '5 minutes', 'ok')");
  // Mark the targets so a reload is visible.
  for (const char* t : {"r1", "r2", "r3", "r4"})
    Psql("UPDATE \"" + schema + "\"." + t + " SET payload = 'stale'");

  const std::string report = job + ".report.json";
  r = RunEtl({"run", job, "--rerun-failed-only", "--progress", "never", "--report-json", report});
  INFO("rerun: " << r.err);
  REQUIRE(r.exit_code == 0);
  const json doc = ParseJson(ReadFile(report));
  std::map<std::string, json> by_name;
  for (const auto& t : doc["tables"])
    by_name[t["name"]] = t;
  CHECK(by_name["r1"]["status"] == "skipped");
  CHECK(by_name["r1"]["skip_reason"].get<std::string>().find("already loaded by run R-1") !=
        std::string::npos);
  CHECK(by_name["r2"]["status"] == "ok");  // latest load failed
  CHECK(by_name["r3"]["status"] == "ok");  // its success is older than the 12h window
  CHECK(by_name["r4"]["status"] == "ok");  // skipped rows are not loads
  CHECK(Trim(Psql("SELECT string_agg(DISTINCT payload, ',') FROM \"" + schema + "\".r1")) ==
        "stale");
  for (const char* t : {"r2", "r3", "r4"}) {
    CHECK(Trim(Psql("SELECT string_agg(DISTINCT payload, ',') FROM \"" + schema + "\"." + t)) ==
          "x");
  }

  // A window that starts after R-1's success reloads r1 too.
  r = RunEtl({"run", job, "--table", "r1", "--rerun-failed-only", "--rerun-since", "30m",
              "--progress", "never"});
  CHECK(r.exit_code == 0);
  CHECK(Trim(Psql("SELECT string_agg(DISTINCT payload, ',') FROM \"" + schema + "\".r1")) == "x");

  // A bad window is a usage error.
  r = RunEtl({"run", job, "--rerun-failed-only", "--rerun-since", "yesterday"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--rerun-since expects a duration") != std::string::npos);
}

TEST_CASE("scale-out: --shard usage errors and JOB_COMPLETION_INDEX", "[cli][scaleout]") {
  const std::string db = "tscale_usage_src";
  etl::testing::ResetMySqlDatabase(db);
  MySql(
      "CREATE TABLE a (id INT PRIMARY KEY); CREATE TABLE b (id INT PRIMARY KEY);"
      "INSERT INTO a VALUES (1); INSERT INTO b VALUES (1), (2);",
      db);
  const std::string schema = "tscale_usage";
  etl::testing::ResetPgSchema(schema);
  const std::string job =
      WriteTempFile("tscale_usage.yml", JobHeader(db, schema) +
                                            "tables:\n  a: {batch_size: 10, estimated_size_mb: 1}\n"
                                            "  b: {batch_size: 10, estimated_size_mb: 2}\n");
  auto r = RunEtl({"run", job, "--shard", "2/2"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("the shard index must be between 0 and 1 (count 2), got 2") !=
        std::string::npos);
  r = RunEtl({"run", job, "--shard-count", "2"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("JOB_COMPLETION_INDEX") != std::string::npos);

  // b (2 MB) is shard 0, a (1 MB) shard 1; the index comes from the Indexed Job's variable.
  const std::string report = job + ".report.json";
  r = RunEtl({"run", job, "--shard-count", "2", "--progress", "never", "--report-json", report},
             {"JOB_COMPLETION_INDEX=1"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const json doc = ParseJson(ReadFile(report));
  CHECK(doc["shard"] == "1/2");
  REQUIRE(doc["tables"].size() == 1);
  CHECK(doc["tables"][0]["name"] == "a");
  CHECK_FALSE(PgTableExists(schema, "b"));

  // --table and --shard intersect: b is not in shard 1, so nothing runs.
  r = RunEtl({"run", job, "--shard", "1/2", "--table", "b", "--progress", "never", "--report-json",
              report});
  CHECK(r.exit_code == 0);
  CHECK(ParseJson(ReadFile(report))["tables"].empty());
  r = RunEtl({"run", job, "--shard-index", "0", "--shard-count", "2", "--table", "b", "--progress",
              "never"});
  CHECK(r.exit_code == 0);
  CHECK(PgTableExists(schema, "b"));

  // run --dry-run --shard plans only that shard's tables.
  r = RunEtl({"run", job, "--dry-run", "--shard", "0/2"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("b: ") != std::string::npos);
  CHECK(r.out.find("[shard 0/2, estimated 2097152 bytes]") != std::string::npos);
  CHECK(r.out.find("\na: ") == std::string::npos);
}
