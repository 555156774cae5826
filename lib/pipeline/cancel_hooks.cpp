#include "pipeline/cancel_hooks.h"

#include <thread>

#include <spdlog/spdlog.h>

namespace etl::pipeline {

Cancellation::Registration CancelStatements(Cancellation* cancellation,
                                            const sink::PgConnection& pg) {
  std::shared_ptr<sink::PgCanceller> canceller = pg.canceller();
  if (!canceller) return {};
  return OnCancel(cancellation, [canceller] { canceller->Cancel(); });
}

Cancellation::Registration CancelStatements(Cancellation* cancellation,
                                            const source::MySqlConnection& mysql,
                                            const config::SourceSpec& source,
                                            const config::EnvLookup& env) {
  const std::uint64_t id = mysql.connection_id();
  if (id == 0) return {};
  // KILL QUERY connects first: off this thread, so a server that stopped answering delays no
  // other callback (and no second signal).
  return OnCancel(cancellation, [source, env, id] {
    try {
      std::thread([source, env, id] { source::KillQuery(source, env, id); }).detach();
    } catch (const std::exception& e) {
      spdlog::warn("could not stop MySQL session {}'s statement: {}", id, e.what());
    }
  });
}

}  // namespace etl::pipeline
