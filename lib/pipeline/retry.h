#pragma once
// Retry: runs one unit of work (a parallel part, a single-stream table, an incremental resumed
// from its watermark) again when it failed because its connection was lost
// (pipeline/error_class.h), within a RetryPolicy.
//
//   Retry retry(RetryPolicy::From(job.pipeline.retry), "orders part 2/8", cancellation);
//   auto rows = retry.Run([&](int attempt) { return LoadPart(part, attempt); });
//   report.retries += retry.retries();
//
// The unit must be safe to run again from its start: everything it wrote before failing must
// be gone (its transaction rolled back, which a lost session does by itself, or its rows in a
// stage removed by the unit at its start). Run rethrows at once an error that is not retryable,
// the last error when the attempts are used up, and CancelledError when cancellation is
// requested while it waits; it never retries once cancellation was requested. Each retry is
// logged (warning) with the unit, the error and the attempt number, and counted.
//
// Threads: one Retry may be shared by units running on several threads (the count is atomic);
// set_random and set_on_retry must be called before any Run.

#include <atomic>
#include <exception>
#include <functional>
#include <string>
#include <type_traits>

#include "pipeline/cancellation.h"
#include "pipeline/retry_policy.h"

namespace etl::pipeline {

class Retry {
 public:
  Retry(RetryPolicy policy, std::string what, const Cancellation* cancellation = nullptr);

  template <typename Unit>
  std::invoke_result_t<Unit&, int> Run(Unit&& unit) {
    for (int attempt = 1;; ++attempt) {
      try {
        return unit(attempt);
      } catch (...) {
        if (!PrepareRetry(std::current_exception(), attempt)) throw;
      }
    }
  }

  // Retries done so far, over every Run.
  int retries() const { return retries_.load(); }

  // The jitter draw, uniform in [0, 1) (tests make it fixed).
  void set_random(std::function<double()> random) { random_ = std::move(random); }
  // Called before each retry's wait, after it was logged: the error and the try that failed.
  void set_on_retry(std::function<void(const std::exception_ptr&, int attempt)> on_retry) {
    on_retry_ = std::move(on_retry);
  }

 private:
  // True when try `attempt` that failed with `error` is to be followed by another (after the
  // wait); false to rethrow `error`. Throws CancelledError when cancelled during the wait.
  bool PrepareRetry(const std::exception_ptr& error, int attempt);

  RetryPolicy policy_;
  std::string what_;
  const Cancellation* cancellation_;
  std::function<double()> random_;
  std::function<void(const std::exception_ptr&, int)> on_retry_;
  std::atomic<int> retries_{0};
};

}  // namespace etl::pipeline
