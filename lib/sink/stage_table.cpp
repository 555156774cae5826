#include "sink/stage_table.h"

#include <random>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sink/pg_quote.h"
#include "sink/schema_manager.h"

namespace etl::sink {
namespace {

std::string MarkerPrefix(std::string_view schema, std::string_view target) {
  return "etl stage for " + QualifiedName(schema, target) + ";";
}

}  // namespace

std::string NewStageName(std::string_view target) {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  return TruncateIdent(fmt::format("etl_stage_{:012x}_{}", random() & 0xFFFFFFFFFFFFULL, target));
}

void CreateStage(PgConnection& conn, StageKind kind, std::string_view schema,
                 std::string_view stage, const std::vector<types::TargetColumn>& columns,
                 const types::TableDefinition* definition) {
  const auto resolved = WithResolvedTypes(conn, columns);
  if (kind == StageKind::kTemporary) {
    conn.Exec(CreateTableSql("pg_temp", stage, resolved, definition) + " ON COMMIT DROP");
    return;
  }
  std::string sql = CreateTableSql(schema, stage, resolved, definition);
  if (kind == StageKind::kUnlogged) sql.replace(0, 6, "CREATE UNLOGGED");
  conn.Exec(sql);
}

void MarkStage(PgConnection& conn, std::string_view schema, std::string_view stage,
               std::string_view target, std::string_view run_id) {
  conn.Exec(fmt::format("COMMENT ON TABLE {} IS {}", QualifiedName(schema, stage),
                        QuoteLiteral(MarkerPrefix(schema, target) + " run " +
                                     std::string(run_id.empty() ? "-" : run_id))));
}

void RenameIdentitySequences(PgConnection& conn, std::string_view schema, std::string_view table) {
  PgResult r = conn.ExecParams(
      "SELECT s.relname, a.attname FROM pg_catalog.pg_attribute a "
      "JOIN pg_catalog.pg_depend d ON d.refobjid = a.attrelid AND d.refobjsubid = a.attnum "
      "AND d.classid = 'pg_catalog.pg_class'::regclass AND d.deptype = 'i' "
      "JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
      "WHERE a.attrelid = $1::regclass AND a.attidentity <> ''",
      {QualifiedName(schema, table)});
  for (int i = 0; i < r.rows(); ++i) {
    const std::string wanted = TruncateIdent(std::string(table) + "_" + r.String(i, 1) + "_seq");
    if (r.Value(i, 0) == wanted) continue;
    PgResult taken = conn.ExecParams(
        "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
        "c.relnamespace WHERE n.nspname = $1 AND c.relname = $2",
        {std::string(schema), wanted});
    if (taken.rows() > 0) continue;
    conn.Exec("ALTER SEQUENCE " + QualifiedName(schema, r.Value(i, 0)) + " RENAME TO " +
              QuoteIdent(wanted));
  }
}

std::vector<std::string> DropLeftoverStages(PgConnection& conn, std::string_view schema,
                                            std::string_view target) {
  PgResult r = conn.ExecParams(
      "SELECT c.relname FROM pg_catalog.pg_class c "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname LIKE 'etl\\_stage\\_%' "
      "AND starts_with(pg_catalog.obj_description(c.oid, 'pg_class'), $2)",
      {std::string(schema), MarkerPrefix(schema, target)});
  std::vector<std::string> dropped;
  for (int i = 0; i < r.rows(); ++i) {
    const std::string name = r.String(i, 0);
    conn.Exec("DROP TABLE IF EXISTS " + QualifiedName(schema, name));
    spdlog::info("dropped {}.{}, the stage of an earlier load of {} that did not finish", schema,
                 name, target);
    dropped.push_back(name);
  }
  return dropped;
}

}  // namespace etl::sink
