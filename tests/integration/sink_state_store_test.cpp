// sink/state_store.h against a real PostgreSQL: cursor values of any bytes round-trip (binary
// as {"hex": ...}, 4-byte UTF-8 and quotes as JSON strings); the row records job, source table
// and target schema; an old-layout etl_state is migrated in place and its rows found under the
// job-spec name until a load replaces them.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sink/pg_connection.h"
#include "sink/schema_manager.h"
#include "sink/state_store.h"
#include "support/test_env.h"
#include "support/test_target.h"

namespace sink = etl::sink;
using etl::testing::Psql;
using etl::testing::Trim;

TEST_CASE("state store: any bytes round-trip and the row records its owner", "[sink][state]") {
  etl::testing::ResetPgSchema("sink_state_bytes");
  auto conn = etl::testing::OpenTestTarget();
  sink::EnsureSchema(conn, "sink_state_bytes");
  sink::EnsureStateTable(conn, "sink_state_bytes");
  const std::vector<std::string> values = {std::string("\x00\xff\x27\x5c\x80", 5), "b😀'\\\"",
                                           "18446744073709551615", "2024-01-01 00:00:00.000001"};
  const sink::StateWrite w{
      "orders_eu", values, {"id", "name", "big", "ts"},        "ok", 4, "eu", "shop.orders", "",
      {},          0,      {"id", "name", "big", "ts", "note"}};
  sink::WriteState(conn, "sink_state_bytes", w);
  const auto s = sink::ReadState(conn, "sink_state_bytes", "orders_eu");
  REQUIRE(s.has_value());
  CHECK(s->watermark == values);
  CHECK(s->job == "eu");
  CHECK(s->source_table == "shop.orders");
  CHECK(s->loaded_columns == std::vector<std::string>{"id", "name", "big", "ts", "note"});
  CHECK_FALSE(s->migrated());
  CHECK(s->cursor_columns == std::vector<std::string>{"id", "name", "big", "ts"});
  CHECK(Trim(Psql("SELECT watermark->0->>'hex', watermark->>1, target_schema FROM "
                  "sink_state_bytes.etl_state")) == "00ff275c80|b😀'\\\"|sink_state_bytes");
}

TEST_CASE("state store: a current etl_state is not altered, so a job's open write never blocks it",
          "[sink][state]") {
  etl::testing::ResetPgSchema("sink_state_busy");
  auto conn = etl::testing::OpenTestTarget();
  sink::EnsureSchema(conn, "sink_state_busy");
  sink::EnsureStateTable(conn, "sink_state_busy");
  const sink::StateWrite w{"t", {"1"}, {"id"}, "ok", 1, "j", "db.t", "", {}, 0, {"id"}};
  sink::WriteState(conn, "sink_state_busy", w);

  // Another job's final transaction has written its state row and not committed yet.
  auto other = etl::testing::OpenTestTarget();
  other.Exec("BEGIN; UPDATE sink_state_busy.etl_state SET rows_loaded = 2");
  // An ALTER TABLE would wait for it (ACCESS EXCLUSIVE) and fail on the lock_timeout.
  conn.Exec("SET lock_timeout = '500ms'");
  CHECK_NOTHROW(sink::EnsureStateTable(conn, "sink_state_busy"));
  other.Exec("ROLLBACK");
  conn.Exec("RESET lock_timeout");
}

TEST_CASE("state store: an old layout is migrated in place", "[sink][state]") {
  etl::testing::ResetPgSchema("sink_state_old");
  Psql(
      "CREATE SCHEMA IF NOT EXISTS sink_state_old; CREATE TABLE sink_state_old.etl_state "
      "(table_name text PRIMARY KEY, watermark jsonb, "
      "status text NOT NULL, rows_loaded bigint NOT NULL DEFAULT 0, updated_at timestamptz NOT "
      "NULL DEFAULT now()); INSERT INTO sink_state_old.etl_state VALUES ('orders', "
      "'[\"2024-05-01 10:00:00\", \"42\"]', 'ok', 10, now())");
  auto conn = etl::testing::OpenTestTarget();
  sink::EnsureStateTable(conn, "sink_state_old");
  sink::EnsureStateTable(conn, "sink_state_old");  // idempotent

  // Found under its target's name, or under the job-spec name when the target is named apart.
  auto same = sink::ReadState(conn, "sink_state_old", "orders");
  REQUIRE(same.has_value());
  CHECK(same->migrated());
  CHECK_FALSE(same->loaded_columns.has_value());  // not recorded then: drift falls back
  CHECK(same->watermark == std::vector<std::string>{"2024-05-01 10:00:00", "42"});
  CHECK_FALSE(sink::ReadState(conn, "sink_state_old", "orders_eu").has_value());
  auto legacy = sink::ReadState(conn, "sink_state_old", "orders_eu", "orders");
  REQUIRE(legacy.has_value());
  CHECK(legacy->watermark == same->watermark);

  // The first load's row replaces it.
  {
    sink::Transaction tx(conn);
    const sink::StateWrite w{"orders_eu",
                             {"2024-05-02 00:00:00", "50"},
                             {"updated_at", "id"},
                             "ok",
                             8,
                             "eu",
                             "shop.orders",
                             "orders",
                             {},
                             0,
                             {}};
    sink::WriteState(conn, "sink_state_old", w);
    tx.Commit();
  }
  CHECK(Trim(Psql("SELECT string_agg(concat_ws(',', table_name, job, watermark->>1), ' ') FROM "
                  "sink_state_old.etl_state")) == "orders_eu,eu,50");
  // A row that has an owner is never taken for a legacy one.
  CHECK_FALSE(sink::ReadState(conn, "sink_state_old", "orders_us", "orders_eu").has_value());
}
