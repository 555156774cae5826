#pragma once
// Loading the job spec for a subcommand: diagnostics go to stderr, one per line, in the
// located form "file:line:col: error: key.path: reason" (warnings too, as "warning:").
// Then, for `plan` and `run`, the job's tables: `tables_match` is expanded against the source's
// base tables (plan/table_expansion.h), `--table` picks among the expanded tables, and the
// start order is chosen (plan/load_order.h).

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "config/job_loader.h"
#include "config/job_spec.h"
#include "plan/table_expansion.h"
#include "source/table_listing.h"

namespace etl::app {

// The spec, or nullopt when it has errors (already printed).
std::optional<config::JobSpec> LoadJobOrReport(const std::string& path);

// The selected tables in spec order. An unknown --table name is printed as a usage error
// (with a "did you mean" and the job's tables) and gives nullopt.
std::optional<std::vector<const config::TableSpec*>> SelectTables(
    const config::JobSpec& spec, const std::vector<std::string>& names);

// The source database's tables, read on a short read-only session of its own. Throws (with the
// server's message) when the source cannot be reached or queried.
std::vector<source::ListedTable> ListSourceTables(const config::JobSpec& spec,
                                                  const config::EnvLookup& env);

// Expands spec.tables_match against `listing` and replaces spec.tables with every table of the
// job, logging a warning for each include glob that matched no base table. The caller reports
// the returned problems (and must not load anything while there are some). Invalidates
// pointers into spec.tables.
plan::TableExpansion ExpandJobTables(config::JobSpec& spec,
                                     const std::vector<source::ListedTable>& listing);

// The size the start order goes by: estimated_size_mb when given, else information_schema's
// data + index size of the source table in `listing` (0 when it is not there).
double TableSizeMb(const config::TableSpec& table, const std::vector<source::ListedTable>& listing);

// Indexes into `tables` in the order to start them (largest first when parallel_tables > 1).
std::vector<std::size_t> StartOrder(const config::JobSpec& spec,
                                    const std::vector<const config::TableSpec*>& tables,
                                    const std::vector<source::ListedTable>& listing);

}  // namespace etl::app
