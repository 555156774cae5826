#include "report/history_report.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace etl::report {
namespace {

using Json = nlohmann::ordered_json;

bool IsLoad(const RunRecord& r) {
  return r.status == "ok" || r.status == "early_terminated";
}

// History order: by start, then run id (ids sort by start time too).
bool Older(const RunRecord& a, const RunRecord& b) {
  return std::tie(a.started_at, a.run_id) < std::tie(b.started_at, b.run_id);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string FirstLine(const std::string& s) {
  return s.substr(0, s.find('\n'));
}

TableComparison CompareTable(const std::string& table, std::vector<RunRecord> rows,
                             const HistoryOptions& options) {
  TableComparison c;
  c.table = table;
  std::sort(rows.begin(), rows.end(), Older);
  std::vector<const RunRecord*> loads;
  for (const auto& r : rows) {
    if (IsLoad(r)) loads.push_back(&r);
  }
  if (!rows.empty()) c.target = rows.back().target_schema + "." + rows.back().target_table;
  if (loads.empty()) {
    c.note = rows.empty() ? "no runs recorded" : "no successful load recorded";
    if (!rows.empty()) c.newer_other = rows.back();
    return c;
  }
  c.latest = *loads.back();
  if (!IsLoad(rows.back())) c.newer_other = rows.back();

  if (options.baseline == "first") {
    c.baseline = *loads.front();
  } else {
    const auto it = std::find_if(rows.begin(), rows.end(),
                                 [&](const RunRecord& r) { return r.run_id == options.baseline; });
    if (it == rows.end()) {
      c.note = fmt::format("run {} has no row for this table", options.baseline);
    } else if (!IsLoad(*it)) {
      c.note = fmt::format("in run {} this table was {}", options.baseline, it->status);
    } else {
      c.baseline = *it;
    }
  }

  const std::size_t n = std::min<std::size_t>(loads.size(), std::max(1, options.last));
  for (std::size_t i = loads.size() - n; i < loads.size(); ++i)
    c.trend.push_back(*loads[i]);
  if (c.trend.size() >= 2) {
    std::vector<double> earlier;
    for (std::size_t i = 0; i + 1 < c.trend.size(); ++i)
      earlier.push_back(c.trend[i].seconds);
    c.median_seconds = Median(earlier);
    c.slower = earlier.size() >= kMinLoadsForFlag && *c.median_seconds > 0 &&
               c.latest->seconds >= kSlowerFactor * *c.median_seconds;
  }

  if (c.baseline) {
    const RunRecord& b = *c.baseline;
    const RunRecord& l = *c.latest;
    if (b.rows_written > 0 && l.rows_written > 0 && b.rows_per_second > 0) {
      c.speedup = l.rows_per_second / b.rows_per_second;
    } else if (b.seconds > 0 && l.seconds > 0) {
      c.speedup = b.seconds / l.seconds;
    }
    if (b.peak_rss_mb > 0) c.memory_ratio = l.peak_rss_mb / b.peak_rss_mb;
  }
  return c;
}

std::string Ratio(const std::optional<double>& v) {
  return v ? fmt::format("{:.2f}x", *v) : "-";
}

std::string Seconds(double s) {
  return fmt::format("{:.2f}", s);
}

std::string Rate(double r) {
  return fmt::format("{:.0f}", r);
}

std::string Rss(double mb) {
  return fmt::format("{:.1f}", mb);
}

std::vector<double> TrendSeconds(const TableComparison& c) {
  std::vector<double> v;
  for (const auto& r : c.trend)
    v.push_back(r.seconds);
  return v;
}

std::string SlowerText(const TableComparison& c) {
  return fmt::format("latest run took {:.2f} s, {:.2f}x the median {:.2f} s of the {} loads before",
                     c.latest->seconds, c.latest->seconds / *c.median_seconds, *c.median_seconds,
                     c.trend.size() - 1);  // >= kMinLoadsForFlag, so always plural
}

std::string NewerText(const RunRecord& r) {
  std::string s = fmt::format("newer run {} {}", r.run_id, r.status);
  if (!r.error.empty()) s += ": " + FirstLine(r.error);
  if (r.status == "skipped" && !r.strategy_reason.empty()) s += ": " + r.strategy_reason;
  return s;
}

std::string BaselineName(const HistoryOptions& o) {
  return o.baseline == "first" ? "each table's first load" : "run " + o.baseline;
}

// ---- text ----

std::string RenderText(const std::vector<TableComparison>& tables, const HistoryOptions& o) {
  std::string out = fmt::format("job {}: baseline {}, latest load, trend of the last {} loads\n",
                                o.job, BaselineName(o), o.last);
  for (const auto& c : tables) {
    out += fmt::format("\n{}{}\n", c.table, c.target.empty() ? "" : " (" + c.target + ")");
    if (c.latest) {
      out += fmt::format("  {:<9} {:<26} {:>9} {:>12} {:>12}  {}\n", "", "run", "seconds", "rows/s",
                         "peak RSS MB", "strategy");
      const auto line = [&](const char* what, const RunRecord& r) {
        out += fmt::format("  {:<9} {:<26} {:>9} {:>12} {:>12}  {}\n", what, r.run_id,
                           Seconds(r.seconds), Rate(r.rows_per_second), Rss(r.peak_rss_mb),
                           r.strategy);
      };
      if (c.baseline) line("baseline", *c.baseline);
      line("latest", *c.latest);
      const std::vector<double> trend = TrendSeconds(c);
      const auto [lo, hi] = std::minmax_element(trend.begin(), trend.end());
      out += fmt::format("  speed-up {}  memory {}  trend {} ({} loads, {}..{} s)",
                         Ratio(c.speedup), Ratio(c.memory_ratio), Sparkline(trend), trend.size(),
                         Seconds(*lo), Seconds(*hi));
      if (c.median_seconds) out += fmt::format("  median {} s", Seconds(*c.median_seconds));
      out += "\n";
      if (c.slower) out += "  SLOWER: " + SlowerText(c) + "\n";
    }
    if (!c.note.empty()) out += "  " + c.note + "\n";
    if (c.newer_other) out += "  " + NewerText(*c.newer_other) + "\n";
  }
  return out;
}

// ---- markdown ----

// Markdown table cells: a | would end the cell, a newline the row.
std::string Cell(std::string s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|') {
      out += "\\|";
    } else if (ch == '\n') {
      out += ' ';
    } else {
      out += ch;
    }
  }
  return out;
}

std::string RenderMarkdown(const std::vector<TableComparison>& tables, const HistoryOptions& o) {
  std::string out = fmt::format("## etl report: {}\n\nBaseline: {}. Trend: the last {} loads.\n\n",
                                o.job, BaselineName(o), o.last);
  out +=
      "| table | baseline run | latest run | seconds | rows/s | peak RSS MB | strategy | speed-up "
      "| memory | trend |\n"
      "|---|---|---|--:|--:|--:|---|--:|--:|---|\n";
  for (const auto& c : tables) {
    if (!c.latest) {
      out += fmt::format("| {} | | | | | | | | | {} |\n", Cell(c.table), Cell(c.note));
      continue;
    }
    const RunRecord& l = *c.latest;
    const auto pair = [&](const std::string& base, const std::string& latest) {
      return c.baseline ? base + " → " + latest : latest;
    };
    const RunRecord& b = c.baseline ? *c.baseline : l;
    std::string strategy = b.strategy == l.strategy ? l.strategy : pair(b.strategy, l.strategy);
    out += fmt::format("| {}{} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", Cell(c.table),
                       c.slower ? " ⚠ slower" : "", c.baseline ? c.baseline->run_id : "-", l.run_id,
                       pair(Seconds(b.seconds), Seconds(l.seconds)),
                       pair(Rate(b.rows_per_second), Rate(l.rows_per_second)),
                       pair(Rss(b.peak_rss_mb), Rss(l.peak_rss_mb)), Cell(strategy),
                       Ratio(c.speedup), Ratio(c.memory_ratio), Sparkline(TrendSeconds(c)));
  }
  for (const auto& c : tables) {
    if (c.trend.empty() && c.note.empty() && !c.newer_other) continue;
    out += fmt::format("\n### {}\n\n", Cell(c.table));
    if (c.slower) out += "**Slower:** " + SlowerText(c) + ".\n\n";
    if (!c.note.empty()) out += Cell(c.note) + ".\n\n";
    if (c.newer_other) out += Cell(NewerText(*c.newer_other)) + ".\n\n";
    if (c.trend.empty()) continue;
    out +=
        "| run | finished | status | seconds | rows | rows/s | peak RSS MB | strategy |\n"
        "|---|---|---|--:|--:|--:|--:|---|\n";
    for (const auto& r : c.trend) {
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", r.run_id, r.finished_at,
                         r.status, Seconds(r.seconds), r.rows_written, Rate(r.rows_per_second),
                         Rss(r.peak_rss_mb), Cell(r.strategy));
    }
  }
  return out;
}

// ---- json ----

Json RunJson(const RunRecord& r) {
  Json j;
  j["run_id"] = r.run_id;
  j["started_at"] = r.started_at;
  j["finished_at"] = r.finished_at;
  j["status"] = r.status;
  j["strategy"] = r.strategy;
  j["rows_written"] = r.rows_written;
  j["seconds"] = r.seconds;
  j["rows_per_second"] = r.rows_per_second;
  j["peak_rss_mb"] = r.peak_rss_mb;
  if (r.phases) j["phases"] = ToJson(*r.phases);
  if (!r.error.empty()) j["error"] = r.error;
  return j;
}

Json Optional(const std::optional<double>& v) {
  return v ? Json(*v) : Json(nullptr);
}

std::string RenderJson(const std::vector<TableComparison>& tables, const HistoryOptions& o) {
  Json j;
  j["job"] = o.job;
  j["schema"] = o.schema;
  j["baseline"] = o.baseline;
  j["last"] = o.last;
  j["slower_factor"] = kSlowerFactor;
  j["tables"] = Json::array();
  for (const auto& c : tables) {
    Json t;
    t["name"] = c.table;
    t["baseline"] = c.baseline ? RunJson(*c.baseline) : Json(nullptr);
    t["latest"] = c.latest ? RunJson(*c.latest) : Json(nullptr);
    t["speedup"] = Optional(c.speedup);
    t["memory_ratio"] = Optional(c.memory_ratio);
    t["median_seconds"] = Optional(c.median_seconds);
    t["slower_than_median"] = c.slower;
    t["trend"] = Json::array();
    for (const auto& r : c.trend)
      t["trend"].push_back(RunJson(r));
    if (c.newer_other) t["newer_run"] = RunJson(*c.newer_other);
    if (!c.note.empty()) t["note"] = c.note;
    j["tables"].push_back(std::move(t));
  }
  return DumpJson(j) + "\n";
}

}  // namespace

std::vector<TableComparison> Compare(const std::vector<RunRecord>& rows,
                                     const HistoryOptions& options) {
  std::map<std::string, std::vector<RunRecord>> by_table;
  for (const auto& r : rows)
    by_table[r.table_name].push_back(r);
  std::vector<std::string> names = options.tables;
  if (names.empty()) {
    for (const auto& [name, table_rows] : by_table)
      names.push_back(name);
  }
  std::vector<TableComparison> out;
  for (const auto& name : names)
    out.push_back(CompareTable(name, by_table[name], options));
  return out;
}

std::string Sparkline(const std::vector<double>& values) {
  static const char* kLevels[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  if (values.empty()) return "";
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  std::string out;
  for (const double v : values) {
    int level = 3;
    if (*hi > *lo) level = static_cast<int>((v - *lo) / (*hi - *lo) * 7 + 0.5);
    out += kLevels[std::clamp(level, 0, 7)];
  }
  return out;
}

std::string RenderHistory(const std::vector<TableComparison>& tables, const HistoryOptions& options,
                          HistoryFormat format) {
  switch (format) {
    case HistoryFormat::kText:
      return RenderText(tables, options);
    case HistoryFormat::kMarkdown:
      return RenderMarkdown(tables, options);
    case HistoryFormat::kJson:
      return RenderJson(tables, options);
  }
  return "";
}

}  // namespace etl::report
