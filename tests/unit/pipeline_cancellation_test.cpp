// Unit tests of pipeline/cancellation.h.
#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include <catch2/catch.hpp>

#include "pipeline/cancellation.h"

using etl::pipeline::Cancellation;
using etl::pipeline::CancelledError;

TEST_CASE("a request runs every registered callback once", "[pipeline][cancel]") {
  Cancellation c;
  int a = 0;
  int b = 0;
  auto ra = c.OnCancel([&] { ++a; });
  auto rb = c.OnCancel([&] { ++b; });
  CHECK_FALSE(c.requested());
  c.Request(SIGINT);
  c.Request(SIGTERM);  // idempotent: the first signal is kept
  CHECK(c.requested());
  CHECK(a == 1);
  CHECK(b == 1);
  CHECK(c.signal() == SIGINT);
  CHECK(c.Reason() == "SIGINT");
}

TEST_CASE("a callback registered after the request runs at once", "[pipeline][cancel]") {
  Cancellation c;
  c.Request(SIGTERM);
  int calls = 0;
  auto r = c.OnCancel([&] { ++calls; });
  CHECK(calls == 1);
}

TEST_CASE("a destroyed registration is not called", "[pipeline][cancel]") {
  Cancellation c;
  int calls = 0;
  {
    auto r = c.OnCancel([&] { ++calls; });
  }
  Cancellation::Registration moved;
  {
    auto r = c.OnCancel([&] { ++calls; });
    moved = std::move(r);
  }
  c.Request();
  CHECK(calls == 1);  // only the one kept alive by `moved`
}

TEST_CASE("a registration's destructor waits for its running callback", "[pipeline][cancel]") {
  Cancellation c;
  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
  auto r = std::make_unique<Cancellation::Registration>(c.OnCancel([&] {
    started = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    finished = true;
  }));
  std::thread requester([&] { c.Request(); });
  while (!started)
    std::this_thread::yield();
  r.reset();  // must not return while the callback still runs
  CHECK(finished);
  requester.join();
}

TEST_CASE("SleepFor returns early when cancellation is requested", "[pipeline][cancel]") {
  Cancellation c;
  CHECK(c.SleepFor(std::chrono::milliseconds(10)));  // not cancelled: slept
  std::thread requester([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    c.Request(SIGTERM);
  });
  const auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(c.SleepFor(std::chrono::seconds(30)));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  requester.join();
  CHECK_FALSE(c.SleepFor(std::chrono::seconds(30)));  // already cancelled: no wait
}

TEST_CASE("ThrowIfRequested names the work and the signal", "[pipeline][cancel]") {
  Cancellation c;
  CHECK_NOTHROW(c.ThrowIfRequested("orders"));
  c.Request(SIGTERM);
  CHECK_THROWS_MATCHES(c.ThrowIfRequested("orders"), CancelledError,
                       Catch::Matchers::Message("orders: cancelled by SIGTERM"));
  CHECK_NOTHROW(etl::pipeline::ThrowIfRequested(nullptr, "x"));
  CHECK_FALSE(etl::pipeline::Requested(nullptr));
  CHECK(c.signal() == SIGTERM);
  Cancellation plain;
  plain.Request();
  CHECK(plain.Reason() == "a request");
  CHECK(plain.signal() == 0);
}

TEST_CASE("a null cancellation registers nothing", "[pipeline][cancel]") {
  int calls = 0;
  auto r = etl::pipeline::OnCancel(nullptr, [&] { ++calls; });
  CHECK(calls == 0);
}
