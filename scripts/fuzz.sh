#!/usr/bin/env bash
# Runs the job-spec fuzzer (tests/fuzz/spec_loader_fuzz, built by scripts/build.sh --fuzz).
#
#   scripts/fuzz.sh [SECONDS] [-- LIBFUZZER_ARGS...]
#
# SECONDS (default 60) is the total fuzzing time. The seed corpus is tests/data/specs (plus a
# generated job + tables_file input) and tests/data/fuzz (kept crashes); new interesting inputs go
# to <fuzz build>/corpus, which later runs reuse (delete it to start over). A crashing, leaking or
# timing-out input is copied to tests/data/fuzz/ so that the regression test replays it: fix the
# bug, then commit the file. Exit code: 0 when nothing was found, 1 otherwise.
# ETL_FUZZ_BUILD_DIR overrides the build directory (default <repo>/build-fuzz).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ETL_FUZZ_BUILD_DIR:-$REPO_ROOT/build-fuzz}"
FUZZER="$BUILD_DIR/tests/fuzz/spec_loader_fuzz"
seconds=60
extra=()
while (($# > 0)); do
  case "$1" in
    --)
      shift
      extra=("$@")
      break
      ;;
    -h | --help)
      sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) seconds=$1 ;;
  esac
  shift
done
[[ $seconds =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a number" >&2; exit 2; }
[[ -x "$FUZZER" ]] || { echo "fuzz.sh: $FUZZER is missing (scripts/build.sh --fuzz)" >&2; exit 2; }

corpus="$BUILD_DIR/corpus"
seeds="$BUILD_DIR/seeds"
artifacts="$BUILD_DIR/artifacts"
mkdir -p "$corpus" "$artifacts"
rm -rf "$seeds" "$artifacts"/*
mkdir -p "$seeds"
cp "$REPO_ROOT"/tests/data/specs/*.yml "$seeds"/
# The tables_file form as one input (format: tests/fuzz/spec_fuzz_input.h).
{
  sed 's/^tables_file: .*/tables_file: tables.yml/' "$REPO_ROOT/tests/data/specs/valid_tables_file_job.yml"
  printf '\n#---tables_file---\n'
  cat "$REPO_ROOT/tests/data/specs/valid_tables_file_tables.yml"
} >"$seeds/tables_file_pair.yml"
regressions=("$REPO_ROOT"/tests/data/fuzz)

export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
echo "fuzz.sh: fuzzing the spec loader for ${seconds}s (corpus $corpus)"
status=0
# -rss_limit_mb bounds a run's memory; -timeout flags inputs that take more than 10 s.
"$FUZZER" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
  -dict="$REPO_ROOT/tests/fuzz/spec.dict" -artifact_prefix="$artifacts/" -print_final_stats=1 \
  "${extra[@]}" "$corpus" "$seeds" "${regressions[@]}" >"$BUILD_DIR/fuzz.log" 2>&1 || status=$?
tail -n 25 "$BUILD_DIR/fuzz.log"
found=0
for f in "$artifacts"/*; do
  [[ -f "$f" ]] || continue
  found=1
  name="$(basename "$f")"
  cp "$f" "$REPO_ROOT/tests/data/fuzz/$name.yml"
  echo "fuzz.sh: FOUND $name, kept as tests/data/fuzz/$name.yml (replayed by unit.config tests)"
done
if ((status != 0 || found != 0)); then
  echo "fuzz.sh: the fuzzer reported a problem (exit $status); full log: $BUILD_DIR/fuzz.log"
  exit 1
fi
echo "fuzz.sh: nothing found in ${seconds}s"
