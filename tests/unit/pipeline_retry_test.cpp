// Unit tests of pipeline/retry.h: what is retried, how often, what is counted, and how a
// cancellation ends the waiting.
#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

#include <catch2/catch.hpp>

#include "pipeline/cancellation.h"
#include "pipeline/retry.h"
#include "sink/pg_connection.h"
#include "source/mysql_error.h"

using etl::pipeline::Cancellation;
using etl::pipeline::CancelledError;
using etl::pipeline::Retry;
using etl::pipeline::RetryPolicy;
using etl::sink::PgError;
using etl::source::MySqlError;

namespace {

// No waiting in these tests unless a test asks for it.
std::unique_ptr<Retry> Quick(int attempts, const Cancellation* cancellation = nullptr) {
  auto r = std::make_unique<Retry>(RetryPolicy{attempts, 0, 0}, "orders part 1/2", cancellation);
  r->set_random([] { return 0.5; });
  return r;
}

}  // namespace

TEST_CASE("a lost connection is retried until the unit succeeds", "[pipeline][retry]") {
  auto holder = Quick(3);
  Retry& retry = *holder;
  std::vector<int> attempts;
  const int result = retry.Run([&](int attempt) {
    attempts.push_back(attempt);
    if (attempt < 3) throw MySqlError("reading", 2013, "HY000");
    return 42;
  });
  CHECK(result == 42);
  CHECK(attempts == std::vector<int>{1, 2, 3});
  CHECK(retry.retries() == 2);
}

TEST_CASE("a permanent error is rethrown at once", "[pipeline][retry]") {
  auto holder = Quick(5);
  Retry& retry = *holder;
  int calls = 0;
  CHECK_THROWS_WITH(retry.Run([&](int) -> int {
    ++calls;
    throw PgError("duplicate key value violates unique constraint", "23505");
  }),
                    Catch::Contains("duplicate key"));
  CHECK(calls == 1);
  CHECK(retry.retries() == 0);
}

TEST_CASE("the last error is rethrown when the attempts are used up", "[pipeline][retry]") {
  auto holder = Quick(3);
  Retry& retry = *holder;
  int calls = 0;
  try {
    retry.Run([&](int attempt) -> int {
      ++calls;
      throw PgError("lost on try " + std::to_string(attempt), "", true);
    });
    FAIL("Run returned");
  } catch (const PgError& e) {
    CHECK(std::string(e.what()) == "lost on try 3");
    CHECK(e.connection_lost());
  }
  CHECK(calls == 3);
  CHECK(retry.retries() == 2);
}

TEST_CASE("each retry is reported with the error and the try that failed", "[pipeline][retry]") {
  auto holder = Quick(4);
  Retry& retry = *holder;
  std::vector<int> seen;
  retry.set_on_retry([&](const std::exception_ptr& e, int attempt) {
    CHECK_THROWS_AS(std::rethrow_exception(e), PgError);
    seen.push_back(attempt);
  });
  retry.Run([](int attempt) {
    if (attempt < 3) throw PgError("deadlock detected", "40P01");
    return 0;
  });
  CHECK(seen == std::vector<int>{1, 2});
  CHECK(retry.retries() == 2);
}

TEST_CASE("retries are counted over every Run of a shared Retry", "[pipeline][retry]") {
  auto holder = Quick(2);
  Retry& retry = *holder;
  std::vector<std::thread> parts;
  for (int i = 0; i < 4; ++i) {
    parts.emplace_back([&] {
      retry.Run([](int attempt) {
        if (attempt == 1) throw MySqlError("reading", 2006, "HY000");
        return 0;
      });
    });
  }
  for (auto& t : parts)
    t.join();
  CHECK(retry.retries() == 4);
}

TEST_CASE("the wait between tries follows the policy", "[pipeline][retry]") {
  Retry retry(RetryPolicy{2, 0.2, 1}, "t");
  retry.set_random([] { return 0.999; });  // about the ceiling: 0.2 s
  const auto start = std::chrono::steady_clock::now();
  retry.Run([](int attempt) {
    if (attempt == 1) throw MySqlError("reading", 2013, "HY000");
    return 0;
  });
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(waited >= 0.19);
  CHECK(waited < 1.0);
}

TEST_CASE("a cancellation during the wait ends it with CancelledError", "[pipeline][retry]") {
  Cancellation cancellation;
  Retry retry(RetryPolicy{3, 30, 30}, "orders", &cancellation);
  retry.set_random([] { return 1.0; });  // a 30 s wait, unless cancelled
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancellation.Request(15);
  });
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_MATCHES(
      retry.Run([](int) -> int { throw MySqlError("lost", 2013, "HY000"); }), CancelledError,
      Catch::Matchers::Message("orders: cancelled by SIGTERM while waiting to retry after: lost"));
  stopper.join();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("nothing is retried once cancellation was requested", "[pipeline][retry]") {
  Cancellation cancellation;
  cancellation.Request();
  auto holder = Quick(5, &cancellation);
  Retry& retry = *holder;
  int calls = 0;
  CHECK_THROWS_AS(retry.Run([&](int) -> int {
    ++calls;
    throw MySqlError("lost", 2013, "HY000");
  }),
                  MySqlError);
  CHECK(calls == 1);
  CHECK(retry.retries() == 0);
}
