#pragma once
// RetryPolicy: how often a unit of work whose connection was lost is tried, and how long to
// wait between tries (pipeline.retry in the job spec). Pure: no clock, no randomness of its
// own; pipeline/retry.h runs it.
//
// `attempts` counts every try, the first included: attempts: 3 is one try and up to two
// retries. The wait before retry n (n = 1 after the first failure) is drawn uniformly from
// [0, min(max_backoff_s, initial_backoff_s * 2^(n-1))] ("full jitter": runners that lost the
// same server at the same moment do not come back at the same moment).

#include "config/job_spec.h"

namespace etl::pipeline {

struct RetryPolicy {
  int attempts = 3;  // >= 1
  double initial_backoff_s = 1;
  double max_backoff_s = 60;

  static RetryPolicy From(const config::RetrySpec& spec);
};

// Whether try `attempt` (1-based) that failed may be followed by another.
bool HasAttemptLeft(const RetryPolicy& policy, int attempt);

// The longest wait after try `attempt` failed: initial_backoff_s * 2^(attempt-1), capped at
// max_backoff_s (and never negative).
double BackoffCeiling(const RetryPolicy& policy, int attempt);

// The wait after try `attempt` failed, for a random draw `unit` in [0, 1).
double Backoff(const RetryPolicy& policy, int attempt, double unit);

}  // namespace etl::pipeline
