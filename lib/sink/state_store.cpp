#include "sink/state_store.h"

#include <array>
#include <charconv>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "sink/idempotent_ddl.h"
#include "sink/pg_quote.h"
#include "types/text_check.h"

namespace etl::sink {
namespace {

std::string StateTable(std::string_view schema) {
  return QualifiedName(schema, kStateTableName);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string FromHex(std::string_view hex, std::string_view schema) {
  std::string out;
  if (hex.size() % 2 != 0) hex = {};
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    const int hi = HexDigit(hex[i]);
    const int lo = HexDigit(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      throw PgError(StateTable(schema) + ": a watermark value holds invalid hex '" +
                    std::string(hex) + "'");
    }
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

// The elements of jsonb array column `column` of the row, decoded (JsonStringArray).
std::optional<std::vector<std::string>> ReadArray(PgConnection& conn, std::string_view schema,
                                                  std::string_view key, const char* column) {
  // Through to_jsonb(row), so that a column an older layout lacks reads as absent (`etl plan`
  // reads the state without migrating it).
  PgResult r = conn.ExecParams(
      std::string("SELECT coalesce(jsonb_typeof(r.v), 'null') = 'null', jsonb_typeof(e.value), "
                  "e.value #>> '{}', e.value ->> 'hex' FROM (SELECT to_jsonb(s) -> '") +
          column + "' AS v FROM " + StateTable(schema) +
          " s WHERE s.table_name = $1) r LEFT JOIN LATERAL jsonb_array_elements(CASE "
          "jsonb_typeof(r.v) WHEN 'array' THEN r.v END) WITH ORDINALITY AS e(value, n) ON true "
          "ORDER BY e.n",
      {std::string(key)});
  if (r.rows() == 0 || r.Value(0, 0) == "t") return std::nullopt;
  std::vector<std::string> values;
  for (int i = 0; i < r.rows(); ++i) {
    if (r.IsNull(i, 1)) continue;  // the empty array's one joined row
    const std::string_view type = r.Value(i, 1);
    if (type == "string") {
      values.push_back(r.String(i, 2));
    } else if (type == "object" && !r.IsNull(i, 3)) {
      values.push_back(FromHex(r.Value(i, 3), schema));
    } else {
      throw PgError("PostgreSQL " + conn.description() + ": " + StateTable(schema) + ": the " +
                    column + " of \"" + std::string(key) + "\" holds a " + std::string(type) +
                    " where a cursor value belongs");
    }
  }
  return values;
}

std::optional<TableState> ReadRow(PgConnection& conn, std::string_view schema,
                                  std::string_view key) {
  PgResult r = conn.ExecParams(
      "SELECT s.status, s.rows_loaded, s.updated_at, to_jsonb(s) ->> 'job', "
      "to_jsonb(s) ->> 'source_table', to_jsonb(s) ->> 'pending_at' FROM " +
          StateTable(schema) + " s WHERE s.table_name = $1",
      {std::string(key)});
  if (r.rows() == 0) return std::nullopt;
  TableState state;
  state.table_name = std::string(key);
  state.status = r.String(0, 0);
  const std::string_view rows = r.Value(0, 1);
  std::from_chars(rows.data(), rows.data() + rows.size(), state.rows_loaded);
  state.updated_at = r.String(0, 2);
  if (!r.IsNull(0, 3)) state.job = r.String(0, 3);
  if (!r.IsNull(0, 4)) state.source_table = r.String(0, 4);
  state.cursor_columns =
      ReadArray(conn, schema, key, "cursor_columns").value_or(std::vector<std::string>{});
  state.watermark = ReadArray(conn, schema, key, "watermark");
  state.pending = ReadArray(conn, schema, key, "pending");
  state.loaded_columns = ReadArray(conn, schema, key, "loaded_columns");
  if (!r.IsNull(0, 5)) {
    const std::string_view at = r.Value(0, 5);
    std::from_chars(at.data(), at.data() + at.size(), state.pending_at);
  }
  return state;
}

}  // namespace

std::string JsonStringArray(const std::vector<std::string>& values) {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& v : values) {
    if (types::TextProblem(v) == nullptr) {
      array.push_back(v);
      continue;
    }
    std::string hex;
    types::AppendHex(v, hex);
    array.push_back({{"hex", hex}});
  }
  return array.dump();
}

namespace {

// The columns an older layout of etl_state may lack (the ALTER below adds them).
constexpr std::array<std::string_view, 7> kAddedColumns{
    "cursor_columns", "target_schema", "job",           "source_table",
    "pending",        "pending_at",    "loaded_columns"};

// True when `table` exists with every column of this layout: nothing to create or alter.
bool StateTableCurrent(PgConnection& conn, const std::string& table) {
  std::string names = "{";
  for (std::string_view c : kAddedColumns)
    names += std::string(names.size() > 1 ? "," : "") + std::string(c);
  names += "}";
  const PgResult r = conn.ExecParams(
      "SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND "
      "NOT attisdropped AND attname = ANY ($2::name[])",
      {table, names});
  return r.rows() == 1 && r.String(0, 0) == std::to_string(kAddedColumns.size());
}

}  // namespace

void EnsureStateTable(PgConnection& conn, std::string_view schema) {
  const std::string table = StateTable(schema);
  // Checked in the catalog first: ALTER TABLE takes ACCESS EXCLUSIVE even when every column
  // exists, so it would queue behind a concurrent job's open transaction on etl_state (and
  // make readers of etl_state queue behind it) on every run.
  if (StateTableCurrent(conn, table)) return;
  // The ALTERs bring an older layout (keyed by the job-spec name, without job, source_table,
  // target_schema or cursor_columns) up to this one; its rows keep their values, job NULL.
  const std::string sql =
      "CREATE TABLE IF NOT EXISTS " + table +
      " (table_name text PRIMARY KEY, target_schema text, job text, source_table text,"
      " cursor_columns jsonb, watermark jsonb, pending jsonb, pending_at bigint, loaded_columns "
      "jsonb,"
      " status text NOT NULL,"
      " rows_loaded bigint NOT NULL DEFAULT 0, updated_at timestamptz NOT NULL DEFAULT now());"
      " ALTER TABLE " +
      table +
      " ADD COLUMN IF NOT EXISTS cursor_columns jsonb, ADD COLUMN IF NOT EXISTS target_schema"
      " text, ADD COLUMN IF NOT EXISTS job text, ADD COLUMN IF NOT EXISTS source_table text,"
      " ADD COLUMN IF NOT EXISTS pending jsonb, ADD COLUMN IF NOT EXISTS pending_at bigint,"
      " ADD COLUMN IF NOT EXISTS loaded_columns jsonb;"
      " UPDATE " +
      table + " SET target_schema = " + QuoteLiteral(schema) + " WHERE target_schema IS NULL";
  ExecIdempotentDdl(conn, sql);
}

std::optional<TableState> ReadState(PgConnection& conn, std::string_view schema,
                                    std::string_view target_table, std::string_view legacy_name) {
  if (auto state = ReadRow(conn, schema, target_table)) return state;
  if (legacy_name.empty() || legacy_name == target_table) return std::nullopt;
  auto legacy = ReadRow(conn, schema, legacy_name);
  if (legacy && legacy->migrated()) return legacy;
  return std::nullopt;
}

void WriteState(PgConnection& conn, std::string_view schema, const StateWrite& s) {
  PgParam watermark;
  if (!s.watermark.empty()) watermark = JsonStringArray(s.watermark);
  PgParam cursor;
  if ((!s.watermark.empty() || !s.pending.empty()) && !s.cursor_columns.empty()) {
    cursor = JsonStringArray(s.cursor_columns);
  }
  PgParam pending;
  PgParam pending_at;
  if (!s.pending.empty()) {
    pending = JsonStringArray(s.pending);
    pending_at = std::to_string(s.pending_at);
  }
  PgParam loaded;
  if (!s.loaded_columns.empty()) loaded = JsonStringArray(s.loaded_columns);
  conn.ExecParams(
      "INSERT INTO " + StateTable(schema) +
          " AS s (table_name, target_schema, job, source_table, cursor_columns, watermark,"
          " status, rows_loaded, updated_at, pending, pending_at, loaded_columns)"
          " VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8::bigint, now(), $9::jsonb,"
          " $10::bigint, $11::jsonb)"
          " ON CONFLICT (table_name) DO UPDATE SET target_schema = EXCLUDED.target_schema,"
          " job = EXCLUDED.job, source_table = EXCLUDED.source_table,"
          " cursor_columns = EXCLUDED.cursor_columns, watermark = EXCLUDED.watermark,"
          " status = EXCLUDED.status, rows_loaded = EXCLUDED.rows_loaded,"
          " updated_at = EXCLUDED.updated_at, pending = EXCLUDED.pending,"
          " pending_at = EXCLUDED.pending_at, loaded_columns = EXCLUDED.loaded_columns",
      {s.target_table, std::string(schema), s.job, s.source_table, cursor, watermark, s.status,
       std::to_string(s.rows), pending, pending_at, loaded});
  if (!s.legacy_name.empty() && s.legacy_name != s.target_table) {
    conn.ExecParams("DELETE FROM " + StateTable(schema) + " WHERE table_name = $1 AND job IS NULL",
                    {s.legacy_name});
  }
}

void DeleteState(PgConnection& conn, std::string_view schema, std::string_view target_table) {
  conn.ExecParams("DELETE FROM " + StateTable(schema) + " WHERE table_name = $1",
                  {std::string(target_table)});
}

}  // namespace etl::sink
