#pragma once
// Progress you can watch while `etl run` works, on stderr (stdout keeps only the summary).
//
//   live   (stderr is a terminal): one line per active table, parallel parts folded in, redrawn
//          in place a few times a second:
//            orders   [=========>          ]  45%  135,000/300,000 rows  61,234 rows/s
//                     elapsed 0:02  ETA 0:03  parallel x4
//          (one line; percent and ETA only when the rows are estimated). A finished table leaves
//          a line above the block ("ok orders: 300,000 rows in 4.9 s ..."). Log lines are
//          printed above the block too (InstallAsLogWriter), so they never tear it.
//   plain  (not a terminal, or JSON logs): every 2 s of each table's load one info log line
//          ("orders: 135000 rows written (61234 rows/s), 45% of ~300000, elapsed 0:02, ETA
//          0:03, parallel x4").
//
// The pipeline feeds it: Begin when a table's plan is known, Update with the rows each part has
// written so far (the pump's ProgressCallback), Finish with the table's report. Every method is
// thread-safe (parts report from their own threads); a table name unknown to Update is ignored.
// Stop (or the destructor) ends the redraw thread and erases the live block; call it before the
// summary is printed.

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "report/run_report.h"
#include "report/stopwatch.h"

namespace etl::report {

// What one table's progress line shows.
struct ProgressSample {
  std::string table;
  std::string strategy;
  std::size_t parts = 1;  // parts that reported so far
  std::int64_t rows = 0;  // written so far, all parts
  std::optional<std::int64_t> estimated_rows;
  double elapsed_s = 0;
};

// The live line, cut to `width` columns (the terminal's; no wrap, so redrawing in place works).
std::string FormatLiveLine(const ProgressSample& s, std::size_t width);
// The plain (log) line.
std::string FormatPlainLine(const ProgressSample& s);
// "0:07", "12:05", "1:02:03".
std::string FormatDuration(double seconds);
// 1234567 -> "1,234,567".
std::string GroupDigits(std::int64_t n);

class Progress {
 public:
  enum class Mode { kLive, kPlain };
  struct Options {
    Mode mode = Mode::kPlain;
    std::FILE* out = stderr;   // live mode draws here
    double redraw_s = 0.25;    // live redraw period
    double plain_every_s = 2;  // plain line period
    std::size_t width = 0;     // 0: the terminal's width (TIOCGWINSZ), else 100
  };

  explicit Progress(const Options& options);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Begin(const std::string& table, const std::string& strategy,
             std::optional<std::int64_t> estimated_rows);
  void Update(const std::string& table, std::size_t part, std::int64_t part_rows);
  void Finish(const TableReport& table);
  // Live mode: routes log lines through PrintAbove until Stop.
  void InstallAsLogWriter();
  // Writes `text` (whole lines) above the live block; plain mode: straight to `out`.
  void PrintAbove(std::string_view text);
  void Stop();

 private:
  struct Table {
    std::string strategy;
    std::optional<std::int64_t> estimated_rows;
    std::map<std::size_t, std::int64_t> part_rows;
    Stopwatch watch;
    double plain_logged_at = 0;  // plain mode: the table's elapsed seconds at its last line
  };

  ProgressSample SampleOf(const std::string& name, const Table& t) const;
  void Loop();
  void RedrawLocked();  // REQUIRES: mu_ held, live mode
  void EraseLocked();   // REQUIRES: mu_ held, live mode
  std::size_t Width() const;

  Options options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool log_writer_ = false;
  std::vector<std::string> order_;  // active tables, in Begin order
  std::map<std::string, Table> tables_;
  std::size_t drawn_lines_ = 0;
  std::thread thread_;
};

}  // namespace etl::report
