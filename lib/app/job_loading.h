#pragma once
// Loading the job spec for a subcommand: diagnostics go to stderr, one per line, in the
// located form "file:line:col: error: key.path: reason" (warnings too, as "warning:").

#include <optional>
#include <string>
#include <vector>

#include "config/job_spec.h"

namespace etl::app {

// The spec, or nullopt when it has errors (already printed).
std::optional<config::JobSpec> LoadJobOrReport(const std::string& path);

// The selected tables in spec order. An unknown --table name is printed as a usage error
// (with a "did you mean") and gives nullopt.
std::optional<std::vector<const config::TableSpec*>> SelectTables(
    const config::JobSpec& spec, const std::vector<std::string>& names);

}  // namespace etl::app
