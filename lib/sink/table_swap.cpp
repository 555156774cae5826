#include "sink/table_swap.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "sink/pg_quote.h"
#include "sink/schema_manager.h"

namespace etl::sink {
namespace {

// One row per reason the target must be merged into rather than replaced.
constexpr const char* kBlockersSql = R"SQL(
WITH t AS (
  SELECT c.oid, c.relkind, c.relacl, c.relhasrules, c.relispartition
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')),
     t2 AS (
  SELECT c.oid, c.relowner, c.relreplident, c.reloptions, c.relpersistence
  FROM pg_catalog.pg_class c WHERE c.oid IN (SELECT oid FROM t))
SELECT DISTINCT 'view ' || v.oid::regclass::text || ' depends on it'
  FROM t JOIN pg_catalog.pg_depend d ON d.refobjid = t.oid AND d.classid = 'pg_catalog.pg_rewrite'::regclass
  JOIN pg_catalog.pg_rewrite rw ON rw.oid = d.objid
  JOIN pg_catalog.pg_class v ON v.oid = rw.ev_class AND v.oid <> t.oid
UNION ALL
SELECT 'foreign key ' || quote_ident(co.conname) || ' on ' || co.conrelid::regclass::text
  FROM t JOIN pg_catalog.pg_constraint co ON co.contype = 'f' AND (co.conrelid = t.oid OR co.confrelid = t.oid)
UNION ALL
SELECT 'trigger ' || quote_ident(tg.tgname)
  FROM t JOIN pg_catalog.pg_trigger tg ON tg.tgrelid = t.oid AND NOT tg.tgisinternal
UNION ALL
SELECT 'index ' || i.indexrelid::regclass::text
  FROM t JOIN pg_catalog.pg_index i ON i.indrelid = t.oid AND NOT i.indisprimary
UNION ALL
SELECT 'policy ' || quote_ident(p.polname)
  FROM t JOIN pg_catalog.pg_policy p ON p.polrelid = t.oid
UNION ALL
SELECT 'rules' FROM t WHERE t.relhasrules
UNION ALL
SELECT 'granted privileges' FROM t WHERE t.relacl IS NOT NULL
UNION ALL
SELECT 'partitioned or a partition' FROM t WHERE t.relkind = 'p' OR t.relispartition
UNION ALL
SELECT 'inheritance' FROM t WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h
                                          WHERE h.inhrelid = t.oid OR h.inhparent = t.oid)
UNION ALL
SELECT 'column privileges on ' || quote_ident(a.attname)
  FROM t JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND a.attacl IS NOT NULL
UNION ALL
SELECT 'check constraint ' || quote_ident(co.conname)
  FROM t JOIN pg_catalog.pg_constraint co ON co.conrelid = t.oid AND co.contype IN ('c', 'x')
UNION ALL
SELECT 'comments' FROM t WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_description d
                                       WHERE d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_class'::regclass)
UNION ALL
SELECT 'publication ' || quote_ident(pb.pubname)
  FROM t JOIN pg_catalog.pg_publication_rel pr ON pr.prrelid = t.oid
  JOIN pg_catalog.pg_publication pb ON pb.oid = pr.prpubid
UNION ALL
SELECT 'extended statistics ' || quote_ident(se.stxname)
  FROM t JOIN pg_catalog.pg_statistic_ext se ON se.stxrelid = t.oid
UNION ALL
SELECT 'replica identity, storage options or persistence'
  FROM t2 WHERE t2.relreplident <> 'd' OR t2.reloptions IS NOT NULL OR t2.relpersistence <> 'p'
UNION ALL
SELECT 'owned by another role' FROM t2 WHERE t2.relowner <> (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user)
UNION ALL
SELECT 'column ' || quote_ident(a.attname) || ' has a default, identity or generation expression'
  FROM t JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
  AND (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '')
)SQL";

bool IsReferencedByForeignKey(PgConnection& conn, std::string_view schema,
                              std::string_view target) {
  PgResult r = conn.ExecParams(
      "SELECT 1 FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_class c ON c.oid = "
      "co.confrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE co.contype = 'f' AND n.nspname = $1 AND c.relname = $2",
      {std::string(schema), std::string(target)});
  return r.rows() > 0;
}

void RenameStageConstraints(PgConnection& conn, std::string_view schema, std::string_view target,
                            std::string_view stage) {
  PgResult r = conn.ExecParams(
      "SELECT co.conname FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_class c ON c.oid = "
      "co.conrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = $1 AND c.relname = $2",
      {std::string(schema), std::string(target)});
  const std::string prefix = std::string(stage) + "_";
  for (int i = 0; i < r.rows(); ++i) {
    const std::string name = r.String(i, 0);
    if (!name.starts_with(prefix)) continue;
    const std::string renamed = TruncateIdent(std::string(target) + name.substr(stage.size()));
    conn.Exec("ALTER TABLE " + QualifiedName(schema, target) + " RENAME CONSTRAINT " +
              QuoteIdent(name) + " TO " + QuoteIdent(renamed));
  }
}

}  // namespace

const char* ToString(SwapMethod m) {
  return m == SwapMethod::kRename ? "rename" : "merge";
}

std::string StagingTableName(std::string_view target) {
  constexpr std::string_view kSuffix = "__etl_stage";
  std::size_t len = std::min<std::size_t>(target.size(), 63 - kSuffix.size());
  // Do not cut a UTF-8 character in two.
  while (len > 0 && len < target.size() &&
         (static_cast<unsigned char>(target[len]) & 0xC0) == 0x80) {
    --len;
  }
  return std::string(target.substr(0, len)) + std::string(kSuffix);
}

void CreateStagingTable(PgConnection& conn, std::string_view schema, std::string_view target,
                        std::string_view stage, const std::vector<types::TargetColumn>& columns) {
  if (stage == target) {
    throw std::invalid_argument("staging table name equals the target \"" + std::string(target) +
                                "\"");
  }
  conn.Exec("DROP TABLE IF EXISTS " + QualifiedName(schema, stage));
  CreateTable(conn, schema, stage, columns);
}

std::vector<std::string> SwapBlockers(PgConnection& conn, std::string_view schema,
                                      std::string_view target) {
  PgResult r = conn.ExecParams(kBlockersSql, {std::string(schema), std::string(target)});
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back(r.String(i, 0));
  return out;
}

SwapMethod SwapIn(PgConnection& conn, std::string_view schema, std::string_view target,
                  std::string_view stage, const std::function<void()>& before_commit) {
  const std::string target_name = QualifiedName(schema, target);
  const std::string stage_name = QualifiedName(schema, stage);
  Transaction tx(conn);
  // Lock first so the decision below cannot be invalidated before the swap commits.
  const bool exists = TableExists(conn, schema, target);
  if (exists) conn.Exec("LOCK TABLE " + target_name + " IN ACCESS EXCLUSIVE MODE");
  const std::vector<std::string> blockers =
      exists ? SwapBlockers(conn, schema, target) : std::vector<std::string>{};
  SwapMethod method = SwapMethod::kRename;
  if (blockers.empty()) {
    if (exists) conn.Exec("DROP TABLE " + target_name);
    conn.Exec("ALTER TABLE " + stage_name + " RENAME TO " + QuoteIdent(target));
    RenameStageConstraints(conn, schema, target, stage);
  } else {
    method = SwapMethod::kMerge;
    spdlog::debug("{}: merging staged rows instead of renaming ({})", target_name, blockers[0]);
    std::vector<std::string> names;
    for (const auto& c : ReadTableColumns(conn, schema, stage))
      names.push_back(c.name);
    const std::string cols = QuoteIdentList(names);
    if (IsReferencedByForeignKey(conn, schema, target)) {
      conn.Exec("DELETE FROM " + target_name);
    } else {
      conn.Exec("TRUNCATE " + target_name);
    }
    conn.Exec("INSERT INTO " + target_name + " (" + cols + ") SELECT " + cols + " FROM " +
              stage_name);
    conn.Exec("DROP TABLE " + stage_name);
  }
  if (before_commit) before_commit();
  tx.Commit();
  return method;
}

}  // namespace etl::sink
