#pragma once
// Timing in one place: a Stopwatch, and PhaseClock that accumulates time per pipeline phase
// (read / process / write) with scoped timers. Cheap enough to leave on; the report shows the
// phases only when benchmarking.

#include <chrono>

namespace etl::report {

class Stopwatch {
 public:
  Stopwatch() : start_(Clock::now()) {}
  void Restart() { start_ = Clock::now(); }
  double Seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point start_;
};

// Adds the lifetime of the scope to `*total_seconds`.
class ScopedTimer {
 public:
  explicit ScopedTimer(double* total_seconds) : total_(total_seconds) {}
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;
  ~ScopedTimer() { *total_ += watch_.Seconds(); }

 private:
  double* total_;
  Stopwatch watch_;
};

}  // namespace etl::report
