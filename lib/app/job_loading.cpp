#include "app/job_loading.h"

#include <algorithm>
#include <cstdio>

#include <spdlog/spdlog.h>

#include "config/suggest.h"
#include "plan/load_order.h"
#include "source/mysql_connection.h"

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
      std::vector<std::string_view> candidates;
      for (const auto& t : spec.tables) {
        known += (known.empty() ? "" : ", ") + t.name;
        candidates.push_back(t.name);
      }
      std::string hint;
      if (const auto s = config::SuggestClosest(name, candidates)) {
        hint = " (did you mean '" + *s + "'?)";
      }
      std::fprintf(stderr, "etl: --table %s: no such table in %s%s (tables: %s)\n", name.c_str(),
                   spec.path.c_str(), hint.c_str(), known.empty() ? "none" : known.c_str());
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

std::vector<source::ListedTable> ListSourceTables(const config::JobSpec& spec,
                                                  const config::EnvLookup& env) {
  source::MySqlConnection mysql = source::Connect(spec.source, env);
  mysql.SetReadOnly();
  return source::ListTables(mysql, spec.source.database);
}

plan::TableExpansion ExpandJobTables(config::JobSpec& spec,
                                     const std::vector<source::ListedTable>& listing) {
  plan::TableExpansion expansion = plan::ExpandTables(spec, source::BaseTableNames(listing));
  for (const std::string& glob : expansion.unmatched_include) {
    spdlog::warn("tables_match.include '{}' matches no base table of {}", glob,
                 spec.source.database);
  }
  spec.tables = expansion.tables;
  return expansion;
}

double TableSizeMb(const config::TableSpec& table,
                   const std::vector<source::ListedTable>& listing) {
  if (table.estimated_size_mb) return *table.estimated_size_mb;
  const auto it = std::find_if(listing.begin(), listing.end(), [&](const source::ListedTable& t) {
    return t.name == table.source_table;
  });
  return it == listing.end() ? 0.0 : it->size_mb();
}

std::vector<std::size_t> StartOrder(const config::JobSpec& spec,
                                    const std::vector<const config::TableSpec*>& tables,
                                    const std::vector<source::ListedTable>& listing) {
  std::vector<double> sizes;
  sizes.reserve(tables.size());
  for (const config::TableSpec* t : tables)
    sizes.push_back(TableSizeMb(*t, listing));
  return plan::LoadOrder(sizes, spec.pipeline.parallel_tables);
}

}  // namespace etl::app
