#include <cstdio>
#include <exception>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/commands.h"
#include "app/job_loading.h"
#include "app/signal_watcher.h"
#include "config/job_loader.h"
#include "pipeline/job_lock.h"
#include "pipeline/job_runner.h"
#include "report/run_report.h"

namespace etl::app {
namespace {

// The report goes to --report-json even when the run fails; a failure to write it fails the run.
int Finish(const RunOptions& options, const GlobalOptions& global, report::RunReport& report,
           int exit_code) {
  if (report.finished_at.empty()) report.finished_at = report::NowIso8601();
  const bool quiet_stdout = options.progress == "never" && global.log_format == "json";
  if (!quiet_stdout) {
    std::fputs(report::ToSummary(report).c_str(), stdout);
    std::fflush(stdout);
  }
  if (!options.report_json.empty()) {
    if (auto err = report::WriteJsonFile(report, options.report_json); !err.empty()) {
      spdlog::error("{}", err);
      return exit_code == kExitOk ? kExitFailed : exit_code;
    }
  }
  return exit_code;
}

}  // namespace

int RunRun(const RunOptions& options, std::optional<config::Strategy> strategy,
           const GlobalOptions& global) {
  // Before any thread starts (see app/signal_watcher.h); lives until the report is written.
  pipeline::Cancellation cancellation;
  SignalWatcher signals(cancellation);
  report::RunReport report;
  report.started_at = report::NowIso8601();
  report.run_id = report::NewRunId();
  auto spec = LoadJobOrReport(options.job_path);
  if (!spec) {
    report.job = options.job_path;
    report.error = "invalid job spec: " + options.job_path + " (the problems are on stderr)";
    if (!options.report_json.empty()) report::WriteJsonFile(report, options.report_json);
    return kExitUsage;
  }
  report.job = spec->name;
  auto tables = SelectTables(*spec, options.tables);
  if (!tables) {
    report.error = "unknown --table (the spec's tables are listed on stderr)";
    if (!options.report_json.empty()) report::WriteJsonFile(report, options.report_json);
    return kExitUsage;
  }

  const auto env = config::ProcessEnvironment();
  std::optional<pipeline::JobLock> lock;
  try {
    lock = pipeline::JobLock::TryAcquire(*spec, env);
  } catch (const std::exception& e) {
    spdlog::error("cannot connect to the target: {}", e.what());
    for (const auto* t : *tables) {
      report::TableReport r;
      r.name = t->name;
      r.status = report::TableStatus::kFailed;
      r.error = std::string("cannot connect to the target: ") + e.what();
      report.tables.push_back(r);
    }
    return Finish(options, global, report, kExitFailed);
  }
  if (!lock) {
    report.error =
        fmt::format("another run of job {} holds its lock (target schema {}); try again later",
                    spec->name, spec->target.schema);
    spdlog::error("{}", report.error);
    for (const auto* t : *tables) {
      report::TableReport r;
      r.name = t->name;
      r.status = report::TableStatus::kSkipped;
      report.tables.push_back(r);
    }
    return Finish(options, global, report, kExitLocked);
  }

  pipeline::RunRequest request;
  request.job = &*spec;
  request.run_id = report.run_id;
  request.tables = *tables;
  request.env = env;
  request.full = options.full;
  request.strategy = strategy;
  request.benchmark = options.benchmark;
  request.progress =
      options.progress == "always" || (options.progress == "auto" && ::isatty(STDERR_FILENO) == 1);
  request.cancellation = &cancellation;
  pipeline::RunJob(request, report);
  if (cancellation.requested()) {
    report.error = fmt::format(
        "cancelled by {}: tables that were loading were rolled back, tables not started skipped",
        cancellation.Reason());
    return Finish(options, global, report, ExitCodeForSignal(cancellation.signal()));
  }
  return Finish(options, global, report, report.any_failed() ? kExitFailed : kExitOk);
}

}  // namespace etl::app
