#include "sink/load_history.h"

#include <fmt/format.h>

#include "sink/pg_quote.h"

namespace etl::sink {

std::optional<LastLoad> LatestLoad(PgConnection& conn, std::string_view history_schema,
                                   std::string_view job, std::string_view target_schema,
                                   std::string_view target_table, const std::string& cutoff) {
  const std::string table = QualifiedName(history_schema, kRunHistoryTableName);
  auto exists = conn.ExecParams("SELECT to_regclass($1) IS NOT NULL", {table});
  if (exists.Value(0, 0) != "t") return std::nullopt;
  auto r = conn.ExecParams(
      fmt::format("SELECT run_id, status,"
                  " coalesce(to_char(finished_at AT TIME ZONE 'UTC',"
                  " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''),"
                  " coalesce(finished_at >= $4::timestamptz, false)"
                  " FROM {} WHERE job = $1 AND target_schema = $2 AND target_table = $3"
                  " AND status <> 'skipped'"
                  " ORDER BY finished_at DESC NULLS LAST, started_at DESC NULLS LAST LIMIT 1",
                  table),
      {std::string(job), std::string(target_schema), std::string(target_table), cutoff});
  if (r.rows() == 0) return std::nullopt;
  LastLoad out;
  out.run_id = r.String(0, 0);
  out.status = r.String(0, 1);
  out.finished_at = r.String(0, 2);
  out.after_cutoff = r.Value(0, 3) == "t";
  return out;
}

}  // namespace etl::sink
