#include "app/cli.h"

#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "app/commands.h"
#include "app/shard_selection.h"
#include "config/job_loader.h"
#include "config/suggest.h"
#include "report/logging.h"
#include "version.h"

namespace etl::app {
namespace {

void AddGlobalOptions(CLI::App& app, GlobalOptions& global) {
  app.add_option("--log-level", global.log_level, "Log verbosity on stderr")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  app.add_option("--log-format", global.log_format, "Log line format on stderr")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

void SetupValidate(CLI::App& app, ValidateOptions& opt) {
  auto* sub = app.add_subcommand("validate", "Check a job spec offline (never connects)");
  sub->add_option("JOB", opt.job_path, "Job spec (YAML)")->required();
}

void SetupPlan(CLI::App& app, PlanOptions& opt) {
  auto* sub = app.add_subcommand(
      "plan", "Connect read-only, measure each table and print the load plan; writes nothing");
  sub->add_option("JOB", opt.job_path, "Job spec (YAML)")->required();
  sub->add_option("--table", opt.tables, "Only this table (repeatable)")->take_last();
  sub->get_option("--table")->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  sub->add_option("--format", opt.format, "text: one line per table; json: the work units")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  sub->add_option("--shards", opt.shards, "Show each table's shard among N workers")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
}

void SetupRun(CLI::App& app, RunOptions& opt) {
  auto* sub = app.add_subcommand("run", "Load the tables of a job");
  sub->add_option("JOB", opt.job_path, "Job spec (YAML)")->required();
  sub->add_option("--table", opt.tables, "Only this table (repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  sub->add_flag("--full", opt.full, "Full reload of the selected tables (ignore watermarks)");
  sub->add_option("--strategy", opt.strategy, "Override the strategy of every selected table")
      ->check(CLI::IsMember({"standard", "streaming", "copy_csv", "parallel"}));
  sub->add_flag("--dry-run", opt.dry_run, "Do exactly what `plan` does");
  auto* schema_only = sub->add_flag(
      "--schema-only", opt.schema_only,
      "Create every missing target, empty, with its keys, indexes, defaults and comments");
  sub->add_flag("--data-only", opt.data_only,
                "Load data only: never create or alter a target (a missing one fails)")
      ->excludes(schema_only);
  sub->add_option("--report-json", opt.report_json,
                  "Write the run report as JSON to FILE (also when the run fails)");
  sub->add_flag("--benchmark", opt.benchmark, "Per-table read/process/write timings");
  sub->add_option("--progress", opt.progress, "Progress lines on stderr")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  sub->add_option("--shard", opt.shard.shard,
                  "Run only shard I of N (I/N, 0-based; see `plan --format json --shards N`)");
  sub->add_option("--shard-index", opt.shard.index, "Shard index I (with --shard-count)");
  sub->add_option("--shard-count", opt.shard.count,
                  "Number of shards N; alone, I comes from $JOB_COMPLETION_INDEX");
  sub->add_flag("--rerun-failed-only", opt.rerun_failed_only,
                "Skip tables whose latest load by this job succeeded within --rerun-since");
  sub->add_option("--rerun-since", opt.rerun_since,
                  "Window for --rerun-failed-only: a duration (90m, 12h, 2d) or a timestamp")
      ->capture_default_str();
}

void SetupReport(CLI::App& app, ReportOptions& opt) {
  auto* sub = app.add_subcommand(
      "report", "Compare each table's baseline load with its latest, from the run history");
  sub->add_option("JOB", opt.job_path, "Job spec (YAML)")->required();
  sub->add_option("--table", opt.tables, "Only this table (repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  sub->add_option("--baseline", opt.baseline, "first (each table's first load) or a run id")
      ->capture_default_str();
  sub->add_option("--last", opt.last, "Loads in the trend")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  sub->add_option("--format", opt.format, "Output format")
      ->check(CLI::IsMember({"text", "markdown", "json"}))
      ->capture_default_str();
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"etl: copy MySQL/MariaDB tables into PostgreSQL, fast and exactly", "etl"};
  app.set_version_flag("--version", std::string("etl ") + kVersion);
  app.require_subcommand(1);
  app.fallthrough();

  GlobalOptions global;
  ValidateOptions validate;
  PlanOptions plan;
  RunOptions run;
  ReportOptions report_options;
  VerifyOptions verify;
  AddGlobalOptions(app, global);
  SetupValidate(app, validate);
  SetupPlan(app, plan);
  SetupRun(app, run);
  SetupReport(app, report_options);
  SetupVerify(app, verify);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // An unknown first word is a mistyped subcommand; CLI11 would only say one is required.
    if (argc > 1 && argv[1][0] != '-' && app.get_subcommands().empty()) {
      const std::string word = argv[1];
      std::string hint;
      for (const char* name : {"validate", "plan", "run", "report", "verify"}) {
        if (config::EditDistance(word, name) <= 2)
          hint = std::string(" (did you mean '") + name + "'?)";
      }
      std::fprintf(stderr, "etl: unknown subcommand '%s'%s; run 'etl --help'\n", word.c_str(),
                   hint.c_str());
      return kExitUsage;
    }
    app.exit(e);  // prints the message and usage hint to stderr
    return kExitUsage;
  }

  if (!report::ConfigureLogging(global.log_level, global.log_format)) {
    std::fprintf(stderr, "etl: invalid --log-level or --log-format\n");
    return kExitUsage;
  }

  try {
    if (app.got_subcommand("validate")) return RunValidate(validate, global);
    if (app.got_subcommand("plan")) return RunPlan(plan, global);
    if (app.got_subcommand("report")) return RunHistoryReport(report_options, global);
    if (app.got_subcommand("verify")) return RunVerify(verify, global);
    if (app.got_subcommand("run")) {
      const auto strategy =
          run.strategy.empty() ? std::nullopt : config::ParseStrategy(run.strategy);
      if (run.dry_run) {
        PlanOptions dry;
        dry.job_path = run.job_path;
        dry.tables = run.tables;
        dry.strategy = strategy;
        dry.full = run.full;
        dry.data_only = run.data_only;
        const auto shard = ResolveShard(run.shard, config::ProcessEnvironment());
        if (!shard.error.empty()) {
          std::fprintf(stderr, "etl run: %s\n", shard.error.c_str());
          return kExitUsage;
        }
        if (shard.shard) {
          dry.only_shard = shard.shard;
          dry.shards = shard.shard->count;
        }
        return RunPlan(dry, global);
      }
      return RunRun(run, strategy, global);
    }
  } catch (const std::exception& e) {
    // Commands handle their own errors; this is the last line of defence against a crash.
    spdlog::error("internal error: {}", e.what());
    return kExitFailed;
  }
  return kExitUsage;
}

}  // namespace etl::app
