#pragma once
// One options struct per subcommand, filled by CLI11 in cli.cpp (contract: docs/cli.md).

#include <optional>
#include <string>
#include <vector>

#include "config/job_spec.h"

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
};

struct RunOptions {
  std::string job_path;
  std::vector<std::string> tables;
  bool full = false;              // --full: reload the selected tables
  std::string strategy;           // --strategy NAME: override for every selected table ("" = none)
  bool dry_run = false;           // --dry-run: exactly what `plan` does
  std::string report_json;        // --report-json FILE
  bool benchmark = false;         // --benchmark: per-table phase timings
  std::string progress = "auto";  // auto|always|never
};

struct VerifyOptions {
  std::string job_path;
  std::vector<std::string> tables;  // --table, repeatable; empty = all
  bool full_scan = false;           // --full-scan: every table row by row
  std::size_t max_keys = 20;        // --max-keys: keys listed per kind of difference
};

}  // namespace etl::app
