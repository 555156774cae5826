#include "app/cli.h"

#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "app/commands.h"
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
  sub->add_option("--report-json", opt.report_json,
                  "Write the run report as JSON to FILE (also when the run fails)");
  sub->add_flag("--benchmark", opt.benchmark, "Per-table read/process/write timings");
  sub->add_option("--progress", opt.progress, "Progress lines on stderr")
      ->check(CLI::IsMember({"auto", "always", "never"}))
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
  VerifyOptions verify;
  AddGlobalOptions(app, global);
  SetupValidate(app, validate);
  SetupPlan(app, plan);
  SetupRun(app, run);
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
      for (const char* name : {"validate", "plan", "run", "verify"}) {
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
    if (app.got_subcommand("verify")) return RunVerify(verify, global);
    if (app.got_subcommand("run")) {
      const auto strategy =
          run.strategy.empty() ? std::nullopt : config::ParseStrategy(run.strategy);
      if (run.dry_run) {
        return RunPlan(PlanOptions{run.job_path, run.tables, strategy, run.full}, global);
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
