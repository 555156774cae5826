#!/usr/bin/env bash
# Builds etl and its tests with warnings as errors into <repo>/build (or $ETL_BUILD_DIR), starts
# the throwaway servers (with TLS, which the TLS tests need; plain-text connections keep working
# for every other test) and runs every test with ctest.
# Arguments are passed to ctest (e.g. `-L unit`, `-R config`); the exit code is ctest's.
# The servers are left running (scripts/servers.sh stop stops them).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ETL_BUILD_DIR:-$REPO_ROOT/build}"

cd "$REPO_ROOT"
scripts/install-deps.sh
scripts/build.sh --werror "$BUILD_DIR"
scripts/servers.sh start --tls
eval "$(scripts/servers.sh env)"

echo "test.sh: ctest --test-dir $BUILD_DIR --output-on-failure -j2 $*"
exec ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 "$@"
