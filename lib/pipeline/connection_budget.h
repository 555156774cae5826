#pragma once
// The connection pool limit of `pipeline.pool`: at most `size` connections per side may be open
// for data work at once. Connections themselves are opened per worker (each table/part needs its
// own session settings and transaction), so the budget is a counting semaphore, not a cache.
//
// Waiting is first come, first served (a ticket queue), so a worker that gives a slot back and
// asks again at once does not overtake one that has been waiting. How long a waiter waits is
// its WaitRule:
//   - `keep_waiting` false (checked on every release and every 100 ms): stop waiting, get an
//     empty Slot (the worker has nothing left to do, or the run is being cancelled);
//   - after `timeout_s` of waiting, the wait fails with a clear error naming the pool, unless
//     `excused` says the waiter's work makes progress without it (e.g. another worker of the
//     same table holds connections and works through the table's parts): then it keeps waiting.
// The default rule (tables) waits up to timeout_s, then fails.
//
// Threads: every member may be called from any thread.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>

namespace etl::pipeline {

class ConnectionBudget {
 public:
  ConnectionBudget(int size, int timeout_s) : free_(size), timeout_(timeout_s) {}

  class Slot {
   public:
    Slot() = default;
    explicit Slot(ConnectionBudget* owner) : owner_(owner) {}
    Slot(Slot&& o) noexcept : owner_(o.owner_) { o.owner_ = nullptr; }
    Slot& operator=(Slot&& o) noexcept {
      if (this != &o) {
        Release();
        owner_ = o.owner_;
        o.owner_ = nullptr;
      }
      return *this;
    }
    ~Slot() { Release(); }
    explicit operator bool() const { return owner_ != nullptr; }

   private:
    void Release() {
      if (owner_) owner_->Give();
      owner_ = nullptr;
    }
    ConnectionBudget* owner_ = nullptr;
  };

  struct WaitRule {
    std::function<bool()> keep_waiting;  // empty: always
    std::function<bool()> excused;       // empty: never (fail after timeout_s)
  };

  // Throws std::runtime_error naming `who` when no slot frees up within the timeout (and the
  // rule does not excuse the wait); returns an empty Slot when the rule stops the wait.
  Slot Acquire(const std::string& who, const WaitRule& rule = {}) {
    std::unique_lock lock(mu_);
    const std::uint64_t ticket = next_ticket_++;
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
      if (ticket == serving_ && free_ > 0) {
        --free_;
        Advance();
        cv_.notify_all();  // the next ticket may be served too
        return Slot(this);
      }
      if (rule.keep_waiting && !rule.keep_waiting()) {
        Leave(ticket);
        return Slot();
      }
      if (std::chrono::steady_clock::now() - start >= timeout_ &&
          !(rule.excused && rule.excused())) {
        Leave(ticket);
        throw std::runtime_error(who + ": no free connection in pipeline.pool within " +
                                 std::to_string(timeout_.count()) + " s (pool.size too small?)");
      }
      cv_.wait_for(lock, std::chrono::milliseconds(100));
    }
  }

 private:
  void Give() {
    std::lock_guard lock(mu_);
    ++free_;
    cv_.notify_all();
  }

  // A waiter that leaves the queue: tickets behind it must not wait for it. REQUIRES: mu_ held.
  void Leave(std::uint64_t ticket) {
    if (ticket == serving_) {
      Advance();
    } else {
      left_.insert(ticket);
    }
    cv_.notify_all();
  }
  // The next ticket still waiting gets its turn. REQUIRES: mu_ held.
  void Advance() {
    ++serving_;
    while (left_.erase(serving_) > 0)
      ++serving_;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  int free_;
  std::chrono::seconds timeout_;
  std::uint64_t next_ticket_ = 0;
  std::uint64_t serving_ = 0;  // the ticket whose turn it is
  std::set<std::uint64_t> left_;
};

}  // namespace etl::pipeline
