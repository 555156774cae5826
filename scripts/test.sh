#!/usr/bin/env bash
# Builds etl and its tests with warnings as errors into <repo>/build (or $ETL_BUILD_DIR), starts
# the throwaway servers (with TLS, which the TLS tests need; plain-text connections keep working
# for every other test) and runs every test with ctest.
#
#   scripts/test.sh [--hardening] [CTEST_ARGS...]
#
# --hardening (what .ci/run uses) also builds the sanitizer build (scripts/build.sh --sanitize,
# <repo>/build-sanitize) and the fuzz build (scripts/build.sh --fuzz, <repo>/build-fuzz) and adds
# two tests to the run: hardening.sanitizers (scripts/sanitize.sh: the unit, source/sink and
# end-to-end load tests under ASan+UBSan) and hardening.fuzz (scripts/fuzz.sh: the spec fuzzer for
# 60 s), so that ctest's summary covers them. See docs/hardening.md.
# Other arguments are passed to ctest (e.g. `-L unit`, `-R config`); the exit code is ctest's.
# The servers are left running (scripts/servers.sh stop stops them).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ETL_BUILD_DIR:-$REPO_ROOT/build}"
SANITIZE_DIR="${ETL_SANITIZE_BUILD_DIR:-$REPO_ROOT/build-sanitize}"
FUZZ_DIR="${ETL_FUZZ_BUILD_DIR:-$REPO_ROOT/build-fuzz}"

hardening=OFF
if [[ "${1:-}" == "--hardening" ]]; then
  hardening=ON
  shift
fi

cd "$REPO_ROOT"
scripts/install-deps.sh
scripts/build.sh --werror "$BUILD_DIR" -- -DETL_HARDENING_TESTS="$hardening" \
  -DETL_SANITIZE_BUILD_DIR="$SANITIZE_DIR" -DETL_FUZZ_BUILD_DIR="$FUZZ_DIR"
if [[ $hardening == ON ]]; then
  scripts/build.sh --werror --sanitize "$SANITIZE_DIR"
  scripts/build.sh --werror --fuzz "$FUZZ_DIR"
fi
scripts/servers.sh start --tls
eval "$(scripts/servers.sh env)"

echo "test.sh: ctest --test-dir $BUILD_DIR --output-on-failure -j2 $*"
exec ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 "$@"
