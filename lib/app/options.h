#pragma once
// One options struct per subcommand, filled by CLI11 in cli.cpp (contract: docs/cli.md).

#include <optional>
#include <string>
#include <vector>

#include "app/shard_selection.h"
#include "config/job_spec.h"
#include "plan/rerun_policy.h"
#include "plan/shard_assignment.h"

namespace etl::app {

struct GlobalOptions {
  std::string log_level = "info";   // trace|debug|info|warn|error
  std::string log_format = "text";  // text|json
};

struct ValidateOptions {
  std::string job_path;
};

struct PlanOptions {
  std::string job_path;
  std::vector<std::string> tables;  // --table, repeatable; empty = all
  // Set by `run --dry-run` so the plan shows what that run would do.
  std::optional<config::Strategy> strategy;
  bool full = false;
  bool data_only = false;       // `run --dry-run --data-only`: a missing target is a problem
  std::string format = "text";  // --format text|json
  int shards = 1;               // --shards N: each unit's shard among N
  // Set by `run --dry-run --shard I/N`: plan only the tables of that shard.
  std::optional<plan::ShardSpec> only_shard;
};

struct RunOptions {
  std::string job_path;
  std::vector<std::string> tables;
  bool full = false;               // --full: reload the selected tables
  std::string strategy;            // --strategy NAME: override for every selected table ("" = none)
  bool dry_run = false;            // --dry-run: exactly what `plan` does
  bool schema_only = false;        // --schema-only: create the missing targets, empty
  bool data_only = false;          // --data-only: never create or alter a target
  std::string report_json;         // --report-json FILE
  bool benchmark = false;          // --benchmark: per-table phase timings
  std::string progress = "auto";   // auto|always|never
  ShardArgs shard;                 // --shard I/N | --shard-index I --shard-count N
  bool rerun_failed_only = false;  // --rerun-failed-only: skip tables already loaded (history)
  std::string rerun_since = plan::kDefaultRerunSince;  // --rerun-since: the window of "already"
};

// `etl report`: baseline vs latest load per table, from <schema>.etl_runs.
struct ReportOptions {
  std::string job_path;
  std::vector<std::string> tables;  // --table, repeatable; empty = all
  std::string baseline = "first";   // --baseline first|RUN_ID
  int last = 10;                    // --last N: loads in the trend
  std::string format = "text";      // --format text|markdown|json
};

struct VerifyOptions {
  std::string job_path;
  std::vector<std::string> tables;  // --table, repeatable; empty = all
  bool full_scan = false;           // --full-scan: every table row by row
  std::size_t max_keys = 20;        // --max-keys: keys listed per kind of difference
};

}  // namespace etl::app
