// The progress display: exact line formats, parts folded into one line, percent and ETA only with
// an estimate, and the live block drawn, redrawn in place, printed above, and erased on Stop.
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "report/logging.h"
#include "report/progress.h"

using etl::report::FormatDuration;
using etl::report::FormatLiveLine;
using etl::report::FormatPlainLine;
using etl::report::GroupDigits;
using etl::report::Progress;
using etl::report::ProgressSample;

namespace {

ProgressSample Sample() {
  ProgressSample s;
  s.table = "orders";
  s.strategy = "parallel";
  s.parts = 4;
  s.rows = 135000;
  s.estimated_rows = 300000;
  s.elapsed_s = 2.0;
  return s;
}

std::string Contents(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, f))
    out.append(buf, n);
  return out;
}

}  // namespace

TEST_CASE("progress formats: durations, digit groups") {
  CHECK(FormatDuration(0) == "0:00");
  CHECK(FormatDuration(7.4) == "0:07");
  CHECK(FormatDuration(725) == "12:05");
  CHECK(FormatDuration(3723) == "1:02:03");
  CHECK(GroupDigits(0) == "0");
  CHECK(GroupDigits(999) == "999");
  CHECK(GroupDigits(1234567) == "1,234,567");
  CHECK(GroupDigits(-1000) == "-1,000");
}

TEST_CASE("the live line: bar, percent, rows, rate, elapsed, ETA, strategy with its parts") {
  // 135000 rows in 2 s: 67500 rows/s; 165000 to go: 2.4 s.
  CHECK(FormatLiveLine(Sample(), 200) ==
        "orders           [=========>          ]  45%  135,000/300,000 rows  67,500 rows/s  "
        "elapsed 0:02  ETA 0:02  parallel x4");
  ProgressSample s = Sample();
  s.rows = 400000;  // the estimate was low: no 100% and no negative ETA before it is done
  s.parts = 1;
  CHECK(FormatLiveLine(s, 200) ==
        "orders           [===================>]  99%  400,000/300,000 rows  200,000 rows/s  "
        "elapsed 0:02  ETA 0:00  parallel");
  s.rows = 0;
  CHECK(FormatLiveLine(s, 200).find("[>                   ]   0%  0/300,000 rows  0 rows/s  "
                                    "elapsed 0:02  ETA --:--") != std::string::npos);
  s.estimated_rows.reset();  // incremental: no estimate, no percent, no ETA
  s.rows = 5000;
  CHECK(FormatLiveLine(s, 200) ==
        "orders           5,000 rows  2,500 rows/s  elapsed 0:02  parallel");
  CHECK(FormatLiveLine(Sample(), 30) == "orders           [=========>  ");  // never wider
}

TEST_CASE("the plain line") {
  CHECK(FormatPlainLine(Sample()) ==
        "orders: 135000 rows written (67500 rows/s), 45% of ~300000, elapsed 0:02, ETA 0:02, "
        "parallel x4");
  ProgressSample s = Sample();
  s.estimated_rows.reset();
  s.parts = 1;
  CHECK(FormatPlainLine(s) == "orders: 135000 rows written (67500 rows/s), elapsed 0:02, parallel");
}

TEST_CASE("live mode: one line per active table, parts folded, redrawn in place, erased on Stop") {
  std::FILE* out = std::tmpfile();
  REQUIRE(out != nullptr);
  {
    Progress p(Progress::Options{Progress::Mode::kLive, out, 3600, 2, 200});
    p.Begin("orders", "parallel", 1000);
    p.Begin("events", "copy_csv", std::nullopt);
    p.Update("orders", 0, 100);
    p.Update("orders", 1, 150);
    p.Update("nobody", 0, 5);  // ignored
    p.PrintAbove("a log line\n");
    std::string text = Contents(out);
    // The log line erased the two-line block, then the block came back below it.
    const auto log = text.find("\x1b[2F\x1b[Ja log line\n");
    REQUIRE(log != std::string::npos);
    const std::string after = text.substr(log);
    CHECK(after.find("orders           [=====>              ]  25%  250/1,000 rows") !=
          std::string::npos);
    CHECK(after.find("parallel x2\x1b[K\n") != std::string::npos);
    CHECK(after.find("events           0 rows") != std::string::npos);

    etl::report::TableReport done;
    done.name = "orders";
    done.status = etl::report::TableStatus::kOk;
    done.strategy = "parallel";
    done.rows_written = 1000;
    done.seconds = 2;
    p.Finish(done);
    text = Contents(out);
    const auto finished = text.find("ok orders: 1,000 rows in 2.0 s (500 rows/s), parallel\n");
    REQUIRE(finished != std::string::npos);
    // Only events is left in the block after that.
    CHECK(text.find("orders           [", finished) == std::string::npos);
    CHECK(text.find("events           0 rows", finished) != std::string::npos);
    p.Stop();
    text = Contents(out);
    CHECK(text.size() >= 7);
    CHECK(text.substr(text.size() - 7) == "\x1b[1F\x1b[J");  // the block erased
  }
  std::fclose(out);
}

TEST_CASE("plain mode logs a line per active table each period, no control codes") {
  std::FILE* out = std::tmpfile();
  REQUIRE(out != nullptr);
  REQUIRE(etl::report::ConfigureLogging("info", "text"));
  std::mutex mu;
  std::vector<std::string> logged;
  etl::report::SetLogWriter([&](std::string_view line) {
    std::lock_guard lock(mu);
    logged.emplace_back(line);
  });
  {
    Progress p(Progress::Options{Progress::Mode::kPlain, out, 0.25, 0.1, 0});
    p.Begin("orders", "standard", 10);
    p.Update("orders", 0, 5);
    std::this_thread::sleep_for(std::chrono::milliseconds(350));
  }
  etl::report::SetLogWriter({});
  CHECK(Contents(out).empty());
  std::lock_guard lock(mu);
  REQUIRE(logged.size() >= 2);
  CHECK(logged[0].find(" info  orders: 5 rows written (") != std::string::npos);
  CHECK(logged[0].find("), 50% of ~10, elapsed 0:00, ETA 0:00, standard\n") != std::string::npos);
  std::fclose(out);
}
