// The run history <schema>.etl_runs and NOTIFY against the real PostgreSQL test server: rows
// round-trip with every column (NULLs where the contract says), commit or roll back with the
// caller's transaction, the readers pick the rows `etl report` and skip_unchanged need, and a
// notification reaches a LISTEN session only when its transaction commits.
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "config/job_loader.h"
#include "sink/notify.h"
#include "sink/pg_connection.h"
#include "sink/run_history.h"
#include "support/test_env.h"
#include "support/test_target.h"

using etl::testing::Env;
using etl::testing::Psql;
using etl::testing::Trim;
namespace sink = etl::sink;
namespace report = etl::report;

namespace {

sink::PgConnection OpenTarget() {
  return etl::testing::OpenTestTarget(/*apply_session=*/false);
}

report::RunRecord Row(const std::string& run_id, const std::string& table,
                      const std::string& status, double seconds, const std::string& started_at) {
  report::RunRecord r;
  r.run_id = run_id;
  r.job = "nightly";
  r.table_name = table;
  r.source_table = table;
  r.target_schema = "thist";
  r.target_table = table;
  r.host = "runner-1";
  r.pid = 4242;
  r.started_at = started_at;
  r.finished_at = started_at;
  r.status = status;
  r.strategy = "copy_csv";
  r.strategy_reason = "explicit performance.strategy";
  r.rows_read = 1000;
  r.rows_written = status == "failed" ? 0 : 1000;
  r.seconds = seconds;
  r.rows_per_second = seconds > 0 ? r.rows_written / seconds : 0;
  r.peak_rss_mb = 40.5;
  return r;
}

void Fresh(sink::PgConnection& pg) {
  pg.Exec("DROP SCHEMA IF EXISTS thist CASCADE; CREATE SCHEMA thist");
  sink::EnsureRunsTable(pg, "thist");
  sink::EnsureRunsTable(pg, "thist");  // idempotent
}

}  // namespace

TEST_CASE("etl_runs has the contract's columns, key and index", "[sink][history]") {
  auto pg = OpenTarget();
  Fresh(pg);
  CHECK(Trim(Psql("SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY "
                  "ordinal_position) FROM information_schema.columns WHERE table_schema = "
                  "'thist' AND table_name = 'etl_runs'")) ==
        "run_id:text,job:text,table_name:text,source_table:text,target_schema:text,"
        "target_table:text,host:text,pid:integer,shard:text,started_at:timestamp with time "
        "zone,finished_at:timestamp with time zone,status:text,strategy:text,"
        "strategy_reason:text,target_variant:text,rows_read:bigint,rows_written:bigint,"
        "rows_rejected:bigint,bytes:bigint,queries:bigint,chunks:bigint,batches:bigint,"
        "retries:bigint,seconds:double precision,rows_per_second:double precision,"
        "peak_rss_mb:double precision,phase_read:double precision,phase_process:double "
        "precision,phase_write:double precision,phase_total:double precision,watermark:jsonb,"
        "fingerprint:text,error:text");
  CHECK(Trim(Psql("SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = "
                  "'thist.etl_runs'::regclass AND indisprimary")) ==
        "CREATE UNIQUE INDEX etl_runs_pkey ON thist.etl_runs USING btree (run_id, table_name)");
  CHECK(Trim(Psql("SELECT count(*) FROM pg_indexes WHERE schemaname = 'thist' AND indexdef LIKE "
                  "'%(job, target_schema, target_table, finished_at)'")) == "1");
}

TEST_CASE("a history row round-trips every field, absent ones are NULL", "[sink][history]") {
  auto pg = OpenTarget();
  Fresh(pg);
  report::RunRecord full =
      Row("20261121T080000Z-00000001", "orders", "ok", 2.5, "2026-11-21T08:00:00.125Z");
  full.finished_at = "2026-11-21T08:00:02.625Z";
  full.shard = "2/4";
  full.target_variant = "swap";
  full.rows_rejected = 3;
  full.bytes = 123456789012;
  full.queries = 7;
  full.chunks = 6;
  full.batches = 2;
  full.retries = 1;
  full.phases = report::PhaseTimes{1.25, 0.5, 0.75, 2.5};
  full.watermark = R"(["2024-01-01 00:00:00","it's \"q\""])";
  full.fingerprint = "rows:1000;max:[\"42\"]";
  sink::AppendRun(pg, "thist", full);
  report::RunRecord bare =
      Row("20261121T080000Z-00000001", "events", "failed", 0.5, "2026-11-21T08:00:00.000Z");
  bare.host.clear();
  bare.pid.reset();
  bare.error = "duplicate key value violates unique constraint \"events_pkey\"";
  sink::AppendRun(pg, "thist", bare);

  auto rows = sink::ReadRuns(pg, "thist", {"nightly", {}, 0, false, std::nullopt});
  REQUIRE(rows.size() == 2);
  const auto& e = rows[0];  // ordered by table name
  const auto& o = rows[1];
  CHECK(o.table_name == "orders");
  CHECK(o.started_at == "2026-11-21T08:00:00.125Z");
  CHECK(o.finished_at == "2026-11-21T08:00:02.625Z");
  CHECK(o.shard == std::optional<std::string>("2/4"));
  CHECK(o.pid == std::optional<std::int64_t>(4242));
  CHECK(o.target_variant == "swap");
  CHECK(o.bytes == 123456789012);
  CHECK(o.retries == 1);
  CHECK(o.seconds == 2.5);
  REQUIRE(o.phases);
  CHECK(o.phases->write == 0.75);
  CHECK(o.watermark == std::optional<std::string>(R"(["2024-01-01 00:00:00", "it's \"q\""])"));
  CHECK(o.fingerprint == full.fingerprint);
  CHECK(o.error.empty());
  CHECK(e.table_name == "events");
  CHECK(e.status == "failed");
  CHECK(e.error == bare.error);
  CHECK_FALSE(e.pid);
  CHECK_FALSE(e.phases);
  CHECK(Trim(Psql("SELECT host IS NULL, shard IS NULL, phase_read IS NULL, watermark IS NULL, "
                  "fingerprint IS NULL, target_variant IS NULL FROM thist.etl_runs WHERE "
                  "table_name = 'events'")) == "t|t|t|t|t|t");

  // The same run and table again replaces the row (a post_load failure after the commit).
  full.status = "failed";
  full.error = "post_load[0] failed after the table's data committed";
  sink::AppendRun(pg, "thist", full);
  CHECK(Trim(Psql("SELECT count(*), max(status) FROM thist.etl_runs WHERE table_name = "
                  "'orders'")) == "1|failed");
}

TEST_CASE("a history row commits or rolls back with the caller's transaction", "[sink][history]") {
  auto pg = OpenTarget();
  Fresh(pg);
  {
    sink::Transaction tx(pg);
    sink::AppendRun(pg, "thist", Row("r1", "orders", "ok", 1, "2026-11-21T08:00:00.000Z"));
    CHECK(Trim(Psql("SELECT count(*) FROM thist.etl_runs")) == "0");  // not yet visible
  }                                                                   // rolled back
  CHECK(Trim(Psql("SELECT count(*) FROM thist.etl_runs")) == "0");
  {
    sink::Transaction tx(pg);
    sink::AppendRun(pg, "thist", Row("r1", "orders", "ok", 1, "2026-11-21T08:00:00.000Z"));
    tx.Commit();
  }
  CHECK(Trim(Psql("SELECT count(*) FROM thist.etl_runs")) == "1");
}

TEST_CASE("ReadRuns picks the newest loads, the first load and a named run per table",
          "[sink][history]") {
  auto pg = OpenTarget();
  Fresh(pg);
  // orders: 6 loads (one failed, one skipped in between); events: 2 loads.
  const char* days[] = {"01", "02", "03", "04", "05", "06", "07", "08"};
  for (int i = 0; i < 8; ++i) {
    const std::string status = i == 3 ? "failed" : i == 5 ? "skipped" : "ok";
    sink::AppendRun(pg, "thist",
                    Row(std::string("2026110") + std::to_string(i) + "-run", "orders", status,
                        10 + i, std::string("2026-11-") + days[i] + "T08:00:00.000Z"));
  }
  sink::AppendRun(pg, "thist", Row("20261101-run", "events", "ok", 1, "2026-11-01T08:00:00.000Z"));
  sink::AppendRun(pg, "thist", Row("20261102-run", "events", "ok", 2, "2026-11-02T08:00:00.000Z"));
  report::RunRecord other_job = Row("x", "orders", "ok", 1, "2026-11-09T08:00:00.000Z");
  other_job.job = "hourly";
  sink::AppendRun(pg, "thist", other_job);

  auto ids = [](const std::vector<report::RunRecord>& rows) {
    std::string out;
    for (const auto& r : rows)
      out += r.table_name + ":" + r.run_id + "(" + r.status + ") ";
    return out;
  };
  // Newest 2 loads and newest 2 other rows per table, plus the oldest load.
  CHECK(ids(sink::ReadRuns(pg, "thist", {"nightly", {"orders"}, 2, true, std::nullopt})) ==
        "orders:20261100-run(ok) orders:20261103-run(failed) orders:20261105-run(skipped) "
        "orders:20261106-run(ok) orders:20261107-run(ok) ");
  // A named run comes along even when it is outside the window.
  CHECK(ids(sink::ReadRuns(pg, "thist", {"nightly", {}, 1, false, "20261101-run"})) ==
        "events:20261101-run(ok) events:20261102-run(ok) orders:20261101-run(ok) "
        "orders:20261105-run(skipped) orders:20261107-run(ok) ");
  CHECK(sink::ReadRuns(pg, "thist", {"nobody", {}, 0, false, std::nullopt}).empty());

  // LastLoadOf: the newest non-skipped row of the target, whatever the job.
  auto last = sink::LastLoadOf(pg, "thist", "orders");
  REQUIRE(last);
  CHECK(last->job == "hourly");
  CHECK_FALSE(sink::LastLoadOf(pg, "thist", "nothing"));
}

TEST_CASE("readers of a schema without etl_runs find nothing", "[sink][history]") {
  auto pg = OpenTarget();
  pg.Exec("DROP SCHEMA IF EXISTS thist_none CASCADE; CREATE SCHEMA thist_none");
  CHECK(sink::ReadRuns(pg, "thist_none", {"nightly", {}, 0, false, std::nullopt}).empty());
  CHECK_FALSE(sink::LastLoadOf(pg, "thist_none", "orders"));
}

namespace {

// Notifications that reached `listener` so far (payloads), without blocking.
std::vector<std::string> Received(sink::PgConnection& listener) {
  std::vector<std::string> out;
  PQconsumeInput(listener.get());
  while (PGnotify* n = PQnotifies(listener.get())) {
    out.emplace_back(n->extra);
    PQfreemem(n);
  }
  return out;
}

std::vector<std::string> ReceivedWithin(sink::PgConnection& listener, int ms) {
  std::vector<std::string> out;
  for (int waited = 0; waited < ms && out.empty(); waited += 20) {
    out = Received(listener);
    if (out.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return out;
}

}  // namespace

TEST_CASE("NOTIFY reaches a LISTEN session only when the transaction commits", "[sink][notify]") {
  auto listener = OpenTarget();
  listener.Exec("LISTEN etl_test_loaded");
  auto pg = OpenTarget();
  sink::LoadedTable loaded;
  loaded.table = "orders";
  loaded.schema = "analytics";
  loaded.target_table = "orders";
  loaded.rows = 300000;
  loaded.watermark = R"(["2024-01-01 00:00:00","42"])";
  loaded.run_id = "20261121T080000Z-3fa9c1d2";
  loaded.job = "demo";
  loaded.status = "ok";
  const std::string payload = sink::LoadedPayload(loaded);
  CHECK(payload ==
        R"({"table":"orders","schema":"analytics","target_table":"orders","rows":300000,)"
        R"("watermark":["2024-01-01 00:00:00","42"],"run_id":"20261121T080000Z-3fa9c1d2",)"
        R"("job":"demo","status":"ok"})");
  {
    sink::Transaction tx(pg);
    sink::Notify(pg, "etl_test_loaded", payload);
    CHECK(ReceivedWithin(listener, 300).empty());  // not before COMMIT
    tx.Commit();
  }
  CHECK(ReceivedWithin(listener, 3000) == std::vector<std::string>{payload});
  {
    sink::Transaction tx(pg);
    sink::Notify(pg, "etl_test_loaded", "rolled back");
  }
  CHECK(ReceivedWithin(listener, 300).empty());
}

TEST_CASE("a NOTIFY payload stays under PostgreSQL's limit by leaving out a huge watermark",
          "[sink][notify]") {
  sink::LoadedTable loaded;
  loaded.table = "blobs";
  loaded.rows = 1;
  loaded.watermark = "[\"" + std::string(9000, 'x') + "\"]";
  const std::string payload = sink::LoadedPayload(loaded);
  CHECK(payload.size() <= sink::kMaxNotifyPayload);
  const auto j = nlohmann::json::parse(payload);
  CHECK(j["watermark"].is_null());
  CHECK(j["watermark_omitted"] == true);
  auto pg = OpenTarget();
  CHECK_NOTHROW(sink::Notify(pg, "etl_test_loaded", payload));
}
