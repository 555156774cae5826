#include "sink/target_rows.h"

#include <string>

#include "sink/pg_quote.h"

namespace etl::sink {

bool TargetIsEmpty(PgConnection& conn, std::string_view schema, std::string_view table) {
  return conn.Query("SELECT 1 FROM " + QualifiedName(schema, table) + " LIMIT 1").rows() == 0;
}

}  // namespace etl::sink
