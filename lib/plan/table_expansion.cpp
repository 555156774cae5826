#include "plan/table_expansion.h"

#include <algorithm>
#include <map>
#include <set>

#include "config/identifier_case.h"
#include "config/table_pattern.h"

namespace etl::plan {
namespace {

const config::TablePattern* FirstMatch(const std::vector<config::TablePattern>& patterns,
                                       const std::string& name) {
  for (const config::TablePattern& p : patterns) {
    if (config::GlobMatches(p.glob, name)) return &p;
  }
  return nullptr;
}

}  // namespace

std::size_t TableExpansion::matched_count() const {
  return static_cast<std::size_t>(
      std::count_if(tables.begin(), tables.end(),
                    [](const config::TableSpec& t) { return !t.matched_by.empty(); }));
}

TableExpansion ExpandTables(const config::JobSpec& job, std::vector<std::string> base_tables) {
  TableExpansion out;
  out.tables = job.tables;
  if (job.tables_match) {
    const config::TableMatchSpec& match = *job.tables_match;
    std::set<std::string> read_by_entry;                   // source tables of tables: entries
    std::map<std::string, const config::TableSpec*> keys;  // tables: entry names
    for (const config::TableSpec& t : job.tables) {
      read_by_entry.insert(t.source_table);
      keys.emplace(t.name, &t);
    }
    std::sort(base_tables.begin(), base_tables.end());
    base_tables.erase(std::unique(base_tables.begin(), base_tables.end()), base_tables.end());
    std::set<std::string> used_includes;
    for (const std::string& name : base_tables) {
      const config::TablePattern* include = FirstMatch(match.include, name);
      if (include == nullptr) continue;
      used_includes.insert(include->glob);
      if (const config::TablePattern* exclude = FirstMatch(match.exclude, name)) {
        out.excluded.push_back({name, exclude->glob});
        continue;
      }
      if (read_by_entry.count(name) != 0) continue;  // configured by its tables: entry
      if (const auto it = keys.find(name); it != keys.end()) {
        out.problems.push_back("tables_match.include '" + include->glob +
                               "' matches source table " + name + ", but tables." + name +
                               " reads " + it->second->source_table +
                               "; exclude it (tables_match.exclude) or rename the entry");
        continue;
      }
      config::TableSpec table = match.defaults;
      table.name = name;
      table.source_table = name;
      table.target_table = config::FoldIdentifier(name, table.identifier_case);
      table.target_table_given = false;
      table.matched_by = include->glob;
      table.location = include->location;
      out.tables.push_back(std::move(table));
    }
    for (const config::TablePattern& p : match.include) {
      if (used_includes.count(p.glob) == 0) out.unmatched_include.push_back(p.glob);
    }
  }
  for (std::string& p : config::TargetTableCollisions(out.tables, job.target.schema)) {
    out.problems.push_back(std::move(p));
  }
  return out;
}

}  // namespace etl::plan
