#pragma once
// Cancellation: one run's "stop now" (contract: a SIGINT/SIGTERM stops the run, open table
// transactions roll back, the report is written).
//
// One Cancellation belongs to one run (app/ creates it with the signal watcher; tests create
// their own). Work that runs something that may take long registers, for as long as it runs
// it, a callback that stops it: PQcancel for a PostgreSQL statement (sink::PgCanceller), KILL
// QUERY for a MySQL one (source::KillQuery); pipeline/cancel_hooks.h has both. Loops check
// requested() between steps and throw CancelledError (ThrowIfRequested). Waits between retries
// use SleepFor, which returns early.
//
// Request() is idempotent: the first caller's signal is kept and every callback runs once, on
// the requesting thread, before Request returns; a callback registered after the request runs
// at once, on the registering thread. A Registration's destructor waits while its callback is
// running on another thread, so a callback never outlives what it captured (the semantics of
// std::stop_callback, which this wraps). Callbacks must be quick and must not throw: send the
// cancel request, do not wait for it to take effect.
//
// Threads: every member may be called from any thread. Not async-signal-safe: signals reach
// Request() through app/signal_watcher.h, which runs on a normal thread.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>

namespace etl::pipeline {

// Thrown by work that stopped because cancellation was requested; never retried.
class CancelledError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Cancellation {
 public:
  // Keeps its callback registered while it lives. Empty (registered nothing) when
  // default-constructed or made from a null Cancellation.
  class Registration {
   public:
    Registration() = default;
    Registration(Registration&&) noexcept = default;
    Registration& operator=(Registration&&) noexcept = default;
    ~Registration() = default;

   private:
    friend class Cancellation;
    using Callback = std::stop_callback<std::function<void()>>;
    explicit Registration(std::unique_ptr<Callback> callback) : callback_(std::move(callback)) {}
    std::unique_ptr<Callback> callback_;
  };

  Cancellation() = default;
  Cancellation(const Cancellation&) = delete;
  Cancellation& operator=(const Cancellation&) = delete;

  // `signal` is the signal number that asked for it (SIGINT, SIGTERM) or 0.
  void Request(int signal = 0);
  bool requested() const { return source_.stop_requested(); }
  // The signal of the first Request; 0 when none was requested or it did not come from a signal.
  int signal() const;
  // "SIGTERM", "SIGINT", "signal N", or "a request" (no signal).
  std::string Reason() const;

  // Throws CancelledError("<what>: cancelled by SIGTERM") when requested.
  void ThrowIfRequested(std::string_view what) const;
  // Sleeps for `duration` or until cancellation is requested; false when it was.
  bool SleepFor(std::chrono::duration<double> duration) const;

  [[nodiscard]] Registration OnCancel(std::function<void()> callback);

 private:
  std::stop_source source_;
  mutable std::mutex mutex_;  // for SleepFor's condition variable only
  mutable std::condition_variable_any wake_;
  std::atomic<int> signal_{0};  // set (once) before the stop is requested
};

// The same for a Cancellation that may be null (work run without one is never cancelled).
bool Requested(const Cancellation* cancellation);
void ThrowIfRequested(const Cancellation* cancellation, std::string_view what);
[[nodiscard]] Cancellation::Registration OnCancel(Cancellation* cancellation,
                                                  std::function<void()> callback);

}  // namespace etl::pipeline
