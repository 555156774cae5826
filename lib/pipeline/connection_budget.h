#pragma once
// The connection pool limit of `pipeline.pool`: at most `size` connections per side may be open
// for data work at once; a worker waits up to `timeout_s` for a slot, then fails with a clear
// error. Connections themselves are opened per worker (each table/part needs its own session
// settings and transaction), so the budget is a counting semaphore, not a cache.

#include <chrono>
#include <condition_variable>
#include <mutex>
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

   private:
    void Release() {
      if (owner_) owner_->Give();
      owner_ = nullptr;
    }
    ConnectionBudget* owner_ = nullptr;
  };

  // Throws std::runtime_error naming `who` when no slot frees up within the timeout.
  Slot Acquire(const std::string& who) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, timeout_, [&] { return free_ > 0; })) {
      throw std::runtime_error(who + ": no free connection in pipeline.pool within " +
                               std::to_string(timeout_.count()) + " s (pool.size too small?)");
    }
    --free_;
    return Slot(this);
  }

 private:
  void Give() {
    std::lock_guard lock(mu_);
    ++free_;
    cv_.notify_one();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  int free_;
  std::chrono::seconds timeout_;
};

}  // namespace etl::pipeline
