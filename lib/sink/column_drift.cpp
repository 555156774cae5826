#include "sink/column_drift.h"

#include "sink/lock_wait.h"
#include "sink/pg_quote.h"

namespace etl::sink {

std::string AddColumnsSql(std::string_view schema, std::string_view table,
                          const std::vector<types::TargetColumn>& columns) {
  std::string sql = "ALTER TABLE " + QualifiedName(schema, table);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    sql += (i == 0 ? " ADD COLUMN " : ", ADD COLUMN ") + QuoteIdent(columns[i].name) + " " +
           columns[i].pg_type;
  }
  return sql;
}

void AddColumns(PgConnection& conn, std::string_view schema, std::string_view table,
                const std::vector<types::TargetColumn>& columns,
                std::chrono::milliseconds lock_timeout) {
  Transaction tx(conn);
  AcquireTableLock(conn, schema, table, "ACCESS EXCLUSIVE", lock_timeout);
  conn.Exec(AddColumnsSql(schema, table, columns));
  tx.Commit();
}

}  // namespace etl::sink
