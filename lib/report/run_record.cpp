#include "report/run_record.h"

#include <unistd.h>

namespace etl::report {

RunContext ThisProcess(std::string run_id, std::string job, std::string target_schema) {
  RunContext c;
  c.run_id = std::move(run_id);
  c.job = std::move(job);
  c.target_schema = std::move(target_schema);
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) c.host = host;
  c.pid = static_cast<std::int64_t>(::getpid());
  return c;
}

RunRecord ToRunRecord(const RunContext& run, const TableReport& table,
                      const std::string& source_table, const std::string& target_table,
                      const std::string& started_at, const std::string& finished_at) {
  RunRecord r;
  r.run_id = run.run_id;
  r.job = run.job;
  r.table_name = table.name;
  r.source_table = source_table;
  r.target_schema = run.target_schema;
  r.target_table = target_table;
  r.host = run.host;
  r.pid = run.pid;
  r.shard = run.shard;
  r.started_at = started_at;
  r.finished_at = finished_at;
  r.status = ToString(table.status);
  r.strategy = table.strategy;
  r.strategy_reason = table.status == TableStatus::kSkipped && !table.skip_reason.empty()
                          ? table.skip_reason
                          : table.strategy_reason;
  r.target_variant = table.target_variant;
  r.rows_read = table.rows_read;
  r.rows_written = table.rows_written;
  r.rows_rejected = table.rows_rejected;
  r.bytes = table.bytes;
  r.queries = table.queries;
  r.chunks = table.chunks;
  r.batches = table.batches;
  r.retries = table.retries;
  r.seconds = table.seconds;
  r.rows_per_second = table.rows_per_second();
  r.peak_rss_mb = table.peak_rss_mb;
  r.phases = table.phases;
  r.watermark = table.watermark;
  r.fingerprint = table.fingerprint;
  r.error = table.error;
  return r;
}

}  // namespace etl::report
