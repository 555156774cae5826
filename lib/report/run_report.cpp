#include "report/run_report.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include "config/disclosure.h"
#include "report/logging.h"

namespace etl::report {

const char* ToString(TableStatus s) {
  switch (s) {
    case TableStatus::kOk:
      return "ok";
    case TableStatus::kEarlyTerminated:
      return "early_terminated";
    case TableStatus::kFailed:
      return "failed";
    case TableStatus::kSkipped:
      return "skipped";
    case TableStatus::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

bool RunReport::any_failed() const {
  for (const auto& t : tables) {
    if (t.status == TableStatus::kFailed) return true;
  }
  return false;
}

bool RunReport::any_skipped_for_lock() const {
  for (const auto& t : tables) {
    if (t.skipped_for_lock) return true;
  }
  return false;
}

std::string RunReport::status() const {
  return any_failed() || !error.empty() ? "failed" : "ok";
}

std::string NowIso8601() {
  const auto now = std::chrono::system_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(now)), ms);
}

std::string NewRunId() {
  std::random_device random;
  const auto now = std::chrono::system_clock::now();
  return fmt::format("{:%Y%m%dT%H%M%S}Z-{:08x}",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(now)), random());
}

double PeakRssMb() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

namespace {

using Json = nlohmann::ordered_json;  // keeps the documented field order

// Six significant digits, as the report has always printed its decimals (2.1, not 2.1000000001).
double Rounded(double v) {
  return std::stod(fmt::format("{:.6g}", v));
}

Json TableJson(const TableReport& t) {
  Json j;
  j["name"] = t.name;
  j["status"] = ToString(t.status);
  j["strategy"] = t.strategy;
  j["strategy_reason"] = t.strategy_reason;
  j["rows_read"] = t.rows_read;
  j["rows_written"] = t.rows_written;
  j["rows_rejected"] = t.rows_rejected;
  j["bytes"] = t.bytes;
  j["queries"] = t.queries;
  j["chunks"] = t.chunks;
  j["batches"] = t.batches;
  j["avg_chunk_efficiency"] = Rounded(t.avg_chunk_efficiency);
  j["sparse_detections"] = t.sparse_detections;
  j["queries_saved"] = t.queries_saved;
  j["watermark"] = nullptr;
  if (t.watermark) {
    // The watermark is JSON text we wrote (sink::JsonStringArray); anything else goes as a string.
    j["watermark"] = Json::parse(*t.watermark, nullptr, /*allow_exceptions=*/false);
    if (j["watermark"].is_discarded()) j["watermark"] = *t.watermark;
  }
  j["seconds"] = Rounded(t.seconds);
  j["rows_per_second"] = Rounded(t.rows_per_second());
  j["peak_rss_mb"] = Rounded(t.peak_rss_mb);
  j["retries"] = t.retries;
  if (!t.started_at.empty()) j["started_at"] = t.started_at;
  if (!t.target_variant.empty()) j["target_variant"] = t.target_variant;
  if (t.fingerprint) j["fingerprint"] = *t.fingerprint;
  if (!t.skip_reason.empty()) j["skip_reason"] = t.skip_reason;
  if (t.status == TableStatus::kFailed) j["error"] = t.error;
  if (t.phases) {
    j["phases"] = ToJson(PhaseTimes{Rounded(t.phases->read), Rounded(t.phases->process),
                                    Rounded(t.phases->write), Rounded(t.phases->total)});
  }
  return j;
}

// Every string of the report passes here: no registered secret reaches it (config/disclosure.h).
void RedactStrings(Json& j) {
  if (j.is_string()) {
    j = config::RedactSecrets(j.get_ref<const std::string&>());
  } else if (j.is_structured()) {
    for (auto& item : j)
      RedactStrings(item);
  }
}

}  // namespace

nlohmann::ordered_json ToJson(const PhaseTimes& p) {
  return {{"read", p.read}, {"process", p.process}, {"write", p.write}, {"total", p.total}};
}

std::string DumpJson(const nlohmann::ordered_json& j) {
  // Bytes that are not UTF-8 (a server message, a binary key) become U+FFFD: the report stays
  // valid JSON whatever the error text holds.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ToJson(const RunReport& report) {
  Json j;
  j["job"] = report.job;
  j["run_id"] = report.run_id;
  j["started_at"] = report.started_at;
  j["finished_at"] = report.finished_at;
  j["status"] = report.status();
  if (!report.error.empty()) j["error"] = report.error;
  if (!report.shard.empty()) j["shard"] = report.shard;
  j["tables"] = Json::array();
  for (const auto& t : report.tables)
    j["tables"].push_back(TableJson(t));
  RedactStrings(j);
  return DumpJson(j) + "\n";
}

std::string ToSummary(const RunReport& report) {
  std::string out;
  out += fmt::format("{:<24} {:<16} {:<10} {:>12} {:>9} {:>12}  {}\n", "table", "status",
                     "strategy", "rows", "seconds", "rows/s", "why");
  for (const auto& t : report.tables) {
    out +=
        fmt::format("{:<24} {:<16} {:<10} {:>12} {:>9.2f} {:>12.0f}  {}\n", t.name,
                    ToString(t.status), t.strategy, t.rows_written, t.seconds, t.rows_per_second(),
                    t.skip_reason.empty() ? t.strategy_reason : t.skip_reason);
    if (t.rows_rejected > 0) {
      out += fmt::format("{:<24} {} bad rows rejected\n", "", t.rows_rejected);
    }
    if (t.chunks > 0) {
      out += fmt::format(
          "{:<24} {} queries, {} chunks, {} write batches, avg chunk efficiency {:.1f}%, {} "
          "sparse detections, {} queries saved\n",
          "", t.queries, t.chunks, t.batches, t.avg_chunk_efficiency * 100, t.sparse_detections,
          t.queries_saved);
    }
    if (t.status == TableStatus::kEarlyTerminated && t.watermark) {
      out += fmt::format("{:<24} stopped early; resumes after {}\n", "", *t.watermark);
    }
    if (t.phases) {
      out += fmt::format(
          "{:<24} phases: read {:.2f}s, process {:.2f}s, write {:.2f}s, total {:.2f}s\n", "",
          t.phases->read, t.phases->process, t.phases->write, t.phases->total);
    }
    if (t.status == TableStatus::kFailed) out += fmt::format("{:<24} error: {}\n", "", t.error);
    if (!t.skip_reason.empty()) out += fmt::format("{:<24} skipped: {}\n", "", t.skip_reason);
  }
  if (!report.error.empty()) out += fmt::format("error: {}\n", report.error);
  out += fmt::format("job {}{}: {}\n", report.job,
                     report.shard.empty() ? "" : " shard " + report.shard, report.status());
  return config::RedactSecrets(out);
}

std::string WriteJsonFile(const RunReport& report, const std::string& path) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return fmt::format("cannot write report {}: cannot open {}", path, tmp);
    out << ToJson(report);
    if (!out.flush()) return fmt::format("cannot write report {}", path);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return fmt::format("cannot write report {}: {}", path, ec.message());
  return "";
}

}  // namespace etl::report
