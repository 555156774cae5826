#include "report/logging.h"

#include <cstdio>
#include <memory>
#include <mutex>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "config/disclosure.h"

namespace etl::report {
namespace {

// %* in the json pattern: the log message, escaped for a JSON string.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string escaped =
        JsonEscape(std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(escaped.data(), escaped.data() + escaped.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

std::mutex log_writer_mu;
LogWriter log_writer;  // guarded by log_writer_mu

// stderr, or the installed LogWriter.
class StderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    std::lock_guard lock(log_writer_mu);
    if (log_writer) {
      log_writer(std::string_view(line.data(), line.size()));
    } else {
      std::fwrite(line.data(), 1, line.size(), stderr);
      std::fflush(stderr);
    }
  }
  void flush_() override { std::fflush(stderr); }
};

// Every line passes through here: registered secrets (passwords) are masked before the line is
// formatted, whoever logged it and whatever it quotes (config/disclosure.h).
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit RedactingSink(spdlog::sink_ptr inner) : inner_(std::move(inner)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const std::string text =
        config::RedactSecrets(std::string_view(msg.payload.data(), msg.payload.size()));
    spdlog::details::log_msg copy = msg;
    copy.payload = spdlog::string_view_t(text.data(), text.size());
    inner_->log(copy);
  }
  void flush_() override { inner_->flush(); }
  void set_pattern_(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter_(std::unique_ptr<spdlog::formatter> formatter) override {
    inner_->set_formatter(std::move(formatter));
  }

 private:
  spdlog::sink_ptr inner_;
};

bool Utf8SequenceAt(std::string_view s, std::size_t i, std::size_t& len) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    len = 1;
    return true;
  }
  if ((c >> 5) == 0x6) {
    len = 2;
  } else if ((c >> 4) == 0xE) {
    len = 3;
  } else if ((c >> 3) == 0x1E) {
    len = 4;
  } else {
    return false;
  }
  if (i + len > s.size()) return false;
  for (std::size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
  }
  return true;
}

}  // namespace

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  static const char* kHex = "0123456789abcdef";
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        ++i;
        continue;
      case '\\':
        out += "\\\\";
        ++i;
        continue;
      case '\n':
        out += "\\n";
        ++i;
        continue;
      case '\r':
        out += "\\r";
        ++i;
        continue;
      case '\t':
        out += "\\t";
        ++i;
        continue;
      default:
        break;
    }
    std::size_t len = 1;
    if (c < 0x20 || !Utf8SequenceAt(s, i, len)) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
      ++i;
      continue;
    }
    out.append(s.data() + i, len);
    i += len;
  }
  return out;
}

bool ConfigureLogging(const std::string& level, const std::string& format) {
  const auto lvl = spdlog::level::from_str(level);
  // from_str maps unknown names to "off"; only accept the documented names.
  if (level != "trace" && level != "debug" && level != "info" && level != "warn" &&
      level != "error") {
    return false;
  }
  if (format != "text" && format != "json") return false;

  auto sink = std::make_shared<RedactingSink>(std::make_shared<StderrSink>());
  auto logger = std::make_shared<spdlog::logger>("etl", sink);
  if (format == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<JsonMessageFlag>('*').set_pattern(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","msg":"%*"})");
    logger->set_formatter(std::move(formatter));
  } else {
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %-5l %v");
  }
  logger->set_level(lvl);
  spdlog::set_default_logger(logger);
  // Statements and values are shown only at trace (config/disclosure.h; docs/hardening.md).
  config::SetShowValues(level == "trace");
  return true;
}

void SetLogWriter(LogWriter writer) {
  std::lock_guard lock(log_writer_mu);
  log_writer = std::move(writer);
}

}  // namespace etl::report
