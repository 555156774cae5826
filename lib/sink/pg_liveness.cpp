#include "sink/pg_liveness.h"

#include <string>
#include <vector>

namespace etl::sink {

PgLiveness LivenessFor(const config::TargetSpec& target) {
  PgLiveness l;
  l.connect_timeout_s = target.connect_timeout_s;
  auto add = [&](const char* key, const std::string& value) {
    if (!value.empty()) l.ping_params.emplace_back(key, value);
  };
  add("host", target.host);
  add("port", std::to_string(target.port));
  add("user", target.user);
  add("dbname", target.database);
  add("connect_timeout", std::to_string(target.connect_timeout_s));
  add("sslmode", target.sslmode == "disable" ? "disable" : "prefer");
  add("gssencmode", "disable");
  add("application_name", "etl liveness check");
  return l;
}

PgServerState PingServer(const PgLiveness& liveness) {
  std::vector<const char*> keys;
  std::vector<const char*> values;
  for (const auto& [k, v] : liveness.ping_params) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  switch (PQpingParams(keys.data(), values.data(), 0)) {
    case PQPING_OK:
      return PgServerState::kAnswers;
    case PQPING_REJECT:
      return PgServerState::kNotAccepting;
    case PQPING_NO_RESPONSE:
    case PQPING_NO_ATTEMPT:
      break;
  }
  return PgServerState::kSilent;
}

}  // namespace etl::sink
