#!/usr/bin/env bash
# Runs the sanitizer suite (docs/hardening.md): the code built by scripts/build.sh --sanitize
# (AddressSanitizer + UndefinedBehaviorSanitizer, no recovery) under
#   - every unit test (unit.*),
#   - the source and sink integration tests (the reader, the COPY encoders, the writers, type
#     resolution, swaps) against the real servers,
#   - the `etl` end-to-end tests that load every type through every strategy, fail and reject rows
#     and exercise the hardening rules (integration.cli "load types:", "load atomic:",
#     "hardening:"), run by the main build's test binary against the sanitized `etl`.
# Any sanitizer report fails the suite: every report aborts the process (abort_on_error, so it
# dies with SIGABRT, exit 134, which no test accepts as an ordinary exit 1), and AddressSanitizer
# and LeakSanitizer reports are also written to files (log_path) whose presence fails the suite
# even when a test ignored the exit code. (GCC's libubsan always reports on stderr.)
#
#   scripts/sanitize.sh [--step unit|source-sink|cli] [SANITIZE_BUILD_DIR [MAIN_BUILD_DIR]]
#
# Defaults: <repo>/build-sanitize and <repo>/build (or $ETL_SANITIZE_BUILD_DIR, $ETL_BUILD_DIR).
# --step runs one of the three legs above (unit, source-sink, cli); without it, all three.
# Needs the servers (eval "$(scripts/servers.sh env)"); scripts/test.sh --hardening runs each leg
# as a ctest test, hardening.sanitizers.<leg>, as soon as its part of the build is made.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
steps=(unit source-sink cli)
if [[ "${1:-}" == "--step" ]]; then
  [[ " ${steps[*]} " == *" ${2:-} "* ]] || {
    echo "sanitize.sh: --step needs one of: ${steps[*]}" >&2
    exit 2
  }
  steps=("$2")
  shift 2
fi
SAN_DIR="${1:-${ETL_SANITIZE_BUILD_DIR:-$REPO_ROOT/build-sanitize}}"
MAIN_DIR="${2:-${ETL_BUILD_DIR:-$REPO_ROOT/build}}"
CLI_TESTS="load types:*,load atomic:*,hardening:*"  # Catch test spec: a comma means "or"

die() {
  echo "sanitize.sh: $*" >&2
  exit 2
}
[[ -x "$SAN_DIR/apps/etl" ]] || die "$SAN_DIR/apps/etl is missing (scripts/build.sh --sanitize)"
[[ -x "$MAIN_DIR/tests/integration_cli" ]] || die "$MAIN_DIR/tests/integration_cli is missing"

# One reports directory per leg: the legs may run at the same time (scripts/test.sh --hardening).
reports_root="$SAN_DIR/sanitizer-reports"
for s in "${steps[@]}"; do
  rm -rf "${reports_root:?}/$s"
  mkdir -p "$reports_root/$s"
done
# abort_on_error: a report kills the process (exit 134), it never looks like an ordinary exit 1.
# log_path is set per leg (in step).
asan_options="halt_on_error=1:abort_on_error=1:detect_leaks=1:check_initialization_order=1"
asan_options+=":strict_init_order=1:detect_stack_use_after_return=1"
ubsan_options="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="suppressions=$REPO_ROOT/tests/sanitizers/lsan.supp:print_suppressions=0"

status=0
start=$SECONDS
# Runs a leg with its output in a log: the last lines when it passes, many more when it fails.
step() {
  local name=$1 dir="$reports_root/$1"
  shift
  echo "sanitize.sh: $name"
  if ASAN_OPTIONS="$asan_options:log_path=$dir/asan" \
    UBSAN_OPTIONS="$ubsan_options:log_path=$dir/ubsan" "$@" >"$dir/$name.log" 2>&1; then
    tail -n 3 "$dir/$name.log"
  else
    status=1
    tail -n 80 "$dir/$name.log"
  fi
}
for s in "${steps[@]}"; do
  case "$s" in
    unit) step unit ctest --test-dir "$SAN_DIR" -L unit -E '^format$' -j2 --output-on-failure ;;
    source-sink)
      step source-sink ctest --test-dir "$SAN_DIR" -L integration \
        -R '^integration[.](source|sink):' -j1 --output-on-failure
      ;;
    cli)
      step cli env ETL_TEST_BINARY="$SAN_DIR/apps/etl" "$MAIN_DIR/tests/integration_cli" \
        "$CLI_TESTS"
      ;;
  esac
done

found=0
for s in "${steps[@]}"; do
  for f in "$reports_root/$s"/asan.* "$reports_root/$s"/ubsan.*; do
    [[ -f "$f" ]] || continue
    found=1
    echo "==== sanitizer report $f ===="
    head -n 80 "$f"
  done
done
echo "sanitize.sh: done in $((SECONDS - start))s"
if ((found != 0)); then
  echo "sanitize.sh: FAILED: sanitizer reports above"
  exit 1
fi
if ((status != 0)); then
  echo "sanitize.sh: FAILED: tests failed under the sanitizers"
  exit 1
fi
echo "sanitize.sh: no sanitizer reports"
