#include "app/job_loading.h"

#include <cstdio>

#include "config/job_loader.h"

namespace etl::app {

std::optional<config::JobSpec> LoadJobOrReport(const std::string& path) {
  config::LoadResult result = config::LoadJobSpec(path);
  for (const auto& d : result.diagnostics)
    std::fprintf(stderr, "%s\n", d.ToString().c_str());
  if (!result.ok()) {
    std::size_t errors = 0;
    for (const auto& d : result.diagnostics) {
      if (d.severity == config::Severity::kError) ++errors;
    }
    std::fprintf(stderr, "%s: %zu error%s\n", path.c_str(), errors, errors == 1 ? "" : "s");
    return std::nullopt;
  }
  return std::move(result.spec);
}

std::optional<std::vector<const config::TableSpec*>> SelectTables(
    const config::JobSpec& spec, const std::vector<std::string>& names) {
  std::vector<const config::TableSpec*> selected;
  if (names.empty()) {
    for (const auto& t : spec.tables)
      selected.push_back(&t);
    return selected;
  }
  bool ok = true;
  for (const auto& name : names) {
    if (spec.FindTable(name) == nullptr) {
      std::string known;
      for (const auto& t : spec.tables)
        known += (known.empty() ? "" : ", ") + t.name;
      std::fprintf(stderr, "etl: --table %s: no such table in %s (tables: %s)\n", name.c_str(),
                   spec.path.c_str(), known.c_str());
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  for (const auto& t : spec.tables) {  // keep spec order, ignore repeats
    for (const auto& name : names) {
      if (t.name == name) {
        selected.push_back(&t);
        break;
      }
    }
  }
  return selected;
}

}  // namespace etl::app
