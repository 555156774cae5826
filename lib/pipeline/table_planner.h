#pragma once
// Planning one table: what `etl plan` prints and what `etl run` executes.
//
// PlanTable reads the source table's shape and size (read-only), maps its columns, picks the
// strategy (plan/strategy.h) and the chunking (plan/chunk_resolution.h), and -- when a target
// connection is given -- reads the target's state (does the table exist, is it compatible,
// what a swap would lose, the saved watermark) and chooses how rows reach it
// (plan/target_variant.h). For an existing target, each column's `nullable` becomes the target
// column's, so a NULL (or zero date) bound for a NOT NULL column is a bad row, not a failed COPY.
// It writes nothing on either side. Problems that stop the table from loading (missing source
// table, parallel without an integer key, incompatible target) are returned in `problem`, not
// thrown; connection and server errors are thrown.
//
// Cost follows what the run reads (docs/loading.md "What planning reads"): sizes and row figures
// come from information_schema.TABLES (no COUNT(*)), the key's MIN/MAX are index lookups (for an
// incremental run without the `where:` filter). Rows are counted only where a decision needs
// them, and then bounded by parallel_threshold_rows (SELECT COUNT(*) FROM (... LIMIT n + 1)):
//   - an incremental run past a saved watermark counts the rows past it; its strategy is chosen
//     for those rows (plan/strategy.h), so a 100-row delta is one stream, not a parallel load;
//   - a full load (or first incremental run) whose size makes rule 3 ask parallel-or-copy_csv
//     counts whether the table holds parallel_threshold_rows rows.
// Schema drift (existing targets): a source column the target lacks is in `added_columns` (the
// run adds it, nullable, before loading: sink/column_drift.h); a retyped column, or - for an
// incremental run - a target column without a default that the source no longer has, is a
// problem naming the column and what to do.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/job_spec.h"
#include "plan/chunk_resolution.h"
#include "plan/strategy.h"
#include "plan/target_variant.h"
#include "sink/pg_connection.h"
#include "sink/target_shape.h"
#include "source/mysql_connection.h"
#include "source/schema_introspector.h"
#include "types/table_definition.h"
#include "types/type_mapping.h"

namespace etl::pipeline {

struct TargetState {
  bool checked = false;  // a target connection was available
  bool schema_exists = false;
  bool table_exists = false;
  std::vector<std::string> differences;               // incompatibilities of an existing table
  std::optional<std::vector<std::string>> watermark;  // saved cursor values
  std::string last_status;                            // status of the previous run
  std::vector<std::string> cursor_columns;            // what the watermark's values belong to
  std::string job;           // the job that saved the state; "" for a migrated row
  std::string source_table;  // "database.table" it was saved from
  std::optional<std::vector<std::string>> pending;  // pipeline/watermark.h
  std::int64_t pending_at = 0;
  // The target columns the previous load wrote (nullopt: its state predates the record).
  std::optional<std::vector<std::string>> loaded_columns;
};

struct TablePlan {
  const config::TableSpec* spec = nullptr;
  source::SourceTable source;
  std::vector<std::string> key;  // source/key_choice.h: checked override, PK, or unique index
  // The key's columns as the target names them (identifier_case); `key` keeps MySQL's names.
  std::vector<std::string> target_key;
  std::string key_source;  // which: "primary key", "unique index uk (no primary key)", ...
  bool single_integer_key = false;
  std::optional<std::int64_t> key_min;  // single integer key only
  std::optional<std::int64_t> key_max;
  double measured_size_mb = 0;
  std::int64_t rows = 0;      // rows the load reads: counted when rows_counted, else estimated
  bool rows_counted = false;  // a (bounded) count found `rows` exactly
  bool rows_delta = false;    // incremental past a saved watermark: `rows` are past it
  std::int64_t table_rows_estimate = 0;  // information_schema.TABLES.TABLE_ROWS
  plan::TableMeasure measure;
  plan::StrategyDecision decision;
  plan::ChunkingChoice chunking;
  std::vector<types::TargetColumn> columns;
  types::TableDefinition definition;  // what a created target carries (types/table_definition.h)
  bool incremental = false;           // extraction incremental and not --full
  std::vector<std::string> cursor;    // incremental: incremental_columns then key columns
  TargetState target;
  sink::TargetShape target_shape;    // what the existing target is (exists = false otherwise)
  plan::TargetChoice target_choice;  // how rows reach it (checked targets only)
  // Source columns the existing target lacks: added (nullable) before the load, with a warning.
  std::vector<types::TargetColumn> added_columns;
  std::string problem;  // non-empty: this table cannot be loaded as planned

  std::string KeyDescription() const;   // "id int unsigned", "(a, b)", "none"
  std::string RowsDescription() const;  // "2000 rows", "~2000000 rows (statistics)", ...
};

struct PlanOverrides {
  std::optional<config::Strategy> strategy;  // --strategy
  bool full = false;                         // --full
  bool data_only = false;                    // --data-only: a missing target is a problem
};

// REQUIRES: `table` belongs to `job`. `target` may be null (plan without target access).
TablePlan PlanTable(const config::JobSpec& job, const config::TableSpec& table,
                    source::MySqlConnection& mysql, sink::PgConnection* target,
                    const PlanOverrides& overrides);

// One line per table for `etl plan`.
std::string FormatPlanLine(const TablePlan& plan);

}  // namespace etl::pipeline
