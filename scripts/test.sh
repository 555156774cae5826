#!/usr/bin/env bash
# Builds etl and its tests with warnings as errors into <repo>/build (or $ETL_BUILD_DIR), starts
# the throwaway servers (with TLS, which the TLS tests need; plain-text connections keep working
# for every other test) and runs every test with ctest.
#
#   scripts/test.sh [--hardening] [CTEST_ARGS...]
#
# --hardening (what .ci/run uses) also adds to the run the sanitizer build (scripts/build.sh
# --sanitize, <repo>/build-sanitize), the fuzz build (scripts/build.sh --fuzz, <repo>/build-fuzz),
# the sanitizer suite (scripts/sanitize.sh: the unit, source/sink and end-to-end load tests under
# ASan+UBSan, as hardening.sanitizers.unit, .source-sink and .cli) and the spec fuzzer for 60 s
# (hardening.fuzz). The two builds are ctest tests too (hardening.build.*), run beside the main
# build's tests, so that their time overlaps and ctest's summary covers everything. See
# docs/hardening.md and tests/CMakeLists.txt.
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
# The servers start (initialise) while the main build compiles.
servers_log="$(mktemp)"
scripts/servers.sh start --tls >"$servers_log" 2>&1 &
servers_pid=$!
scripts/build.sh --werror "$BUILD_DIR" -- -DETL_HARDENING_TESTS="$hardening" \
  -DETL_SANITIZE_BUILD_DIR="$SANITIZE_DIR" -DETL_FUZZ_BUILD_DIR="$FUZZ_DIR"
servers_status=0
wait "$servers_pid" || servers_status=$?
cat "$servers_log"
rm -f "$servers_log"
((servers_status == 0)) || { echo "test.sh: the servers did not start" >&2; exit 1; }
eval "$(scripts/servers.sh env)"

echo "test.sh: ctest --test-dir $BUILD_DIR --output-on-failure -j2 $*"
exec ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 "$@"
