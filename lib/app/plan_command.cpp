#include <cstdio>
#include <exception>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/cli.h"
#include "app/commands.h"
#include "app/job_loading.h"
#include "app/plan_json.h"
#include "config/identifier_case.h"
#include "config/job_loader.h"
#include "pipeline/plan_notes.h"
#include "pipeline/skip_unchanged.h"
#include "pipeline/table_planner.h"
#include "pipeline/work_units.h"
#include "sink/pg_connection.h"
#include "source/mysql_connection.h"
#include "source/table_fingerprint.h"
#include "source/table_listing.h"

namespace etl::app {
namespace {

// "plan for job.yml (5 tables: 2 from tables, 3 matched by tables_match)"; with --table
// "(1 of 5 tables: ...)".
std::string PlanHeader(const config::JobSpec& spec, std::size_t selected,
                       const plan::TableExpansion& expansion) {
  const std::size_t all = spec.tables.size();
  if (!spec.tables_match) {
    return fmt::format("plan for {} ({} table{})", spec.path, selected, selected == 1 ? "" : "s");
  }
  const std::size_t matched = expansion.matched_count();
  const std::string count =
      selected == all ? fmt::format("{}", all) : fmt::format("{} of {}", selected, all);
  return fmt::format("plan for {} ({} table{}: {} from tables, {} matched by tables_match)",
                     spec.path, count, all == 1 ? "" : "s", all - matched, matched);
}

// What tables_match did with the source's base tables (one line, only for tables_match jobs).
std::string MatchSummary(const config::JobSpec& spec, const plan::TableExpansion& expansion) {
  std::string include;
  for (const auto& p : spec.tables_match->include)
    include += (include.empty() ? "'" : ", '") + p.glob + "'";
  std::string line =
      fmt::format("tables_match in {}: {} base table{} matched by include {}", spec.source.database,
                  expansion.matched_count(), expansion.matched_count() == 1 ? "" : "s", include);
  if (!expansion.excluded.empty()) {
    line += "; excluded";
    for (std::size_t i = 0; i < expansion.excluded.size(); ++i) {
      line += fmt::format("{} {} ('{}')", i == 0 ? "" : ",", expansion.excluded[i].name,
                          expansion.excluded[i].pattern);
    }
  }
  return line;
}

// The indented line under a table's plan line: where it came from and the target it loads.
std::string OriginLine(const config::JobSpec& spec, const config::TableSpec& table) {
  std::string line;
  if (!table.matched_by.empty()) {
    line = "matched by " + config::DescribeOrigin(table);
  } else if (spec.tables_match) {
    line = "from " + config::DescribeOrigin(table);
  }
  if (table.target_table != table.name || !line.empty()) {
    line += (line.empty() ? "" : ", ") +
            fmt::format("target {}.{}", spec.target.schema, table.target_table);
  }
  return line.empty() ? "" : "  " + line;
}

std::vector<const config::TableSpec*> AllTables(const config::JobSpec& spec) {
  std::vector<const config::TableSpec*> all;
  for (const auto& t : spec.tables)
    all.push_back(&t);
  return all;
}

// The first line of a table's plan ends with its shard: "... [shard 1/4, estimated N bytes]".
std::string ShardSuffix(const pipeline::WorkUnit& unit, int shards) {
  return fmt::format(" [shard {}/{}, estimated {} bytes]", unit.shard, shards,
                     unit.estimated_bytes);
}

}  // namespace

int RunPlan(const PlanOptions& options, const GlobalOptions&) {
  auto spec = LoadJobOrReport(options.job_path);
  if (!spec) return kExitUsage;
  std::optional<std::vector<const config::TableSpec*>> tables;
  if (!spec->tables_match) {  // nothing to expand: usage errors before connecting
    tables = SelectTables(*spec, options.tables);
    if (!tables) return kExitUsage;
  }

  const auto env = config::ProcessEnvironment();
  std::optional<source::MySqlConnection> mysql;
  std::optional<sink::PgConnection> pg;
  try {
    mysql.emplace(source::Connect(spec->source, env));
    mysql->SetReadOnly();
  } catch (const std::exception& e) {
    spdlog::error("cannot connect to the source: {}", e.what());
    return kExitFailed;
  }

  // tables_match needs the source's base tables; the start order needs their sizes.
  std::vector<source::ListedTable> listing;
  plan::TableExpansion expansion;
  try {
    if (spec->tables_match || spec->pipeline.parallel_tables > 1) {
      listing = source::ListTables(*mysql, spec->source.database);
    }
  } catch (const std::exception& e) {
    spdlog::error("cannot list the tables of the source database {}: {}", spec->source.database,
                  e.what());
    return kExitFailed;
  }
  if (spec->tables_match) {
    expansion = ExpandJobTables(*spec, listing);
    tables = SelectTables(*spec, options.tables);
    if (!tables) return kExitUsage;
  }

  try {
    pg.emplace(sink::Connect(spec->target, env, /*apply_session=*/true));
  } catch (const std::exception& e) {
    spdlog::error("cannot connect to the target: {}", e.what());
    return kExitFailed;
  }

  // Scale-out: every unit's shard, computed over all tables of the job (app/plan_json.h).
  std::optional<pipeline::WorkUnits> units;
  if (options.format == "json" || options.shards > 1 || options.only_shard) {
    try {
      units = pipeline::PlanWorkUnits(*spec, AllTables(*spec), *mysql, options.shards);
    } catch (const std::exception& e) {
      spdlog::error("cannot estimate the tables' sizes: {}", e.what());
      return kExitFailed;
    }
    if (options.only_shard) {
      *tables = pipeline::TablesOfShard(*units, *tables, options.only_shard->index);
    }
  }
  const bool json = options.format == "json";

  bool ok = true;
  std::vector<PlannedUnit> planned;
  if (!json) {
    std::printf("%s\n", PlanHeader(*spec, tables->size(), expansion).c_str());
    if (spec->tables_match) std::printf("%s\n", MatchSummary(*spec, expansion).c_str());
  }
  for (const std::string& problem : expansion.problems) {
    if (!json) std::printf("ERROR %s\n", problem.c_str());
    ok = false;
  }
  if (spec->tables.empty()) {
    if (!json) {
      std::printf("ERROR no tables to load: tables_match matches no base table of %s\n",
                  spec->source.database.c_str());
    }
    ok = false;
  }
  for (const config::TableSpec* table : *tables) {
    PlannedUnit unit;
    if (units) unit.unit = units->Find(table->name);
    std::string text;
    std::string notes;
    try {
      const auto plan = pipeline::PlanTable(*spec, *table, *mysql, &*pg,
                                            {options.strategy, options.full, options.data_only});
      text = pipeline::FormatPlanLine(plan);
      if (pipeline::SkipUnchangedOn(*spec, *table)) {
        const std::size_t eol = text.find('\n');
        text.insert(eol == std::string::npos ? text.size() : eol,
                    ", skip_unchanged: fingerprint by " + source::ChooseFingerprint(*table).reason);
      }
      notes = pipeline::FormatCreationNotes(plan);
      if (!plan.problem.empty()) ok = false;
      unit.error = plan.problem;
      if (plan.source.exists) {
        unit.strategy = config::ToString(plan.decision.strategy);
        unit.strategy_reason = plan.decision.reason;
      }
      unit.target_exists = plan.target.table_exists;
    } catch (const std::exception& e) {
      text = fmt::format("{}: ERROR {}", table->name, e.what());
      unit.error = e.what();
      ok = false;
    }
    if (json) {
      planned.push_back(unit);
      continue;
    }
    if (unit.unit != nullptr) {
      const auto eol = text.find('\n');
      text.insert(eol == std::string::npos ? text.size() : eol,
                  ShardSuffix(*unit.unit, units->shards));
    }
    // The origin goes right under the table's own line, before any ERROR line of the table.
    if (const std::string origin = OriginLine(*spec, *table); !origin.empty()) {
      const std::size_t end = text.find('\n');
      text.insert(end == std::string::npos ? text.size() : end, "\n" + origin);
    }
    std::printf("%s\n%s", text.c_str(), notes.c_str());
    std::fflush(stdout);
  }
  if (json) {
    std::printf("%s\n", PlanJson(*spec, *units, planned).c_str());
    std::fflush(stdout);
    return ok ? kExitOk : kExitFailed;
  }
  if (spec->pipeline.parallel_tables > 1 && tables->size() > 1) {
    std::string order;
    for (const std::size_t i : StartOrder(*spec, *tables, listing)) {
      order += fmt::format("{}{} ({:.1f} MB)", order.empty() ? "" : ", ", (*tables)[i]->name,
                           TableSizeMb(*(*tables)[i], listing));
    }
    std::printf("start order (parallel_tables %d, largest first): %s\n",
                spec->pipeline.parallel_tables, order.c_str());
  }
  return ok ? kExitOk : kExitFailed;
}

}  // namespace etl::app
