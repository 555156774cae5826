// `etl run`: the state row belongs to its target table (contract: "Incremental loads on a busy
// source"). Two jobs that both name a table `orders` but load different target tables keep
// separate state; a target whose state another job or source table saved is refused with both
// named and the --full hint; an etl_state of the old layout (keyed by the job-spec name) is
// migrated in place and its watermark kept.

#include <string>

#include <catch2/catch.hpp>

#include "support/test_env.h"

namespace {

using etl::testing::JobHeader;
using etl::testing::JsonInt;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::ReadFile;
using etl::testing::ResetMySqlDatabase;
using etl::testing::ResetPgSchema;
using etl::testing::RunEtl;
using etl::testing::Trim;
using etl::testing::WriteTempFile;

using Run = etl::testing::JobRun;
using etl::testing::RunJob;

// A job `<stem>.yml` whose table `orders` reads `source` into `target`.
std::string OrdersJob(const std::string& stem, const std::string& db, const std::string& schema,
                      const std::string& source, const std::string& target) {
  return WriteTempFile(stem + ".yml", JobHeader(db, schema) +
                                          "tables:\n  orders:\n    source_table: " + source +
                                          "\n    target_table: " + target +
                                          "\n    batch_size: 100\n    extraction_strategy: "
                                          "incremental\n    incremental_columns: [id]\n");
}

std::string Rows(const std::string& db, const std::string& table) {
  return MySql("SELECT CONCAT_WS('|', id, v) FROM " + table + " ORDER BY id", db);
}
std::string TargetRows(const std::string& schema, const std::string& table) {
  return Psql("SELECT concat_ws('|', id, v) FROM \"" + schema + "\"." + table + " ORDER BY id");
}

void MakeOrders(const std::string& db, const std::string& table, int from, int to) {
  MySql("CREATE TABLE IF NOT EXISTS " + table +
            " (id int PRIMARY KEY, v varchar(20) NOT NULL) ENGINE=InnoDB; INSERT INTO " + table +
            " SELECT seq, CONCAT('" + table + "', seq) FROM seq_" + std::to_string(from) + "_to_" +
            std::to_string(to),
        db);
}

}  // namespace

TEST_CASE("incremental state: two jobs naming table orders keep separate state per target",
          "[cli][incremental]") {
  const std::string db = "tstate_jobs";
  const std::string schema = "tstate_jobs";
  ResetMySqlDatabase(db);
  ResetPgSchema(schema);
  MakeOrders(db, "orders_eu", 1, 300);
  MakeOrders(db, "orders_us", 1, 50);
  const std::string eu = OrdersJob("tstate_eu", db, schema, "orders_eu", "orders_eu");
  const std::string us = OrdersJob("tstate_us", db, schema, "orders_us", "orders_us");

  Run e1 = RunJob(eu);
  INFO("eu run 1: " << e1.err);
  REQUIRE(e1.exit_code == 0);
  Run u1 = RunJob(us);
  INFO("us run 1: " << u1.err);
  REQUIRE(u1.exit_code == 0);
  CHECK(JsonInt(u1.json, "rows_read") == 50);  // not skipped by eu's watermark 300

  MakeOrders(db, "orders_eu", 301, 320);
  MakeOrders(db, "orders_us", 51, 60);
  Run u2 = RunJob(us);
  Run e2 = RunJob(eu);
  INFO("us run 2: " << u2.err << "\neu run 2: " << e2.err);
  REQUIRE(u2.exit_code == 0);
  REQUIRE(e2.exit_code == 0);
  CHECK(JsonInt(u2.json, "rows_read") == 10);
  CHECK(JsonInt(e2.json, "rows_read") == 20);
  CHECK(TargetRows(schema, "orders_eu") == Rows(db, "orders_eu"));
  CHECK(TargetRows(schema, "orders_us") == Rows(db, "orders_us"));
  // One row per target table, recording the job, the source table and the cursor.
  CHECK(Trim(Psql("SELECT string_agg(concat_ws(',', table_name, target_schema, job, source_table,"
                  " cursor_columns::text, watermark::text), ' ' ORDER BY table_name) FROM \"" +
                  schema + "\".etl_state")) ==
        "orders_eu,tstate_jobs,tstate_eu,tstate_jobs.orders_eu,[\"id\"],[\"320\"] "
        "orders_us,tstate_jobs,tstate_us,tstate_jobs.orders_us,[\"id\"],[\"60\"]");

  // A third job loading orders_us into eu's target: refused, naming both, with the --full hint.
  const std::string other = OrdersJob("tstate_other", db, schema, "orders_us", "orders_eu");
  Run o1 = RunJob(other);
  INFO("other run: " << o1.err);
  CHECK(o1.exit_code != 0);
  CHECK(o1.err.find("saved by job 'tstate_eu' loading tstate_jobs.orders_eu") != std::string::npos);
  CHECK(o1.err.find("this job 'tstate_other' loads tstate_jobs.orders_us") != std::string::npos);
  CHECK(o1.err.find("--full") != std::string::npos);
  CHECK(TargetRows(schema, "orders_eu") == Rows(db, "orders_eu"));  // untouched
  // The same job reading another source table into its own target is refused too.
  const std::string moved = OrdersJob("tstate_us", db, schema, "orders_eu", "orders_us");
  Run m1 = RunJob(moved);
  CHECK(m1.exit_code != 0);
  CHECK(m1.err.find("saved by job 'tstate_us' loading tstate_jobs.orders_us") != std::string::npos);

  // --full takes the target over: reloaded, and the state now says so.
  Run o2 = RunJob(other, {"--full"});
  INFO("other --full: " << o2.err);
  REQUIRE(o2.exit_code == 0);
  CHECK(TargetRows(schema, "orders_eu") == Rows(db, "orders_us"));
  CHECK(Trim(Psql("SELECT concat_ws(',', job, source_table, watermark::text) FROM \"" + schema +
                  "\".etl_state WHERE table_name = 'orders_eu'")) ==
        "tstate_other,tstate_jobs.orders_us,[\"60\"]");
}

TEST_CASE("incremental state: an old-layout etl_state is migrated in place", "[cli][incremental]") {
  const std::string db = "tstate_migrate";
  const std::string schema = "tstate_migrate";
  ResetMySqlDatabase(db);
  ResetPgSchema(schema);
  MakeOrders(db, "orders_eu", 1, 200);
  const std::string job = OrdersJob("tstate_migrate", db, schema, "orders_eu", "orders_eu");
  REQUIRE(RunJob(job).exit_code == 0);
  // The layout before state rows belonged to their target: keyed by the job-spec name
  // ("orders", while the target is orders_eu), no job, no source table.
  Psql("DROP TABLE \"" + schema + "\".etl_state; CREATE TABLE \"" + schema +
       "\".etl_state (table_name text PRIMARY KEY, watermark jsonb, status text NOT NULL, "
       "rows_loaded bigint NOT NULL DEFAULT 0, updated_at timestamptz NOT NULL DEFAULT now()); "
       "INSERT INTO \"" +
       schema + "\".etl_state VALUES ('orders', '[\"200\"]', 'ok', 200, now())");

  // plan reads the old layout as it is (it writes nothing, so it migrates nothing).
  const auto plan = RunEtl({"plan", job});
  INFO("plan: " << plan.out << plan.err);
  CHECK(plan.exit_code == 0);
  CHECK(plan.out.find("incremental after [200]") != std::string::npos);
  CHECK(Trim(Psql("SELECT count(*) FROM information_schema.columns WHERE table_schema = '" +
                  schema + "' AND table_name = 'etl_state' AND column_name = 'job'")) == "0");

  MakeOrders(db, "orders_eu", 201, 215);
  Run r = RunJob(job);
  INFO("run after migration: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(JsonInt(r.json, "rows_read") == 15);  // continued from the migrated watermark
  CHECK(TargetRows(schema, "orders_eu") == Rows(db, "orders_eu"));
  CHECK(Trim(Psql("SELECT string_agg(concat_ws(',', table_name, target_schema, job, "
                  "source_table, watermark::text), ' ') FROM \"" +
                  schema + "\".etl_state")) ==
        "orders_eu,tstate_migrate,tstate_migrate,tstate_migrate.orders_eu,[\"215\"]");
}

TEST_CASE("incremental lookback: runs re-read the window behind the watermark, validate checks it",
          "[cli][incremental]") {
  const std::string db = "tstate_lookback";
  const std::string schema = "tstate_lookback";
  ResetMySqlDatabase(db);
  ResetPgSchema(schema);
  MySql(
      "CREATE TABLE t (id int PRIMARY KEY, v varchar(20) NOT NULL, updated_at datetime NOT NULL, "
      "KEY (updated_at)) ENGINE=InnoDB; INSERT INTO t SELECT seq, CONCAT('v', seq), "
      "TIMESTAMP('2024-01-01') + INTERVAL seq MINUTE FROM seq_1_to_100",
      db);
  auto job = [&](const std::string& name, const std::string& cursor, const std::string& back) {
    return WriteTempFile(name + ".yml", JobHeader(db, schema) + "tables:\n  " + name +
                                            ":\n    source_table: t\n    batch_size: 30\n    "
                                            "extraction_strategy: incremental\n    "
                                            "incremental_columns: [" +
                                            cursor + "]\n    lookback: " + back + "\n");
  };
  const std::string by_count = job("tlb_count", "id", "5");
  const std::string by_time = job("tlb_time", "updated_at", "10m");
  REQUIRE(RunJob(by_count).exit_code == 0);
  REQUIRE(RunJob(by_time).exit_code == 0);
  MySql(
      "INSERT INTO t SELECT seq, CONCAT('n', seq), TIMESTAMP('2024-01-01') + INTERVAL seq MINUTE "
      "FROM seq_101_to_110",
      db);
  // The plan counts the window the run reads: 10 new rows plus the 5 the lookback re-reads.
  const auto planned = RunEtl({"plan", by_count});
  INFO("plan: " << planned.out << planned.err);
  CHECK(planned.exit_code == 0);
  CHECK((planned.out + planned.err).find("15 rows past the watermark - lookback 5 (counted)") !=
        std::string::npos);
  Run c = RunJob(by_count);
  INFO("count: " << c.err);
  REQUIRE(c.exit_code == 0);
  CHECK(JsonInt(c.json, "rows_read") == 15);  // ids 96..110
  Run t = RunJob(by_time);
  INFO("time: " << t.err);
  REQUIRE(t.exit_code == 0);
  CHECK(JsonInt(t.json, "rows_read") == 20);  // after 01:40 - 10m: minutes 91..110
  CHECK(TargetRows(schema, "tlb_count") == Rows(db, "t"));
  CHECK(TargetRows(schema, "tlb_time") == Rows(db, "t"));

  // A duration on an integer cursor fails the table before reading, naming both.
  Run wrong = RunJob(job("tlb_wrong", "id", "10m"));
  CHECK(wrong.exit_code != 0);
  CHECK(wrong.err.find("lookback 10m is a duration, but the first cursor column id is int") !=
        std::string::npos);
  // Neither a duration nor a count: validate says so.
  auto v = RunEtl({"validate", job("tlb_bad", "id", "soon")});
  CHECK(v.exit_code != 0);
  INFO("validate: " << v.out << v.err);
  CHECK((v.out + v.err).find("tables.tlb_bad.lookback") != std::string::npos);
  CHECK((v.out + v.err).find("expected a duration (30s, 5m, 2h, 1d)") != std::string::npos);
}
