#include "sink/target_shape.h"

#include <algorithm>

namespace etl::sink {
namespace {

// One row per reason a faithful clone cannot replace the table (see the header).
constexpr const char* kSwapBlockersSql = R"SQL(
WITH t AS (
  SELECT c.oid, c.relkind, c.relhasrules, c.relispartition, c.relrowsecurity,
         c.relforcerowsecurity, c.reloftype, c.relowner, c.relreplident, c.relpersistence,
         c.reltablespace
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p'))
SELECT DISTINCT 'view ' || v.oid::regclass::text || ' depends on it'
  FROM t JOIN pg_catalog.pg_depend d ON d.refobjid = t.oid
    AND d.classid = 'pg_catalog.pg_rewrite'::regclass
  JOIN pg_catalog.pg_rewrite rw ON rw.oid = d.objid
  JOIN pg_catalog.pg_class v ON v.oid = rw.ev_class AND v.oid <> t.oid
UNION ALL SELECT 'rules' FROM t WHERE t.relhasrules
UNION ALL SELECT 'foreign key ' || quote_ident(co.conname) || ' of '
                 || co.conrelid::regclass::text || ' references it'
  FROM t JOIN pg_catalog.pg_constraint co ON co.contype = 'f' AND co.confrelid = t.oid
    AND co.conparentid = 0
UNION ALL SELECT 'foreign key ' || quote_ident(co.conname) || ' references '
                 || co.confrelid::regclass::text
  FROM t JOIN pg_catalog.pg_constraint co ON co.contype = 'f' AND co.conrelid = t.oid
    AND co.confrelid <> t.oid
UNION ALL SELECT 'trigger ' || quote_ident(tg.tgname)
  FROM t JOIN pg_catalog.pg_trigger tg ON tg.tgrelid = t.oid AND NOT tg.tgisinternal
UNION ALL SELECT 'row-level security' FROM t WHERE t.relrowsecurity OR t.relforcerowsecurity
UNION ALL SELECT 'policy ' || quote_ident(p.polname)
  FROM t JOIN pg_catalog.pg_policy p ON p.polrelid = t.oid
UNION ALL SELECT 'publication ' || quote_ident(pb.pubname)
  FROM t JOIN pg_catalog.pg_publication_rel pr ON pr.prrelid = t.oid
  JOIN pg_catalog.pg_publication pb ON pb.oid = pr.prpubid
UNION ALL SELECT 'partitioned' FROM t WHERE t.relkind = 'p'
UNION ALL SELECT 'a partition of another table' FROM t WHERE t.relispartition
UNION ALL SELECT 'inheritance' FROM t WHERE EXISTS (
  SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = t.oid OR h.inhparent = t.oid)
UNION ALL SELECT 'a typed table' FROM t WHERE t.reloftype <> 0
UNION ALL SELECT 'owned by role ' || quote_ident(pg_catalog.pg_get_userbyid(t.relowner))
  FROM t WHERE t.relowner <> (SELECT r.oid FROM pg_catalog.pg_roles r
                              WHERE r.rolname = current_user)
UNION ALL SELECT 'replica identity' FROM t WHERE t.relreplident <> 'd'
UNION ALL SELECT 'unlogged' FROM t WHERE t.relpersistence <> 'p'
UNION ALL SELECT 'tablespace ' || quote_ident(ts.spcname)
  FROM t JOIN pg_catalog.pg_tablespace ts ON ts.oid = t.reltablespace
UNION ALL SELECT 'security label' FROM t WHERE EXISTS (
  SELECT 1 FROM pg_catalog.pg_seclabel sl WHERE sl.objoid = t.oid
    AND sl.classoid = 'pg_catalog.pg_class'::regclass)
UNION ALL SELECT 'member of an extension' FROM t WHERE EXISTS (
  SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = t.oid
    AND d.classid = 'pg_catalog.pg_class'::regclass AND d.deptype = 'e')
UNION ALL SELECT 'extended statistics ' || quote_ident(se.stxname)
  FROM t JOIN pg_catalog.pg_statistic_ext se ON se.stxrelid = t.oid
UNION ALL SELECT 'column ' || quote_ident(a.attname) || ' has its own statistics target or options'
  FROM t JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0
    AND NOT a.attisdropped AND (a.attstattarget >= 0 OR a.attoptions IS NOT NULL)
UNION ALL SELECT 'sequence ' || s.oid::regclass::text || ' belongs to column '
                 || quote_ident(a.attname)
  FROM t JOIN pg_catalog.pg_depend d ON d.refobjid = t.oid
    AND d.refclassid = 'pg_catalog.pg_class'::regclass
    AND d.classid = 'pg_catalog.pg_class'::regclass AND d.deptype = 'a'
  JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'
  JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
)SQL";

constexpr const char* kReferencedBySql = R"SQL(
SELECT co.conname, cn.nspname, cc.relname, ca.attname, fa.attname, co.confdeltype,
       co.confupdtype, co.conrelid = co.confrelid
FROM pg_catalog.pg_constraint co
JOIN pg_catalog.pg_class cc ON cc.oid = co.conrelid
JOIN pg_catalog.pg_namespace cn ON cn.oid = cc.relnamespace
CROSS JOIN LATERAL unnest(co.conkey, co.confkey) WITH ORDINALITY AS k(ck, fk, n)
JOIN pg_catalog.pg_attribute ca ON ca.attrelid = co.conrelid AND ca.attnum = k.ck
JOIN pg_catalog.pg_attribute fa ON fa.attrelid = co.confrelid AND fa.attnum = k.fk
WHERE co.contype = 'f' AND co.conparentid = 0 AND co.confrelid = (
  SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n
  ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2)
ORDER BY cn.nspname, cc.relname, co.conname, k.n
)SQL";

std::vector<ForeignKeyIn> ReadReferencedBy(PgConnection& conn, std::string_view schema,
                                           std::string_view table) {
  PgResult r = conn.ExecParams(kReferencedBySql, {std::string(schema), std::string(table)});
  std::vector<ForeignKeyIn> out;
  for (int i = 0; i < r.rows(); ++i) {
    const bool same = !out.empty() && out.back().name == r.Value(i, 0) &&
                      out.back().child_schema == r.Value(i, 1) &&
                      out.back().child_table == r.Value(i, 2);
    if (!same) {
      ForeignKeyIn fk;
      fk.name = r.String(i, 0);
      fk.child_schema = r.String(i, 1);
      fk.child_table = r.String(i, 2);
      fk.on_delete = r.Value(i, 5).empty() ? 'a' : r.Value(i, 5)[0];
      fk.on_update = r.Value(i, 6).empty() ? 'a' : r.Value(i, 6)[0];
      fk.self = r.Value(i, 7) == "t";
      out.push_back(std::move(fk));
    }
    out.back().child_columns.push_back(r.String(i, 3));
    out.back().referenced_columns.push_back(r.String(i, 4));
  }
  return out;
}

}  // namespace

TargetShape InspectTarget(PgConnection& conn, std::string_view schema, std::string_view table,
                          const std::vector<std::string>& load_columns,
                          const std::vector<std::string>& key) {
  TargetShape shape;
  shape.columns = ReadTableColumns(conn, schema, table);
  shape.exists = !shape.columns.empty() || TableExists(conn, schema, table);
  if (!shape.exists) return shape;
  PgResult kind = conn.ExecParams(
      "SELECT c.relkind = 'p' FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
      "n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2",
      {std::string(schema), std::string(table)});
  shape.partitioned = kind.rows() > 0 && kind.Value(0, 0) == "t";
  for (const auto& c : shape.columns) {
    if (std::find(load_columns.begin(), load_columns.end(), c.name) == load_columns.end()) {
      shape.target_only_columns.push_back(c.name);
    }
  }
  PgResult blockers = conn.ExecParams(kSwapBlockersSql, {std::string(schema), std::string(table)});
  for (int i = 0; i < blockers.rows(); ++i)
    shape.swap_blockers.push_back(blockers.String(i, 0));
  for (const auto& c : shape.target_only_columns)
    shape.swap_blockers.push_back("column \"" + c + "\" exists only in the target");
  shape.has_unique_key = !key.empty() && HasPrimaryKeyOrUnique(conn, schema, table, key);
  shape.referenced_by = ReadReferencedBy(conn, schema, table);
  return shape;
}

}  // namespace etl::sink
