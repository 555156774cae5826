#include "report/progress.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "report/logging.h"

namespace etl::report {
namespace {

constexpr std::size_t kBarWidth = 20;
constexpr std::size_t kDefaultWidth = 100;

double Rate(const ProgressSample& s) {
  return s.elapsed_s > 0 ? s.rows / s.elapsed_s : 0;
}

// Estimated rows still to come, when there is an estimate to go by.
std::optional<double> Eta(const ProgressSample& s) {
  if (!s.estimated_rows || *s.estimated_rows <= 0 || s.rows <= 0) return std::nullopt;
  const double left = static_cast<double>(std::max<std::int64_t>(0, *s.estimated_rows - s.rows));
  return left / Rate(s);
}

// Below 100% until Finish: the estimate may be low, the table is not done.
int Percent(const ProgressSample& s) {
  return static_cast<int>(std::min<double>(99, std::floor(100.0 * static_cast<double>(s.rows) /
                                                          static_cast<double>(*s.estimated_rows))));
}

std::string StrategyText(const ProgressSample& s) {
  return s.parts > 1 ? fmt::format("{} x{}", s.strategy, s.parts) : s.strategy;
}

// Cuts UTF-8 text to `width` code points (the lines are ASCII but table names may not be).
std::string Cut(const std::string& text, std::size_t width) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (points++ == width) return text.substr(0, i);
  }
  return text;
}

const char* Mark(TableStatus s) {
  switch (s) {
    case TableStatus::kOk:
      return "ok";
    case TableStatus::kEarlyTerminated:
      return "ok (early stop)";
    case TableStatus::kFailed:
      return "FAILED";
    case TableStatus::kSkipped:
      return "skipped";
    case TableStatus::kCancelled:
      return "cancelled";
  }
  return "";
}

}  // namespace

std::string FormatDuration(double seconds) {
  const auto total = static_cast<std::int64_t>(std::max(0.0, seconds) + 0.5);
  const std::int64_t h = total / 3600;
  const std::int64_t m = total / 60 % 60;
  const std::int64_t sec = total % 60;
  return h > 0 ? fmt::format("{}:{:02d}:{:02d}", h, m, sec) : fmt::format("{}:{:02d}", m, sec);
}

std::string GroupDigits(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string FormatLiveLine(const ProgressSample& s, std::size_t width) {
  std::string line = fmt::format("{:<16} ", s.table);
  const auto rate = static_cast<std::int64_t>(Rate(s));
  if (s.estimated_rows && *s.estimated_rows > 0) {
    const int pct = Percent(s);
    const std::size_t filled = kBarWidth * static_cast<std::size_t>(pct) / 100;
    std::string bar(filled, '=');
    if (filled < kBarWidth) bar += '>';
    bar.resize(kBarWidth, ' ');
    const auto eta = Eta(s);
    line += fmt::format("[{}] {:>3}%  {}/{} rows  {} rows/s  elapsed {}  ETA {}  {}", bar, pct,
                        GroupDigits(s.rows), GroupDigits(*s.estimated_rows), GroupDigits(rate),
                        FormatDuration(s.elapsed_s), eta ? FormatDuration(*eta) : "--:--",
                        StrategyText(s));
  } else {
    line += fmt::format("{} rows  {} rows/s  elapsed {}  {}", GroupDigits(s.rows),
                        GroupDigits(rate), FormatDuration(s.elapsed_s), StrategyText(s));
  }
  return Cut(line, width);
}

std::string FormatPlainLine(const ProgressSample& s) {
  std::string line = fmt::format("{}: {} rows written ({:.0f} rows/s)", s.table, s.rows, Rate(s));
  if (s.estimated_rows && *s.estimated_rows > 0) {
    const auto eta = Eta(s);
    line += fmt::format(", {}% of ~{}, elapsed {}, ETA {}", Percent(s), *s.estimated_rows,
                        FormatDuration(s.elapsed_s), eta ? FormatDuration(*eta) : "--:--");
  } else {
    line += fmt::format(", elapsed {}", FormatDuration(s.elapsed_s));
  }
  return line + ", " + StrategyText(s);
}

Progress::Progress(const Options& options) : options_(options) {
  thread_ = std::thread([this] { Loop(); });
}

Progress::~Progress() {
  Stop();
}

void Progress::InstallAsLogWriter() {
  if (options_.mode != Mode::kLive) return;
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    log_writer_ = true;
  }
  SetLogWriter([this](std::string_view line) { PrintAbove(line); });
}

void Progress::Begin(const std::string& table, const std::string& strategy,
                     std::optional<std::int64_t> estimated_rows) {
  std::lock_guard lock(mu_);
  if (tables_.count(table) == 0) order_.push_back(table);
  Table& t = tables_[table];
  t.strategy = strategy;
  t.estimated_rows = estimated_rows;
  t.part_rows.clear();
  t.plain_logged_at = 0;
  t.watch.Restart();
  if (options_.mode == Mode::kLive && !stop_) RedrawLocked();
}

void Progress::Update(const std::string& table, std::size_t part, std::int64_t part_rows) {
  std::lock_guard lock(mu_);
  const auto it = tables_.find(table);
  if (it == tables_.end()) return;
  it->second.part_rows[part] = part_rows;
}

void Progress::Finish(const TableReport& table) {
  std::string line;
  {
    std::lock_guard lock(mu_);
    tables_.erase(table.name);
    order_.erase(std::remove(order_.begin(), order_.end(), table.name), order_.end());
    if (options_.mode != Mode::kLive || stop_) return;
    line = fmt::format("{} {}: {} rows in {:.1f} s ({} rows/s)", Mark(table.status), table.name,
                       GroupDigits(table.rows_written), table.seconds,
                       GroupDigits(static_cast<std::int64_t>(table.rows_per_second())));
    if (!table.strategy.empty()) line += ", " + table.strategy;
    if (!table.skip_reason.empty()) line += ", " + table.skip_reason;
  }
  PrintAbove(Cut(line, Width()) + "\n");
}

void Progress::PrintAbove(std::string_view text) {
  std::lock_guard lock(mu_);
  if (options_.mode == Mode::kLive && !stop_) EraseLocked();
  std::fwrite(text.data(), 1, text.size(), options_.out);
  if (options_.mode == Mode::kLive && !stop_) RedrawLocked();
  std::fflush(options_.out);
}

void Progress::Stop() {
  bool restore_logs = false;
  {
    std::lock_guard lock(mu_);
    if (stop_ && !thread_.joinable()) return;
    stop_ = true;
    restore_logs = log_writer_;
    log_writer_ = false;
  }
  // Not under mu_: a log line in flight holds the logger's lock and waits for mu_.
  if (restore_logs) SetLogWriter({});
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  if (options_.mode == Mode::kLive) {
    EraseLocked();
    std::fflush(options_.out);
  }
}

ProgressSample Progress::SampleOf(const std::string& name, const Table& t) const {
  ProgressSample s;
  s.table = name;
  s.strategy = t.strategy;
  s.estimated_rows = t.estimated_rows;
  s.parts = std::max<std::size_t>(1, t.part_rows.size());
  for (const auto& [part, rows] : t.part_rows)
    s.rows += rows;
  s.elapsed_s = t.watch.Seconds();
  return s;
}

std::size_t Progress::Width() const {
  if (options_.width > 0) return options_.width;
  struct winsize ws {};
  if (::ioctl(::fileno(options_.out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    return ws.ws_col - 1;  // never the last column: some terminals wrap there
  }
  return kDefaultWidth;
}

void Progress::EraseLocked() {
  if (drawn_lines_ == 0) return;
  // To the first line of the block, then clear to the end of the screen.
  std::fprintf(options_.out, "\x1b[%zuF\x1b[J", drawn_lines_);
  drawn_lines_ = 0;
}

void Progress::RedrawLocked() {
  if (drawn_lines_ == 0 && order_.empty()) return;
  std::string frame;
  if (drawn_lines_ > 0) frame += fmt::format("\x1b[{}F", drawn_lines_);
  const std::size_t width = Width();
  for (const auto& name : order_) {
    frame += FormatLiveLine(SampleOf(name, tables_.at(name)), width) + "\x1b[K\n";
  }
  frame += "\x1b[J";  // a table that finished leaves fewer lines than before
  drawn_lines_ = order_.size();
  std::fwrite(frame.data(), 1, frame.size(), options_.out);
  std::fflush(options_.out);
}

void Progress::Loop() {
  // Plain mode ticks often too, so each table gets its line every plain_every_s of its own.
  const double period = options_.mode == Mode::kLive
                            ? options_.redraw_s
                            : std::clamp(options_.plain_every_s / 4, 0.05, 0.25);
  std::unique_lock lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, std::chrono::duration<double>(period), [this] { return stop_; });
    if (stop_) break;
    if (options_.mode == Mode::kLive) {
      RedrawLocked();
      continue;
    }
    std::vector<std::string> lines;
    for (const auto& name : order_) {
      Table& t = tables_.at(name);
      const double elapsed = t.watch.Seconds();
      if (elapsed - t.plain_logged_at < options_.plain_every_s) continue;
      t.plain_logged_at = elapsed;
      lines.push_back(FormatPlainLine(SampleOf(name, t)));
    }
    lock.unlock();  // logging takes the logger's lock: never while holding ours
    for (const auto& l : lines)
      spdlog::info("{}", l);
    lock.lock();
  }
}

}  // namespace etl::report
