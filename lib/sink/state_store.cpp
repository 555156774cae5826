#include "sink/state_store.h"

#include <charconv>
#include <cstdio>

#include "sink/pg_quote.h"

namespace etl::sink {
namespace {

std::string StateTable(std::string_view schema) {
  return QualifiedName(schema, kStateTableName);
}

}  // namespace

std::string JsonStringArray(const std::vector<std::string>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) out += ',';
    out += '"';
    for (unsigned char c : values[i]) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out += static_cast<char>(c);
          }
      }
    }
    out += '"';
  }
  out += ']';
  return out;
}

void EnsureStateTable(PgConnection& conn, std::string_view schema) {
  const std::string sql = "CREATE TABLE IF NOT EXISTS " + StateTable(schema) +
                          " (table_name text PRIMARY KEY, watermark jsonb, status text NOT NULL,"
                          " rows_loaded bigint NOT NULL DEFAULT 0,"
                          " updated_at timestamptz NOT NULL DEFAULT now(), cursor_columns jsonb);"
                          " ALTER TABLE " +
                          StateTable(schema) + " ADD COLUMN IF NOT EXISTS cursor_columns jsonb";
  try {
    conn.Exec(sql);
  } catch (const PgError& e) {
    // Two sessions racing on IF NOT EXISTS: the loser gets a unique violation on the catalog.
    if (e.sqlstate() != "23505" && e.sqlstate() != "42P07") throw;
    if (conn.in_transaction()) throw;  // the caller's transaction is now failed: let it see that
    conn.Exec(sql);
  }
}

std::optional<TableState> ReadState(PgConnection& conn, std::string_view schema,
                                    std::string_view table) {
  PgResult r = conn.ExecParams(
      "SELECT s.status, s.rows_loaded, s.updated_at, s.watermark IS NULL, "
      "(SELECT count(*) FROM jsonb_array_elements_text(s.watermark)) FROM " +
          StateTable(schema) + " s WHERE s.table_name = $1",
      {std::string(table)});
  if (r.rows() == 0) return std::nullopt;
  TableState state;
  state.status = r.String(0, 0);
  const std::string_view rows = r.Value(0, 1);
  std::from_chars(rows.data(), rows.data() + rows.size(), state.rows_loaded);
  state.updated_at = r.String(0, 2);
  PgResult cols = conn.ExecParams(
      "SELECT e.value FROM " + StateTable(schema) +
          " s, jsonb_array_elements_text(s.cursor_columns) WITH ORDINALITY AS e(value, n)"
          " WHERE s.table_name = $1 ORDER BY e.n",
      {std::string(table)});
  for (int i = 0; i < cols.rows(); ++i)
    state.cursor_columns.push_back(cols.String(i, 0));
  if (r.Value(0, 3) == "t") return state;

  PgResult v = conn.ExecParams(
      "SELECT e.value FROM " + StateTable(schema) +
          " s, jsonb_array_elements_text(s.watermark) WITH ORDINALITY AS e(value, n)"
          " WHERE s.table_name = $1 ORDER BY e.n",
      {std::string(table)});
  std::vector<std::string> values;
  values.reserve(static_cast<std::size_t>(v.rows()));
  for (int i = 0; i < v.rows(); ++i) {
    if (v.IsNull(i, 0)) {
      throw PgError("PostgreSQL " + conn.description() + ": " + StateTable(schema) +
                    ": the watermark of table \"" + std::string(table) +
                    "\" holds a null cursor value");
    }
    values.push_back(v.String(i, 0));
  }
  state.watermark = std::move(values);
  return state;
}

void WriteWatermark(PgConnection& conn, std::string_view schema, std::string_view table,
                    const std::vector<std::string>& values, std::string_view status,
                    std::int64_t rows_loaded, const std::vector<std::string>& cursor_columns) {
  PgParam watermark;
  if (!values.empty()) watermark = JsonStringArray(values);
  PgParam cursor;
  if (!cursor_columns.empty()) cursor = JsonStringArray(cursor_columns);
  conn.ExecParams(
      "INSERT INTO " + StateTable(schema) +
          " AS s (table_name, watermark, status, rows_loaded, updated_at, cursor_columns)"
          " VALUES ($1, $2::jsonb, $3, $4::bigint, now(), $5::jsonb)"
          " ON CONFLICT (table_name) DO UPDATE SET watermark = EXCLUDED.watermark,"
          " status = EXCLUDED.status, rows_loaded = EXCLUDED.rows_loaded,"
          " updated_at = EXCLUDED.updated_at, cursor_columns = EXCLUDED.cursor_columns",
      {std::string(table), watermark, std::string(status), std::to_string(rows_loaded), cursor});
}

void DeleteState(PgConnection& conn, std::string_view schema, std::string_view table) {
  conn.ExecParams("DELETE FROM " + StateTable(schema) + " WHERE table_name = $1",
                  {std::string(table)});
}

}  // namespace etl::sink
