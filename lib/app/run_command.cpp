#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <numeric>
#include <optional>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/commands.h"
#include "app/job_loading.h"
#include "app/signal_watcher.h"
#include "config/job_loader.h"
#include "pipeline/job_lock.h"
#include "pipeline/job_runner.h"
#include "pipeline/work_units.h"
#include "plan/rerun_policy.h"
#include "plan/table_expansion.h"
#include "report/progress.h"
#include "report/run_report.h"
#include "source/mysql_connection.h"
#include "source/table_listing.h"

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

// The selected tables that fall in `shard`; the assignment is computed over every table of the
// job (pipeline/work_units.h), exactly as `plan --format json --shards N` computes it.
std::vector<const config::TableSpec*> TablesOfShard(
    const config::JobSpec& spec, const std::vector<const config::TableSpec*>& selected,
    const plan::ShardSpec& shard, const config::EnvLookup& env) {
  auto mysql = source::Connect(spec.source, env);
  mysql.SetReadOnly();
  std::vector<const config::TableSpec*> all;
  for (const auto& t : spec.tables)
    all.push_back(&t);
  const auto units = pipeline::PlanWorkUnits(spec, all, mysql, shard.count);
  auto mine = pipeline::TablesOfShard(units, selected, shard.index);
  std::vector<std::string> names;
  for (const auto* t : mine)
    names.push_back(t->name);
  spdlog::info("shard {}: {} of {} tables, estimated {} of {} bytes: {}", shard.ToString(),
               mine.size(), all.size(), units.shard_bytes[static_cast<std::size_t>(shard.index)],
               std::accumulate(units.shard_bytes.begin(), units.shard_bytes.end(), std::int64_t{0}),
               names.empty() ? "(none)" : fmt::format("{}", fmt::join(names, ", ")));
  return mine;
}

// Live (redrawn in place) on a terminal that can do it, unless the logs are JSON lines for a
// machine; else plain log lines.
report::Progress::Mode ProgressMode(const GlobalOptions& global) {
  const char* term = std::getenv("TERM");
  const bool capable = ::isatty(STDERR_FILENO) == 1 && term != nullptr &&
                       std::string_view(term) != "dumb" && global.log_format == "text";
  return capable ? report::Progress::Mode::kLive : report::Progress::Mode::kPlain;
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
  const auto env = config::ProcessEnvironment();

  // tables_match: the job's tables are known once the source's base tables are listed.
  std::vector<source::ListedTable> listing;
  bool listed = false;
  if (spec->tables_match) {
    try {
      listing = ListSourceTables(*spec, env);
      listed = true;
    } catch (const std::exception& e) {
      report.error = fmt::format("cannot list the tables of the source database {}: {}",
                                 spec->source.database, e.what());
      spdlog::error("{}", report.error);
      return Finish(options, global, report, kExitFailed);
    }
    const plan::TableExpansion expansion = ExpandJobTables(*spec, listing);
    if (!expansion.problems.empty()) {  // refused before anything is written
      for (const std::string& problem : expansion.problems) {
        spdlog::error("{}", problem);
        report.error += (report.error.empty() ? "" : "; ") + problem;
      }
      return Finish(options, global, report, kExitUsage);
    }
    if (spec->tables.empty()) {
      report.error =
          "no tables to load: tables_match matches no base table of " + spec->source.database;
      spdlog::error("{}", report.error);
      return Finish(options, global, report, kExitFailed);
    }
  }
  auto tables = SelectTables(*spec, options.tables);
  if (!tables) {
    report.error = "unknown --table (the spec's tables are listed on stderr)";
    if (!options.report_json.empty()) report::WriteJsonFile(report, options.report_json);
    return kExitUsage;
  }

  const auto shard = ResolveShard(options.shard, env);
  std::string cutoff_error;
  const auto cutoff =
      plan::RerunCutoff(options.rerun_since, std::chrono::system_clock::now(), cutoff_error);
  if (!shard.error.empty() || !cutoff) {
    report.error = shard.error.empty() ? cutoff_error : shard.error;
    spdlog::error("{}", report.error);
    if (!options.report_json.empty()) report::WriteJsonFile(report, options.report_json);
    return kExitUsage;
  }
  if (shard.shard) {
    report.shard = shard.shard->ToString();
    try {
      *tables = TablesOfShard(*spec, *tables, *shard.shard, env);
    } catch (const std::exception& e) {
      report.error = std::string("cannot assign the shards: ") + e.what();
      spdlog::error("{}", report.error);
      return Finish(options, global, report, kExitFailed);
    }
  }

  std::optional<pipeline::JobLock> lock;
  try {
    lock = pipeline::JobLock::Acquire(*spec, env);
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
    report.error = fmt::format(
        "another run holds the lock for preparing target schema {} (waited {} s); try again later",
        spec->target.schema, pipeline::kPrepareLockWait.count());
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
  if (spec->pipeline.parallel_tables > 1 && tables->size() > 1) {
    if (!listed) {
      try {
        listing = ListSourceTables(*spec, env);
      } catch (const std::exception& e) {  // the loads will say what is wrong with the source
        spdlog::warn("cannot read table sizes for the start order (tables start as listed): {}",
                     e.what());
      }
    }
    request.start_order = StartOrder(*spec, *tables, listing);
  }
  request.env = env;
  request.full = options.full;
  request.schema_only = options.schema_only;
  request.data_only = options.data_only;
  request.strategy = strategy;
  request.benchmark = options.benchmark;
  request.progress =
      options.progress == "always" || (options.progress == "auto" && ::isatty(STDERR_FILENO) == 1);
  request.prepare_lock = &*lock;
  request.guard.lock_wait_s = spec->pipeline.table_lock_wait_s;
  request.guard.rerun_failed_only = options.rerun_failed_only;
  request.guard.rerun_cutoff = *cutoff;
  request.guard.rerun_since = options.rerun_since;
  std::optional<report::Progress> display;
  if (request.progress) {
    display.emplace(report::Progress::Options{ProgressMode(global)});
    display->InstallAsLogWriter();
    request.display = &*display;
  }
  request.cancellation = &cancellation;
  pipeline::RunJob(request, report);
  display.reset();  // erases the live lines before the summary
  if (cancellation.requested()) {
    report.error = fmt::format(
        "cancelled by {}: tables that were loading were rolled back, tables not started skipped",
        cancellation.Reason());
    return Finish(options, global, report, ExitCodeForSignal(cancellation.signal()));
  }
  // A failure (a table, or a run-level error such as a foreign key the loaded rows break) needs
  // a person; a table another runner held only needs a later retry.
  const int code = report.status() == "failed"     ? kExitFailed
                   : report.any_skipped_for_lock() ? kExitLocked
                                                   : kExitOk;
  return Finish(options, global, report, code);
}

}  // namespace etl::app
