#include "pipeline/table_planner.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "config/identifier_case.h"
#include "pipeline/watermark.h"
#include "sink/schema_manager.h"
#include "sink/state_store.h"
#include "sink/target_rows.h"
#include "sink/type_name.h"
#include "source/key_choice.h"
#include "source/table_stats.h"
#include "types/text_check.h"

namespace etl::pipeline {
namespace {

// A cursor value as the plan line shows it: text as it is; bytes that are not printable UTF-8
// (a binary key: NUL, 0xFF, control bytes) as 0x<hex>, the way MySQL writes a binary literal.
std::string ShownCursorValue(std::string_view v) {
  const bool printable =
      types::TextProblem(v) == nullptr &&
      std::none_of(v.begin(), v.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (printable) return std::string(v);
  std::string out = "0x";
  types::AppendHex(v, out);
  return out;
}

// MySQL sorts ENUM and SET columns by their position in the definition but compares them with
// a string literal by name, so `col > 'x' ORDER BY col` pages skip or repeat rows.
bool OrdersByPosition(const types::SourceColumn& c) {
  return c.data_type == "enum" || c.data_type == "set";
}

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& s : items)
    out += (out.empty() ? "" : sep) + s;
  return out;
}

std::vector<types::TargetColumn> PlanDrift(const config::JobSpec& job,
                                           const PlanOverrides& overrides, TablePlan& p);

// The target's side of the plan: existence, compatibility, what a swap would lose, the saved
// watermark, and the variant.
void PlanTarget(const config::JobSpec& job, sink::PgConnection& target,
                const PlanOverrides& overrides, TablePlan& p) {
  const config::TableSpec& table = *p.spec;
  const std::string& schema = job.target.schema;
  p.target.checked = true;
  std::vector<std::string> names;
  for (const auto& c : p.columns)
    names.push_back(c.name);
  p.target_shape = sink::InspectTarget(target, schema, table.target_table, names, p.target_key);
  p.target.table_exists = p.target_shape.exists;
  if (!p.target.table_exists && overrides.data_only && p.problem.empty()) {
    p.problem = fmt::format(
        "target table {}.{} does not exist and --data-only never creates one (create it with "
        "run --schema-only, or run without --data-only)",
        schema, table.target_table);
  }
  if (sink::TableExists(target, schema, sink::kStateTableName)) {
    if (auto state = sink::ReadState(target, schema, table.target_table, table.name)) {
      p.target.watermark = state->watermark;
      p.target.last_status = state->status;
      p.target.cursor_columns = state->cursor_columns;
      p.target.job = state->job;
      p.target.source_table = state->source_table;
      p.target.pending = state->pending;
      p.target.pending_at = state->pending_at;
      p.target.loaded_columns = state->loaded_columns;
    }
  }
  if (p.target.table_exists) {
    const auto compared = PlanDrift(job, overrides, p);
    const auto compat = sink::CheckCompatible(target, p.target_shape.columns, compared);
    for (const auto& e : compat.errors) {
      p.target.differences.push_back(fmt::format("{}.{}: {}", schema, table.target_table, e));
    }
    if (!compat.ok() && p.problem.empty()) {
      p.problem = fmt::format("target table {}.{} is not compatible: {}", schema,
                              table.target_table, Join(compat.errors, "; "));
      if (p.problem.find(": target has ") != std::string::npos) {
        p.problem +=
            " (a column retyped at the source: alter the target column to a type that holds the "
            "new one, ALTER TABLE ... ALTER COLUMN ... TYPE ..., or drop the target table so that "
            "the next run creates it; --full keeps the target's column types)";
      }
    }
    for (auto& c : p.columns) {
      for (const auto& e : p.target_shape.columns) {
        if (e.name == c.name) c.nullable = !e.not_null;
      }
    }
  }
  plan::TargetFacts facts;
  facts.exists = p.target_shape.exists;
  facts.incremental = p.incremental;
  facts.swap_blockers = p.target_shape.swap_blockers;
  facts.key = p.target_key;
  facts.has_unique_key = p.target_shape.has_unique_key;
  facts.referenced = !p.target_shape.referenced_by.empty();
  if (p.incremental && p.target_shape.exists) {  // a first run into an empty target: bulk
    facts.has_watermark = p.target.watermark.has_value();
    facts.empty = !facts.has_watermark && sink::TargetIsEmpty(target, schema, table.target_table);
  }
  p.target_choice = plan::ChooseTargetVariant(facts);
  if (!p.target_choice.problem.empty() && p.problem.empty()) {
    p.problem =
        fmt::format("target {}.{}: {}", schema, table.target_table, p.target_choice.problem);
  }
}

// Schema drift of an existing target (docs/loading.md "Schema drift"). Source columns the target
// lacks (not key columns) become added_columns; the others are returned, for the compatibility
// check. An incremental run fails on a target column the source no longer has: its upserts would
// leave that column stale in every changed row. Dropped means loaded by the previous load (the
// state row's loaded_columns); a column no load wrote is the target's own and is kept. Without a
// record (state from before loaded_columns), a target column without a default counts as dropped.
std::vector<types::TargetColumn> PlanDrift(const config::JobSpec& job,
                                           const PlanOverrides& overrides, TablePlan& p) {
  const config::TableSpec& table = *p.spec;
  std::set<std::string> in_target;
  for (const auto& e : p.target_shape.columns)
    in_target.insert(e.name);
  std::vector<types::TargetColumn> compared;
  std::set<std::string> loaded;
  for (const auto& c : p.columns) {
    loaded.insert(c.name);
    const bool is_key =
        std::find(p.target_key.begin(), p.target_key.end(), c.name) != p.target_key.end();
    if (in_target.count(c.name) != 0 || is_key) {
      compared.push_back(c);
    } else {
      p.added_columns.push_back(c);
      p.added_columns.back().nullable = true;
    }
  }
  if (!p.added_columns.empty() && overrides.data_only && p.problem.empty()) {
    std::vector<std::string> names;
    for (const auto& c : p.added_columns)
      names.push_back(c.source.name);
    p.problem = fmt::format(
        "column(s) {} of {}.{} are new at the source and --data-only never alters a target (add "
        "them to {}.{}, or run without --data-only, which adds them)",
        Join(names, ", "), job.source.database, table.source_table, job.target.schema,
        table.target_table);
  }
  if (p.incremental) {
    for (const auto& e : p.target_shape.columns) {
      if (loaded.count(e.name) != 0 || !p.problem.empty()) continue;
      const auto& before = p.target.loaded_columns;
      const bool dropped = before
                               ? std::find(before->begin(), before->end(), e.name) != before->end()
                               : !e.has_default;
      if (!dropped) continue;
      p.problem = fmt::format(
          "column {} of target {}.{} is not in the source table {}.{} (dropped or renamed at the "
          "source?): incremental upserts would leave it stale in every changed row; reload with "
          "--full (the target keeps the column: its values stay for keys still in the source, "
          "new rows get NULL), drop it from the target (ALTER TABLE ... DROP COLUMN), or give it "
          "a DEFAULT if it is the target's own",
          e.name, job.target.schema, table.target_table, job.source.database, table.source_table);
    }
  }
  return compared;
}

// The saved watermark an incremental run reads past, when there is one it can use (the
// target exists and the watermark belongs to this cursor; pipeline/watermark.h decides the
// same for the run).
std::optional<std::vector<std::string>> DeltaWatermark(const TablePlan& p) {
  if (!p.incremental || p.cursor.empty() || !p.target.table_exists || !p.target.watermark) {
    return std::nullopt;
  }
  if (p.target.cursor_columns != p.cursor || p.target.watermark->size() != p.cursor.size()) {
    return std::nullopt;
  }
  return p.target.watermark;
}

// The rows this run reads and the strategy they call for (header: cost follows what the run
// reads). Counts are bounded by parallel_threshold_rows: only rule 3 (parallel or copy_csv) asks
// about rows, and only whether there are that many.
void DecideStrategy(const config::JobSpec& job, source::MySqlConnection& mysql,
                    const PlanOverrides& overrides, TablePlan& p) {
  const config::TableSpec& table = *p.spec;
  const std::int64_t cap = std::max<std::int64_t>(0, job.performance_rules.parallel_threshold_rows);
  p.measure.measured_size_mb = p.measured_size_mb;
  p.measure.single_integer_key = p.single_integer_key;
  p.measure.key_description = p.KeyDescription();
  std::string rows_text;
  if (const auto after = DeltaWatermark(p)) {
    // The window the run reads: its literals and its lookback (a lookback that does not fit
    // the cursor's type fails the run itself, with its own message; here it is only left out).
    const source::Literals literals = KeyLiterals(p);
    source::Lookback back;
    try {
      back = LookbackOf(p);
    } catch (const std::exception&) {  // left out: the run reports it
    }
    const auto count =
        source::CountUpTo(mysql, job.source.database, table.source_table, table.where, p.cursor[0],
                          p.cursor, after, cap, literals, back);
    p.rows_delta = true;
    p.rows_counted = !count.capped;
    p.rows = count.rows;
    const std::string window = back.any() ? " - lookback " + table.lookback.text : "";
    rows_text = fmt::format("{} rows past the watermark{} (counted)", p.rows, window);
    if (count.capped) {
      p.rows = std::max(count.rows, source::EstimateRows(
                                        mysql, job.source.database, table.source_table, table.where,
                                        p.cursor[0], p.cursor, after, literals, back));
      rows_text = fmt::format(
          "more than {} rows past the watermark{} (counted up to parallel_threshold_rows; "
          "EXPLAIN estimates {})",
          cap, window, p.rows);
    }
    p.measure.delta = true;
    p.measure.table_rows = p.table_rows_estimate;
  } else {
    p.rows = p.table_rows_estimate;
    rows_text = fmt::format(
        "estimated {} rows from statistics{}", p.rows,
        table.where ? " (information_schema, before the where: filter)" : " (information_schema)");
  }
  p.measure.rows = p.rows;
  p.measure.rows_text = rows_text;
  p.decision = plan::ChooseStrategy(job, table, p.measure, overrides.strategy);
  if (!p.rows_delta && p.decision.rule == 3 && table.performance.parallel_chunks > 1 &&
      p.single_integer_key) {
    const auto count = source::CountUpTo(mysql, job.source.database, table.source_table,
                                         table.where, p.key[0], {}, std::nullopt, cap);
    p.rows_counted = !count.capped;
    p.rows = count.capped ? std::max(count.rows, p.table_rows_estimate) : count.rows;
    p.measure.rows = p.rows;
    p.measure.rows_text =
        count.capped ? fmt::format(
                           "more than {} rows (counted up to parallel_threshold_rows; estimated {} "
                           "from statistics)",
                           cap, p.table_rows_estimate)
                     : fmt::format("{} rows", count.rows);
    p.decision = plan::ChooseStrategy(job, table, p.measure, overrides.strategy);
  }
  if (auto problem = plan::StrategyProblem(p.decision.strategy, p.measure);
      !problem.empty() && p.problem.empty()) {
    p.problem = problem;
  }
}

}  // namespace

std::string TablePlan::RowsDescription() const {
  if (rows_delta) {
    return rows_counted ? fmt::format("{} rows past the watermark", rows)
                        : fmt::format("~{} rows past the watermark (estimated)", rows);
  }
  return rows_counted ? fmt::format("{} rows", rows)
                      : fmt::format("~{} rows (estimated from statistics)", rows);
}

std::string TablePlan::KeyDescription() const {
  if (key.empty()) return "none";
  if (key.size() == 1) {
    const auto* col = source.FindColumn(key[0]);
    return col ? fmt::format("{} {}", key[0], col->column_type) : key[0];
  }
  return "(" + Join(key, ", ") + ")";
}

TablePlan PlanTable(const config::JobSpec& job, const config::TableSpec& table,
                    source::MySqlConnection& mysql, sink::PgConnection* target,
                    const PlanOverrides& overrides) {
  TablePlan p;
  p.spec = &table;
  p.source = source::IntrospectIfExists(mysql, job.source.database, table.source_table);
  if (!p.source.exists) {
    p.problem =
        fmt::format("table {}.{} does not exist in MySQL", job.source.database, table.source_table);
    return p;
  }
  std::vector<std::string> column_names;  // identifier_case: no two columns may fold to one
  for (const auto& c : p.source.columns)
    column_names.push_back(c.name);
  p.problem = config::ColumnFoldProblem(column_names, table.identifier_case,
                                        job.source.database + "." + table.source_table);
  if (!p.problem.empty()) return p;

  // The key: a primary_key override must be a unique NOT NULL key of the source; else the
  // primary key, else a UNIQUE NOT NULL index (source/key_choice.h).
  const source::KeyChoice key = source::ChooseKey(p.source, table.primary_key);
  if (!key.problem.empty()) {
    p.problem = key.problem;
    return p;
  }
  p.key = key.columns;
  p.key_source = key.description;
  for (const auto& c : table.incremental_columns) {
    if (p.source.FindColumn(c) == nullptr) {
      p.problem = fmt::format("incremental column {} does not exist in {}.{}", c,
                              job.source.database, table.source_table);
      return p;
    }
  }
  for (const auto& [c, type] : table.column_types) {
    if (p.source.FindColumn(c) == nullptr) {
      p.problem = fmt::format("column_types names column {}, which {}.{} does not have", c,
                              job.source.database, table.source_table);
      return p;
    }
  }
  p.incremental =
      table.extraction_strategy == config::ExtractionStrategy::kIncremental && !overrides.full;
  // No COUNT(*): sizes and rows from information_schema; MIN/MAX of the key are index lookups
  // (an incremental run takes them without the filter, which could make them scan).
  source::MeasureOptions measure_options;
  measure_options.count_rows = false;
  measure_options.filter_key_range = !p.incremental;
  const auto stats = source::Measure(mysql, job.source.database, table.source_table,
                                     p.key.size() == 1 ? std::optional(p.key[0]) : std::nullopt,
                                     table.where, measure_options);
  p.measured_size_mb = stats.size_mb();
  p.table_rows_estimate = stats.estimated_rows;
  p.rows = stats.estimated_rows;
  p.single_integer_key = p.key.size() == 1 && stats.key_is_integer;
  p.key_min = stats.key_min;
  p.key_max = stats.key_max;

  if (table.extraction_strategy == config::ExtractionStrategy::kIncremental) {
    if (p.key.empty()) {
      p.problem =
          "extraction_strategy incremental needs a primary key (the source has none; "
          "name one with primary_key)";
    }
    p.cursor = table.incremental_columns;
    for (const auto& k : p.key) {
      if (std::find(p.cursor.begin(), p.cursor.end(), k) == p.cursor.end()) p.cursor.push_back(k);
    }
  }

  // Keyset pages need a key MySQL orders and compares the same way, with no NULLs.
  std::string keyset_unsafe;
  for (const auto& k : p.key) {
    const auto* col = p.source.FindColumn(k);
    if (OrdersByPosition(*col)) keyset_unsafe = "key column " + k + " is an " + col->data_type;
    if (col->nullable) keyset_unsafe = "key column " + k + " allows NULL";
  }
  if (keyset_unsafe.empty()) {
    p.chunking =
        plan::ResolveChunking(table.performance.chunking, !p.key.empty(), p.single_integer_key);
  } else {
    p.chunking = {config::Chunking::kNone,
                  keyset_unsafe + ": read as one stream, keyset pages could skip rows"};
  }
  if (table.extraction_strategy == config::ExtractionStrategy::kIncremental) {
    for (const auto& c : p.cursor) {
      const auto* col = p.source.FindColumn(c);
      if (col->nullable && p.problem.empty()) {
        p.problem = fmt::format(
            "incremental cursor column {} allows NULL; rows where it is NULL would never load "
            "(make it NOT NULL or choose another column)",
            c);
      }
      if (OrdersByPosition(*col) && p.problem.empty()) {
        p.problem = fmt::format(
            "incremental cursor column {} is an {}, which MySQL orders by position but compares "
            "by name; it cannot be a cursor",
            c, col->data_type);
      }
    }
  }
  p.columns = types::MapColumns(p.source.columns, table.column_types);
  // [hardening, issue 13] column_types values are resolved by PostgreSQL before any DDL.
  if (target != nullptr) {
    if (auto bad = sink::ResolveColumnTypeOverrides(*target, table.name, p.columns); !bad.empty()) {
      p.problem = std::move(bad);
      DecideStrategy(job, mysql, overrides, p);
      return p;
    }
  }
  // [/hardening]
  for (auto& c : p.columns) {  // a key column is never NULL, zero date or not (a bad row then)
    if (std::find(p.key.begin(), p.key.end(), c.source.name) != p.key.end()) c.nullable = false;
  }
  p.definition =
      types::BuildTableDefinition(p.columns, p.source.primary_key, p.source.indexes,
                                  p.source.foreign_keys, p.source.comment, p.key, job.schema);
  // identifier_case: every name the target side uses, folded once here (reads keep MySQL's).
  types::FoldTargetNames(p.columns, p.definition, [&](const std::string& name) {
    return config::FoldIdentifier(name, table.identifier_case);
  });
  for (const auto& k : p.key)
    p.target_key.push_back(config::FoldIdentifier(k, table.identifier_case));

  if (target != nullptr) PlanTarget(job, *target, overrides, p);
  DecideStrategy(job, mysql, overrides, p);  // after the target: a delta needs its watermark
  return p;
}

std::string FormatPlanLine(const TablePlan& p) {
  const auto& t = *p.spec;
  if (!p.source.exists) return fmt::format("{}: ERROR {}", t.name, p.problem);
  std::string line = fmt::format(
      "{}: {:.1f} MB{}, {}, key {}, strategy {} ({}), chunking {}", t.name, p.decision.size_mb,
      p.decision.size_estimated ? " (estimated)" : "", p.RowsDescription(),
      p.KeyDescription() +
          (p.key_source.empty() || p.key_source == "primary key" ? "" : " (" + p.key_source + ")"),
      config::ToString(p.decision.strategy), p.decision.reason,
      config::ToString(p.chunking.chunking));
  if (!p.chunking.reason.empty()) line += fmt::format(" ({})", p.chunking.reason);
  if (t.extraction_strategy == config::ExtractionStrategy::kIncremental) {
    if (!p.incremental) {
      line += ", full reload (--full)";
    } else if (p.target.watermark) {
      std::vector<std::string> shown;
      for (const auto& v : *p.target.watermark)
        shown.push_back(ShownCursorValue(v));
      line += fmt::format(", incremental after [{}]", Join(shown, ", "));
    } else {
      line += ", incremental (no watermark yet: everything)";
    }
  }
  if (!p.added_columns.empty()) {
    std::vector<std::string> names;
    for (const auto& c : p.added_columns)
      names.push_back(c.name + " " + c.pg_type);
    line += fmt::format(", new source column(s) added to the target: {}", Join(names, ", "));
  }
  if (p.target.checked) {
    line += p.target.table_exists
                ? fmt::format(", target exists: {} ({})", sink::ToString(p.target_choice.variant),
                              p.target_choice.reason)
                : ", target will be created";
  }
  if (!p.problem.empty()) line += fmt::format("\n  ERROR {}: {}", t.name, p.problem);
  return line;
}

}  // namespace etl::pipeline
