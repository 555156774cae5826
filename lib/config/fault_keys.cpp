#include "config/fault_keys.h"

#include <filesystem>
#include <fstream>
#include <optional>

#include <fmt/format.h>

namespace etl::config {

const std::vector<std::string_view> kSourceFaultKeys = {"connect_timeout_s", "read_timeout_s",
                                                        "ssl_ca", "ssl_cert", "ssl_key"};
const std::vector<std::string_view> kTargetFaultKeys = {"connect_timeout_s", "sslrootcert",
                                                        "sslcert", "sslkey"};
const std::vector<std::string_view> kPipelineFaultKeys = {"retry"};

namespace {

namespace fs = std::filesystem;

// An hour to connect, a day for one read: beyond that a "timeout" is no bound at all, and the
// connectors' millisecond arithmetic stays far from overflowing.
constexpr double kMaxConnectTimeoutS = 3600;
constexpr double kMaxReadTimeoutS = 86400;

// Reads a file path; relative paths are taken from the directory of the file being read.
// Warns when the file cannot be read here (see the header for why that is not an error).
const Field* GetFilePath(SpecReader& reader, const Fields& f, std::string_view key,
                         std::string& out) {
  std::string text;
  const Field* field = reader.GetString(f, key, text);
  if (field == nullptr) return nullptr;
  if (text.empty()) {
    reader.Error(*field, "must not be empty (leave the key out instead)");
    return nullptr;
  }
  fs::path path(text);
  if (path.is_relative()) path = fs::path(reader.file()).parent_path() / path;
  out = path.lexically_normal().string();
  std::error_code ec;
  if (!fs::exists(out, ec)) {
    reader.Warning(field->value.Mark(), field->path,
                   "file '" + out +
                       "' does not exist here (connecting will fail unless it exists "
                       "where etl runs)");
  } else if (fs::is_directory(out, ec) || !std::ifstream(out).good()) {
    reader.Warning(field->value.Mark(), field->path,
                   "file '" + out +
                       "' cannot be read here (connecting will fail unless it can "
                       "be read where etl runs)");
  }
  return field;
}

// A client certificate needs its private key and the reverse: one without the other is a
// mistake the connectors would only report (or silently ignore) when connecting.
void RequirePair(SpecReader& reader, const Field* cert, const Field* key,
                 std::string_view cert_name, std::string_view key_name) {
  if ((cert == nullptr) == (key == nullptr)) return;
  const Field& given = cert != nullptr ? *cert : *key;
  reader.Error(given, std::string(cert != nullptr ? cert_name : key_name) + " needs " +
                          std::string(cert != nullptr ? key_name : cert_name) +
                          " too (a client certificate and its private key go together)");
}

void WarnUnused(SpecReader& reader, const std::vector<const Field*>& files, bool tls_off,
                std::string_view mode_key, std::string_view mode) {
  if (!tls_off) return;
  for (const Field* f : files) {
    if (f == nullptr) continue;
    reader.Warning(
        f->key_node.Mark(), f->path,
        "ignored: " + std::string(mode_key) + " is " + std::string(mode) + " (no TLS is used)");
  }
}

void ReadRetry(SpecReader& reader, const Field& block, RetrySpec& out) {
  const auto f = reader.Map(block.value, block.path, block.key_node.Mark());
  if (!f) return;
  reader.CheckKnownKeys(*f, {"attempts", "initial_backoff_s", "max_backoff_s"});
  reader.GetInt(*f, "attempts", out.attempts, Range::Between(1, 100));
  reader.GetNumber(*f, "initial_backoff_s", out.initial_backoff_s, Range::Between(0, 3600));
  const Field* max =
      reader.GetNumber(*f, "max_backoff_s", out.max_backoff_s, Range::Between(0, 3600));
  if (out.max_backoff_s < out.initial_backoff_s) {
    const Field* at = max != nullptr ? max : f->Find("initial_backoff_s");
    if (at != nullptr) {
      reader.Error(*at, fmt::format("max_backoff_s ({}) must not be below initial_backoff_s ({})",
                                    out.max_backoff_s, out.initial_backoff_s));
    }
  }
}

}  // namespace

void ReadSourceFaultKeys(SpecReader& reader, const Fields& f, SourceSpec& out) {
  reader.GetInt(f, "connect_timeout_s", out.connect_timeout_s,
                Range::Between(1, kMaxConnectTimeoutS));
  reader.GetInt(f, "read_timeout_s", out.read_timeout_s, Range::Between(1, kMaxReadTimeoutS));
  const Field* ca = GetFilePath(reader, f, "ssl_ca", out.ssl_ca);
  const Field* cert = GetFilePath(reader, f, "ssl_cert", out.ssl_cert);
  const Field* key = GetFilePath(reader, f, "ssl_key", out.ssl_key);
  RequirePair(reader, cert, key, "ssl_cert", "ssl_key");
  WarnUnused(reader, {ca, cert, key}, out.ssl_mode == "disabled", "ssl_mode", "disabled");
  // The connector can check a chain without the host name only against a CA it is given
  // (source/mysql_connection.h); verify_identity may use the system's CA store instead.
  if (const Field* mode = f.Find("ssl_mode"); mode != nullptr && out.ssl_mode == "verify_ca" &&
                                              out.ssl_ca.empty() && f.Find("ssl_ca") == nullptr) {
    reader.Error(*mode, "verify_ca needs ssl_ca (the CA the server's certificate must chain to)");
  }
}

void ReadTargetFaultKeys(SpecReader& reader, const Fields& f, TargetSpec& out) {
  reader.GetInt(f, "connect_timeout_s", out.connect_timeout_s,
                Range::Between(1, kMaxConnectTimeoutS));
  const Field* ca = GetFilePath(reader, f, "sslrootcert", out.sslrootcert);
  const Field* cert = GetFilePath(reader, f, "sslcert", out.sslcert);
  const Field* key = GetFilePath(reader, f, "sslkey", out.sslkey);
  RequirePair(reader, cert, key, "sslcert", "sslkey");
  WarnUnused(reader, {ca, cert, key}, out.sslmode == "disable", "sslmode", "disable");
}

void ReadPipelineFaultKeys(SpecReader& reader, const Fields& f, PipelineSpec& out) {
  if (const Field* b = f.Find("retry")) ReadRetry(reader, *b, out.retry);
}

}  // namespace etl::config
