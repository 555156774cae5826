#!/usr/bin/env bash
# The demo, end to end on a fresh Debian 12 machine: installs what is missing, builds etl, starts
# the throwaway servers, seeds the MariaDB `shop` database, then runs
#   etl validate jobs/demo.yml; etl plan jobs/demo.yml; etl run jobs/demo.yml --report-json FILE;
#   etl report jobs/demo.yml
# The run report goes to build/demo-report.json; build output goes to build/demo-build.log and is
# shown only when the build fails. ETL_BUILD_DIR overrides the build directory.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ETL_BUILD_DIR:-$REPO_ROOT/build}"
JOB=jobs/demo.yml
REPORT="$BUILD_DIR/demo-report.json"
BUILD_LOG="$BUILD_DIR/demo-build.log"

die() {
  echo "demo.sh: $*" >&2
  exit 1
}
step() { printf '\n==> %s\n' "$*"; }

cd "$REPO_ROOT"

step "dependencies"
scripts/install-deps.sh

step "build ($BUILD_DIR)"
mkdir -p "$BUILD_DIR"
if ! scripts/build.sh "$BUILD_DIR" >"$BUILD_LOG" 2>&1; then
  tail -n 60 "$BUILD_LOG" >&2
  die "build failed (full log: $BUILD_LOG)"
fi
ETL="$BUILD_DIR/apps/etl"
[[ -x "$ETL" ]] || die "build finished but $ETL is missing"
echo "built $ETL ($("$ETL" --version 2>/dev/null || echo 'version unknown'))"

step "servers"
scripts/servers.sh start
eval "$(scripts/servers.sh env)"

step "seed the demo source database"
scripts/seed-demo.sh

step "etl validate $JOB"
"$ETL" validate "$JOB" || die "validate failed"

step "etl plan $JOB"
"$ETL" plan "$JOB" || die "plan failed"

step "etl run $JOB --report-json $REPORT"
rc=0
"$ETL" run "$JOB" --report-json "$REPORT" || rc=$?
if ((rc != 0)); then
  die "etl run exited with $rc (report: $REPORT)"
fi

step "etl report $JOB (this run against the first one in demo.etl_runs)"
"$ETL" report "$JOB" || die "report failed"

step "done"
echo "run report: $REPORT"
echo "look at the copy:  PGPASSWORD=\$ETL_PG_PASSWORD psql -h 127.0.0.1 -p $ETL_PG_PORT -U $ETL_PG_USER $ETL_PG_DATABASE -c '\\dt+ demo.*'"
echo "(environment: eval \"\$(scripts/servers.sh env)\"; stop the servers: scripts/servers.sh stop)"
