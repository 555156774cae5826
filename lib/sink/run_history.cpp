#include "sink/run_history.h"

#include <charconv>

#include <fmt/format.h>

#include "sink/idempotent_ddl.h"
#include "sink/pg_quote.h"

namespace etl::sink {
namespace {

std::string RunsTable(std::string_view schema) {
  return QualifiedName(schema, kRunsTableName);
}

// The columns in the order AppendRun binds them and readers select them.
constexpr const char* kColumns[] = {
    "run_id",       "job",          "table_name",    "source_table",    "target_schema",
    "target_table", "host",         "pid",           "shard",           "started_at",
    "finished_at",  "status",       "strategy",      "strategy_reason", "target_variant",
    "rows_read",    "rows_written", "rows_rejected", "bytes",           "queries",
    "chunks",       "batches",      "retries",       "seconds",         "rows_per_second",
    "peak_rss_mb",  "phase_read",   "phase_process", "phase_write",     "phase_total",
    "watermark",    "fingerprint",  "error"};
constexpr std::size_t kColumnCount = std::size(kColumns);

// The parameter cast of each column (same order), so text parameters land in the column types.
constexpr const char* kCasts[kColumnCount] = {
    "text",    "text",   "text",        "text",        "text",   "text",   "text",
    "integer", "text",   "timestamptz", "timestamptz", "text",   "text",   "text",
    "text",    "bigint", "bigint",      "bigint",      "bigint", "bigint", "bigint",
    "bigint",  "bigint", "float8",      "float8",      "float8", "float8", "float8",
    "float8",  "float8", "jsonb",       "text",        "text"};

std::string CreateSql(std::string_view schema) {
  return "CREATE TABLE IF NOT EXISTS " + RunsTable(schema) +
         " (run_id text NOT NULL, job text NOT NULL, table_name text NOT NULL,"
         " source_table text, target_schema text NOT NULL, target_table text NOT NULL,"
         " host text, pid integer, shard text, started_at timestamptz, finished_at timestamptz,"
         " status text NOT NULL, strategy text, strategy_reason text, target_variant text,"
         " rows_read bigint, rows_written bigint, rows_rejected bigint, bytes bigint,"
         " queries bigint, chunks bigint, batches bigint, retries bigint,"
         " seconds double precision, rows_per_second double precision,"
         " peak_rss_mb double precision, phase_read double precision,"
         " phase_process double precision, phase_write double precision,"
         " phase_total double precision, watermark jsonb, fingerprint text, error text,"
         " PRIMARY KEY (run_id, table_name));"
         " CREATE INDEX IF NOT EXISTS etl_runs_job_target_finished ON " +
         RunsTable(schema) + " (job, target_schema, target_table, finished_at)";
}

PgParam Text(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}
PgParam Number(std::int64_t v) {
  return std::to_string(v);
}
PgParam Number(double v) {
  return fmt::format("{}", v);  // shortest text that reads back as the same double
}

// ISO 8601 UTC with milliseconds, as report::NowIso8601 writes it.
std::string SelectList() {
  std::string out;
  for (const char* c : kColumns) {
    if (!out.empty()) out += ", ";
    const std::string_view name(c);
    if (name == "started_at" || name == "finished_at") {
      out +=
          fmt::format("to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')", name);
    } else if (name == "watermark") {
      out += "watermark::text";
    } else {
      out += QuoteIdent(name);
    }
  }
  return out;
}

std::int64_t Int(const PgResult& r, int row, int col) {
  std::int64_t v = 0;
  const std::string_view s = r.Value(row, col);
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}
double Double(const PgResult& r, int row, int col) {
  double v = 0;
  const std::string_view s = r.Value(row, col);
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}
std::optional<std::string> OptionalText(const PgResult& r, int row, int col) {
  if (r.IsNull(row, col)) return std::nullopt;
  return r.String(row, col);
}

report::RunRecord RecordAt(const PgResult& r, int row) {
  report::RunRecord rec;
  int c = 0;
  for (std::string* field : {&rec.run_id, &rec.job, &rec.table_name, &rec.source_table,
                             &rec.target_schema, &rec.target_table, &rec.host}) {
    *field = r.String(row, c++);  // NULL reads as ""
  }
  if (!r.IsNull(row, c)) rec.pid = Int(r, row, c);
  ++c;
  rec.shard = OptionalText(r, row, c++);
  for (std::string* field : {&rec.started_at, &rec.finished_at, &rec.status, &rec.strategy,
                             &rec.strategy_reason, &rec.target_variant}) {
    *field = r.String(row, c++);
  }
  for (std::int64_t* field : {&rec.rows_read, &rec.rows_written, &rec.rows_rejected, &rec.bytes,
                              &rec.queries, &rec.chunks, &rec.batches, &rec.retries}) {
    *field = Int(r, row, c++);
  }
  rec.seconds = Double(r, row, c++);
  rec.rows_per_second = Double(r, row, c++);
  rec.peak_rss_mb = Double(r, row, c++);
  if (!r.IsNull(row, c)) {
    rec.phases = report::PhaseTimes{Double(r, row, c), Double(r, row, c + 1), Double(r, row, c + 2),
                                    Double(r, row, c + 3)};
  }
  c += 4;
  rec.watermark = OptionalText(r, row, c++);
  rec.fingerprint = OptionalText(r, row, c++);
  rec.error = r.String(row, c++);
  return rec;
}

bool RunsTableExists(PgConnection& conn, std::string_view schema) {
  PgResult r =
      conn.ExecParams("SELECT to_regclass($1) IS NOT NULL", {std::string(RunsTable(schema))});
  return r.Value(0, 0) == "t";
}

}  // namespace

void EnsureRunsTable(PgConnection& conn, std::string_view schema) {
  const std::string sql = CreateSql(schema);
  ExecIdempotentDdl(conn, sql);
}

void AppendRun(PgConnection& conn, std::string_view schema, const report::RunRecord& rec) {
  std::string names;
  std::string values;
  std::string updates;
  for (std::size_t i = 0; i < kColumnCount; ++i) {
    const std::string sep = i == 0 ? "" : ", ";
    names += sep + QuoteIdent(kColumns[i]);
    values += fmt::format("{}${}::{}", sep, i + 1, kCasts[i]);
    updates +=
        fmt::format("{}{} = EXCLUDED.{}", sep, QuoteIdent(kColumns[i]), QuoteIdent(kColumns[i]));
  }
  const auto phase = [&](double report::PhaseTimes::*field) -> PgParam {
    if (!rec.phases) return std::nullopt;
    return Number((*rec.phases).*field);
  };
  const std::vector<PgParam> params = {
      rec.run_id,
      rec.job,
      rec.table_name,
      Text(rec.source_table),
      rec.target_schema,
      rec.target_table,
      Text(rec.host),
      rec.pid ? Number(*rec.pid) : std::nullopt,
      rec.shard,
      Text(rec.started_at),
      Text(rec.finished_at),
      rec.status,
      Text(rec.strategy),
      Text(rec.strategy_reason),
      Text(rec.target_variant),
      Number(rec.rows_read),
      Number(rec.rows_written),
      Number(rec.rows_rejected),
      Number(rec.bytes),
      Number(rec.queries),
      Number(rec.chunks),
      Number(rec.batches),
      Number(rec.retries),
      Number(rec.seconds),
      Number(rec.rows_per_second),
      Number(rec.peak_rss_mb),
      phase(&report::PhaseTimes::read),
      phase(&report::PhaseTimes::process),
      phase(&report::PhaseTimes::write),
      phase(&report::PhaseTimes::total),
      rec.watermark,
      rec.fingerprint,
      Text(rec.error),
  };
  conn.ExecParams(fmt::format("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT (run_id, table_name) "
                              "DO UPDATE SET {}",
                              RunsTable(schema), names, values, updates),
                  params);
}

std::vector<report::RunRecord> ReadRuns(PgConnection& conn, std::string_view schema,
                                        const RunQuery& query) {
  if (!RunsTableExists(conn, schema)) return {};
  PgParam tables;
  if (!query.tables.empty()) tables = TextArrayLiteral(query.tables);
  // Loads (ok, early_terminated) and other rows are ranked apart, so a string of skipped or
  // failed runs does not push the loads a trend needs out of the window.
  const std::string sql = fmt::format(
      "WITH r AS (SELECT *, status IN ('ok', 'early_terminated') AS is_load,"
      " row_number() OVER (PARTITION BY table_name, status IN ('ok', 'early_terminated')"
      " ORDER BY started_at DESC NULLS LAST, run_id DESC) AS newest_rank,"
      " row_number() OVER (PARTITION BY table_name, status IN ('ok', 'early_terminated')"
      " ORDER BY started_at NULLS LAST, run_id) AS oldest_rank"
      " FROM {} WHERE job = $1 AND ($2::text[] IS NULL OR table_name = ANY ($2::text[])))"
      " SELECT {} FROM r WHERE $3::integer = 0 OR newest_rank <= $3::integer"
      " OR ($4::boolean AND is_load AND oldest_rank = 1) OR run_id = $5::text"
      " ORDER BY table_name, started_at NULLS LAST, run_id",
      RunsTable(schema), SelectList());
  PgResult r = conn.ExecParams(sql, {query.job, tables, std::to_string(query.newest),
                                     query.first_load ? "true" : "false", query.run_id});
  std::vector<report::RunRecord> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i)
    out.push_back(RecordAt(r, i));
  return out;
}

namespace {

std::optional<report::RunRecord> NewestOf(PgConnection& conn, std::string_view schema,
                                          std::string_view target_table, const char* status_is) {
  if (!RunsTableExists(conn, schema)) return std::nullopt;
  PgResult r = conn.ExecParams(
      fmt::format("SELECT {} FROM {} WHERE target_schema = $1 AND target_table = $2"
                  " AND {} ORDER BY finished_at DESC NULLS LAST, run_id DESC LIMIT 1",
                  SelectList(), RunsTable(schema), status_is),
      {std::string(schema), std::string(target_table)});
  if (r.rows() == 0) return std::nullopt;
  return RecordAt(r, 0);
}

}  // namespace

std::optional<report::RunRecord> LastLoadOf(PgConnection& conn, std::string_view schema,
                                            std::string_view target_table) {
  return NewestOf(conn, schema, target_table, "status <> 'skipped'");
}

std::optional<report::RunRecord> LastSkipOf(PgConnection& conn, std::string_view schema,
                                            std::string_view target_table) {
  return NewestOf(conn, schema, target_table, "status = 'skipped'");
}

}  // namespace etl::sink
