// A MariaDB that stops answering (SIGSTOP: its kernel still accepts connections and ACKs data)
// never hangs the source side: connecting fails after source.connect_timeout_s and a read that
// is mid-stream after source.read_timeout_s, both as retryable connection errors.
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "source/mysql_connection.h"
#include "source/mysql_error.h"
#include "source/row_reader.h"
#include "support/fault_injection.h"
#include "support/test_env.h"

namespace etl::source_tests {
config::SourceSpec TestSource(const std::string& database);
config::EnvLookup TestEnv(const std::optional<std::string>& password);
}  // namespace etl::source_tests

using etl::source::Connect;
using etl::source::MySqlError;
using etl::source::RowReader;
using etl::source_tests::TestEnv;
using etl::source_tests::TestSource;
using etl::testing::FrozenServer;
using etl::testing::SecondsSince;

TEST_CASE("a stopped server makes Connect fail within connect_timeout_s", "[source][faults]") {
  etl::testing::ResetMySqlDatabase("etl_src_faults");
  auto spec = TestSource("etl_src_faults");
  spec.connect_timeout_s = 2;
  FrozenServer frozen("mysql");
  const auto start = std::chrono::steady_clock::now();
  try {
    Connect(spec, TestEnv(std::nullopt));
    FAIL("connected to a stopped server");
  } catch (const MySqlError& e) {
    INFO(e.what());
    CHECK(e.IsConnectionError());
    CHECK(e.code() == 2013);
  }
  const double seconds = SecondsSince(start);
  CHECK(seconds >= 1.5);
  CHECK(seconds < 2 + 2);
}

TEST_CASE("a read that is mid-stream fails within read_timeout_s when the server stops",
          "[source][faults]") {
  etl::testing::ResetMySqlDatabase("etl_src_faults");
  auto spec = TestSource("etl_src_faults");
  spec.read_timeout_s = 2;
  auto conn = Connect(spec, TestEnv(std::nullopt));
  // An unbuffered stream far longer than the test: 10^9 generated rows.
  RowReader reader(conn, "SELECT seq, REPEAT('x', 100) FROM seq_1_to_1000000000", "reading seq");
  etl::types::RowBatch batch;
  REQUIRE(reader.ReadBatch(batch, 1000));
  FrozenServer frozen("mysql");
  const auto start = std::chrono::steady_clock::now();
  try {
    while (reader.ReadBatch(batch, 10000)) {
      // what the kernel had buffered before the stop still arrives
      REQUIRE(SecondsSince(start) < 30);
    }
    FAIL("the stream ended");
  } catch (const MySqlError& e) {
    INFO(e.what());
    CHECK(e.IsConnectionError());
    CHECK(std::string(e.what()).find("Lost connection") != std::string::npos);
  }
  const double seconds = SecondsSince(start);
  CHECK(seconds >= 1.5);
  CHECK(seconds < 2 + 3);
}

TEST_CASE("StopAllSessions ends every open session and refuses new ones", "[source][faults]") {
  etl::testing::ResetMySqlDatabase("etl_src_faults");
  auto spec = TestSource("etl_src_faults");
  auto a = Connect(spec, TestEnv(std::nullopt));
  auto b = Connect(spec, TestEnv(std::nullopt));
  etl::source::StopAllSessions("the test stops everything");
  CHECK_THROWS_WITH(
      Connect(spec, TestEnv(std::nullopt)),
      Catch::Contains("not connecting to MySQL") && Catch::Contains("the test stops everything"));
  // The KILLs run on threads of their own: the sessions end within moments.
  for (auto* conn : {&a, &b}) {
    const auto start = std::chrono::steady_clock::now();
    bool ended = false;
    while (!ended && SecondsSince(start) < 10) {
      try {
        conn->QueryScalar("SELECT 1");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      } catch (const MySqlError& e) {
        INFO(e.what());
        CHECK(e.IsConnectionError());
        ended = true;
      }
    }
    CHECK(ended);
  }
  etl::source::AcceptNewSessions();
  CHECK(Connect(spec, TestEnv(std::nullopt)).QueryScalar("SELECT 1") == "1");
}

TEST_CASE("a stream whose session is killed fails, in plain text and over TLS",
          "[source][faults]") {
  // Over TLS the connector reports a broken stream as its normal end; RowReader must not hand
  // that on as a complete (shorter) result.
  etl::testing::ResetMySqlDatabase("etl_src_faults");
  for (const char* mode : {"disabled", "required"}) {
    DYNAMIC_SECTION("ssl_mode " << mode) {
      auto spec = TestSource("etl_src_faults");
      spec.ssl_mode = mode;
      auto conn = Connect(spec, TestEnv(std::nullopt));
      CHECK(conn.encrypted() == (std::string(mode) != "disabled"));
      RowReader reader(conn, "SELECT seq, REPEAT('x', 100) FROM seq_1_to_1000000000",
                       "reading seq");
      etl::types::RowBatch batch;
      REQUIRE(reader.ReadBatch(batch, 1000));
      etl::testing::MySql("KILL " + std::to_string(conn.connection_id()));
      std::int64_t rows = 1000;
      try {
        while (reader.ReadBatch(batch, 10000))
          rows += static_cast<std::int64_t>(batch.row_count());
        FAIL("the stream of a killed session ended normally after " << rows << " rows");
      } catch (const MySqlError& e) {
        INFO(e.what());
        CHECK(e.IsConnectionError());
      }
    }
  }
}
