#include "sink/index_deferral.h"

#include "sink/pg_quote.h"

namespace etl::sink {

std::vector<std::string> DropIndexesForLoad(PgConnection& conn, std::string_view schema,
                                            std::string_view table) {
  const std::string rel = QualifiedName(schema, table);
  const std::vector<PgParam> params = {rel};

  // Anything that makes dropping and recreating unsafe or impossible: leave the table alone.
  const PgResult blockers = conn.ExecParams(
      "SELECT (SELECT count(*) FROM pg_constraint WHERE confrelid = $1::regclass "
      "AND contype = 'f') + (SELECT count(*) FROM pg_constraint WHERE conrelid = $1::regclass "
      "AND contype = 'x') + (SELECT count(*) FROM pg_class WHERE oid = $1::regclass "
      "AND relkind = 'p')",
      params);
  if (blockers.Value(0, 0) != "0") return {};

  std::vector<std::string> drops;
  std::vector<std::string> recreate;
  const PgResult constraints = conn.ExecParams(
      "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
      "WHERE conrelid = $1::regclass AND contype IN ('p', 'u') ORDER BY contype, conname",
      params);
  for (int r = 0; r < constraints.rows(); ++r) {
    const std::string name = QuoteIdent(constraints.Value(r, 0));
    drops.push_back("ALTER TABLE " + rel + " DROP CONSTRAINT " + name);
    recreate.push_back("ALTER TABLE " + rel + " ADD CONSTRAINT " + name + " " +
                       constraints.String(r, 1));
  }
  const PgResult indexes = conn.ExecParams(
      "SELECT quote_ident(n.nspname) || '.' || quote_ident(i.relname), pg_get_indexdef(i.oid) "
      "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
      "JOIN pg_namespace n ON n.oid = i.relnamespace "
      "WHERE x.indrelid = $1::regclass "
      "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
      "ORDER BY i.relname",
      params);
  for (int r = 0; r < indexes.rows(); ++r) {
    drops.push_back("DROP INDEX " + indexes.String(r, 0));
    recreate.push_back(indexes.String(r, 1));
  }
  for (const auto& sql : drops)
    conn.Exec(sql);
  return recreate;
}

}  // namespace etl::sink
