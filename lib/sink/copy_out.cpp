#include "sink/copy_out.h"

#include <spdlog/spdlog.h>

namespace etl::sink {

void StartCopyOut(PgConnection& conn, const std::string& statement, std::string_view context) {
  PgResult r = conn.Check(PQexec(conn.get(), statement.c_str()), statement);
  if (r.status() != PGRES_COPY_OUT) {
    throw PgError(std::string(context) + ": expected COPY OUT state for: " + statement);
  }
}

void FinishCopyOut(PgConnection& conn, std::string_view statement) {
  PgResult result(PQgetResult(conn.get()));
  while (PGresult* extra = PQgetResult(conn.get()))
    PQclear(extra);
  conn.Check(result.release(), statement);
}

void StopCopyOut(PgConnection& conn, std::string_view context) noexcept {
  try {
    if (PGcancel* cancel = PQgetCancel(conn.get())) {
      char error[256];
      PQcancel(cancel, error, sizeof error);
      PQfreeCancel(cancel);
    }
    for (;;) {
      char* data = nullptr;
      const int n = PQgetCopyData(conn.get(), &data, 0);
      if (data != nullptr) PQfreemem(data);
      if (n < 0) break;
    }
    while (PGresult* r = PQgetResult(conn.get()))
      PQclear(r);
  } catch (...) {
    spdlog::debug("{}: stopping the COPY failed", context);
  }
}

}  // namespace etl::sink
