// `etl verify JOB.yml [--table T]... [--full-scan] [--max-keys N]`: does the target hold what the
// source has? One result per table on stdout (pipeline/table_verify.h says how each is
// compared), a summary line, and the exit code: 0 all equal, 1 a table differs or could not be
// compared, 2 usage. Read-only on both servers; takes no job lock (it writes nothing).
#include <cstdio>
#include <exception>
#include <optional>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "app/cli.h"
#include "app/commands.h"
#include "app/job_loading.h"
#include "app/read_only_connections.h"
#include "config/job_loader.h"
#include "pipeline/table_verify.h"
#include "sink/pg_connection.h"
#include "source/mysql_connection.h"

namespace etl::app {

void SetupVerify(CLI::App& app, VerifyOptions& opt) {
  auto* sub = app.add_subcommand(
      "verify",
      "Compare source and target of each table (counts, key-range checksums, differing keys); "
      "read-only. Exit 0 equal, 1 different");
  sub->add_option("JOB", opt.job_path, "Job spec (YAML)")->required();
  sub->add_option("--table", opt.tables, "Only this table (repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  sub->add_flag("--full-scan", opt.full_scan,
                "Compare every row in the client instead of checksums (names differing columns)");
  sub->add_option("--max-keys", opt.max_keys, "Keys listed per kind of difference")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
}

int RunVerify(const VerifyOptions& options, const GlobalOptions&) {
  auto spec = LoadJobOrReport(options.job_path);
  if (!spec) return kExitUsage;
  auto tables = SelectTables(*spec, options.tables);
  if (!tables) return kExitUsage;

  const auto env = config::ProcessEnvironment();
  auto servers = ConnectReadOnly(*spec, env);
  if (!servers) return kExitFailed;

  pipeline::VerifySettings settings;
  settings.full_scan = options.full_scan;
  settings.max_keys = options.max_keys;
  std::printf("verify %s (%zu table%s)\n", spec->path.c_str(), tables->size(),
              tables->size() == 1 ? "" : "s");
  std::fflush(stdout);
  int equal = 0, different = 0, failed = 0;
  for (const config::TableSpec* table : *tables) {
    const auto result =
        pipeline::VerifyTable(*spec, *table, *servers->mysql, *servers->pg, env, settings);
    std::printf("%s\n", plan::FormatVerifyResult(result).c_str());
    std::fflush(stdout);
    switch (result.status) {
      case plan::VerifyStatus::kEqual:
        ++equal;
        break;
      case plan::VerifyStatus::kDifferent:
        ++different;
        break;
      case plan::VerifyStatus::kFailed:
        ++failed;
        // A broken connection stays broken: reconnect so the next table gets its chance.
        servers = ConnectReadOnly(*spec, env);
        if (!servers) {
          std::printf("verify: %d equal, %d different, %d failed (stopped: cannot reconnect)\n",
                      equal, different, failed);
          return kExitFailed;
        }
        break;
    }
  }
  std::printf("verify: %d equal, %d different, %d failed\n", equal, different, failed);
  return different == 0 && failed == 0 ? kExitOk : kExitFailed;
}

}  // namespace etl::app
