#pragma once
// One row of the run history `<schema>.etl_runs` (columns fixed by the contract and by
// /work/coord/etl_runs.md): what one run did to one table. sink/run_history.h writes and reads
// these rows; report/history_report.h renders them for `etl report`; ToRunRecord builds one from a
// table's TableReport and the run it belongs to.
//
// Pure data and a pure conversion: nothing here touches a server or the clock (the caller passes
// started/finished). Optional fields are SQL NULL when absent.

#include <cstdint>
#include <optional>
#include <string>

#include "report/run_report.h"

namespace etl::report {

struct RunRecord {
  std::string run_id;
  std::string job;
  std::string table_name;  // the table's key in the spec
  std::string source_table;
  std::string target_schema;
  std::string target_table;
  std::string host;
  std::optional<std::int64_t> pid;
  std::optional<std::string> shard;  // "I/N" with --shard
  std::string started_at;            // ISO 8601 UTC ("2026-11-21T08:00:00.000Z")
  std::string finished_at;
  std::string status;  // ok, early_terminated, failed, skipped, cancelled
  std::string strategy;
  std::string strategy_reason;
  std::string target_variant;  // create | swap | merge | upsert ("" = NULL)
  std::int64_t rows_read = 0;
  std::int64_t rows_written = 0;
  std::int64_t rows_rejected = 0;
  std::int64_t bytes = 0;
  std::int64_t queries = 0;
  std::int64_t chunks = 0;
  std::int64_t batches = 0;
  std::int64_t retries = 0;
  double seconds = 0;
  double rows_per_second = 0;
  double peak_rss_mb = 0;
  std::optional<PhaseTimes> phases;      // benchmarked runs only
  std::optional<std::string> watermark;  // JSON text (array of strings)
  std::optional<std::string> fingerprint;
  std::string error;  // "" = NULL
};

// Where and as what the run ran: the same for every table of one run.
struct RunContext {
  std::string run_id;
  std::string job;
  std::string target_schema;
  std::string host;
  std::optional<std::int64_t> pid;
  std::optional<std::string> shard;
};

// The context of this process: hostname and pid filled in.
RunContext ThisProcess(std::string run_id, std::string job, std::string target_schema);

// The history row of `table` (its TableReport) in `run`. `source_table`/`target_table` come from
// the spec; started/finished are the table's own load (ISO 8601 UTC).
RunRecord ToRunRecord(const RunContext& run, const TableReport& table,
                      const std::string& source_table, const std::string& target_table,
                      const std::string& started_at, const std::string& finished_at);

}  // namespace etl::report
