// `etl report` rendering from seeded history: the baseline and latest loads, speed-up and memory
// ratio, the trend window and its median, the slower flag, notes for what is missing, in the
// three formats with exact figures.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <simdjson.h>

#include "report/history_report.h"

using etl::report::Compare;
using etl::report::HistoryFormat;
using etl::report::HistoryOptions;
using etl::report::RenderHistory;
using etl::report::RunRecord;
using etl::report::Sparkline;

namespace {

RunRecord Load(const std::string& run, const std::string& table, const std::string& status,
               double seconds, std::int64_t rows, double rss, const std::string& strategy) {
  RunRecord r;
  r.run_id = run;
  r.job = "nightly";
  r.table_name = table;
  r.target_schema = "analytics";
  r.target_table = table;
  r.started_at = "2026-11-0" + run.substr(1) + "T02:00:00.000Z";
  r.finished_at = "2026-11-0" + run.substr(1) + "T02:10:00.000Z";
  r.status = status;
  r.strategy = strategy;
  r.rows_written = status == "ok" ? rows : 0;
  r.seconds = seconds;
  r.rows_per_second = seconds > 0 ? r.rows_written / seconds : 0;
  r.peak_rss_mb = rss;
  return r;
}

// orders: 5 loads, a failed run in between and a failed run after the latest load.
// events: 4 loads; the latest took twice the usual time.
std::vector<RunRecord> Seeded() {
  std::vector<RunRecord> rows = {
      Load("R1", "orders", "ok", 12.0, 1200000, 200, "copy_csv"),
      Load("R2", "orders", "ok", 10.0, 1200000, 190, "parallel"),
      Load("R3", "orders", "failed", 3.0, 0, 120, "parallel"),
      Load("R4", "orders", "ok", 8.0, 1200000, 180, "parallel"),
      Load("R5", "orders", "ok", 6.0, 1200000, 160, "parallel"),
      Load("R6", "orders", "ok", 9.0, 1200000, 150, "parallel"),
      Load("R7", "orders", "failed", 1.0, 0, 100, "parallel"),
      Load("R6", "events", "ok", 4.0, 1000, 55, "standard"),  // out of order on purpose
      Load("R1", "events", "ok", 2.0, 1000, 50, "standard"),
      Load("R2", "events", "ok", 2.2, 1000, 50, "standard"),
      Load("R4", "events", "ok", 2.0, 1000, 52, "standard"),
  };
  rows[6].error = "lost connection to MySQL\nDETAIL: server closed the connection";
  return rows;
}

HistoryOptions Options(const std::string& baseline = "first", int last = 4) {
  HistoryOptions o;
  o.job = "nightly";
  o.schema = "analytics";
  o.tables = {"orders", "events", "customers"};
  o.baseline = baseline;
  o.last = last;
  return o;
}

}  // namespace

TEST_CASE("Compare: baseline first, latest load, speed-up, memory, trend and median") {
  const auto tables = Compare(Seeded(), Options());
  REQUIRE(tables.size() == 3);
  const auto& orders = tables[0];
  REQUIRE(orders.baseline);
  REQUIRE(orders.latest);
  CHECK(orders.baseline->run_id == "R1");
  CHECK(orders.latest->run_id == "R6");  // the failed R7 is not a load
  REQUIRE(orders.newer_other);
  CHECK(orders.newer_other->run_id == "R7");
  // 1.2M rows in 9 s vs 12 s: 133333.3 / 100000 rows/s.
  CHECK(*orders.speedup == Approx(4.0 / 3.0));
  CHECK(*orders.memory_ratio == Approx(0.75));
  std::vector<std::string> trend;
  for (const auto& r : orders.trend)
    trend.push_back(r.run_id);
  CHECK(trend == std::vector<std::string>{"R2", "R4", "R5", "R6"});
  CHECK(*orders.median_seconds == Approx(8.0));  // of 10, 8, 6
  CHECK_FALSE(orders.slower);                    // 9 < 1.5 x 8

  const auto& events = tables[1];
  CHECK(*events.median_seconds == Approx(2.0));  // of 2.0, 2.2, 2.0
  CHECK(events.slower);                          // 4.0 >= 3.0
  CHECK(*events.speedup == Approx(0.5));
  CHECK(*events.memory_ratio == Approx(1.1));

  CHECK_FALSE(tables[2].latest);
  CHECK(tables[2].note == "no runs recorded");
}

TEST_CASE("Compare: a baseline run id, and one the table failed in or never ran in") {
  const auto by_r4 = Compare(Seeded(), Options("R4"));
  CHECK(by_r4[0].baseline->run_id == "R4");
  CHECK(*by_r4[0].speedup == Approx((1200000 / 9.0) / 150000.0));
  CHECK(*by_r4[0].memory_ratio == Approx(150.0 / 180.0));
  const auto by_r3 = Compare(Seeded(), Options("R3"));
  CHECK_FALSE(by_r3[0].baseline);
  CHECK_FALSE(by_r3[0].speedup);
  CHECK(by_r3[0].note == "in run R3 this table was failed");
  CHECK(by_r3[1].note == "run R3 has no row for this table");
  CHECK(by_r3[1].latest->run_id == "R6");  // the latest side stays
}

TEST_CASE("Compare: too few earlier loads are never flagged") {
  const auto t = Compare(Seeded(), Options("first", 1));
  CHECK(t[1].trend.size() == 1);
  CHECK_FALSE(t[1].median_seconds);
  CHECK_FALSE(t[1].slower);
  // events' last three loads: 2.2, 2.0, then 4.0: twice the median of two, but two are too few.
  const auto three = Compare(Seeded(), Options("first", 3));
  CHECK(*three[1].median_seconds == Approx(2.1));
  CHECK_FALSE(three[1].slower);
}

TEST_CASE("Sparkline scales from the smallest to the largest value") {
  CHECK(Sparkline({10, 8, 6, 9}) == "█▅▁▆");
  CHECK(Sparkline({2.0, 2.2, 2.0, 4.0}) == "▁▂▁█");
  CHECK(Sparkline({1, 2, 3, 4, 5, 6, 7, 8}) == "▁▂▃▄▅▆▇█");
  CHECK(Sparkline({5, 5}) == "▄▄");
  CHECK(Sparkline({}).empty());
}

TEST_CASE("text: baseline and latest side by side, ratios, sparkline, flag and notes") {
  const auto o = Options();
  const std::string text = RenderHistory(Compare(Seeded(), o), o, HistoryFormat::kText);
  CHECK(text ==
        "job nightly: baseline each table's first load, latest load, trend of the last 4 loads\n"
        "\n"
        "orders (analytics.orders)\n"
        "            run                          seconds       rows/s  peak RSS MB  strategy\n"
        "  baseline  R1                             12.00       100000        200.0  copy_csv\n"
        "  latest    R6                              9.00       133333        150.0  parallel\n"
        "  speed-up 1.33x  memory 0.75x  trend █▅▁▆ (4 loads, 6.00..10.00 s)  median 8.00 s\n"
        "  newer run R7 failed: lost connection to MySQL\n"
        "\n"
        "events (analytics.events)\n"
        "            run                          seconds       rows/s  peak RSS MB  strategy\n"
        "  baseline  R1                              2.00          500         50.0  standard\n"
        "  latest    R6                              4.00          250         55.0  standard\n"
        "  speed-up 0.50x  memory 1.10x  trend ▁▂▁█ (4 loads, 2.00..4.00 s)  median 2.00 s\n"
        "  SLOWER: latest run took 4.00 s, 2.00x the median 2.00 s of the 3 loads before\n"
        "\n"
        "customers\n"
        "  no runs recorded\n");
}

TEST_CASE("markdown: one comparison table, then a trend table per table") {
  const auto o = Options();
  const std::string md = RenderHistory(Compare(Seeded(), o), o, HistoryFormat::kMarkdown);
  CHECK(md.rfind("## etl report: nightly\n\nBaseline: each table's first load. Trend: the last 4 "
                 "loads.\n\n",
                 0) == 0);
  CHECK(md.find("| orders | R1 | R6 | 12.00 → 9.00 | 100000 → 133333 | 200.0 → 150.0 | "
                "copy_csv → parallel | 1.33x | 0.75x | █▅▁▆ |\n") != std::string::npos);
  CHECK(md.find("| events ⚠ slower | R1 | R6 | 2.00 → 4.00 | 500 → 250 | 50.0 → 55.0 | standard "
                "| 0.50x | 1.10x | ▁▂▁█ |\n") != std::string::npos);
  CHECK(md.find("| customers | | | | | | | | | no runs recorded |\n") != std::string::npos);
  CHECK(md.find("### orders\n\nnewer run R7 failed: lost connection to MySQL.\n\n"
                "| run | finished | status | seconds | rows | rows/s | peak RSS MB | strategy |\n"
                "|---|---|---|--:|--:|--:|--:|---|\n"
                "| R2 | 2026-11-02T02:10:00.000Z | ok | 10.00 | 1200000 | 120000 | 190.0 | "
                "parallel |\n") != std::string::npos);
  CHECK(md.find("### events\n\n**Slower:** latest run took 4.00 s, 2.00x the median 2.00 s of the "
                "3 loads before.\n\n") != std::string::npos);
  // Every table row has the header's 10 columns.
  std::size_t pos = md.find("| orders |");
  const std::string row = md.substr(pos, md.find('\n', pos) - pos);
  CHECK(std::count(row.begin(), row.end(), '|') == 11);
}

TEST_CASE("json: the same figures, machine-readable") {
  const auto o = Options();
  const std::string json = RenderHistory(Compare(Seeded(), o), o, HistoryFormat::kJson);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(json).get(doc) == simdjson::SUCCESS);
  CHECK(std::string_view(doc["baseline"]) == "first");
  CHECK(int64_t(doc["last"]) == 4);
  simdjson::dom::array tables = doc["tables"];
  REQUIRE(tables.size() == 3);
  simdjson::dom::element orders = tables.at(0);
  CHECK(std::string_view(orders["baseline"]["run_id"]) == "R1");
  CHECK(std::string_view(orders["latest"]["run_id"]) == "R6");
  CHECK(double(orders["speedup"]) == Approx(4.0 / 3.0));
  CHECK(double(orders["memory_ratio"]) == Approx(0.75));
  CHECK(double(orders["median_seconds"]) == Approx(8.0));
  CHECK(bool(orders["slower_than_median"]) == false);
  CHECK(simdjson::dom::array(orders["trend"]).size() == 4);
  CHECK(std::string_view(orders["newer_run"]["status"]) == "failed");
  CHECK(bool(tables.at(1)["slower_than_median"]) == true);
  CHECK(tables.at(2)["latest"].is_null());
  CHECK(std::string_view(tables.at(2)["note"]) == "no runs recorded");
}
