// Strategy selection: each of the contract's `auto` rules, the feature flag and the overrides.
#include <catch2/catch.hpp>

#include "plan/strategy.h"

using etl::config::JobSpec;
using etl::config::Strategy;
using etl::config::TableSpec;
using etl::plan::ChooseStrategy;
using etl::plan::TableMeasure;

namespace {

JobSpec Job() {
  JobSpec job;
  TableSpec t;
  t.name = "orders";
  t.batch_size = 1000;
  job.tables.push_back(t);
  return job;
}

TableMeasure Measure(double size_mb, std::int64_t rows, bool int_key = true) {
  TableMeasure m;
  m.measured_size_mb = size_mb;
  m.rows = rows;
  m.single_integer_key = int_key;
  m.key_description = int_key ? "id bigint" : "(a, b)";
  return m;
}

}  // namespace

TEST_CASE("small tables load with standard (rule 5)") {
  JobSpec job = Job();
  auto d = ChooseStrategy(job, job.tables[0], Measure(10, 5000));
  CHECK(d.strategy == Strategy::kStandard);
  CHECK(d.rule == 5);
  CHECK(d.reason == "size 10.0 MB <= streaming_threshold_mb 50");
}

TEST_CASE("sizes above the streaming threshold stream (rule 4)") {
  JobSpec job = Job();
  auto d = ChooseStrategy(job, job.tables[0], Measure(120, 5000000));
  CHECK(d.strategy == Strategy::kStreaming);
  CHECK(d.rule == 4);
  CHECK(d.reason == "size 120.0 MB > streaming_threshold_mb 50");
}

TEST_CASE("the thresholds are strict: exactly at a threshold stays below it") {
  JobSpec job = Job();
  CHECK(ChooseStrategy(job, job.tables[0], Measure(50, 10)).strategy == Strategy::kStandard);
  CHECK(ChooseStrategy(job, job.tables[0], Measure(200, 10)).strategy == Strategy::kStreaming);
}

TEST_CASE("large tables with many rows and an integer key go parallel (rule 3)") {
  JobSpec job = Job();
  auto d = ChooseStrategy(job, job.tables[0], Measure(500, 2000000));
  CHECK(d.strategy == Strategy::kParallel);
  CHECK(d.rule == 3);
  CHECK(d.reason ==
        "size 500.0 MB > copy_csv_threshold_mb 200; 2000000 rows >= parallel_threshold_rows "
        "100000, integer key id bigint, 4 chunks");
}

TEST_CASE("large tables fall back to copy_csv when parallel is not possible") {
  JobSpec job = Job();
  SECTION("too few rows") {
    auto d = ChooseStrategy(job, job.tables[0], Measure(500, 99999));
    CHECK(d.strategy == Strategy::kCopyCsv);
    CHECK(d.reason ==
          "size 500.0 MB > copy_csv_threshold_mb 200; 99999 rows < parallel_threshold_rows 100000");
  }
  SECTION("no single integer key") {
    auto d = ChooseStrategy(job, job.tables[0], Measure(500, 2000000, false));
    CHECK(d.strategy == Strategy::kCopyCsv);
    CHECK(d.reason.find("no single-column integer key (key: (a, b))") != std::string::npos);
  }
  SECTION("parallel_chunks is 1") {
    job.tables[0].performance.parallel_chunks = 1;
    auto d = ChooseStrategy(job, job.tables[0], Measure(500, 2000000));
    CHECK(d.strategy == Strategy::kCopyCsv);
    CHECK(d.reason.find("parallel_chunks is 1") != std::string::npos);
  }
}

TEST_CASE("estimated_size_mb wins over the measured size and is named as an estimate") {
  JobSpec job = Job();
  job.tables[0].estimated_size_mb = 80;
  auto d = ChooseStrategy(job, job.tables[0], Measure(1, 10));
  CHECK(d.strategy == Strategy::kStreaming);
  CHECK(d.size_estimated);
  CHECK(d.reason == "estimated size 80.0 MB > streaming_threshold_mb 50");
}

TEST_CASE("thresholds come from performance_rules") {
  JobSpec job = Job();
  job.performance_rules.streaming_threshold_mb = 5;
  job.performance_rules.copy_csv_threshold_mb = 8;
  job.performance_rules.parallel_threshold_rows = 10;
  CHECK(ChooseStrategy(job, job.tables[0], Measure(6, 5)).strategy == Strategy::kStreaming);
  CHECK(ChooseStrategy(job, job.tables[0], Measure(9, 5)).strategy == Strategy::kCopyCsv);
  CHECK(ChooseStrategy(job, job.tables[0], Measure(9, 10)).strategy == Strategy::kParallel);
}

TEST_CASE("an explicit strategy in the spec wins over sizes (rule 2)") {
  JobSpec job = Job();
  job.tables[0].performance.strategy = Strategy::kCopyCsv;
  auto d = ChooseStrategy(job, job.tables[0], Measure(1, 10));
  CHECK(d.strategy == Strategy::kCopyCsv);
  CHECK(d.rule == 2);
  CHECK(d.reason == "performance.strategy is copy_csv in the spec");
}

TEST_CASE("the --strategy option wins over the spec's strategy") {
  JobSpec job = Job();
  job.tables[0].performance.strategy = Strategy::kCopyCsv;
  auto d = ChooseStrategy(job, job.tables[0], Measure(1, 10), Strategy::kStreaming);
  CHECK(d.strategy == Strategy::kStreaming);
  CHECK(d.reason == "--strategy streaming given on the command line");
}

TEST_CASE("enable_optimizations: false forces standard over everything (rule 1)") {
  JobSpec job = Job();
  job.pipeline.enable_optimizations = false;
  job.tables[0].performance.strategy = Strategy::kParallel;
  auto d = ChooseStrategy(job, job.tables[0], Measure(900, 9000000), Strategy::kCopyCsv);
  CHECK(d.strategy == Strategy::kStandard);
  CHECK(d.rule == 1);
}

TEST_CASE("parallel without a single integer key is a problem plan reports") {
  CHECK(etl::plan::StrategyProblem(Strategy::kParallel, Measure(1, 1, false)) ==
        "strategy parallel needs a single-column integer key; the table's key is (a, b)");
  CHECK(etl::plan::StrategyProblem(Strategy::kParallel, Measure(1, 1, true)).empty());
  CHECK(etl::plan::StrategyProblem(Strategy::kCopyCsv, Measure(1, 1, false)).empty());
}

TEST_CASE("an incremental delta is sized by the rows it reads, not the table") {
  JobSpec job = Job();
  TableMeasure m = Measure(400, 100);  // a 400 MB table whose run reads 100 rows
  m.delta = true;
  m.table_rows = 2000000;
  m.rows_text = "100 rows past the watermark (counted)";
  auto d = ChooseStrategy(job, job.tables[0], m);
  CHECK(d.strategy == Strategy::kStandard);
  CHECK(d.rule == 5);
  CHECK(d.size_mb == Approx(0.02));
  CHECK(d.reason ==
        "incremental delta size 0.0 MB (100 rows past the watermark (counted) of the table's "
        "2000000 rows, 400.0 MB) <= streaming_threshold_mb 50");

  // A delta of most of the table is still a big load: rule 3 with the delta's rows.
  m.rows = 1500000;
  m.rows_text =
      "more than 100000 rows past the watermark (counted up to parallel_threshold_rows; "
      "EXPLAIN estimates 1500000)";
  job.tables[0].performance.parallel_chunks = 4;
  d = ChooseStrategy(job, job.tables[0], m);
  CHECK(d.strategy == Strategy::kParallel);
  CHECK(d.size_mb == Approx(300));
  CHECK(d.reason.find("EXPLAIN estimates 1500000) >= parallel_threshold_rows 100000") !=
        std::string::npos);

  // The spec's estimated_size_mb is the table's: scaled the same way.
  m.rows = 100;
  job.tables[0].estimated_size_mb = 1000;
  d = ChooseStrategy(job, job.tables[0], m);
  CHECK(d.strategy == Strategy::kStandard);
  CHECK(d.size_mb == Approx(0.05));
}
