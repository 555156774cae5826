#pragma once
// Loading a job spec: YAML -> ${VAR} interpolation -> typed JobSpec -> validation.
//
// LoadJobSpec never throws for a problem in the input and never stops at the first problem:
// every problem it can find goes into `diagnostics` (each located by file, line, column and key
// path), and `spec` is set only when there is no error. Warnings (e.g. an inline password) do
// not prevent a spec from loading. `tables_file:` is followed relative to the job file and
// problems in it are located in that file.
//
// `tables_match:` is checked here (its globs and its `defaults:` block, which every table entry
// starts from), but not expanded: which tables it matches depends on the source, so plan/ and
// app/ expand it (plan/table_expansion.h) after connecting.
//
// Checks that need a server (e.g. `parallel` needs a single-column integer key) are not done
// here; plan/ does them.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/diagnostic.h"
#include "config/job_spec.h"

namespace etl::config {

// Looks up an environment variable; std::nullopt when unset. Injectable for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup ProcessEnvironment();

struct LoadResult {
  std::optional<JobSpec> spec;
  std::vector<Diagnostic> diagnostics;
  bool ok() const { return spec.has_value(); }
};

LoadResult LoadJobSpec(const std::string& path, const EnvLookup& env = ProcessEnvironment());

// Loads from text instead of a file; `path` is used for locations and for resolving
// `tables_file:` relative to it.
LoadResult LoadJobSpecFromString(const std::string& yaml_text, const std::string& path,
                                 const EnvLookup& env = ProcessEnvironment());

// The password for a side: the inline value when given, else the value of the variable named
// by password_env (empty when password_env is empty). Throws std::runtime_error naming the
// variable when password_env is set but the variable is not. The password is registered as a
// secret (config/disclosure.h) so that no log line, error or report shows it.
std::string ResolvePassword(const std::optional<std::string>& inline_password,
                            const std::string& password_env, const EnvLookup& env);

}  // namespace etl::config
