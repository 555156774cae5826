// InsertWriter, schema DDL/introspection and the state table against the real PostgreSQL test
// server.
#include <string>

#include <catch2/catch.hpp>

#include "config/job_loader.h"
#include "sink/insert_writer.h"
#include "sink/pg_connection.h"
#include "sink/schema_manager.h"
#include "sink/state_store.h"
#include "support/test_env.h"
#include "support/test_target.h"

using etl::testing::Env;
using etl::testing::Psql;
using etl::testing::Trim;
using etl::types::TargetColumn;
using etl::types::ValueKind;
namespace sink = etl::sink;

namespace {

sink::PgConnection Open() {
  return etl::testing::OpenTestTarget(/*apply_session=*/true);
}

TargetColumn Col(std::string name, std::string pg_type, ValueKind kind, bool nullable = true) {
  TargetColumn c;
  c.name = std::move(name);
  c.pg_type = std::move(pg_type);
  c.kind = kind;
  c.source_kind = kind;
  c.nullable = nullable;
  return c;
}

std::vector<TargetColumn> ItemColumns() {
  return {Col("id", "bigint", ValueKind::kInt64, false), Col("Name", "text", ValueKind::kText),
          Col("payload", "bytea", ValueKind::kBytea), Col("day", "date", ValueKind::kDate)};
}

void AddRow(etl::types::RowBatch& b, const std::string& id, const std::string& name,
            const std::string& payload, const std::string& day) {
  b.BeginRow();
  b.AppendField(id);
  b.AppendField(name);
  b.AppendField(payload);
  if (day == "NULL") {
    b.AppendNull();
  } else {
    b.AppendField(day);
  }
}

}  // namespace

TEST_CASE("InsertWriter splits statements at the parameter limit and upserts", "[sink][insert]") {
  etl::testing::ResetPgSchema("sink_insert");
  auto conn = Open();
  sink::EnsureSchema(conn, "sink_insert");
  sink::CreateTable(conn, "sink_insert", "items", ItemColumns());
  sink::AddPrimaryKey(conn, "sink_insert", "items", {"id"});
  REQUIRE(sink::HasPrimaryKeyOrUnique(conn, "sink_insert", "items", {"id"}));

  // 4 columns -> at most 16383 rows per statement; 40000 rows need 3 statements.
  const std::size_t n = 40000;
  etl::types::RowBatch batch(4);
  for (std::size_t i = 1; i <= n; ++i) {
    AddRow(batch, std::to_string(i), "name " + std::to_string(i), std::string("\x00\xff", 2),
           i % 2 ? "2024-02-29" : "0000-00-00");
  }
  std::vector<sink::BadValue> bad;
  {
    sink::Transaction tx(conn);
    sink::InsertWriter w(conn, "sink_insert", "items", ItemColumns());
    CHECK(w.Write(batch, bad) == n);
    tx.Commit();
    CHECK(w.rows_per_statement() == 65535 / 4);
    CHECK(w.statements() == 3);
    CHECK(w.rows_written() == static_cast<std::int64_t>(n));
    CHECK(w.rows_affected() == static_cast<std::int64_t>(n));
  }
  CHECK(bad.empty());
  CHECK(Trim(Psql("SELECT count(*), count(day), min(\"Name\"), max(encode(payload, 'hex')) "
                  "FROM sink_insert.items")) == "40000|20000|name 1|00ff");
  CHECK(Trim(Psql("SELECT day FROM sink_insert.items WHERE id = 1")) == "2024-02-29");

  // Upsert: rows 39999..40002 -> two updates and two inserts.
  etl::types::RowBatch again(4);
  for (std::size_t i = 39999; i <= 40002; ++i) {
    AddRow(again, std::to_string(i), "new " + std::to_string(i), "", "2025-01-01");
  }
  sink::InsertWriter upsert(conn, "sink_insert", "items", ItemColumns(), {"id"});
  CHECK_THAT(upsert.StatementFor(1),
             Catch::EndsWith("ON CONFLICT (\"id\") DO UPDATE SET \"Name\" = EXCLUDED.\"Name\", "
                             "\"payload\" = EXCLUDED.\"payload\", \"day\" = EXCLUDED.\"day\""));
  CHECK(upsert.Write(again, bad) == 4);
  CHECK(upsert.rows_affected() == 4);
  CHECK(Trim(Psql("SELECT count(*) FROM sink_insert.items")) == "40002");
  CHECK(Psql("SELECT id, \"Name\", day FROM sink_insert.items WHERE id >= 39999 ORDER BY id") ==
        "39999|new 39999|2025-01-01\n40000|new 40000|2025-01-01\n"
        "40001|new 40001|2025-01-01\n40002|new 40002|2025-01-01\n");

  // All columns are key: DO NOTHING.
  sink::InsertWriter only_key(conn, "sink_insert", "items", {ItemColumns()[0]}, {"id"},
                              /*max_params=*/2);
  CHECK_THAT(only_key.StatementFor(1), Catch::EndsWith("ON CONFLICT (\"id\") DO NOTHING"));
  etl::types::RowBatch keys(1);
  for (const char* id : {"1", "2", "50000"}) {
    keys.BeginRow();
    keys.AppendField(id);
  }
  CHECK(only_key.Write(keys, bad) == 3);
  CHECK(only_key.statements() == 2);     // 2 parameters -> 2 rows per statement
  CHECK(only_key.rows_affected() == 1);  // 1 and 2 exist: skipped
  CHECK(Trim(Psql("SELECT count(*), count(\"Name\") FROM sink_insert.items")) == "40003|40002");
}

TEST_CASE("InsertWriter reports a bad value row and writes the others", "[sink][insert]") {
  etl::testing::ResetPgSchema("sink_bad");
  auto conn = Open();
  sink::EnsureSchema(conn, "sink_bad");
  sink::CreateTable(conn, "sink_bad", "items", ItemColumns());
  etl::types::RowBatch batch(4);
  AddRow(batch, "1", "ok", "x", "2024-01-01");
  AddRow(batch, "2", std::string("nul\0byte", 8), "x", "2024-01-01");
  AddRow(batch, "3", "also ok", "y", "NULL");
  AddRow(batch, "4", "bad day", "z", "2023-02-30");
  AddRow(batch, "5", "last", "", "2024-01-01");
  std::vector<sink::BadValue> bad;
  // max_params 8 -> 2 rows per statement: the bad rows shift the grouping.
  sink::InsertWriter w(conn, "sink_bad", "items", ItemColumns(), {}, 8);
  CHECK(w.Write(batch, bad) == 3);
  REQUIRE(bad.size() == 2);
  CHECK(bad[0].row == 1);
  CHECK(bad[0].column == 1);
  CHECK(bad[0].column_name == "Name");
  CHECK_THAT(bad[0].reason, Catch::Contains("NUL"));
  CHECK(bad[1].row == 3);
  CHECK(bad[1].column_name == "day");
  CHECK(w.statements() == 2);
  CHECK(Psql("SELECT id, \"Name\", coalesce(day::text, 'NULL'), payload::text FROM "
             "sink_bad.items ORDER BY id") ==
        "1|ok|2024-01-01|\\x78\n3|also ok|NULL|\\x79\n5|last|2024-01-01|\\x\n");

  SECTION("rows [begin, end) of a batch") {
    Psql("TRUNCATE sink_bad.items");
    bad.clear();
    CHECK(w.Write(batch, 2, 5, bad) == 2);
    REQUIRE(bad.size() == 1);
    CHECK(bad[0].row == 3);
    CHECK(Trim(Psql("SELECT string_agg(id::text, ',' ORDER BY id) FROM sink_bad.items")) == "3,5");
  }
  SECTION("a larger later batch gets a larger prepared statement") {
    Psql("TRUNCATE sink_bad.items");
    sink::InsertWriter grow(conn, "sink_bad", "items", ItemColumns());
    etl::types::RowBatch small(4), large(4);
    AddRow(small, "100", "s", "", "NULL");
    for (int i = 200; i < 210; ++i)
      AddRow(large, std::to_string(i), "l", "", "NULL");
    CHECK(grow.Write(small, bad) == 1);
    CHECK(grow.rows_per_statement() == 1);
    CHECK(grow.Write(large, bad) == 10);
    CHECK(grow.rows_per_statement() == 10);
    CHECK(grow.Write(small, 0, 0, bad) == 0);
    CHECK(grow.statements() == 2);
    CHECK(Trim(Psql("SELECT count(*) FROM sink_bad.items")) == "11");
  }
  SECTION("a server-side failure carries the message") {
    etl::types::RowBatch wrong(4);
    AddRow(wrong, "not-a-number", "a", "b", "2024-01-01");
    CHECK_THROWS_WITH(
        w.Write(wrong, bad),
        Catch::Contains("invalid input syntax for type bigint") && Catch::Contains("22P02"));
  }
}

TEST_CASE("schema creation, introspection and compatibility differences", "[sink][schema]") {
  etl::testing::ResetPgSchema("sink_schema");
  auto conn = Open();
  sink::EnsureSchema(conn, "sink_schema");
  sink::EnsureSchema(conn, "sink_schema");  // idempotent
  CHECK_FALSE(sink::TableExists(conn, "sink_schema", "orders"));

  std::vector<TargetColumn> cols = {
      Col("id", "bigint", ValueKind::kInt64, false),
      Col("price", "numeric(12,2)", ValueKind::kNumeric),
      Col("name", "varchar(255)", ValueKind::kText),
      Col("status", "text", ValueKind::kEnumText),
      Col("at", "timestamptz(3)", ValueKind::kTimestampTz),
      Col("tags", "text[]", ValueKind::kSetArray),
  };
  cols[3].check_values = {"new", "paid"};
  sink::CreateTable(conn, "sink_schema", "orders", cols);
  CHECK(sink::TableExists(conn, "sink_schema", "orders"));
  CHECK_FALSE(sink::HasPrimaryKeyOrUnique(conn, "sink_schema", "orders", {"id"}));
  CHECK(
      Trim(Psql("SELECT count(*) FROM pg_index WHERE indrelid = 'sink_schema.orders'::regclass")) ==
      "0");
  CHECK_THROWS_WITH(conn.Exec("INSERT INTO sink_schema.orders (id, status) VALUES (1, 'lost')"),
                    Catch::Contains("orders_status_check"));
  CHECK_THROWS_WITH(conn.Exec("INSERT INTO sink_schema.orders (id) VALUES (NULL)"),
                    Catch::Contains("23502"));
  conn.Exec("INSERT INTO sink_schema.orders (id, status) VALUES (1, 'paid'), (2, NULL)");

  const auto existing = sink::ReadTableColumns(conn, "sink_schema", "orders");
  REQUIRE(existing.size() == 6);
  CHECK(existing[0].name == "id");
  CHECK(existing[0].not_null);
  CHECK(existing[2].type == "character varying(255)");
  CHECK(existing[4].type == "timestamp(3) with time zone");
  CHECK(sink::CheckCompatible(conn, existing, cols).ok());

  // Change the target behind etl's back.
  Psql(
      "ALTER TABLE sink_schema.orders ALTER price TYPE integer, ALTER name TYPE varchar(300), "
      "DROP COLUMN tags, ADD COLUMN extra int, ADD COLUMN required int NOT NULL DEFAULT 0");
  sink::AddPrimaryKey(conn, "sink_schema", "orders", {"id"});
  CHECK(sink::HasPrimaryKeyOrUnique(conn, "sink_schema", "orders", {"id"}));
  CHECK_FALSE(sink::HasPrimaryKeyOrUnique(conn, "sink_schema", "orders", {"id", "name"}));
  Psql("CREATE UNIQUE INDEX ON sink_schema.orders (name, at)");
  CHECK(sink::HasPrimaryKeyOrUnique(conn, "sink_schema", "orders", {"at", "name"}));

  const sink::Compatibility c =
      sink::CheckCompatible(conn, sink::ReadTableColumns(conn, "sink_schema", "orders"), cols);
  REQUIRE(c.errors.size() == 2);
  CHECK(c.errors[0] == "column \"price\": target has integer, source maps to numeric(12,2)");
  CHECK(c.errors[1] == "column \"tags\" missing in target");
  CHECK(c.warnings.empty());

  // Type normalisation works inside an open transaction too, and leaves it usable.
  {
    sink::Transaction tx(conn);
    CHECK(
        sink::NormaliseTypes(conn, {"varchar(10)", "int8", "timestamp"}) ==
        std::vector<std::string>{"character varying(10)", "bigint", "timestamp without time zone"});
    CHECK_THROWS_WITH(sink::NormaliseTypes(conn, {"jsonbb"}),
                      Catch::Contains("type \"jsonbb\" does not exist"));
    CHECK(conn.Query("SELECT 1").String(0, 0) == "1");
    tx.Commit();
  }
  CHECK_FALSE(conn.in_transaction());
}

TEST_CASE("state store round trip, a rolled-back transaction leaves nothing", "[sink][state]") {
  etl::testing::ResetPgSchema("sink_state");
  auto conn = Open();
  sink::EnsureSchema(conn, "sink_state");
  sink::EnsureStateTable(conn, "sink_state");
  sink::EnsureStateTable(conn, "sink_state");
  CHECK_FALSE(sink::ReadState(conn, "sink_state", "orders").has_value());

  {
    sink::Transaction tx(conn);
    sink::WriteState(
        conn, "sink_state",
        {"orders", {"2024-05-01 10:00:00", "42"}, {}, "ok", 10, "", "", "", {}, 0, {}});
    const auto inside = sink::ReadState(conn, "sink_state", "orders");
    REQUIRE(inside.has_value());
    CHECK(inside->watermark == std::vector<std::string>{"2024-05-01 10:00:00", "42"});
  }  // rolled back
  CHECK_FALSE(sink::ReadState(conn, "sink_state", "orders").has_value());
  CHECK(Trim(Psql("SELECT count(*) FROM sink_state.etl_state")) == "0");

  {
    sink::Transaction tx(conn);
    sink::WriteState(
        conn, "sink_state",
        {"orders", {"a\"b\\c", "7"}, {}, "early_terminated", 5, "", "", "", {}, 0, {}});
    tx.Commit();
  }
  auto s = sink::ReadState(conn, "sink_state", "orders");
  REQUIRE(s.has_value());
  CHECK(s->watermark == std::vector<std::string>{"a\"b\\c", "7"});
  CHECK(s->status == "early_terminated");
  CHECK(s->rows_loaded == 5);
  CHECK_FALSE(s->updated_at.empty());
  CHECK(Trim(Psql("SELECT watermark::text FROM sink_state.etl_state")) ==
        "[\"a\\\"b\\\\c\", \"7\"]");

  sink::WriteState(conn, "sink_state",
                   {"orders", {}, {}, "ok", 99, "", "", "", {}, 0, {}});  // upsert, NULL watermark
  s = sink::ReadState(conn, "sink_state", "orders");
  REQUIRE(s.has_value());
  CHECK_FALSE(s->watermark.has_value());
  CHECK(s->rows_loaded == 99);
  sink::DeleteState(conn, "sink_state", "orders");
  CHECK_FALSE(sink::ReadState(conn, "sink_state", "orders").has_value());
}
