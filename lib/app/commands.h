#pragma once
// The subcommands. Each returns the process exit code (app/cli.h ExitCode) and never throws:
// problems are reported on stderr (logs) and, for `run`, in the run report.

#include <optional>

#include "app/options.h"

namespace CLI {
class App;
}

namespace etl::app {

// Offline: parse and check the spec; never connects. Problems on stderr as
// "file:line:col: error: key.path: reason"; "<file>: OK (N tables)" on stdout.
int RunValidate(const ValidateOptions& options, const GlobalOptions& global);

// Read-only: connects to both sides, measures each selected table and prints its plan.
int RunPlan(const PlanOptions& options, const GlobalOptions& global);

// Loads the selected tables.
// `strategy` is --strategy, already checked against the strategy names.
int RunRun(const RunOptions& options, std::optional<config::Strategy> strategy,
           const GlobalOptions& global);

// Reads the run history of the selected tables from the target (read-only) and prints, per
// table, the baseline load against the latest (report/history_report.h). Exit 0; 1 when the
// target cannot be read; 2 for usage (unknown --table, a --baseline run the history lacks).
int RunHistoryReport(const ReportOptions& options, const GlobalOptions& global);
// Read-only: compares source and target of each selected table (docs/cli.md `etl verify`).
// 0 when every table is equal, 1 when one differs or cannot be compared, 2 for usage errors.
int RunVerify(const VerifyOptions& options, const GlobalOptions& global);
// Adds the `verify` subcommand and its options to `app`.
void SetupVerify(CLI::App& app, VerifyOptions& options);

}  // namespace etl::app
