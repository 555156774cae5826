#pragma once
// A located problem found while loading or validating a job spec.
//
// Rendered as one line:  "<file>:<line>:<col>: error: <key.path>: <message>"
// Lines and columns are 1-based, as editors show them. `key_path` uses dots and [i] for list
// items, e.g. "tables.orders.performance.parallel_chunks".

#include <string>
#include <vector>

namespace etl::config {

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string file;
  int line = 0;  // 0: the problem has no position (e.g. a missing file)
  int column = 0;
  std::string key_path;
  std::string message;

  std::string ToString() const;
};

bool HasErrors(const std::vector<Diagnostic>& diagnostics);

}  // namespace etl::config
