#include "sink/post_load.h"

#include <stdexcept>

namespace etl::sink {

void RunPostLoad(PgConnection& conn, const std::vector<std::string>& statements) {
  for (std::size_t i = 0; i < statements.size(); ++i) {
    try {
      conn.Exec(statements[i]);
    } catch (const std::exception& e) {
      throw std::runtime_error(
          "post_load[" + std::to_string(i) +
          "] failed after the table's data committed (the data stays): " + e.what());
    }
  }
}

}  // namespace etl::sink
