#pragma once
// The run report: what happened to each table, as the human summary (stdout) and as the
// `--report-json` object whose fields the contract fixes (docs/run-report.md).
//
// TableReport is filled by the pipeline as a table loads; RunReport collects them. Rendering is
// pure: ToJson/ToSummary never touch the outside world.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace etl::report {

// kCancelled: a signal stopped the run while the table loaded (rolled back, target unchanged).
enum class TableStatus { kOk, kEarlyTerminated, kFailed, kSkipped, kCancelled };
const char* ToString(TableStatus s);

struct PhaseTimes {  // seconds, when benchmarking
  double read = 0;
  double process = 0;
  double write = 0;
  double total = 0;
};

struct TableReport {
  std::string name;
  TableStatus status = TableStatus::kSkipped;
  std::string started_at;  // ISO 8601 UTC: when the table's load began (history rows)
  std::string strategy;    // standard | streaming | copy_csv | parallel
  std::string strategy_reason;
  std::string chunking;  // range | keyset | none, with why (summary only)
  std::int64_t rows_read = 0;
  std::int64_t rows_written = 0;
  std::int64_t rows_rejected = 0;  // on_bad_row: reject
  std::int64_t bytes = 0;          // bytes sent to PostgreSQL
  std::int64_t queries = 0;        // SELECTs issued against the source for data
  std::int64_t chunks = 0;
  std::int64_t batches = 0;         // write batches (COPY statements / INSERT groups)
  double avg_chunk_efficiency = 0;  // rows / key-range width over range chunks (1.0 otherwise)
  std::int64_t sparse_detections = 0;
  std::int64_t queries_saved = 0;        // vs fixed batch_size ranges over the same key span
  std::optional<std::string> watermark;  // JSON array text, e.g. ["42"]
  double seconds = 0;
  double peak_rss_mb = 0;
  std::string error;  // when failed
  std::optional<PhaseTimes> phases;
  std::int64_t retries = 0;  // parts or statements retried after a lost connection
  // skip_unchanged: the source fingerprint taken before the load (compared with the last load's).
  std::optional<std::string> fingerprint;
  // Why a skipped table was skipped, in words (source unchanged, who holds the lock on its
  // target).
  std::string skip_reason;
  // Skipped because another runner held the lock on its target: the run exits 75.
  bool skipped_for_lock = false;
  std::string target_variant;  // how the target was written: create | swap | merge | upsert

  double rows_per_second() const { return seconds > 0 ? rows_written / seconds : 0; }
};

struct RunReport {
  std::string job;
  std::string run_id;      // NewRunId(): names this run in logs, history rows and lock holders
  std::string started_at;  // ISO 8601 UTC
  std::string finished_at;
  std::vector<TableReport> tables;
  // Why the run did not get to its tables (invalid spec, lock held by another run); the JSON
  // then has an "error" field and status "failed".
  std::string error;
  std::string shard;  // "I/N" when run with --shard, else ""

  // "failed" when a table failed or the run has an error, "ok" otherwise (early_terminated and
  // skipped tables count as finished).
  std::string status() const;
  bool any_failed() const;
  bool any_skipped_for_lock() const;
};

std::string NowIso8601();
// A new run id: UTC time to the second, then 8 random hex digits ("20261201T195012Z-3fa9c1d2"),
// so ids sort by start time and two runners started in the same second still differ.
std::string NewRunId();
double PeakRssMb();  // of this process so far

std::string ToJson(const RunReport& report);
// {"read":…, "process":…, "write":…, "total":…} (report fields and `etl report`'s JSON).
nlohmann::ordered_json ToJson(const PhaseTimes& phases);
// Compact JSON text of `j`; bytes that are not UTF-8 become U+FFFD (never throws on them).
std::string DumpJson(const nlohmann::ordered_json& j);
std::string ToSummary(const RunReport& report);
// Writes ToJson(report) to `path` (atomically: temp file + rename). Returns "" or an error.
std::string WriteJsonFile(const RunReport& report, const std::string& path);

}  // namespace etl::report
