#include "report/run_report.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/chrono.h>
#include <fmt/format.h>
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

// Every string of the report passes here: no registered secret reaches it (config/disclosure.h).
std::string Quote(std::string_view s) {
  return "\"" + JsonEscape(config::RedactSecrets(s)) + "\"";
}

std::string Number(double v) {
  return fmt::format("{:.6g}", v);
}

}  // namespace

std::string ToJson(const RunReport& report) {
  std::string out = "{";
  out += fmt::format("\"job\":{},\"run_id\":{},\"started_at\":{},\"finished_at\":{},\"status\":{},",
                     Quote(report.job), Quote(report.run_id), Quote(report.started_at),
                     Quote(report.finished_at), Quote(report.status()));
  if (!report.error.empty()) out += "\"error\":" + Quote(report.error) + ",";
  out += "\"tables\":[";
  bool first = true;
  for (const auto& t : report.tables) {
    if (!first) out += ",";
    first = false;
    out += "{";
    out += fmt::format("\"name\":{},\"status\":{},\"strategy\":{},\"strategy_reason\":{},",
                       Quote(t.name), Quote(ToString(t.status)), Quote(t.strategy),
                       Quote(t.strategy_reason));
    out += fmt::format(
        "\"rows_read\":{},\"rows_written\":{},\"rows_rejected\":{},\"bytes\":{},\"queries\":{},"
        "\"chunks\":{},\"batches\":{},\"avg_chunk_efficiency\":{},\"sparse_detections\":{},"
        "\"queries_saved\":{},",
        t.rows_read, t.rows_written, t.rows_rejected, t.bytes, t.queries, t.chunks, t.batches,
        Number(t.avg_chunk_efficiency), t.sparse_detections, t.queries_saved);
    out += fmt::format("\"watermark\":{},\"seconds\":{},\"rows_per_second\":{},\"peak_rss_mb\":{}",
                       t.watermark ? *t.watermark : "null", Number(t.seconds),
                       Number(t.rows_per_second()), Number(t.peak_rss_mb));
    if (t.status == TableStatus::kFailed) out += fmt::format(",\"error\":{}", Quote(t.error));
    if (t.phases) {
      out += fmt::format(",\"phases\":{{\"read\":{},\"process\":{},\"write\":{},\"total\":{}}}",
                         Number(t.phases->read), Number(t.phases->process), Number(t.phases->write),
                         Number(t.phases->total));
    }
    out += "}";
  }
  out += "]}\n";
  return out;
}

std::string ToSummary(const RunReport& report) {
  std::string out;
  out += fmt::format("{:<24} {:<16} {:<10} {:>12} {:>9} {:>12}  {}\n", "table", "status",
                     "strategy", "rows", "seconds", "rows/s", "why");
  for (const auto& t : report.tables) {
    out += fmt::format("{:<24} {:<16} {:<10} {:>12} {:>9.2f} {:>12.0f}  {}\n", t.name,
                       ToString(t.status), t.strategy, t.rows_written, t.seconds,
                       t.rows_per_second(), t.strategy_reason);
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
  }
  if (!report.error.empty()) out += fmt::format("error: {}\n", report.error);
  out += fmt::format("job {}: {}\n", report.job, report.status());
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
