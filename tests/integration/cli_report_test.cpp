// `etl report` end to end: after real runs it compares each table's first load with its latest;
// against seeded history rows it prints the exact speed-up and memory figures in text, markdown and
// JSON; unknown tables and baseline runs are usage errors.
#include <string>

#include <catch2/catch.hpp>

#include "support/test_env.h"

namespace {

using etl::testing::JobHeader;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::ResetMySqlDatabase;
using etl::testing::ResetPgSchema;
using etl::testing::RunEtl;
using etl::testing::WriteTempFile;

constexpr const char* kDb = "treport";
constexpr const char* kSchema = "treport";

std::string Job() {
  return JobHeader(kDb, kSchema) +
         "tables:\n"
         "  items:\n"
         "    batch_size: 500\n"
         "    performance: {strategy: copy_csv}\n"
         "  seeded:\n"
         "    batch_size: 500\n";
}

// Seeded history of `seeded`: 12 s -> 6 s for 1.2M rows, 200 -> 150 MB, one slow run at the end.
void SeedHistory() {
  const std::string insert =
      "INSERT INTO treport.etl_runs (run_id, job, table_name, source_table, target_schema, "
      "target_table, started_at, finished_at, status, strategy, rows_read, rows_written, seconds, "
      "rows_per_second, peak_rss_mb) VALUES ";
  std::string values;
  const struct {
    const char* id;
    double seconds;
    double rss;
    const char* strategy;
  } runs[] = {{"S1", 12, 200, "copy_csv"},
              {"S2", 6, 160, "parallel"},
              {"S3", 6, 150, "parallel"},
              {"S4", 4, 150, "parallel"},
              {"S5", 7, 150, "parallel"}};
  int day = 1;
  for (const auto& r : runs) {
    values += std::string(values.empty() ? "" : ", ") + "('" + r.id +
              "', 'treport', 'seeded', 'seeded', 'treport', 'seeded', '2026-10-0" +
              std::to_string(day) + "T02:00:00Z', '2026-10-0" + std::to_string(day) +
              "T02:05:00Z', 'ok', '" + r.strategy + "', 1200000, 1200000, " +
              std::to_string(r.seconds) + ", " + std::to_string(1200000 / r.seconds) + ", " +
              std::to_string(r.rss) + ")";
    ++day;
  }
  Psql(insert + values);
}

}  // namespace

TEST_CASE("report: first load vs latest after real runs, exact figures from seeded history",
          "[cli][report]") {
  etl::testing::RequireServers();
  ResetMySqlDatabase(kDb);
  MySql(
      "CREATE TABLE items (id int PRIMARY KEY, v varchar(20)); INSERT INTO items SELECT seq, "
      "CONCAT('v', seq) FROM seq_1_to_2000; CREATE TABLE seeded (id int PRIMARY KEY)",
      kDb);
  ResetPgSchema(kSchema);
  const std::string job = WriteTempFile("treport.yml", Job());

  // Before any run there is no history: every table says so, and the command still succeeds.
  auto none = RunEtl({"report", job});
  INFO("report before runs: " << none.out << none.err);
  REQUIRE(none.exit_code == 0);
  CHECK(none.out.find("items\n  no runs recorded\n") != std::string::npos);

  for (int i = 0; i < 2; ++i) {
    auto run = RunEtl({"run", job, "--table", "items", "--progress", "never"});
    INFO("run " << i << ": " << run.err);
    REQUIRE(run.exit_code == 0);
  }
  SeedHistory();

  auto text = RunEtl({"report", job, "--last", "4"});
  INFO("text: " << text.out << text.err);
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.rfind("job treport: baseline each table's first load, latest load, trend of the "
                       "last 4 loads\n",
                       0) == 0);
  // The two real runs of items: a baseline and a latest row, a two-load trend.
  CHECK(text.out.find("items (treport.items)\n") != std::string::npos);
  CHECK(text.out.find("(2 loads, ") != std::string::npos);
  // seeded: 1.2M rows in 7 s vs 12 s; trend S2..S5 (6, 6, 4, 7), median of 6, 6, 4 = 6.
  CHECK(text.out.find("  baseline  S1                             12.00       100000        200.0 "
                      " copy_csv\n"
                      "  latest    S5                              7.00       171429        150.0 "
                      " parallel\n"
                      "  speed-up 1.71x  memory 0.75x  trend ▆▆▁█ (4 loads, 4.00..7.00 s)  median "
                      "6.00 s\n") != std::string::npos);
  // 7 < 1.5 x 6 (items' two real runs are tiny and noisy: only seeded is judged here).
  const std::size_t seeded = text.out.find("seeded (treport.seeded)");
  REQUIRE(seeded != std::string::npos);
  CHECK(text.out.find("SLOWER", seeded) == std::string::npos);

  auto md = RunEtl({"report", job, "--table", "seeded", "--format", "markdown", "--baseline", "S2",
                    "--last", "3"});
  INFO("markdown: " << md.out << md.err);
  REQUIRE(md.exit_code == 0);
  CHECK(md.out.find("| seeded | S2 | S5 | 6.00 → 7.00 | 200000 → 171429 | 160.0 → 150.0 | "
                    "parallel | 0.86x | 0.94x | ▆▁█ |\n") != std::string::npos);
  CHECK(md.out.find("| S3 | 2026-10-03T02:05:00.000Z | ok | 6.00 | 1200000 | 200000 | 150.0 | "
                    "parallel |\n") != std::string::npos);
  CHECK(md.out.find("items") == std::string::npos);  // --table

  auto json = RunEtl({"report", job, "--table", "seeded", "--format", "json"});
  REQUIRE(json.exit_code == 0);
  CHECK(json.out.find("\"speedup\":1.71428") != std::string::npos);
  CHECK(json.out.find("\"memory_ratio\":0.75") != std::string::npos);
  CHECK(json.out.find("\"slower_than_median\":false") != std::string::npos);

  // A slow latest load is flagged: 13 s >= 1.5 x the median of 6, 6, 4, 7 (6 s).
  Psql(
      "INSERT INTO treport.etl_runs (run_id, job, table_name, target_schema, target_table, "
      "started_at, status, strategy, rows_written, seconds, rows_per_second, peak_rss_mb) VALUES "
      "('S6', 'treport', 'seeded', 'treport', 'seeded', '2026-10-06T02:00:00Z', 'ok', 'parallel', "
      "1200000, 13, 92307.7, 150)");
  auto slow = RunEtl({"report", job, "--table", "seeded", "--last", "5"});
  CHECK(slow.out.find("  SLOWER: latest run took 13.00 s, 2.17x the median 6.00 s of the 4 loads "
                      "before\n") != std::string::npos);

  // Usage errors: exit 2 with the reason on stderr.
  auto unknown_run = RunEtl({"report", job, "--baseline", "NOPE"});
  CHECK(unknown_run.exit_code == 2);
  CHECK(unknown_run.err.find("--baseline NOPE: no such run of job treport") != std::string::npos);
  CHECK(RunEtl({"report", job, "--table", "nope"}).exit_code == 2);
  CHECK(RunEtl({"report", job, "--format", "html"}).exit_code == 2);
  CHECK(RunEtl({"report", job, "--last", "0"}).exit_code == 2);
}
