#include "plan/rerun_policy.h"

#include <charconv>
#include <regex>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace etl::plan {

RerunDecision DecideRerun(const std::optional<LatestLoadFacts>& latest,
                          const std::string& window_text) {
  if (!latest) return {false, "no earlier load recorded: loading"};
  const bool succeeded = latest->status == "ok" || latest->status == "early_terminated";
  const std::string when = latest->finished_at.empty() ? "" : " at " + latest->finished_at;
  if (!succeeded) {
    return {false, fmt::format("the latest load (run {}{}) ended {}: loading", latest->run_id, when,
                               latest->status)};
  }
  if (!latest->after_cutoff) {
    return {false, fmt::format("the latest load (run {}{}) is older than the rerun window ({}): "
                               "loading",
                               latest->run_id, when, window_text)};
  }
  return {true, fmt::format("already loaded by run {}{} ({}); --rerun-failed-only skips it",
                            latest->run_id, when, latest->status)};
}

std::optional<std::string> RerunCutoff(const std::string& since,
                                       std::chrono::system_clock::time_point now,
                                       std::string& error) {
  static const std::regex duration(R"(^([0-9]+)([smhd])$)");
  static const std::regex timestamp(
      R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?)"
      R"((Z|[+-][0-9]{2}(:?[0-9]{2})?)?$)");
  std::smatch m;
  if (std::regex_match(since, m, duration)) {
    long long n = 0;
    const std::string digits = m[1].str();
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    const char unit = m[2].str()[0];
    const long long scale = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : 86400;
    if (ec != std::errc() || end != digits.data() + digits.size() || n > 3650LL * 86400 / scale) {
      error = fmt::format("--rerun-since {}: the duration is too long", since);
      return std::nullopt;
    }
    const auto cutoff = now - std::chrono::seconds(n * scale);
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z",
                       fmt::gmtime(std::chrono::system_clock::to_time_t(cutoff)));
  }
  if (std::regex_match(since, m, timestamp)) {
    return m[4].matched ? since : since + (m[1].matched ? "+00" : " 00:00:00+00");
  }
  error = fmt::format(
      "--rerun-since expects a duration (90m, 12h, 2d) or an ISO 8601 timestamp "
      "(2026-12-01T01:00:00Z), got '{}'",
      since);
  return std::nullopt;
}

}  // namespace etl::plan
