// Integration tests for source/table_stats.h against the real MariaDB.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "source/mysql_connection.h"
#include "source/schema_introspector.h"
#include "source/table_stats.h"
#include "support/test_env.h"

namespace etl::source_tests {
config::SourceSpec TestSource(const std::string& database);
config::EnvLookup TestEnv(const std::optional<std::string>& password);
}  // namespace etl::source_tests

using etl::source::Connect;
using etl::source::KeySplitPoints;
using etl::source::Measure;
using etl::source::NextKeyAfter;
using etl::source_tests::TestEnv;
using etl::source_tests::TestSource;

namespace {

std::int64_t CountRange(const std::string& where) {
  return std::stoll(etl::testing::Trim(
      etl::testing::MySql("SELECT COUNT(*) FROM skewed WHERE " + where, "etl_src_stats")));
}

void CreateSkewed() {
  etl::testing::ResetMySqlDatabase("etl_src_stats");
  // 90,000 dense keys 1..90000, then 10,000 keys spread 100,000 apart up to ~1e9: min/max
  // alone would put almost every row in the first part.
  etl::testing::MySql(
      "CREATE TABLE skewed (id BIGINT PRIMARY KEY, kind CHAR(1), pad VARCHAR(100));"
      "INSERT INTO skewed SELECT seq, IF(seq % 10 = 0, 'x', 'y'), REPEAT('p', 100)"
      " FROM seq_1_to_90000;"
      "INSERT INTO skewed SELECT 1000000 + seq * 100000, 'z', REPEAT('p', 100)"
      " FROM seq_1_to_10000;"
      "ANALYZE TABLE skewed;",
      "etl_src_stats");
}

}  // namespace

TEST_CASE("Measure reports size, exact and estimated rows and the key range", "[source][stats]") {
  CreateSkewed();
  auto conn = Connect(TestSource("etl_src_stats"), TestEnv(std::nullopt));
  const auto s = Measure(conn, "etl_src_stats", "skewed", std::string("id"), std::nullopt);
  CHECK(s.row_count == 100000);
  CHECK(s.row_count_exact);
  CHECK(s.estimated_rows > 50000);  // InnoDB's estimate: right order of magnitude
  CHECK(s.estimated_rows < 200000);
  CHECK(s.data_bytes > 100000LL * 100);  // ~10 MB of padding at least
  CHECK(s.size_mb() == Approx(static_cast<double>(s.data_bytes + s.index_bytes) / 1048576.0));
  CHECK(s.size_mb() > 9);
  CHECK(s.key_is_integer);
  CHECK(s.key_unsupported.empty());
  CHECK(s.key_min == 1);
  CHECK(s.key_max == 1000000 + 10000LL * 100000);

  const auto filtered =
      Measure(conn, "etl_src_stats", "skewed", std::string("id"), std::string("kind = 'x'"));
  CHECK(filtered.row_count == 9000);
  CHECK(filtered.key_min == 10);
  CHECK(filtered.key_max == 90000);

  const auto no_count = Measure(conn, "etl_src_stats", "skewed", std::nullopt, std::nullopt,
                                etl::source::MeasureOptions{false});
  CHECK_FALSE(no_count.row_count_exact);
  CHECK(no_count.row_count == no_count.estimated_rows);
  CHECK_FALSE(no_count.key_min.has_value());
}

TEST_CASE("KeySplitPoints follows the key's real distribution", "[source][stats]") {
  CreateSkewed();
  auto conn = Connect(TestSource("etl_src_stats"), TestEnv(std::nullopt));
  for (int parts : {2, 4, 7}) {
    INFO("parts = " << parts);
    const auto splits = KeySplitPoints(conn, "etl_src_stats", "skewed", "id", std::nullopt, parts);
    REQUIRE(splits.size() == static_cast<std::size_t>(parts - 1));
    std::vector<std::string> ranges;
    std::string lo = "id >= 1";
    for (const auto split : splits) {
      ranges.push_back(lo + " AND id < " + std::to_string(split));
      lo = "id >= " + std::to_string(split);
    }
    ranges.push_back(lo);
    std::int64_t total = 0;
    for (const auto& r : ranges) {
      const auto n = CountRange(r);
      INFO(r << ": " << n << " rows");
      CHECK(n >= 100000 / parts * 9 / 10);
      CHECK(n <= 100000 / parts * 11 / 10);
      total += n;
    }
    CHECK(total == 100000);
  }
}

TEST_CASE("KeySplitPoints honours the filter and small tables", "[source][stats]") {
  CreateSkewed();
  auto conn = Connect(TestSource("etl_src_stats"), TestEnv(std::nullopt));
  const auto splits =
      KeySplitPoints(conn, "etl_src_stats", "skewed", "id", std::string("kind = 'z'"), 4);
  REQUIRE(splits.size() == 3);
  // The 'z' rows are the sparse tail: 2,500 of them per part.
  CHECK(splits[0] == 1000000 + 2501LL * 100000);
  CHECK(CountRange("kind = 'z' AND id < " + std::to_string(splits[0])) == 2500);
  CHECK(CountRange("kind = 'z' AND id >= " + std::to_string(splits[2])) == 2500);

  etl::testing::MySql("CREATE TABLE tiny (id INT PRIMARY KEY); INSERT INTO tiny VALUES (5), (9);",
                      "etl_src_stats");
  const auto few = KeySplitPoints(conn, "etl_src_stats", "tiny", "id", std::nullopt, 4);
  CHECK(few == std::vector<std::int64_t>{9});
  CHECK(KeySplitPoints(conn, "etl_src_stats", "tiny", "id", std::nullopt, 1).empty());
  CHECK(KeySplitPoints(conn, "etl_src_stats", "tiny", "id", std::string("id > 100"), 4).empty());
}

namespace {
// Index entries this session has stepped over (Handler_read_next): what a split walk costs.
std::int64_t IndexSteps(etl::source::MySqlConnection& conn) {
  return std::stoll(conn.QueryScalar("SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS"
                                     " WHERE VARIABLE_NAME = 'HANDLER_READ_NEXT'")
                        .value_or("-1"));
}
}  // namespace

TEST_CASE("KeySplitPoints divides a dense key's range without reading it", "[source][stats]") {
  CreateSkewed();
  auto conn = Connect(TestSource("etl_src_stats"), TestEnv(std::nullopt));
  etl::source::SplitOptions dense;
  dense.lo = 1;
  dense.hi = 90000;
  dense.total = 85000;  // an estimate, 94% of the range: the range is divided evenly
  const auto before = IndexSteps(conn);
  CHECK(KeySplitPoints(conn, "etl_src_stats", "skewed", "id", std::nullopt, 4, dense) ==
        std::vector<std::int64_t>{22501, 45001, 67501});
  CHECK(IndexSteps(conn) == before);
  dense.lo = -5;  // 3 values, 3 rows, 4 parts: fewer split points, none repeated
  dense.hi = -3;
  dense.total = 3;
  CHECK(KeySplitPoints(conn, "etl_src_stats", "skewed", "id", std::nullopt, 4, dense) ==
        std::vector<std::int64_t>{-4, -3});
  // The whole table's range holds 100,000 rows in ~1e9 values: the walk finds the split.
  etl::source::SplitOptions sparse;
  sparse.lo = 1;
  sparse.hi = 1000000 + 10000LL * 100000;
  sparse.total = 100000;
  const auto walked_from = IndexSteps(conn);
  const auto splits =
      KeySplitPoints(conn, "etl_src_stats", "skewed", "id", std::nullopt, 2, sparse);
  CHECK(IndexSteps(conn) - walked_from >= 50000);
  REQUIRE(splits.size() == 1);
  CHECK(CountRange("id < " + std::to_string(splits[0])) == 50000);
  sparse.lo = std::numeric_limits<std::int64_t>::min();  // the widest range: walked too
  sparse.hi = std::numeric_limits<std::int64_t>::max();
  CHECK(KeySplitPoints(conn, "etl_src_stats", "skewed", "id", std::nullopt, 2, sparse) == splits);
}

TEST_CASE("NextKeyAfter jumps over gaps", "[source][stats]") {
  CreateSkewed();
  auto conn = Connect(TestSource("etl_src_stats"), TestEnv(std::nullopt));
  CHECK(NextKeyAfter(conn, "etl_src_stats", "skewed", "id", std::nullopt, 90000) == 1100000);
  CHECK(NextKeyAfter(conn, "etl_src_stats", "skewed", "id", std::nullopt, 1100000) == 1200000);
  CHECK(NextKeyAfter(conn, "etl_src_stats", "skewed", "id", std::string("kind = 'x'"), 15) == 20);
  CHECK(NextKeyAfter(conn, "etl_src_stats", "skewed", "id", std::nullopt, 2000000000) ==
        std::nullopt);
}

TEST_CASE("Keys that cannot be range-chunked say why", "[source][stats]") {
  etl::testing::ResetMySqlDatabase("etl_src_stats");
  etl::testing::MySql(
      "CREATE TABLE ub (id BIGINT UNSIGNED PRIMARY KEY);"
      "INSERT INTO ub VALUES (1), (18446744073709551615);"
      "CREATE TABLE ub_small (id BIGINT UNSIGNED PRIMARY KEY);"
      "INSERT INTO ub_small VALUES (1), (9223372036854775807);"
      "CREATE TABLE s (code VARCHAR(10) PRIMARY KEY); INSERT INTO s VALUES ('a');"
      "CREATE TABLE e (id INT PRIMARY KEY);",
      "etl_src_stats");
  auto conn = Connect(TestSource("etl_src_stats"), TestEnv(std::nullopt));

  const auto ub = Measure(conn, "etl_src_stats", "ub", std::string("id"), std::nullopt);
  CHECK_FALSE(ub.key_is_integer);
  CHECK(ub.key_unsupported.find("18446744073709551615") != std::string::npos);
  CHECK(ub.key_unsupported.find("not supported") != std::string::npos);
  CHECK(ub.row_count == 2);

  const auto small = Measure(conn, "etl_src_stats", "ub_small", std::string("id"), std::nullopt);
  CHECK(small.key_is_integer);
  CHECK(small.key_max == INT64_MAX);

  const auto str = Measure(conn, "etl_src_stats", "s", std::string("code"), std::nullopt);
  CHECK_FALSE(str.key_is_integer);
  CHECK(str.key_unsupported == "key column code is varchar(10), not an integer");

  const auto empty = Measure(conn, "etl_src_stats", "e", std::string("id"), std::nullopt);
  CHECK(empty.key_is_integer);
  CHECK(empty.row_count == 0);
  CHECK_FALSE(empty.key_min.has_value());

  CHECK_THROWS_WITH(Measure(conn, "etl_src_stats", "missing", std::nullopt, std::nullopt),
                    Catch::StartsWith("table etl_src_stats.missing does not exist in MySQL"));
}
