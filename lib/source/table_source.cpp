#include "source/table_source.h"

#include <stdexcept>

#include "source/select_builder.h"

namespace etl::source {

void BeginSnapshot(MySqlConnection& conn) {
  conn.Exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
  conn.Exec("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
}

std::optional<std::vector<std::string>> HighMark(MySqlConnection& conn, const std::string& database,
                                                 const std::string& table,
                                                 const std::optional<std::string>& where,
                                                 const std::vector<std::string>& cursor) {
  const auto rows = conn.Query(
      SelectBuilder(database, table, cursor).Where(where).OrderBy(cursor, true).Limit(1).Build());
  if (rows.empty()) return std::nullopt;
  std::vector<std::string> values;
  for (std::size_t i = 0; i < rows[0].size(); ++i) {
    if (!rows[0][i]) {
      throw std::runtime_error("table " + database + "." + table + ": incremental cursor column " +
                               cursor.at(i) +
                               " is NULL in the newest row; incremental columns must be NOT NULL");
    }
    values.push_back(*rows[0][i]);
  }
  return values;
}

}  // namespace etl::source
