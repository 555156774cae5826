#include <cstdio>
#include <string>

#include <spdlog/spdlog.h>

#include "app/cli.h"
#include "app/commands.h"
#include "app/job_loading.h"

namespace etl::app {

int RunValidate(const ValidateOptions& options, const GlobalOptions&) {
  auto spec = LoadJobOrReport(options.job_path);
  if (!spec) return kExitUsage;
  std::string match;  // tables_match is expanded by plan/run, against the source
  if (spec->tables_match) {
    match = " and tables_match: include";
    for (const auto& p : spec->tables_match->include)
      match += " '" + p.glob + "'";
    if (!spec->tables_match->exclude.empty()) match += ", exclude";
    for (const auto& p : spec->tables_match->exclude)
      match += " '" + p.glob + "'";
  }
  std::printf("%s: OK (%zu table%s%s)\n", options.job_path.c_str(), spec->tables.size(),
              spec->tables.size() == 1 ? "" : "s", match.c_str());
  return kExitOk;
}

}  // namespace etl::app
