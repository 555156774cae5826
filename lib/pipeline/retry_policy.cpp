#include "pipeline/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace etl::pipeline {

RetryPolicy RetryPolicy::From(const config::RetrySpec& spec) {
  return RetryPolicy{spec.attempts, spec.initial_backoff_s, spec.max_backoff_s};
}

bool HasAttemptLeft(const RetryPolicy& policy, int attempt) {
  return attempt < policy.attempts;
}

double BackoffCeiling(const RetryPolicy& policy, int attempt) {
  const double cap = std::max(0.0, policy.max_backoff_s);
  const int doublings = std::clamp(attempt - 1, 0, 62);  // 2^62 s is past any cap
  return std::min(cap, std::max(0.0, policy.initial_backoff_s) * std::ldexp(1.0, doublings));
}

double Backoff(const RetryPolicy& policy, int attempt, double unit) {
  return BackoffCeiling(policy, attempt) * std::clamp(unit, 0.0, 1.0);
}

}  // namespace etl::pipeline
