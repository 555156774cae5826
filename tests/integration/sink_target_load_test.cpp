// sink::TargetLoad against the real PostgreSQL server: each variant with one stream and with
// parallel parts, what a target keeps, and what a failure leaves behind.
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/job_loader.h"
#include "sink/pg_connection.h"
#include "sink/schema_manager.h"
#include "sink/state_store.h"
#include "sink/target_load.h"
#include "sink/target_shape.h"
#include "support/test_env.h"
#include "support/test_target.h"

using etl::testing::Env;
using etl::testing::Psql;
using etl::testing::Trim;
using etl::types::TargetColumn;
using etl::types::ValueKind;
namespace sink = etl::sink;

namespace {

constexpr const char* kSchema = "sink_target_load";

sink::PgConnection Open() {
  return etl::testing::OpenTestTarget(/*apply_session=*/true);
}

TargetColumn Col(std::string name, std::string pg_type, ValueKind kind, bool nullable) {
  TargetColumn c;
  c.name = std::move(name);
  c.pg_type = std::move(pg_type);
  c.kind = kind;
  c.source_kind = kind;
  c.nullable = nullable;
  return c;
}

std::vector<TargetColumn> Columns() {
  return {Col("id", "bigint", ValueKind::kInt64, false), Col("v", "text", ValueKind::kText, true)};
}

sink::TargetLoadSpec Spec(sink::TargetVariant variant, std::size_t parts) {
  sink::TargetLoadSpec s;
  s.schema = kSchema;
  s.table = "t";
  s.columns = Columns();
  s.key = {"id"};
  s.definition.primary_key = {"id"};
  s.variant = variant;
  s.parts = parts;
  s.label = "t";
  s.run_id = "test-run";
  s.lock_timeout = std::chrono::milliseconds(2000);
  return s;
}

using Rows = std::vector<std::pair<std::string, std::string>>;

void Write(sink::PartWriter& part, const Rows& rows) {
  etl::types::RowBatch batch(2);
  for (const auto& [id, v] : rows) {
    batch.BeginRow();
    batch.AppendField(id);
    batch.AppendField(v);
  }
  std::vector<sink::BadValue> bad;
  part.sink().Write(batch, 0, batch.row_count(), bad);
  REQUIRE(bad.empty());
  part.Finish();
}

// Part i's key range as the pipeline cuts it: from its first key to the next part's first key,
// the first part unbounded below and the last above.
sink::PartOptions PartRange(const std::vector<Rows>& parts, std::size_t i) {
  sink::PartOptions options;
  if (i > 0 && !parts[i].empty()) options.range.lo = std::stoll(parts[i].front().first);
  if (i + 1 < parts.size() && !parts[i + 1].empty()) {
    options.range.hi = std::stoll(parts[i + 1].front().first);
  }
  return options;
}

// Runs a whole load: one part per entry of `parts` (each on its own connection when N > 1;
// a merge that compares reads the target on one more).
sink::CommitSummary Load(sink::TargetVariant variant, const std::vector<Rows>& parts,
                         const sink::CommitRecord& record = {}) {
  auto conn = Open();
  auto load = sink::TargetLoad::Make(Spec(variant, parts.size()));
  try {
    load->Begin(conn);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      std::optional<sink::PgConnection> part_conn;
      if (parts.size() > 1) part_conn.emplace(Open());
      std::optional<sink::PgConnection> reader;
      sink::PartOptions options = PartRange(parts, i);
      if (load->compares_with_target()) {
        reader.emplace(Open());
        options.target_reader = &*reader;
      }
      Write(*load->OpenPart(i, part_conn ? *part_conn : conn, options), parts[i]);
    }
    return load->Commit(conn, record);
  } catch (...) {
    load->Abandon(&conn);  // as the pipeline does
    throw;
  }
}

std::string Contents() {
  return Psql(std::string("SELECT id, v FROM ") + kSchema + ".t ORDER BY id");
}

std::string StageCount() {
  return Trim(Psql(std::string("SELECT count(*) FROM pg_tables WHERE schemaname = '") + kSchema +
                   "' AND tablename LIKE 'etl_stage_%'"));
}

void Reset() {
  etl::testing::ResetPgSchema(kSchema);
  Psql(std::string("CREATE SCHEMA ") + kSchema);
  auto conn = Open();
  sink::EnsureStateTable(conn, kSchema);
}

}  // namespace

TEST_CASE("target load: create with one stream and with parts, state in the same commit",
          "[sink][target]") {
  for (std::size_t parts : {1, 3}) {
    Reset();
    std::vector<Rows> rows(parts);
    for (std::size_t i = 0; i < parts; ++i)
      rows[i] = {{std::to_string(i + 1), "v" + std::to_string(i + 1)}};
    sink::CommitRecord record;
    record.state = sink::StateUpdate{"t", {}, {}, "ok", static_cast<std::int64_t>(parts), "", "",
                                     "",  {}, 0,  {}};
    bool hook_ran = false;
    record.in_transaction.push_back([&](sink::PgConnection& c) {
      CHECK(c.in_transaction());
      hook_ran = true;
    });
    Load(sink::TargetVariant::kCreate, rows, record);
    CHECK(hook_ran);
    CHECK(Contents() == (parts == 1 ? "1|v1\n" : "1|v1\n2|v2\n3|v3\n"));
    CHECK(Trim(Psql(std::string("SELECT conname FROM pg_constraint WHERE conrelid = '") + kSchema +
                    ".t'::regclass")) == "t_pkey");
    CHECK(Trim(Psql(std::string("SELECT status, rows_loaded FROM ") + kSchema + ".etl_state")) ==
          "ok|" + std::to_string(parts));
    CHECK(StageCount() == "0");
    CHECK(Trim(Psql(std::string("SELECT coalesce(obj_description('") + kSchema +
                    ".t'::regclass, 'pg_class'), 'none')")) == "none");
  }
}

TEST_CASE("target load: swap keeps grants, comments, indexes, CHECKs and identity progress",
          "[sink][target]") {
  Reset();
  Load(sink::TargetVariant::kCreate, {{{"1", "a"}, {"2", "b"}}});
  Psql(std::string("SET search_path = ") + kSchema +
       ";"
       "DROP ROLE IF EXISTS etl_test_reader; CREATE ROLE etl_test_reader;"
       "GRANT SELECT ON t TO etl_test_reader; GRANT UPDATE (v) ON t TO etl_test_reader;"
       "COMMENT ON TABLE t IS 'the table'; COMMENT ON COLUMN t.v IS 'the value';"
       "CREATE INDEX t_v_idx ON t (lower(v)) WHERE v IS NOT NULL;"
       "COMMENT ON INDEX t_v_idx IS 'by value';"
       "ALTER TABLE t ADD CONSTRAINT t_v_check CHECK (v <> 'forbidden');"
       "ALTER TABLE t ADD CONSTRAINT t_v_key UNIQUE (v);"
       "ALTER TABLE t SET (fillfactor = 80);");
  const std::string inspect = std::string(
                                  "SELECT relacl::text, reloptions::text, obj_description(oid, "
                                  "'pg_class') FROM pg_class WHERE oid = '") +
                              kSchema + ".t'::regclass";
  const std::string indexes = std::string(
                                  "SELECT indexrelid::regclass, pg_get_indexdef(indexrelid)"
                                  " FROM pg_index WHERE indrelid = '") +
                              kSchema + ".t'::regclass ORDER BY indexrelid::regclass::text";
  const std::string before = Psql(inspect) + Psql(indexes);
  {
    auto conn = Open();
    std::vector<std::string> names = {"id", "v"};
    CHECK(sink::InspectTarget(conn, kSchema, "t", names, {"id"}).swap_blockers.empty());
  }
  for (std::size_t parts : {1, 2}) {
    std::vector<Rows> rows = {{{"3", "c"}}};
    if (parts == 2) rows.push_back({{"4", "d"}});
    Load(sink::TargetVariant::kSwap, rows);
    CHECK(Contents() == (parts == 1 ? "3|c\n" : "3|c\n4|d\n"));
    CHECK(Psql(inspect) + Psql(indexes) == before);
    CHECK(Trim(Psql(std::string("SELECT col_description('") + kSchema +
                    ".t'::regclass, 2) || ',' || obj_description('" + kSchema +
                    ".t_v_idx'::regclass, 'pg_class')")) == "the value,by value");
    CHECK(Trim(Psql(std::string("SELECT has_column_privilege('etl_test_reader', '") + kSchema +
                    ".t', 'v', 'UPDATE')")) == "t");
    CHECK(StageCount() == "0");
  }
  // A CHECK the clone carried still applies.
  CHECK_THROWS_WITH(Load(sink::TargetVariant::kSwap, {{{"9", "forbidden"}}}),
                    Catch::Contains("t_v_check"));
  CHECK(Contents() == "3|c\n4|d\n");
  CHECK(StageCount() == "0");
  Psql("DROP ROLE IF EXISTS etl_test_reader_gone");
}

TEST_CASE("target load: merge keeps views, extra columns and referencing rows", "[sink][target]") {
  Reset();
  Load(sink::TargetVariant::kCreate, {{{"1", "a"}, {"2", "b"}, {"3", "c"}}});
  Psql(std::string("SET search_path = ") + kSchema +
       ";"
       "CREATE VIEW t_view AS SELECT id, v FROM t;"
       "ALTER TABLE t ADD COLUMN note text DEFAULT 'new';"
       "UPDATE t SET note = 'kept ' || id;"
       "CREATE TABLE child (id int PRIMARY KEY, t_id bigint REFERENCES t (id) ON DELETE CASCADE);"
       "INSERT INTO child VALUES (10, 1), (20, 2);");
  {
    auto conn = Open();
    const auto shape = sink::InspectTarget(conn, kSchema, "t", {"id", "v"}, {"id"});
    CHECK_FALSE(shape.swap_blockers.empty());
    CHECK(shape.has_unique_key);
    REQUIRE(shape.referenced_by.size() == 1);
    CHECK(shape.referenced_by[0].on_delete == 'c');
  }
  const std::string unchanged_row =
      std::string("SELECT xmin, ctid FROM ") + kSchema + ".t WHERE id = 2";
  const std::string untouched = Psql(unchanged_row);
  for (std::size_t parts : {1, 2}) {
    // 3 goes (no child references it), 1 changes, 2 stays, 4 is new; the second time round
    // nothing changes.
    std::vector<Rows> rows = {{{"1", "A"}, {"2", "b"}}};
    if (parts == 1) rows[0].push_back({"4", "d"});
    if (parts == 2) rows.push_back({{"4", "d"}});
    const auto summary = Load(sink::TargetVariant::kMerge, rows);
    CHECK(summary.deleted == (parts == 1 ? 1 : 0));
    // The rows were compared with the target's as they came: only 1 and 4 were staged.
    CHECK(summary.unchanged == (parts == 1 ? 1 : 3));
    CHECK(summary.inserted == (parts == 1 ? 2 : 0));
    CHECK(Psql(unchanged_row) == untouched);  // row 2 was never written
    CHECK(Contents() == "1|A\n2|b\n4|d\n");
    CHECK(Psql(std::string("SELECT id, note FROM ") + kSchema + ".t ORDER BY id") ==
          "1|kept 1\n2|kept 2\n4|new\n");
    CHECK(Psql(std::string("SELECT count(*) FROM ") + kSchema + ".t_view") == "3\n");
    CHECK(Psql(std::string("SELECT id, t_id FROM ") + kSchema + ".child ORDER BY id") ==
          "10|1\n20|2\n");
    CHECK(StageCount() == "0");
  }
  // A new copy without key 2, which child row 20 references: refused, nothing changes, and the
  // CASCADE never fires.
  for (std::size_t parts : {1, 2}) {
    std::vector<Rows> rows = {{{"1", "x"}}};
    if (parts == 2) rows.push_back({{"4", "y"}});
    CHECK_THROWS_WITH(Load(sink::TargetVariant::kMerge, rows),
                      Catch::Contains("child_t_id_fkey") && Catch::Contains("(id)=(2)") &&
                          Catch::Contains("ON DELETE CASCADE"));
    CHECK(Contents() == "1|A\n2|b\n4|d\n");
    CHECK(Psql(std::string("SELECT count(*) FROM ") + kSchema + ".child") == "2\n");
    CHECK(StageCount() == "0");
  }
}

TEST_CASE("target load: upsert into an empty and a filled target", "[sink][target]") {
  Reset();
  Load(sink::TargetVariant::kCreate, {{}});
  Load(sink::TargetVariant::kUpsert, {{{"1", "a"}, {"2", "b"}}});  // empty: written directly
  CHECK(Contents() == "1|a\n2|b\n");
  Load(sink::TargetVariant::kUpsert, {{{"2", "B"}, {"3", "c"}}});
  CHECK(Contents() == "1|a\n2|B\n3|c\n");
  Load(sink::TargetVariant::kUpsert, {{{"3", "C"}}, {{"4", "d"}}});
  CHECK(Contents() == "1|a\n2|B\n3|C\n4|d\n");
  CHECK(StageCount() == "0");
}

TEST_CASE("target load: a failed parallel load drops its stage, a killed one is cleaned up",
          "[sink][target]") {
  Reset();
  Load(sink::TargetVariant::kCreate, {{{"1", "a"}}});
  {
    auto conn = Open();
    auto load = sink::TargetLoad::Make(Spec(sink::TargetVariant::kSwap, 2));
    load->Begin(conn);
    CHECK(StageCount() == "1");
    load->Abandon(&conn);
    CHECK(StageCount() == "0");
  }
  {
    // A run killed after creating its stage leaves it behind; the next load of the target drops
    // it, and never a table that only looks like a stage.
    auto conn = Open();
    auto load = sink::TargetLoad::Make(Spec(sink::TargetVariant::kMerge, 2));
    load->Begin(conn);
  }
  Psql(std::string("CREATE TABLE ") + kSchema + ".etl_stage_000000000000_t (x int)");
  CHECK(StageCount() == "3");  // its stage and its table of deleted keys, and the look-alike
  Load(sink::TargetVariant::kMerge, {{{"1", "a"}}, {{"2", "b"}}});
  CHECK(Contents() == "1|a\n2|b\n");
  CHECK(StageCount() == "1");
  CHECK(Trim(Psql(std::string("SELECT tablename FROM pg_tables WHERE schemaname = '") + kSchema +
                  "' AND tablename LIKE 'etl_stage_%'")) == "etl_stage_000000000000_t");
}
