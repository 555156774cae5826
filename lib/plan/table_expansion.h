#pragma once
// Expanding `tables_match` into the job's tables, once the source's base tables are known.
//
// ExpandTables is pure: given the spec and the names of the source database's BASE TABLEs
// (source/table_listing.h; views are never matched), it returns every table of the job:
//   1. the `tables:` entries, in spec order, as the loader read them (defaults already applied);
//   2. then the base tables that some include glob matches and no exclude glob matches, by name
//      (byte order), each a copy of tables_match.defaults with name = source_table = the table,
//      target_table = the name folded by the effective identifier_case (config/identifier_case.h),
//      matched_by = the first include glob (in spec order) that matched, location = where that
//      glob is written.
// A base table that a `tables:` entry already reads (its source_table) is that entry's and is
// not matched again; a `tables:` entry wins even when an exclude glob matches its table, and may
// name a view. Without tables_match the result is the `tables:` entries.
//
// Problems (nothing of the job may load while there is one): a matched table whose name is
// already the key of a `tables:` entry that reads another table (they would share a name in
// --table, the report and the state), and two tables of the job loading one target table
// (config::TargetTableCollisions, e.g. `Orders` and `orders` under identifier_case: lower).

#include <string>
#include <vector>

#include "config/job_spec.h"

namespace etl::plan {

struct ExcludedTable {
  std::string name;
  std::string pattern;  // the first exclude glob that matched it
};

struct TableExpansion {
  std::vector<config::TableSpec> tables;       // the job's tables, in the order above
  std::vector<ExcludedTable> excluded;         // matched by an include glob, then excluded
  std::vector<std::string> unmatched_include;  // include globs that matched no base table
  std::vector<std::string> problems;           // see above; empty when the job may load

  std::size_t matched_count() const;  // tables brought in by tables_match
};

TableExpansion ExpandTables(const config::JobSpec& job, std::vector<std::string> base_tables);

}  // namespace etl::plan
