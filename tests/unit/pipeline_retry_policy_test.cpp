// Unit tests of pipeline/retry_policy.h: attempts and the capped, fully jittered backoff.
#include <catch2/catch.hpp>

#include "pipeline/retry_policy.h"

using etl::pipeline::Backoff;
using etl::pipeline::BackoffCeiling;
using etl::pipeline::HasAttemptLeft;
using etl::pipeline::RetryPolicy;

TEST_CASE("attempts count the first try", "[pipeline][retry]") {
  const RetryPolicy p{3, 1, 60};
  CHECK(HasAttemptLeft(p, 1));
  CHECK(HasAttemptLeft(p, 2));
  CHECK_FALSE(HasAttemptLeft(p, 3));
  CHECK_FALSE(HasAttemptLeft(RetryPolicy{1, 1, 60}, 1));  // attempts: 1 never retries
}

TEST_CASE("the backoff ceiling doubles from initial_backoff_s up to max_backoff_s",
          "[pipeline][retry]") {
  const RetryPolicy p{10, 1, 60};
  CHECK(BackoffCeiling(p, 1) == 1);
  CHECK(BackoffCeiling(p, 2) == 2);
  CHECK(BackoffCeiling(p, 3) == 4);
  CHECK(BackoffCeiling(p, 6) == 32);
  CHECK(BackoffCeiling(p, 7) == 60);  // 64 capped
  CHECK(BackoffCeiling(p, 1000) == 60);
  CHECK(BackoffCeiling(RetryPolicy{3, 0.5, 1.5}, 2) == 1);
  CHECK(BackoffCeiling(RetryPolicy{3, 0.5, 1.5}, 3) == 1.5);
  CHECK(BackoffCeiling(RetryPolicy{3, 0, 60}, 5) == 0);  // no waiting at all
}

TEST_CASE("full jitter draws the wait uniformly below the ceiling", "[pipeline][retry]") {
  const RetryPolicy p{5, 2, 60};
  CHECK(Backoff(p, 3, 0.0) == 0);
  CHECK(Backoff(p, 3, 0.5) == 4);
  CHECK(Backoff(p, 3, 0.999) == Approx(7.992));
  CHECK(Backoff(p, 3, 7.0) == 8);  // a draw out of range is clamped
  CHECK(Backoff(p, 3, -1.0) == 0);
}

TEST_CASE("the policy is read from the spec's pipeline.retry", "[pipeline][retry]") {
  etl::config::RetrySpec spec;
  spec.attempts = 7;
  spec.initial_backoff_s = 0.25;
  spec.max_backoff_s = 9;
  const RetryPolicy p = RetryPolicy::From(spec);
  CHECK(p.attempts == 7);
  CHECK(p.initial_backoff_s == 0.25);
  CHECK(p.max_backoff_s == 9);
}
