#include "app/read_only_connections.h"

#include <exception>

#include <spdlog/spdlog.h>

namespace etl::app {

std::optional<ReadOnlyConnections> ConnectReadOnly(const config::JobSpec& spec,
                                                   const config::EnvLookup& env) {
  ReadOnlyConnections c;
  try {
    c.mysql.emplace(source::Connect(spec.source, env));
    c.mysql->SetReadOnly();
  } catch (const std::exception& e) {
    spdlog::error("cannot connect to the source: {}", e.what());
    return std::nullopt;
  }
  try {
    c.pg.emplace(sink::Connect(spec.target, env, /*apply_session=*/true));
  } catch (const std::exception& e) {
    spdlog::error("cannot connect to the target: {}", e.what());
    return std::nullopt;
  }
  return c;
}

}  // namespace etl::app
