#include <cstdio>

#include <spdlog/spdlog.h>

#include "app/cli.h"
#include "app/commands.h"
#include "app/job_loading.h"

namespace etl::app {

int RunValidate(const ValidateOptions& options, const GlobalOptions&) {
  auto spec = LoadJobOrReport(options.job_path);
  if (!spec) return kExitUsage;
  std::printf("%s: OK (%zu table%s)\n", options.job_path.c_str(), spec->tables.size(),
              spec->tables.size() == 1 ? "" : "s");
  return kExitOk;
}

}  // namespace etl::app
