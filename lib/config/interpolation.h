#pragma once
// ${VAR} interpolation of job-spec strings.
//
//   ${NAME}            the value of environment variable NAME; an error when it is unset
//   ${NAME:-default}   the value of NAME, or `default` when NAME is unset or empty
//   $$                 a literal '$'
//   $ followed by anything else stays as written.
// NAME is [A-Za-z_][A-Za-z0-9_]*; `default` runs to the first '}' and is not itself interpolated,
// nor is a substituted value. Error texts name the variable but never show a value or default
// (either may be a secret).

#include <string>
#include <string_view>
#include <vector>

#include "config/job_loader.h"

namespace etl::config {

struct Interpolated {
  std::string value;                // meaningful only when errors is empty
  std::vector<std::string> errors;  // one per bad reference, e.g. "environment variable ..."
};

Interpolated InterpolateEnv(std::string_view text, const EnvLookup& env);

}  // namespace etl::config
