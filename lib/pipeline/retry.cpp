#include "pipeline/retry.h"

#include <random>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "pipeline/error_class.h"

namespace etl::pipeline {
namespace {

double UniformDraw() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

std::string Describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

}  // namespace

Retry::Retry(RetryPolicy policy, std::string what, const Cancellation* cancellation)
    : policy_(policy), what_(std::move(what)), cancellation_(cancellation), random_(UniformDraw) {}

bool Retry::PrepareRetry(const std::exception_ptr& error, int attempt) {
  const ErrorClass kind = Classify(error);
  if (!IsRetryable(kind) || Requested(cancellation_)) return false;
  if (!HasAttemptLeft(policy_, attempt)) {
    if (policy_.attempts > 1) {
      spdlog::error("{}: {} on try {} of {}; giving up", what_, ToString(kind), attempt,
                    policy_.attempts);
    }
    return false;
  }
  const double wait = Backoff(policy_, attempt, random_());
  const std::string message = Describe(error);
  spdlog::warn("{}: {} on try {} of {} ({}); retrying in {:.1f} s", what_, ToString(kind), attempt,
               policy_.attempts, message, wait);
  ++retries_;
  if (on_retry_) on_retry_(error, attempt);
  const bool slept = cancellation_ != nullptr
                         ? cancellation_->SleepFor(std::chrono::duration<double>(wait))
                         : (std::this_thread::sleep_for(std::chrono::duration<double>(wait)), true);
  if (!slept) {
    throw CancelledError(fmt::format("{}: cancelled by {} while waiting to retry after: {}", what_,
                                     cancellation_->Reason(), message));
  }
  return true;
}

}  // namespace etl::pipeline
