// The run report: JSON has the contract's fields and is valid JSON whatever the error text holds;
// the summary names every table; the exit status follows the tables.
#include <regex>
#include <string>

#include <catch2/catch.hpp>
#include <simdjson.h>

#include "report/logging.h"
#include "report/run_report.h"

using etl::report::RunReport;
using etl::report::TableReport;
using etl::report::TableStatus;

namespace {

RunReport Sample() {
  RunReport r;
  r.job = "demo";
  r.started_at = "2026-11-21T08:00:00.000Z";
  r.finished_at = "2026-11-21T08:00:05.000Z";
  TableReport ok;
  ok.name = "orders";
  ok.status = TableStatus::kOk;
  ok.strategy = "copy_csv";
  ok.strategy_reason = "size 300.0 MB > copy_csv_threshold_mb 200";
  ok.rows_read = 1000;
  ok.rows_written = 1000;
  ok.seconds = 2;
  ok.watermark = "[\"42\"]";
  ok.phases = etl::report::PhaseTimes{1, 0.5, 0.4, 2};
  TableReport bad;
  bad.name = "events";
  bad.status = TableStatus::kFailed;
  bad.error = "bad row (id=\"7\"\n), column doc: invalid JSON \x01 \xff";
  r.tables = {ok, bad};
  return r;
}

}  // namespace

TEST_CASE("the JSON report is valid JSON with the contract's fields") {
  const std::string json = etl::report::ToJson(Sample());
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(json).get(doc) == simdjson::SUCCESS);
  CHECK(std::string_view(doc["job"]) == "demo");
  CHECK(std::string_view(doc["status"]) == "failed");
  CHECK(std::string_view(doc["started_at"]) == "2026-11-21T08:00:00.000Z");
  simdjson::dom::array tables = doc["tables"];
  REQUIRE(tables.size() == 2);
  simdjson::dom::element t0 = tables.at(0);
  for (const char* field :
       {"name", "status", "strategy", "strategy_reason", "rows_read", "rows_written", "bytes",
        "queries", "chunks", "batches", "avg_chunk_efficiency", "sparse_detections", "watermark",
        "seconds", "rows_per_second", "peak_rss_mb", "phases"}) {
    INFO(field);
    CHECK(t0[field].error() == simdjson::SUCCESS);
  }
  CHECK(std::string_view(t0["status"]) == "ok");
  CHECK(int64_t(t0["rows_written"]) == 1000);
  CHECK(double(t0["rows_per_second"]) == Approx(500));
  CHECK(std::string_view(t0["watermark"].at(0)) == "42");
  CHECK(double(t0["phases"]["read"]) == Approx(1));
  CHECK(t0["error"].error() == simdjson::NO_SUCH_FIELD);
  simdjson::dom::element t1 = tables.at(1);
  CHECK(std::string_view(t1["status"]) == "failed");
  CHECK(std::string_view(t1["error"]).find("column doc: invalid JSON") != std::string_view::npos);
  CHECK(t1["watermark"].is_null());
}

TEST_CASE("the summary names each table, its status and strategy, and the job status") {
  const std::string s = etl::report::ToSummary(Sample());
  CHECK(s.find("orders") != std::string::npos);
  CHECK(s.find("copy_csv") != std::string::npos);
  CHECK(s.find("error: bad row") != std::string::npos);
  CHECK(s.find("job demo: failed") != std::string::npos);
}

TEST_CASE("a run is ok when no table failed, early termination counts as finished") {
  RunReport r = Sample();
  r.tables[1].status = TableStatus::kEarlyTerminated;
  CHECK_FALSE(r.any_failed());
  CHECK(r.status() == "ok");
}

TEST_CASE("JsonEscape escapes control characters and invalid UTF-8") {
  CHECK(etl::report::JsonEscape("a\"b\\c\nd\te") == "a\\\"b\\\\c\\nd\\te");
  CHECK(etl::report::JsonEscape(std::string("\x01", 1)) == "\\u0001");
  CHECK(etl::report::JsonEscape("\xff") == "\\u00ff");
  CHECK(etl::report::JsonEscape("h\xc3\xa9 \xf0\x9f\x98\x80") == "h\xc3\xa9 \xf0\x9f\x98\x80");
  CHECK(etl::report::JsonEscape(std::string("\xe2\x82", 2)) == "\\u00e2\\u0082");  // truncated
}

TEST_CASE("a run-level error makes the run failed and appears in the JSON and the summary") {
  RunReport r;
  r.job = "demo";
  r.error = "another run of job demo holds its lock";
  TableReport skipped;
  skipped.name = "orders";
  skipped.status = TableStatus::kSkipped;
  r.tables = {skipped};
  CHECK(r.status() == "failed");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  const std::string json = etl::report::ToJson(r);
  REQUIRE(parser.parse(json).get(doc) == simdjson::SUCCESS);
  CHECK(std::string_view(doc["status"]) == "failed");
  CHECK(std::string_view(doc["error"]) == "another run of job demo holds its lock");
  CHECK(std::string_view(doc["tables"].at(0)["status"]) == "skipped");
  CHECK(etl::report::ToSummary(r).find("error: another run of job demo holds its lock") !=
        std::string::npos);
  r.error.clear();
  CHECK(etl::report::ToJson(r).find("\"error\"") == std::string::npos);
}

TEST_CASE("run ids sort by start time and two ids made at once differ") {
  const std::string a = etl::report::NewRunId();
  const std::string b = etl::report::NewRunId();
  CHECK(a != b);
  CHECK(std::regex_match(a, std::regex("[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}")));
  RunReport r = Sample();
  r.run_id = a;
  CHECK(etl::report::ToJson(r).find("\"run_id\":\"" + a + "\"") != std::string::npos);
}
