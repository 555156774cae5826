// ConnectionBudget: slots are served first come, first served; a wait ends empty when its rule
// says there is nothing left to wait for, fails after timeout_s unless the rule excuses it.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "pipeline/connection_budget.h"

using etl::pipeline::ConnectionBudget;

TEST_CASE("connection budget: a slot given back is taken again", "[pipeline][pool]") {
  ConnectionBudget budget(1, 1);
  {
    auto slot = budget.Acquire("a");
    CHECK(static_cast<bool>(slot));
  }
  auto again = budget.Acquire("b");
  CHECK(static_cast<bool>(again));
}

TEST_CASE("connection budget: a wait with no excuse fails after the timeout, naming the pool",
          "[pipeline][pool]") {
  ConnectionBudget budget(1, 1);
  auto held = budget.Acquire("holder");
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(budget.Acquire("waiter"), Catch::Contains("waiter: no free connection in "
                                                              "pipeline.pool within 1 s"));
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::seconds(1));
}

TEST_CASE("connection budget: an excused wait outlasts the timeout and gets the slot",
          "[pipeline][pool]") {
  ConnectionBudget budget(1, 1);
  auto held = std::make_unique<ConnectionBudget::Slot>(budget.Acquire("holder"));
  std::thread giver([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    held.reset();
  });
  ConnectionBudget::WaitRule rule;
  rule.excused = [] { return true; };
  auto slot = budget.Acquire("patient", rule);
  CHECK(static_cast<bool>(slot));
  giver.join();
}

TEST_CASE("connection budget: a wait stops empty when its rule says so", "[pipeline][pool]") {
  ConnectionBudget budget(1, 5);
  auto held = budget.Acquire("holder");
  std::atomic<bool> keep{true};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    keep = false;
  });
  ConnectionBudget::WaitRule rule;
  rule.keep_waiting = [&] { return keep.load(); };
  auto slot = budget.Acquire("quitter", rule);
  CHECK_FALSE(static_cast<bool>(slot));
  stopper.join();
  // The queue moved past the waiter that left: the next one is served.
  held = {};
  CHECK(static_cast<bool>(budget.Acquire("next")));
}

TEST_CASE("connection budget: waiters are served in the order they came", "[pipeline][pool]") {
  ConnectionBudget budget(1, 30);
  auto held = std::make_unique<ConnectionBudget::Slot>(budget.Acquire("holder"));
  std::mutex mu;
  std::vector<int> order;
  std::vector<std::thread> waiters;
  for (int i = 0; i < 3; ++i) {
    waiters.emplace_back([&, i] {
      auto slot = budget.Acquire("waiter");
      std::lock_guard lock(mu);
      order.push_back(i);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(150));  // queue them in order
  }
  held.reset();
  for (auto& w : waiters)
    w.join();
  CHECK(order == std::vector<int>{0, 1, 2});
}
