#pragma once
// The typed model of a job spec (see docs/job-spec.md and ../shared/spec/job-spec.md).
//
// A JobSpec is produced only by LoadJobSpec() (config/job_loader.h), which has already
// interpolated ${VAR}s and validated every field, so code that receives a JobSpec may rely on:
//   - every enumeration holding one of its listed values,
//   - every range rule of the contract holding (e.g. 1 <= parallel_chunks <= 16),
//   - `tables` holding the spec's `tables:` (or tables file) entries in the order listed, with
//     tables_match.defaults already applied under each entry's own keys; it is non-empty
//     unless `tables_match` is given. `plan` and `run` replace it with the full list of the
//     job's tables once the source is known (plan/table_expansion.h: ExpandTables), so code
//     below app/ sees every table of the job there.
// Secrets are never stored here: `password_env` names an environment variable that is read
// only when a connection is opened (see ResolvePassword()).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/schema_options.h"

namespace etl::config {

enum class Strategy { kAuto, kStandard, kStreaming, kCopyCsv, kParallel };
enum class ExtractionStrategy { kFull, kIncremental };
enum class CopyFormat { kCsv, kText, kBinary };
enum class Chunking { kAuto, kRange, kKeyset, kNone };
enum class OnBadRow { kFail, kReject };
// How names taken from MySQL become PostgreSQL names (config/identifier_case.h).
enum class IdentifierCase { kPreserve, kLower };

// Canonical spellings, as written in YAML and printed in plans and reports.
const char* ToString(Strategy s);
const char* ToString(ExtractionStrategy s);
const char* ToString(CopyFormat f);
const char* ToString(Chunking c);
const char* ToString(OnBadRow o);
const char* ToString(IdentifierCase c);
std::optional<Strategy> ParseStrategy(const std::string& s);
std::optional<Chunking> ParseChunking(const std::string& s);

// An ordered list of `name: value` session settings (YAML order is kept: it is the SET order).
using SessionSettings = std::vector<std::pair<std::string, std::string>>;

struct SourceSpec {  // MySQL / MariaDB
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user;
  std::string password_env;             // name of the variable holding the password
  std::optional<std::string> password;  // inline password (warned about by validate)
  std::string database;
  std::string ssl_mode = "preferred";  // disabled|preferred|required|verify_ca|verify_identity
  SessionSettings session;
  // Timeouts and TLS files (contract: "Additions (second wave)"). File paths are already
  // resolved against the job file's directory; "" when not given.
  int connect_timeout_s = 10;
  int read_timeout_s = 600;  // also the write timeout: no read or write waits longer
  std::string ssl_ca;
  std::string ssl_cert;
  std::string ssl_key;
};

struct TargetSpec {  // PostgreSQL
  std::string host = "127.0.0.1";
  int port = 5432;
  std::string user;
  std::string password_env;
  std::optional<std::string> password;
  std::string database;
  std::string schema = "public";
  std::string sslmode = "prefer";  // libpq sslmode values
  SessionSettings session;
  // Longest wait for a lock on a target table (the swap's ACCESS EXCLUSIVE, a merge's ROW
  // EXCLUSIVE, DDL) before the table fails naming who holds it (sink/lock_wait.h).
  double lock_timeout_s = 10;
  // Bounds connecting and, derived from it, how long a silent server is waited for
  // (sink/pg_connection.h). TLS file paths resolved like the source's; "" when not given.
  int connect_timeout_s = 10;
  std::string sslrootcert;
  std::string sslcert;
  std::string sslkey;
};

struct PoolSpec {
  int size = 4;
  int timeout_s = 300;
};

// pipeline.retry: how often a unit of work whose connection was lost is tried (attempts counts
// the first try), and the capped exponential backoff between tries (pipeline/retry_policy.h).
struct RetrySpec {
  int attempts = 3;
  double initial_backoff_s = 1;
  double max_backoff_s = 60;
};

struct PipelineSpec {
  bool enable_optimizations = true;
  bool benchmark = false;
  int parallel_tables = 1;
  std::string reject_dir = "./rejects";
  PoolSpec pool;
  // Seconds a table waits for another runner's lock on its target (sink/target_lock.h) before
  // it is skipped naming the holder; 0: skip at once.
  int table_lock_wait_s = 0;
  // Issue 10. `notify`: NOTIFY this channel inside each table's commit ("" = none; an
  // identifier). `skip_unchanged`: the default of tables.X.skip_unchanged.
  std::string notify;
  bool skip_unchanged = false;
  RetrySpec retry;
};

struct PerformanceRules {
  double copy_csv_threshold_mb = 200;
  double streaming_threshold_mb = 50;
  std::int64_t parallel_threshold_rows = 100000;
};

struct SparseDetection {
  bool enabled = true;
  double efficiency_threshold = 0.10;
  std::int64_t min_chunk_size_check = 1000;
  int consecutive_sparse_limit = 2;
};
struct AdaptiveScaling {
  bool enabled = true;
  double max_scale_factor = 10;
  std::int64_t max_chunk_size = 500000;
};
struct Accumulation {
  bool enabled = true;
  std::int64_t min_batch_size = 50000;
  std::int64_t max_batch_size = 200000;
  std::int64_t max_memory_mb = 512;
};
struct SparseMonitoring {
  bool log_efficiency_metrics = true;
  bool alert_on_sparse_detection = true;
  bool track_performance_gains = true;
};
struct SparseSequenceOptimization {
  bool enabled = true;  // false turns off every sub-block
  SparseDetection detection;
  AdaptiveScaling adaptive_scaling;
  Accumulation accumulation;
  SparseMonitoring monitoring;

  // Effective switches: a sub-block is on only when the whole block is on too.
  bool detection_on() const { return enabled && detection.enabled; }
  bool adaptive_on() const { return enabled && adaptive_scaling.enabled; }
  bool accumulation_on() const { return enabled && accumulation.enabled; }
};

struct TablePerformance {
  Strategy strategy = Strategy::kAuto;
  int parallel_chunks = 4;
  CopyFormat copy_format = CopyFormat::kBinary;  // see docs/loading.md: cheapest to ingest
  Chunking chunking = Chunking::kAuto;
  std::int64_t bulk_insert_buffer_bytes = 256LL * 1024 * 1024;
  bool use_optimized_connections = true;
};

// tables.X.lookback: how far behind the saved watermark an incremental run starts reading
// again: a duration ("30s", "5m", "2h", "1d") for a temporal first cursor column, a count
// ("1000") for an integer one. Not given (the default): no re-read window; the watermark is
// held behind open writers instead (docs/loading.md, "Late commits").
struct Lookback {
  std::int64_t seconds = 0;  // a duration was given
  std::int64_t count = 0;    // a count was given
  bool given = false;
  std::string text;  // as written, for messages
};

// "90s" / "5m" / "2h" / "1d" -> seconds, "1000" -> count. nullopt when it is neither.
std::optional<Lookback> ParseLookback(std::string_view text);

struct TableSpec {
  std::string name;          // the key under `tables:`, or the matched source table's name
  std::string source_table;  // defaults to name
  // Defaults to name folded by identifier_case (config/identifier_case.h); a target_table
  // written in the spec is used exactly as written.
  std::string target_table;
  bool target_table_given = false;  // target_table was written in the spec
  std::optional<double> estimated_size_mb;
  std::int64_t batch_size = 0;  // required
  ExtractionStrategy extraction_strategy = ExtractionStrategy::kFull;
  std::vector<std::string> incremental_columns;
  std::vector<std::string> primary_key;  // empty: read from MySQL
  std::optional<std::string> where;      // MySQL syntax, passed through as a filter
  std::optional<bool> benchmark;         // overrides pipeline.benchmark
  OnBadRow on_bad_row = OnBadRow::kFail;
  std::map<std::string, std::string> column_types;  // column -> PostgreSQL type
  TablePerformance performance;
  std::vector<std::string> post_load;
  // The effective case rule for this table's target names: its own `identifier_case`, else
  // tables_match.defaults', else the job's.
  IdentifierCase identifier_case = IdentifierCase::kPreserve;
  std::optional<bool> skip_unchanged;  // overrides pipeline.skip_unchanged
  Lookback lookback;                   // incremental: re-read window (above)

  // Where in which file this table was defined, for error messages ("tables.yml:12:3"); for a
  // table brought in by tables_match, where the include pattern that matched it is written.
  std::string location;
  // The tables_match.include pattern that brought this table into the job; empty for a
  // `tables:` entry.
  std::string matched_by;
};

// One glob of tables_match (config/table_pattern.h: `*`, `?`, `[...]`, `\` escapes).
struct TablePattern {
  std::string glob;
  std::string location;  // file:line:col of the pattern in the spec
};

// `tables_match:`: which source base tables join the job besides the `tables:` entries.
struct TableMatchSpec {
  std::vector<TablePattern> include;  // default: a single "*"
  std::vector<TablePattern> exclude;
  // The per-table keys given under `defaults:` (name fields empty, batch_size > 0). They apply
  // to every table of the job; a `tables:` entry's own keys win over them key by key.
  TableSpec defaults;
  std::string location;  // file:line:col of the `tables_match` key
};

struct JobSpec {
  std::string path;  // the job file as given on the command line
  std::string name;  // file stem, used as the report's `job` and the lock name
  int version = 1;
  SourceSpec source;
  TargetSpec target;
  PipelineSpec pipeline;
  PerformanceRules performance_rules;
  SparseSequenceOptimization sparse;
  IdentifierCase identifier_case = IdentifierCase::kPreserve;  // job level; a table may override
  std::optional<TableMatchSpec> tables_match;
  SchemaOptions schema;  // `schema:` (config/schema_options.h)
  std::vector<TableSpec> tables;

  const TableSpec* FindTable(const std::string& name) const;
};

}  // namespace etl::config
