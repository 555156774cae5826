#include "sink/notify.h"

#include <nlohmann/json.hpp>

namespace etl::sink {

std::string LoadedPayload(const LoadedTable& loaded) {
  nlohmann::ordered_json j;
  j["table"] = loaded.table;
  j["schema"] = loaded.schema;
  j["target_table"] = loaded.target_table;
  j["rows"] = loaded.rows;
  j["watermark"] = nullptr;
  if (loaded.watermark) {
    // Our own JSON text; should it not parse, the listener still gets it as a string.
    j["watermark"] = nlohmann::json::parse(*loaded.watermark, nullptr, /*allow_exceptions=*/false);
    if (j["watermark"].is_discarded()) j["watermark"] = *loaded.watermark;
  }
  j["run_id"] = loaded.run_id;
  j["job"] = loaded.job;
  j["status"] = loaded.status;
  const auto dump = [](const nlohmann::ordered_json& v) {
    return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  std::string out = dump(j);
  if (out.size() > kMaxNotifyPayload) {
    j["watermark"] = nullptr;
    j["watermark_omitted"] = true;
    out = dump(j);
  }
  return out;
}

void Notify(PgConnection& conn, std::string_view channel, std::string_view payload) {
  conn.ExecParams("SELECT pg_notify($1, $2)", {std::string(channel), std::string(payload)});
}

}  // namespace etl::sink
