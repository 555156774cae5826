#!/usr/bin/env bash
# Benchmarks `etl run` against the plain `mysql | psql COPY` pipe on the local throwaway servers.
#
#   scripts/bench.sh [--rows N] [--rounds R]
#                    [--shapes mixed,existing-target,sparse,skewed,verify,incremental,fault]
#                    [--out DIR]
#                    [--build-dir DIR] [--no-build] [--regenerate]
#
#   --rows N        rows of bench.mixed (default 2000000); sparse/skewed are sized from it
#   --rounds R      rounds of the mixed benchmark (default 3); medians are over the rounds
#   --shapes LIST   comma-separated: mixed (throughput into a plain existing table),
#                   existing-target (reloads of a target created beforehand with a grant, a
#                   secondary index, a view and a referencing child table), sparse (incremental
#                   range chunking over a sparse key), skewed (parallel split balance), verify (etl verify on bench.mixed
#                   against the pipe, and finding one changed value), incremental (a first incremental run
#                   against a full copy_csv load, then a 100-change run with the source's
#                   Handler_read deltas), fault (bench.mixed
#                   loaded with parallel while one PostgreSQL COPY backend is terminated once
#                   mid-load: every row must arrive, with the retry and the recovery time);
#                   default: mixed
#   --out DIR       where results go (default <repo>/bench-out; a timestamped run dir inside,
#                   and bench-out/latest points at it)
#   --build-dir DIR Release build of etl (default <repo>/build-bench)
#   --no-build      use the etl binary already in the build dir
#   --regenerate    recreate the source tables even when they already hold the asked rows
#
# What it does (docs/benchmark.md has the details): starts the servers (scripts/servers.sh),
# builds etl in Release, generates the source tables in the MariaDB database `bench` with the
# SEQUENCE engine, then per round loads bench.mixed four ways in rotating order -- the pipe,
# etl --strategy copy_csv, parallel (parallel_chunks 2), streaming -- each into its own
# PostgreSQL schema, timed with /usr/bin/time -v. It verifies every load's row count, prints the
# median table and writes it to <run dir>/summary.md and summary.tsv. Every command it times is
# printed (and saved in <run dir>/commands.txt). Exit code: 0 when every load succeeded and was
# verified, 1 otherwise (missing the performance targets does not fail the script), 2 on usage.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS=2000000
ROUNDS=3
SHAPES=mixed
OUT_BASE="$REPO_ROOT/bench-out"
BUILD_DIR="$REPO_ROOT/build-bench"
DO_BUILD=1
REGENERATE=0
SOURCE_DB=bench
DATA_VERSION=2 # bump when the generated data changes: existing tables are then regenerated

# Targets from the product contract (docs/benchmark.md).
TARGET_COPY_RATIO=1.00
TARGET_PARALLEL_RATIO=0.85
TARGET_STREAMING_RSS_MB=128

die() {
  echo "bench.sh: $*" >&2
  exit 1
}
usage_error() {
  echo "bench.sh: $*" >&2
  echo "usage: scripts/bench.sh [--rows N] [--rounds R] [--shapes mixed,existing-target,sparse,skewed,verify,incremental,fault] [--out DIR] [--build-dir DIR] [--no-build] [--regenerate]" >&2
  exit 2
}
say() { printf '%s\n' "$*"; }
step() { printf '\n==> %s\n' "$*"; }

while (($# > 0)); do
  case "$1" in
    --rows)
      [[ ${2:-} =~ ^[0-9]+$ ]] && ((${2} >= 1000)) || usage_error "--rows needs an integer >= 1000"
      ROWS=$2
      shift
      ;;
    --rounds)
      [[ ${2:-} =~ ^[0-9]+$ ]] && ((${2} >= 1)) || usage_error "--rounds needs an integer >= 1"
      ROUNDS=$2
      shift
      ;;
    --shapes)
      [[ -n ${2:-} ]] || usage_error "--shapes needs a list (mixed,existing-target,sparse,skewed,verify,incremental,fault)"
      SHAPES=$2
      shift
      ;;
    --out)
      [[ -n ${2:-} ]] || usage_error "--out needs a directory"
      OUT_BASE=$2
      shift
      ;;
    --build-dir)
      [[ -n ${2:-} ]] || usage_error "--build-dir needs a directory"
      BUILD_DIR=$2
      shift
      ;;
    --no-build) DO_BUILD=0 ;;
    --regenerate) REGENERATE=1 ;;
    -h | --help)
      sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) usage_error "unknown argument '$1'" ;;
  esac
  shift
done

WANT_MIXED=0 WANT_EXISTING=0 WANT_SPARSE=0 WANT_SKEWED=0 WANT_VERIFY=0 WANT_INCREMENTAL=0
WANT_FAULT=0
IFS=',' read -r -a shape_list <<<"$SHAPES"
for s in "${shape_list[@]}"; do
  case "$s" in
    mixed) WANT_MIXED=1 ;;
    existing-target) WANT_EXISTING=1 ;;
    sparse) WANT_SPARSE=1 ;;
    skewed) WANT_SKEWED=1 ;;
    verify) WANT_VERIFY=1 ;;
    incremental) WANT_INCREMENTAL=1 ;;
    fault) WANT_FAULT=1 ;;
    *) usage_error "unknown shape '$s' (mixed, existing-target, sparse, skewed, verify, incremental, fault)" ;;
  esac
done

[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
for tool in mysql psql awk sort; do
  command -v "$tool" >/dev/null || die "$tool is missing (run scripts/install-deps.sh)"
done

cd "$REPO_ROOT"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$OUT_BASE/$STAMP"
mkdir -p "$OUT/logs"
ln -sfn "$STAMP" "$OUT_BASE/latest" 2>/dev/null || true
COMMANDS="$OUT/commands.txt"
: >"$COMMANDS"
FAILURES=0

fail() {
  echo "bench.sh: FAILED: $*" >&2
  echo "FAILED: $*" >>"$OUT/failures.txt"
  FAILURES=$((FAILURES + 1))
}

# Prints a command (and records it) before it is run. Secrets stay as variable references.
show() {
  say "  \$ $*"
  printf '%s\n' "$*" >>"$COMMANDS"
}

# ------------------------------------------------------------------ build + servers

ETL="$BUILD_DIR/apps/etl"
if ((DO_BUILD)); then
  step "build etl (Release) in $BUILD_DIR"
  # Warnings are not errors here: the benchmark measures, CI polices warnings.
  show "cmake -S $REPO_ROOT -B $BUILD_DIR -DCMAKE_BUILD_TYPE=Release -DETL_BUILD_TESTS=OFF && cmake --build $BUILD_DIR -j$(nproc) --target etl"
  if ! { cmake -S "$REPO_ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DETL_BUILD_TESTS=OFF &&
    cmake --build "$BUILD_DIR" -j"$(nproc)" --target etl; } >"$OUT/logs/build.log" 2>&1; then
    tail -n 40 "$OUT/logs/build.log" >&2
    die "build failed (log: $OUT/logs/build.log)"
  fi
fi
[[ -x "$ETL" ]] || die "$ETL is missing (drop --no-build)"
grep -q 'CMAKE_BUILD_TYPE:STRING=Release' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null ||
  echo "bench.sh: warning: $BUILD_DIR is not a Release build; numbers will be pessimistic" >&2
say "etl: $ETL ($("$ETL" --version 2>/dev/null || echo 'version unknown'))"

step "servers (commands below run in $REPO_ROOT)"
scripts/servers.sh start
eval "$(scripts/servers.sh env)"

MYSQL_BASE=(mysql --no-defaults --default-character-set=utf8mb4 --protocol=tcp
  -h "$ETL_MYSQL_HOST" -P "$ETL_MYSQL_PORT" -u "$ETL_MYSQL_USER")
MYSQL_ENV_SHOW="MYSQL_PWD=\"\$ETL_MYSQL_PASSWORD\""
MYSQL_SHOW="mysql --no-defaults --default-character-set=utf8mb4 --protocol=tcp -h $ETL_MYSQL_HOST -P $ETL_MYSQL_PORT -u $ETL_MYSQL_USER"
PSQL_BASE=(psql -X -q -v ON_ERROR_STOP=1 -h "$ETL_PG_HOST" -p "$ETL_PG_PORT" -U "$ETL_PG_USER"
  -d "$ETL_PG_DATABASE")
PSQL_ENV_SHOW="PGPASSWORD=\"\$ETL_PG_PASSWORD\" PGOPTIONS='-c timezone=UTC'"
PSQL_SHOW="psql -X -q -v ON_ERROR_STOP=1 -h $ETL_PG_HOST -p $ETL_PG_PORT -U $ETL_PG_USER -d $ETL_PG_DATABASE"

my() { MYSQL_PWD="$ETL_MYSQL_PASSWORD" "${MYSQL_BASE[@]}" "$@"; }
pg() { # quiet: no NOTICEs (DROP ... CASCADE)
  PGPASSWORD="$ETL_PG_PASSWORD" PGOPTIONS='-c timezone=UTC -c client_min_messages=warning' \
    "${PSQL_BASE[@]}" "$@"
}
pg_value() { pg -At -c "$1"; }
my_value() { my --batch --skip-column-names -e "$1"; }

# ------------------------------------------------------------------ helpers

# /usr/bin/time -v output -> seconds / peak RSS in MB.
time_seconds() {
  awk -F': ' '/Elapsed \(wall clock\) time/ {
    n = split($2, a, ":"); s = 0
    for (i = 1; i <= n; i++) s = s * 60 + a[i]
    printf "%.2f", s }' "$1"
}
time_rss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"; }

# A field of the (single-table) run report JSON: jfield FILE KEY [OCCURRENCE]. `status` occurs
# twice (run, then table): ask for occurrence 2 for the table's.
jfield() {
  grep -o "\"$2\":[^,}]*" "$1" 2>/dev/null | sed -n "${3:-1}p" | cut -d: -f2- | tr -d '"'
}

json_error() { # the table's error text from a run report
  grep -m1 -o '"error":"\([^"\\]\|\\.\)*"' "$1" 2>/dev/null | cut -c10- | sed 's/"$//; s/\\"/"/g'
}

why_failed() { # report error, else the last lines etl logged
  local e
  e=$(json_error "$1")
  [[ -n $e ]] && echo "$e" || tail -n 3 "$2" 2>/dev/null | tr '\n' ' '
}

median() { # numbers on stdin -> median
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
max_of() { sort -g | tail -n 1; }

# A numeric field, 0 when absent (a failed run may leave no report).
jnum() {
  local v
  v=$(jfield "$@")
  [[ $v =~ ^-?[0-9]+$ ]] && echo "$v" || echo 0
}

# ------------------------------------------------------------------ source data

# Whether bench.<table> exists with the wanted generation marker (so data is reused across runs).
source_current() {
  local table=$1 marker=$2
  [[ $REGENERATE -eq 0 ]] || return 1
  local comment
  comment=$(my_value "SELECT TABLE_COMMENT FROM information_schema.TABLES
    WHERE TABLE_SCHEMA = '$SOURCE_DB' AND TABLE_NAME = '$table'" 2>/dev/null) || return 1
  [[ "$comment" == "$marker" ]]
}

generate_mixed() {
  local marker="etl-bench mixed v$DATA_VERSION rows=$ROWS"
  if source_current mixed "$marker"; then
    say "bench.mixed already holds $ROWS rows (v$DATA_VERSION); reusing it (--regenerate to recreate)"
    return 0
  fi
  say "generating bench.mixed: $ROWS rows"
  local started=$SECONDS
  my <<SQL || die "generating bench.mixed failed"
SET SESSION time_zone = '+00:00';
SET SESSION unique_checks = 0;
SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION';
CREATE DATABASE IF NOT EXISTS $SOURCE_DB CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE $SOURCE_DB;
DROP TABLE IF EXISTS mixed;
CREATE TABLE mixed (
  id          BIGINT NOT NULL PRIMARY KEY,
  account_id  INT NOT NULL,
  name        VARCHAR(100) NOT NULL,
  amount      DECIMAL(12, 2) NOT NULL,
  created_at  DATETIME NOT NULL,
  updated_at  TIMESTAMP NOT NULL DEFAULT '2000-01-01 00:00:00',
  is_active   TINYINT(1) NOT NULL,
  status      ENUM('new', 'paid', 'shipped', 'cancelled', 'refunded') NOT NULL,
  doc         JSON NULL,
  parent_id   INT NULL,
  note        TEXT NOT NULL
) ENGINE = InnoDB;
-- names: one in two multi-byte (2-, 3- and 4-byte UTF-8); notes ~60 bytes, every 997th with a
-- tab and a backslash (what mysql --batch escapes), every 17th doc NULL, every 5th parent NULL.
INSERT INTO mixed
SELECT seq,
       1 + (seq * 7919) % 100000,
       CONCAT(ELT(1 + seq % 8, 'José Müller', 'Smith', '山田 美咲', 'Jones', 'Анна Иванова',
                  'Brown', 'Nguyễn 😀', 'O''Brien'), ' #', seq),
       ROUND(((seq * 2654435761) % 100000000) / 100 - 250000, 2),
       TIMESTAMP('2020-01-01 00:00:00') + INTERVAL seq * 13 SECOND,
       TIMESTAMP('2021-01-01 00:00:00') + INTERVAL seq * 11 SECOND,
       seq % 3 = 0,
       ELT(1 + (seq * 31) % 5, 'new', 'paid', 'shipped', 'cancelled', 'refunded'),
       IF(seq % 17 = 0, NULL,
          JSON_OBJECT('k', seq % 1000, 'tag', ELT(1 + seq % 3, 'red', 'grün', 'blue'),
                      'flags', JSON_ARRAY(seq % 2, seq % 5))),
       IF(seq % 5 = 0, NULL, seq DIV 3),
       IF(seq % 997 = 0,
          CONCAT('note ', LPAD(seq, 10, '0'), CHAR(9), 'tab and back\\\\slash ', REPEAT('x', 24)),
          CONCAT('note ', LPAD(seq, 10, '0'), ' lorem ipsum dolor sit amet, consectetur'))
FROM seq_1_to_$ROWS;
ALTER TABLE mixed COMMENT = '$marker';
ANALYZE TABLE mixed;
SQL
  say "generated bench.mixed in $((SECONDS - started)) s"
}

# Dense head, long sparse middle (one id every 200), dense tail.
SPARSE_HEAD=$((ROWS / 10))
SPARSE_MIDDLE=$((ROWS / 20))
SPARSE_STEP=200
SPARSE_TAIL=$((ROWS / 10))
SPARSE_ROWS=$((SPARSE_HEAD + SPARSE_MIDDLE + SPARSE_TAIL))
SPARSE_MIDDLE_END=$((SPARSE_HEAD + SPARSE_MIDDLE * SPARSE_STEP))
SPARSE_BATCH=10000

generate_sparse() {
  local marker="etl-bench sparse v$DATA_VERSION rows=$ROWS"
  if source_current sparse "$marker"; then
    say "bench.sparse already generated for --rows $ROWS; reusing it"
    return 0
  fi
  say "generating bench.sparse: $SPARSE_HEAD dense + $SPARSE_MIDDLE sparse (every $SPARSE_STEP) + $SPARSE_TAIL dense rows"
  my <<SQL || die "generating bench.sparse failed"
SET SESSION unique_checks = 0;
CREATE DATABASE IF NOT EXISTS $SOURCE_DB CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE $SOURCE_DB;
DROP TABLE IF EXISTS sparse;
CREATE TABLE sparse (
  id          BIGINT NOT NULL PRIMARY KEY,
  kind        VARCHAR(16) NOT NULL,
  amount      DECIMAL(12, 2) NOT NULL,
  created_at  DATETIME NOT NULL,
  note        VARCHAR(80) NOT NULL
) ENGINE = InnoDB;
INSERT INTO sparse
SELECT seq, ELT(1 + seq % 3, 'head', 'höfð', 'kopf'), (seq % 100000) / 100,
       TIMESTAMP('2024-01-01') + INTERVAL seq SECOND, CONCAT('dense head row ', seq)
FROM seq_1_to_$SPARSE_HEAD;
INSERT INTO sparse
SELECT $SPARSE_HEAD + seq * $SPARSE_STEP, 'middle', (seq % 100000) / 100,
       TIMESTAMP('2024-02-01') + INTERVAL seq SECOND, CONCAT('sparse middle row ', seq)
FROM seq_1_to_$SPARSE_MIDDLE;
INSERT INTO sparse
SELECT $SPARSE_MIDDLE_END + seq, 'tail', (seq % 100000) / 100,
       TIMESTAMP('2024-03-01') + INTERVAL seq SECOND, CONCAT('dense tail row ', seq)
FROM seq_1_to_$SPARSE_TAIL;
ALTER TABLE sparse COMMENT = '$marker';
ANALYZE TABLE sparse;
SQL
}

# 90% of the rows on the lowest ~1% of the key range, the other 10% one id every 1000 above.
SKEWED_ROWS=$((ROWS / 2))
SKEWED_DENSE=$((SKEWED_ROWS * 9 / 10))
SKEWED_THIN=$((SKEWED_ROWS - SKEWED_DENSE))
SKEWED_STEP=1000

generate_skewed() {
  local marker="etl-bench skewed v$DATA_VERSION rows=$ROWS"
  if source_current skewed "$marker"; then
    say "bench.skewed already generated for --rows $ROWS; reusing it"
    return 0
  fi
  say "generating bench.skewed: $SKEWED_DENSE dense rows + $SKEWED_THIN rows one id every $SKEWED_STEP"
  my <<SQL || die "generating bench.skewed failed"
SET SESSION unique_checks = 0;
CREATE DATABASE IF NOT EXISTS $SOURCE_DB CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE $SOURCE_DB;
DROP TABLE IF EXISTS skewed;
CREATE TABLE skewed (
  id          BIGINT NOT NULL PRIMARY KEY,
  grp         INT NOT NULL,
  amount      DECIMAL(12, 2) NOT NULL,
  created_at  DATETIME NOT NULL,
  note        VARCHAR(80) NOT NULL
) ENGINE = InnoDB;
INSERT INTO skewed
SELECT seq, seq % 1000, (seq % 100000) / 100, TIMESTAMP('2024-01-01') + INTERVAL seq SECOND,
       CONCAT('skewed dense row ', seq, ' ñ')
FROM seq_1_to_$SKEWED_DENSE;
INSERT INTO skewed
SELECT $SKEWED_DENSE + seq * $SKEWED_STEP, seq % 1000, (seq % 100000) / 100,
       TIMESTAMP('2025-01-01') + INTERVAL seq SECOND, CONCAT('skewed thin row ', seq)
FROM seq_1_to_$SKEWED_THIN;
ALTER TABLE skewed COMMENT = '$marker';
ANALYZE TABLE skewed;
SQL
}

# ------------------------------------------------------------------ mixed: the four loads

MIXED_COLUMNS="id, account_id, name, amount, created_at, updated_at, is_active, status, doc, parent_id, note"
PIPE_SCHEMA=bench_pipe
declare -A SCHEMA_OF=([pipe]=$PIPE_SCHEMA [copy_csv]=bench_copy_csv [parallel]=bench_parallel
  [streaming]=bench_streaming)
STRATEGIES=(pipe copy_csv parallel streaming)
RESULTS="$OUT/results.tsv"
LOAD_TAG=mixed # names the per-load log directories

# The pipe's target: what etl's default type mapping makes of bench.mixed.
create_pipe_table() {
  pg <<SQL >/dev/null || die "creating $PIPE_SCHEMA.mixed failed"
DROP SCHEMA IF EXISTS $PIPE_SCHEMA CASCADE;
CREATE SCHEMA $PIPE_SCHEMA;
CREATE TABLE $PIPE_SCHEMA.mixed (
  id          bigint NOT NULL PRIMARY KEY,
  account_id  integer NOT NULL,
  name        varchar(100) NOT NULL,
  amount      numeric(12, 2) NOT NULL,
  created_at  timestamp NOT NULL,      -- etl maps datetime to timestamp (see docs/benchmark.md)
  updated_at  timestamptz NOT NULL,
  is_active   boolean NOT NULL,
  status      text NOT NULL,           -- etl maps enum to text (with a CHECK when it creates it)
  doc         jsonb,
  parent_id   integer,
  note        text NOT NULL
);
SQL
}

# Runs one timed load; appends a line to results.tsv:
#   round  position  strategy  seconds  peak_rss_mb  rows_in_target  detail
run_mixed_load() {
  local round=$1 pos=$2 strategy=$3
  local schema=${SCHEMA_OF[$strategy]}
  local d="$OUT/logs/$LOAD_TAG-r$round-$strategy"
  mkdir -p "$d"
  pg -c "CHECKPOINT" >/dev/null # start each load from a clean slate of dirty buffers
  local seconds rss detail="" rc=0
  if [[ $strategy == pipe ]]; then
    pg -c "TRUNCATE $PIPE_SCHEMA.mixed" >/dev/null
    local select="SELECT $MIXED_COLUMNS FROM $SOURCE_DB.mixed"
    local copy="COPY $PIPE_SCHEMA.mixed ($MIXED_COLUMNS) FROM STDIN WITH (FORMAT text, NULL 'NULL')"
    local init="SET time_zone = '+00:00'"
    show "$MYSQL_ENV_SHOW /usr/bin/time -v -o $d/mysql.time $MYSQL_SHOW --init-command=\"$init\" --quick --batch --skip-column-names -e \"$select\" | $PSQL_ENV_SHOW /usr/bin/time -v -o $d/psql.time $PSQL_SHOW -c \"$copy\""
    set +e
    MYSQL_PWD="$ETL_MYSQL_PASSWORD" /usr/bin/time -v -o "$d/mysql.time" \
      "${MYSQL_BASE[@]}" --init-command="$init" --quick --batch --skip-column-names \
      -e "$select" 2>"$d/mysql.err" |
      PGPASSWORD="$ETL_PG_PASSWORD" PGOPTIONS='-c timezone=UTC' /usr/bin/time -v \
        -o "$d/psql.time" "${PSQL_BASE[@]}" -c "$copy" >"$d/psql.out" 2>"$d/psql.err"
    local rcs=("${PIPESTATUS[@]}")
    set -e
    if ((rcs[0] != 0 || rcs[1] != 0)); then
      rc=1
      fail "pipe round $round: mysql exit ${rcs[0]}, psql exit ${rcs[1]}: $(tail -n 3 "$d/mysql.err" "$d/psql.err" | tr '\n' ' ')"
    fi
    local s_my s_pg r_my r_pg
    s_my=$(time_seconds "$d/mysql.time")
    s_pg=$(time_seconds "$d/psql.time")
    r_my=$(time_rss_mb "$d/mysql.time")
    r_pg=$(time_rss_mb "$d/psql.time")
    seconds=$(awk -v a="$s_my" -v b="$s_pg" 'BEGIN { printf "%.2f", (a > b ? a : b) }')
    rss=$(awk -v a="$r_my" -v b="$r_pg" 'BEGIN { printf "%.1f", a + b }')
    detail="mysql ${s_my}s ${r_my}MB; psql ${s_pg}s ${r_pg}MB"
  else
    local report="$d/report.json"
    show "ETL_BENCH_SCHEMA=$schema /usr/bin/time -v -o $d/etl.time $ETL run jobs/bench/mixed.yml --strategy $strategy --report-json $report --progress never --log-level warn"
    set +e
    ETL_BENCH_SCHEMA=$schema ETL_BENCH_DATABASE=$SOURCE_DB /usr/bin/time -v -o "$d/etl.time" \
      "$ETL" run jobs/bench/mixed.yml --strategy "$strategy" --report-json "$report" \
      --progress never --log-level warn >"$d/etl.out" 2>"$d/etl.err"
    rc=$?
    set -e
    seconds=$(time_seconds "$d/etl.time")
    rss=$(time_rss_mb "$d/etl.time")
    local status written chosen
    status=$(jfield "$report" status 2)
    written=$(jfield "$report" rows_written)
    chosen=$(jfield "$report" strategy)
    detail="report: status $status, strategy $chosen, rows_written $written, $(jfield "$report" seconds)s, peak_rss_mb $(jfield "$report" peak_rss_mb)"
    if ((rc != 0)) || [[ $status != ok ]]; then
      fail "etl $strategy round $round: exit $rc, status '$status': $(why_failed "$report" "$d/etl.err")"
      rc=1
    fi
    [[ $chosen == "$strategy" ]] || fail "etl $strategy round $round: the report says strategy '$chosen'"
    [[ $written == "$ROWS" ]] || fail "etl $strategy round $round: report rows_written '$written', expected $ROWS"
  fi
  local count
  count=$(pg_value "SELECT count(*) FROM $schema.mixed" 2>/dev/null || echo "?")
  [[ $count == "$ROWS" ]] || fail "$strategy round $round: $schema.mixed holds $count rows, expected $ROWS"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$pos" "$strategy" "$seconds" "$rss" "$count" \
    "$detail" >>"$RESULTS"
  printf '  round %s #%d %-10s %8.2f s %8.1f MB  rows %s  (%s)\n' "$round" "$pos" "$strategy" \
    "$seconds" "$rss" "$count" "$detail"
}

# Content check: every target renders the same rows (md5 over the rows in key order).
checksum_targets() {
  step "content check: every target holds the same rows"
  local first="" s sum
  for s in "${STRATEGIES[@]}"; do
    local schema=${SCHEMA_OF[$s]}
    sum=$(pg_value "SELECT md5(string_agg(md5(t::text), '' ORDER BY id)) FROM $schema.mixed t" 2>/dev/null || echo "?")
    printf '  %-10s %s.mixed  md5 %s\n' "$s" "$schema" "$sum"
    if [[ -z $first ]]; then
      first=$sum
    elif [[ $sum != "$first" ]]; then
      fail "$schema.mixed differs from $PIPE_SCHEMA.mixed (md5 $sum vs $first)"
    fi
  done
  # Column types etl chose (parallel swaps in a table etl created) vs the pipe's hand-written
  # table (informational).
  local types
  types=$(pg_value "SELECT string_agg(table_schema || '.' || column_name || ' ' || format_type(a.atttypid, a.atttypmod), E'\n' ORDER BY column_name, table_schema)
    FROM information_schema.columns c
    JOIN pg_attribute a ON a.attrelid = (quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass
                       AND a.attname = c.column_name
    WHERE c.table_name = 'mixed' AND c.table_schema IN ('$PIPE_SCHEMA', 'bench_parallel')" || true)
  local diffs
  diffs=$(awk '{ split($1, p, "."); t = $0; sub(/^[^ ]+ /, "", t); ty[p[2], p[1]] = t; cols[p[2]] = 1 }
    END { for (c in cols) if (ty[c, "'"$PIPE_SCHEMA"'"] != ty[c, "bench_parallel"])
      printf "    %s: pipe %s, etl %s\n", c, ty[c, "'"$PIPE_SCHEMA"'"], ty[c, "bench_parallel"] }' <<<"$types")
  if [[ -n $diffs ]]; then
    say "  column types differ between the pipe's table and etl's:"
    say "$diffs"
  else
    say "  column types: etl's table matches the pipe's column for column"
  fi
}

summarize_mixed() {
  local pipe_median s med ratio rps rss
  pipe_median=$(awk -F'\t' '$3 == "pipe" { print $4 }' "$RESULTS" | median)
  local tsv="$OUT/summary.tsv" md="$OUT/summary.md"
  printf 'strategy\tmedian_s\tratio_vs_pipe\trows_per_s\tpeak_rss_mb\truns_s\n' >"$tsv"
  {
    echo "# etl benchmark: bench.mixed, $ROWS rows, $ROUNDS rounds (target: a plain table created beforehand)"
    echo
    echo "- when: $STAMP (UTC); host: $(hostname), $(nproc) cores; etl $("$ETL" --version 2>/dev/null | head -n1)"
    echo "- ratio = strategy median / pipe median of this run; peak RSS = largest over the rounds"
    echo "  (pipe: mysql + psql)"
    echo
    echo "| strategy | median s | ratio vs pipe | rows/s | peak RSS MB | runs (s) |"
    echo "|---|---:|---:|---:|---:|---|"
  } >"$md"
  local table_txt
  table_txt=$(printf '%-10s %9s %14s %12s %12s  %s\n' strategy "median s" "ratio vs pipe" \
    "rows/s" "peak RSS MB" "runs (s)")
  for s in "${STRATEGIES[@]}"; do
    med=$(awk -F'\t' -v s="$s" '$3 == s { print $4 }' "$RESULTS" | median)
    rss=$(awk -F'\t' -v s="$s" '$3 == s { print $5 }' "$RESULTS" | max_of)
    local runs
    runs=$(awk -F'\t' -v s="$s" '$3 == s { printf "%s%s", sep, $4; sep = " " }' "$RESULTS")
    ratio=$(awk -v a="$med" -v b="$pipe_median" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }')
    rps=$(awk -v n="$ROWS" -v a="$med" 'BEGIN { if (a > 0) printf "%.0f", n / a; else print "n/a" }')
    table_txt+=$'\n'$(printf '%-10s %9s %14s %12s %12s  %s' "$s" "$med" "$ratio" "$rps" "$rss" "$runs")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$med" "${ratio%x}" "$rps" "$rss" "$runs" >>"$tsv"
    echo "| $s | $med | $ratio | $rps | $rss | $runs |" >>"$md"
  done
  local copy_ratio par_ratio stream_rss verdicts
  copy_ratio=$(awk -F'\t' '$1 == "copy_csv" { print $3 }' "$tsv")
  par_ratio=$(awk -F'\t' '$1 == "parallel" { print $3 }' "$tsv")
  stream_rss=$(awk -F'\t' '$1 == "streaming" { print $5 }' "$tsv")
  verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print ((v + 0 <= t + 0 && v != "n/a") ? "met" : "MISSED") }'; }
  verdicts="targets: copy_csv <= ${TARGET_COPY_RATIO}x pipe: $(verdict "$copy_ratio" "$TARGET_COPY_RATIO") (${copy_ratio}x)"
  verdicts+=$'\n'"         parallel(2) <= ${TARGET_PARALLEL_RATIO}x pipe: $(verdict "$par_ratio" "$TARGET_PARALLEL_RATIO") (${par_ratio}x)"
  verdicts+=$'\n'"         streaming peak RSS <= ${TARGET_STREAMING_RSS_MB} MB: $(verdict "$stream_rss" "$TARGET_STREAMING_RSS_MB") (${stream_rss} MB)"
  {
    echo
    echo '```'
    echo "$verdicts"
    echo '```'
    echo
    echo "Raw results: results.tsv; exact commands: commands.txt; per-load logs: logs/."
  } >>"$md"
  step "results: bench.mixed, $ROWS rows, $ROUNDS rounds (medians; ratio vs the pipe's median)"
  say "$table_txt"
  say ""
  say "$verdicts"
  say ""
  say "written: $md, $tsv"
}

bench_mixed() {
  generate_mixed
  step "mixed: $ROUNDS rounds of 4 loads (pipe, copy_csv, parallel(2), streaming), rotating order"
  create_pipe_table
  local s
  for s in copy_csv parallel streaming; do
    pg -c "DROP SCHEMA IF EXISTS ${SCHEMA_OF[$s]} CASCADE" >/dev/null 2>&1
    # The same table the pipe loads into, so every round of every strategy is a reload of an
    # existing table (what a nightly job does); parallel swaps in its own staged table.
    pg -c "CREATE SCHEMA ${SCHEMA_OF[$s]}" -c "CREATE TABLE ${SCHEMA_OF[$s]}.mixed (LIKE $PIPE_SCHEMA.mixed INCLUDING ALL)" >/dev/null
  done
  printf 'round\tposition\tstrategy\tseconds\tpeak_rss_mb\trows\tdetail\n' >"$RESULTS"
  local round i n=${#STRATEGIES[@]}
  for ((round = 1; round <= ROUNDS; round++)); do
    say ""
    say "round $round/$ROUNDS"
    for ((i = 0; i < n; i++)); do
      run_mixed_load "$round" $((i + 1)) "${STRATEGIES[$(((i + round - 1) % n))]}"
    done
  done
  checksum_targets
  summarize_mixed
}

# ------------------------------------------------------------------ existing-target

# A target someone else created: the pipe's columns and primary key, plus a secondary index, a
# grant to a BI role, a view (with its own grant) and a child table referencing it, and a copy of
# the data already in it (what a nightly reload meets). etl merges into such a target (a swap
# would lose the view and the foreign key); the pipe's numbers come from its plain table.
EXISTING_STRATEGIES=(pipe copy_csv parallel)
EXISTING_CHILDREN=1000

prepare_existing_target() {
  local schema=$1
  pg <<SQL >/dev/null || die "preparing $schema.mixed failed"
DROP SCHEMA IF EXISTS $schema CASCADE;
CREATE SCHEMA $schema;
DO \$\$ BEGIN CREATE ROLE bench_bi_reader; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$;
CREATE TABLE $schema.mixed (LIKE $PIPE_SCHEMA.mixed INCLUDING ALL);
CREATE INDEX mixed_account_idx ON $schema.mixed (account_id);
GRANT SELECT ON $schema.mixed TO bench_bi_reader;
CREATE VIEW $schema.mixed_daily AS
  SELECT created_at::date AS day, count(*) AS orders, sum(amount) AS amount FROM $schema.mixed GROUP BY 1;
GRANT SELECT ON $schema.mixed_daily TO bench_bi_reader;
CREATE TABLE $schema.mixed_notes (id int PRIMARY KEY,
  mixed_id bigint NOT NULL REFERENCES $schema.mixed (id) ON DELETE CASCADE, note text);
SQL
}

existing_target_state() { # what must survive every reload: children, grant, index, view
  local schema=$1
  pg_value "SELECT (SELECT count(*) FROM $schema.mixed_notes) || ' children, grant ' ||
      has_table_privilege('bench_bi_reader', '$schema.mixed', 'SELECT') || ', index ' ||
      (SELECT count(*) FROM pg_indexes WHERE schemaname = '$schema' AND indexname = 'mixed_account_idx') ||
      ', view rows ' || (SELECT sum(orders) FROM $schema.mixed_daily)"
}

bench_existing() {
  generate_mixed
  step "existing-target: $ROUNDS rounds of 3 loads (pipe, copy_csv, parallel(2)) into targets created beforehand"
  create_pipe_table
  local saved_results=$RESULTS
  RESULTS="$OUT/existing.tsv"
  LOAD_TAG=existing
  SCHEMA_OF[copy_csv]=bench_existing_copy_csv
  SCHEMA_OF[parallel]=bench_existing_parallel
  local s
  for s in copy_csv parallel; do
    local schema=${SCHEMA_OF[$s]}
    prepare_existing_target "$schema"
    say "  priming $schema.mixed with a first copy (not timed)"
    ETL_BENCH_SCHEMA=$schema ETL_BENCH_DATABASE=$SOURCE_DB "$ETL" run jobs/bench/mixed.yml \
      --strategy copy_csv --progress never --log-level warn >"$OUT/logs/existing-prime-$s.log" 2>&1 ||
      fail "existing-target: priming $schema failed (see $OUT/logs/existing-prime-$s.log)"
    pg -c "INSERT INTO $schema.mixed_notes SELECT g, g * 97, 'note ' || g FROM generate_series(1, $EXISTING_CHILDREN) g" \
      -c "VACUUM ANALYZE $schema.mixed" >/dev/null
  done
  local expected
  expected="$EXISTING_CHILDREN children, grant true, index 1, view rows $ROWS"
  printf 'round\tposition\tstrategy\tseconds\tpeak_rss_mb\trows\tdetail\n' >"$RESULTS"
  local round i n=${#EXISTING_STRATEGIES[@]}
  for ((round = 1; round <= ROUNDS; round++)); do
    say ""
    say "round $round/$ROUNDS"
    for ((i = 0; i < n; i++)); do
      run_mixed_load "$round" $((i + 1)) "${EXISTING_STRATEGIES[$(((i + round - 1) % n))]}"
    done
  done
  for s in copy_csv parallel; do
    local state
    state=$(existing_target_state "${SCHEMA_OF[$s]}")
    say "  ${SCHEMA_OF[$s]}: $state"
    [[ $state == "$expected" ]] || fail "existing-target $s: after the reloads: $state (expected $expected)"
  done

  # One reload where 1% of the rows changed (the rounds above changed nothing).
  say ""
  say "one more reload each after changing 1% of the source rows (amount + 1 on every 100th id)"
  my -e "UPDATE $SOURCE_DB.mixed SET amount = amount + 1 WHERE id % 100 = 0" || die "update failed"
  local changed=""
  for s in pipe copy_csv parallel; do
    run_mixed_load changed 0 "$s"
    changed+="$(tail -n 1 "$RESULTS" | cut -f3,4 | tr '\t' ' ')s; "
  done
  # Content check: after the changed reload every target renders the pipe's rows.
  local sum first_sum="" sums=""
  for schema in "$PIPE_SCHEMA" "${SCHEMA_OF[copy_csv]}" "${SCHEMA_OF[parallel]}"; do
    sum=$(pg_value "SELECT md5(string_agg(md5(t::text), '' ORDER BY id)) FROM $schema.mixed t" 2>/dev/null || echo "?")
    sums+="$schema $sum; "
    if [[ -z $first_sum ]]; then
      first_sum=$sum
    elif [[ $sum != "$first_sum" ]]; then
      fail "existing-target: $schema.mixed differs from $PIPE_SCHEMA.mixed after the changed reload (md5 $sum vs $first_sum)"
    fi
  done
  say "  content after the changed reload (md5 of the rows in key order): $sums"
  my -e "UPDATE $SOURCE_DB.mixed SET amount = amount - 1 WHERE id % 100 = 0" || die "restoring failed"

  # The worst case for a merge that compares: every row changed (each is compared, staged and
  # merged). The pipe does not depend on it; it is not timed again.
  say ""
  say "one more reload each after changing every source row (amount + 1)"
  my -e "UPDATE $SOURCE_DB.mixed SET amount = amount + 1" || die "update failed"
  local all_changed=""
  for s in copy_csv parallel; do
    run_mixed_load all-changed 0 "$s"
    all_changed+="$(tail -n 1 "$RESULTS" | cut -f3,4 | tr '\t' ' ')s; "
  done
  my -e "UPDATE $SOURCE_DB.mixed SET amount = amount - 1" || die "restoring failed"

  local pipe_median copy_median par_median
  pipe_median=$(awk -F'\t' '$1 != "changed" && $1 != "all-changed" && $3 == "pipe" { print $4 }' "$RESULTS" | median)
  copy_median=$(awk -F'\t' '$1 != "changed" && $1 != "all-changed" && $3 == "copy_csv" { print $4 }' "$RESULTS" | median)
  par_median=$(awk -F'\t' '$1 != "changed" && $1 != "all-changed" && $3 == "parallel" { print $4 }' "$RESULTS" | median)
  local copy_ratio par_ratio
  copy_ratio=$(awk -v a="$copy_median" -v b="$pipe_median" 'BEGIN { printf "%.2f", a / b }')
  par_ratio=$(awk -v a="$par_median" -v b="$pipe_median" 'BEGIN { printf "%.2f", a / b }')
  local met_pipe met_copy
  met_pipe=$(awk -v v="$par_ratio" -v t="$TARGET_PARALLEL_RATIO" 'BEGIN { print (v <= t ? "met" : "MISSED") }')
  met_copy=$(awk -v a="$par_median" -v b="$copy_median" 'BEGIN { print (a <= b ? "met" : "MISSED") }')
  local md="$OUT/existing.md"
  {
    echo "## existing-target: bench.mixed, $ROWS rows, $ROUNDS rounds, into targets created beforehand"
    echo
    echo "Each target has a primary key, a secondary index, a grant, a view with its own grant and a"
    echo "child table of $EXISTING_CHILDREN rows referencing it (ON DELETE CASCADE), and holds the data"
    echo "already. etl chooses \`merge\` for it. The pipe loads its own plain table (TRUNCATE + COPY)."
    echo
    echo "| load | median s | ratio vs pipe | runs (s) |"
    echo "|---|---:|---:|---|"
    for s in "${EXISTING_STRATEGIES[@]}"; do
      local med runs
      med=$(awk -F'\t' -v s="$s" '$1 != "changed" && $1 != "all-changed" && $3 == s { print $4 }' "$RESULTS" | median)
      runs=$(awk -F'\t' -v s="$s" '$1 != "changed" && $1 != "all-changed" && $3 == s { printf "%s%s", sep, $4; sep = " " }' "$RESULTS")
      echo "| $s | $med | $(awk -v a="$med" -v b="$pipe_median" 'BEGIN { printf "%.2fx", a / b }') | $runs |"
    done
    echo
    echo "- after 1% of the rows changed: $changed"
    echo "- content after that reload (md5 of the rows in key order): $sums"
    echo "- after every row changed (the worst case of a merge that compares): $all_changed"
    echo "- parallel(2) <= ${TARGET_PARALLEL_RATIO}x pipe: $met_pipe (${par_ratio}x); parallel <= copy_csv: $met_copy (${par_median} s vs ${copy_median} s, copy_csv ${copy_ratio}x)"
    echo "- after the reloads: $(existing_target_state bench_existing_parallel) (expected: $expected)"
  } >"$md"
  say ""
  cat "$md"
  RESULTS=$saved_results
  LOAD_TAG=mixed
  SCHEMA_OF[copy_csv]=bench_copy_csv
  SCHEMA_OF[parallel]=bench_parallel
}

# ------------------------------------------------------------------ sparse

bench_sparse() {
  generate_sparse
  step "sparse: incremental on id over a sparse key (runs until the table's status is ok)"
  local md="$OUT/sparse.md" tsv="$OUT/sparse.tsv"
  local fixed=$(((SPARSE_MIDDLE_END + SPARSE_TAIL + SPARSE_BATCH - 1) / SPARSE_BATCH))
  say "bench.sparse: $SPARSE_ROWS rows, ids 1..$SPARSE_HEAD dense, $SPARSE_MIDDLE ids every $SPARSE_STEP up to $SPARSE_MIDDLE_END, then $SPARSE_TAIL dense; batch_size $SPARSE_BATCH"
  say "(fixed $SPARSE_BATCH-wide ranges would need $fixed queries for one pass)"
  printf 'chunking\truns\tstatuses\trows_written\tqueries\tchunks\tbatches\tsparse_detections\tqueries_saved\tseconds\tpeak_rss_mb\n' >"$tsv"
  local chunking
  for chunking in range keyset; do
    local schema="bench_sparse_$chunking"
    pg -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1
    local run=0 statuses="" rows=0 queries=0 chunks=0 batches=0 detections=0 saved=0 secs=0 rss=0
    while ((run < 20)); do
      run=$((run + 1))
      local d="$OUT/logs/sparse-$chunking-run$run"
      mkdir -p "$d"
      show "ETL_BENCH_SCHEMA=$schema ETL_BENCH_CHUNKING=$chunking /usr/bin/time -v -o $d/etl.time $ETL run jobs/bench/sparse.yml --report-json $d/report.json --progress never --log-level warn"
      local rc=0
      ETL_BENCH_SCHEMA=$schema ETL_BENCH_CHUNKING=$chunking ETL_BENCH_DATABASE=$SOURCE_DB \
        /usr/bin/time -v -o "$d/etl.time" "$ETL" run jobs/bench/sparse.yml \
        --report-json "$d/report.json" --progress never --log-level warn \
        >"$d/etl.out" 2>"$d/etl.err" || rc=$?
      local st
      st=$(jfield "$d/report.json" status 2)
      statuses+="${statuses:+,}$st"
      rows=$((rows + $(jnum "$d/report.json" rows_written)))
      queries=$((queries + $(jnum "$d/report.json" queries)))
      chunks=$((chunks + $(jnum "$d/report.json" chunks)))
      batches=$((batches + $(jnum "$d/report.json" batches)))
      detections=$((detections + $(jnum "$d/report.json" sparse_detections)))
      saved=$((saved + $(jnum "$d/report.json" queries_saved)))
      secs=$(awk -v a="$secs" -v b="$(time_seconds "$d/etl.time")" 'BEGIN { printf "%.2f", a + b }')
      rss=$(printf '%s\n%s\n' "$rss" "$(time_rss_mb "$d/etl.time")" | max_of)
      printf '  %-6s run %d: exit %d, status %s, rows %s, queries %s, chunks %s, batches %s, watermark %s\n' \
        "$chunking" "$run" "$rc" "$st" "$(jfield "$d/report.json" rows_written)" \
        "$(jfield "$d/report.json" queries)" "$(jfield "$d/report.json" chunks)" \
        "$(jfield "$d/report.json" batches)" "$(grep -o '"watermark":[^]]*]\{0,1\}' "$d/report.json" | cut -d: -f2-)"
      if ((rc != 0)) || [[ $st != ok && $st != early_terminated ]]; then
        fail "sparse $chunking run $run: exit $rc, status '$st': $(why_failed "$d/report.json" "$d/etl.err")"
        break
      fi
      [[ $st == ok ]] && break
    done
    local count
    count=$(pg_value "SELECT count(*) FROM $schema.sparse" 2>/dev/null || echo "?")
    [[ $count == "$SPARSE_ROWS" ]] || fail "sparse $chunking: $schema.sparse holds $count rows after $run runs, expected $SPARSE_ROWS"
    [[ $rows == "$SPARSE_ROWS" ]] || fail "sparse $chunking: the runs' rows_written add up to $rows, expected $SPARSE_ROWS (rows read twice or missed)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$chunking" "$run" "$statuses" "$rows" \
      "$queries" "$chunks" "$batches" "$detections" "$saved" "$secs" "$rss" >>"$tsv"
  done
  {
    echo "## sparse: incremental on id, bench.sparse ($SPARSE_ROWS rows, key span 1..$((SPARSE_MIDDLE_END + SPARSE_TAIL)))"
    echo
    echo "Fixed $SPARSE_BATCH-wide ranges would need $fixed queries for one pass."
    echo
    echo "| chunking | runs | statuses | rows written | queries | chunks | write batches | sparse detections | queries saved | seconds (all runs) | peak RSS MB |"
    echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    tail -n +2 "$tsv" | awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }'
  } >"$md"
  say ""
  column -t -s $'\t' "$tsv" 2>/dev/null || cat "$tsv"
  say "written: $md, $tsv"
}

# ------------------------------------------------------------------ skewed

bench_skewed() {
  generate_skewed
  step "skewed: parallel split balance (parallel_chunks 2) on bench.skewed ($SKEWED_ROWS rows)"
  local md="$OUT/skewed.md"
  local d="$OUT/logs/skewed-parallel" schema=bench_skewed_parallel
  mkdir -p "$d"
  pg -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1
  show "ETL_BENCH_SCHEMA=$schema ETL_BENCH_PARALLEL_CHUNKS=2 /usr/bin/time -v -o $d/etl.time $ETL run jobs/bench/skewed.yml --strategy parallel --report-json $d/report.json --progress never --log-level trace"
  local rc=0
  ETL_BENCH_SCHEMA=$schema ETL_BENCH_PARALLEL_CHUNKS=2 ETL_BENCH_DATABASE=$SOURCE_DB \
    /usr/bin/time -v -o "$d/etl.time" "$ETL" run jobs/bench/skewed.yml --strategy parallel \
    --report-json "$d/report.json" --progress never --log-level trace \
    >"$d/etl.out" 2>"$d/etl.err" || rc=$?
  local st
  st=$(jfield "$d/report.json" status 2)
  ((rc == 0)) && [[ $st == ok ]] || fail "skewed parallel: exit $rc, status '$st': $(why_failed "$d/report.json" "$d/etl.err")"
  local count
  count=$(pg_value "SELECT count(*) FROM $schema.skewed" 2>/dev/null || echo "?")
  [[ $count == "$SKEWED_ROWS" ]] || fail "skewed parallel: $schema.skewed holds $count rows, expected $SKEWED_ROWS"
  local par_s
  par_s=$(time_seconds "$d/etl.time")

  # The parts' key ranges, from the readers' trace lines ("<db>.skewed [lo, hi): SELECT ...").
  local ranges
  ranges=$(grep -o "$SOURCE_DB\.skewed \[[0-9-]*, [0-9-]*)" "$d/etl.err" | grep -o '\[.*' | sort -u -t'[' -k2 -g || true)
  local lines="" lo hi n max_part=0 parts=0
  while IFS= read -r r; do
    [[ -n $r ]] || continue
    lo=$(sed -E 's/^\[(-?[0-9]+), (-?[0-9]+)\)$/\1/' <<<"$r")
    hi=$(sed -E 's/^\[(-?[0-9]+), (-?[0-9]+)\)$/\2/' <<<"$r")
    n=$(my_value "SELECT COUNT(*) FROM $SOURCE_DB.skewed WHERE id >= $lo AND id < $hi")
    parts=$((parts + 1))
    ((n > max_part)) && max_part=$n
    lines+="| etl part $parts | [$lo, $hi) | $n | $(awk -v n="$n" -v t="$SKEWED_ROWS" 'BEGIN { printf "%.1f%%", 100 * n / t }') |"$'\n'
  done <<<"$ranges"
  local balance="n/a"
  if ((parts > 0)); then
    balance=$(awk -v m="$max_part" -v t="$SKEWED_ROWS" -v p="$parts" 'BEGIN { printf "%.2f", m / (t / p) }')
  else
    fail "skewed parallel: found no part ranges in the trace log ($d/etl.err)"
  fi
  # What a min/max midpoint split would have given.
  local kmin kmax mid naive_lo naive_hi naive_balance
  read -r kmin kmax < <(my_value "SELECT MIN(id), MAX(id) FROM $SOURCE_DB.skewed")
  mid=$((kmin + (kmax - kmin + 1) / 2))
  naive_lo=$(my_value "SELECT COUNT(*) FROM $SOURCE_DB.skewed WHERE id < $mid")
  naive_hi=$((SKEWED_ROWS - naive_lo))
  naive_balance=$(awk -v a="$naive_lo" -v b="$naive_hi" -v t="$SKEWED_ROWS" 'BEGIN { m = a > b ? a : b; printf "%.2f", m / (t / 2) }')

  # copy_csv on the same table for the time reference.
  local d2="$OUT/logs/skewed-copy_csv" schema2=bench_skewed_copy_csv
  mkdir -p "$d2"
  pg -c "DROP SCHEMA IF EXISTS $schema2 CASCADE" >/dev/null 2>&1
  show "ETL_BENCH_SCHEMA=$schema2 /usr/bin/time -v -o $d2/etl.time $ETL run jobs/bench/skewed.yml --strategy copy_csv --report-json $d2/report.json --progress never --log-level warn"
  rc=0
  ETL_BENCH_SCHEMA=$schema2 ETL_BENCH_DATABASE=$SOURCE_DB /usr/bin/time -v -o "$d2/etl.time" \
    "$ETL" run jobs/bench/skewed.yml --strategy copy_csv --report-json "$d2/report.json" \
    --progress never --log-level warn >"$d2/etl.out" 2>"$d2/etl.err" || rc=$?
  st=$(jfield "$d2/report.json" status 2)
  ((rc == 0)) && [[ $st == ok ]] || fail "skewed copy_csv: exit $rc, status '$st': $(why_failed "$d2/report.json" "$d2/etl.err")"
  local copy_s
  copy_s=$(time_seconds "$d2/etl.time")
  {
    echo "## skewed: parallel split balance, bench.skewed ($SKEWED_ROWS rows; $SKEWED_DENSE on ids 1..$SKEWED_DENSE, $SKEWED_THIN spread up to $kmax)"
    echo
    echo "| part | key range | rows | share |"
    echo "|---|---|---:|---:|"
    printf '%s' "$lines"
    echo "| min/max midpoint (for comparison) | [$kmin, $mid) / [$mid, $((kmax + 1))) | $naive_lo / $naive_hi | |"
    echo
    echo "- balance (largest part / ideal part): etl $balance, min/max midpoint split would be $naive_balance"
    echo "- parallel(2): ${par_s} s; copy_csv: ${copy_s} s; rows in target: $count"
  } >"$md"
  say ""
  cat "$md"
  say "written: $md"
}

# ------------------------------------------------------------------ fault

# bench.mixed loaded with --strategy parallel (parallel_chunks 2) twice: once clean, once while
# one PostgreSQL COPY backend is terminated mid-load (the first COPY statement that has written
# ROWS/40 rows once half the clean run's time has passed: each COPY is one write batch). The
# faulted load must finish with every row and retries >= 1; the recovery time is from the kill
# to the commit of the part that was redone (from etl's log).
fault_load() { # fault_load NAME KILL_AFTER_S (empty: no kill) -> logs in $OUT/logs/fault-NAME
  local name=$1 kill_after=$2 d="$OUT/logs/fault-$1" schema=bench_fault_$1
  mkdir -p "$d"
  pg -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1
  show "ETL_BENCH_SCHEMA=$schema /usr/bin/time -v -o $d/etl.time $ETL run jobs/bench/mixed.yml --strategy parallel --report-json $d/report.json --progress never --log-level info"
  ETL_BENCH_SCHEMA=$schema ETL_BENCH_DATABASE=$SOURCE_DB /usr/bin/time -v -o "$d/etl.time" \
    "$ETL" run jobs/bench/mixed.yml --strategy parallel --report-json "$d/report.json" \
    --progress never --log-level info >"$d/etl.out" 2>"$d/etl.err" &
  local etl_pid=$! pid="" killed_at="" started
  started=$(date +%s.%N)
  if [[ -n $kill_after ]]; then
    while kill -0 "$etl_pid" 2>/dev/null; do
      if awk -v s="$started" -v n="$(date +%s.%N)" -v k="$kill_after" 'BEGIN { exit !(n - s < k) }'; then
        sleep 0.1
        continue
      fi
      pid=$(pg_value "SELECT p.pid FROM pg_stat_progress_copy p JOIN pg_stat_activity a
        USING (pid) WHERE a.application_name = 'etl' AND p.tuples_processed >= $((ROWS / 40))
        LIMIT 1" 2>/dev/null || true)
      if [[ -n $pid ]]; then
        killed_at=$(date '+%Y-%m-%d %H:%M:%S.%N')
        show "psql -c \"SELECT pg_terminate_backend($pid)\"  # at $killed_at"
        pg_value "SELECT pg_terminate_backend($pid)" >/dev/null
        break
      fi
      sleep 0.05
    done
    [[ -n $pid ]] || fail "fault: no COPY reached $((ROWS / 40)) rows to be killed"
    [[ -z $killed_at ]] || awk -v s="$started" -v k="$(date -d "$killed_at" +%s.%N)" 'BEGIN { printf "%.2f\n", k - s }' >"$d/killed_after"
  fi
  local rc=0
  wait "$etl_pid" || rc=$?
  echo "$rc" >"$d/rc"
  echo "$killed_at" >"$d/killed_at"
}

bench_fault() {
  generate_mixed
  step "fault: bench.mixed ($ROWS rows) with parallel(2), clean and with one COPY backend terminated"
  local md="$OUT/fault.md" name
  for name in clean killed; do
    if [[ $name == clean ]]; then
      fault_load clean ""
    else
      fault_load killed "$(awk -v t="$(time_seconds "$OUT/logs/fault-clean/etl.time")" 'BEGIN { printf "%.2f", t / 2 }')"
    fi
    local d="$OUT/logs/fault-$name" st count
    st=$(jfield "$d/report.json" status 2)
    [[ $(cat "$d/rc") == 0 && $st == ok ]] || fail "fault $name: exit $(cat "$d/rc"), status '$st': $(why_failed "$d/report.json" "$d/etl.err")"
    count=$(pg_value "SELECT count(*) FROM bench_fault_$name.mixed" 2>/dev/null || echo "?")
    [[ $count == "$ROWS" ]] || fail "fault $name: bench_fault_$name.mixed holds $count rows, expected $ROWS"
    echo "$count" >"$d/count"
  done
  local d="$OUT/logs/fault-killed" retries killed_at part done_at recovery clean_s killed_s
  retries=$(jfield "$d/report.json" retries)
  [[ ${retries:-0} -ge 1 ]] || fail "fault: the report counts no retry (retries: '${retries:-}')"
  killed_at=$(cat "$d/killed_at")
  # "mixed part 2/2: connection lost on try 1 ..." names the part; its "part 2/2 key range ...:
  # N rows" line is logged when the redone part committed.
  part=$(grep -o 'part [0-9]*/[0-9]*: connection lost on try 1' "$d/etl.err" | head -n 1 | cut -d: -f1 || true)
  done_at=$(grep "$part key range" "$d/etl.err" | tail -n 1 | grep -o '^[0-9-]* [0-9:.]*' || true)
  recovery=n/a
  if [[ -n $part && -n $done_at && -n $killed_at ]]; then
    recovery=$(awk -v a="$(date -d "$killed_at" +%s.%N)" -v b="$(date -d "$done_at" +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  fi
  clean_s=$(time_seconds "$OUT/logs/fault-clean/etl.time")
  killed_s=$(time_seconds "$d/etl.time")
  {
    echo "## fault: bench.mixed ($ROWS rows), parallel(2), one PostgreSQL COPY backend terminated $(cat "$d/killed_after" 2>/dev/null || echo '?') s into the load"
    echo
    echo "- rows in target: $(cat "$d/count")/$ROWS; retries: ${retries:-?}; redone: ${part:-?}"
    echo "- recovery (kill -> redone part committed): ${recovery} s"
    echo "- wall time: ${killed_s} s with the fault, ${clean_s} s clean (cost of the fault: $(awk -v a="$killed_s" -v b="$clean_s" 'BEGIN { printf "%.2f", a - b }') s)"
  } >"$md"
  say ""
  cat "$md"
  say "written: $md"
}

# ------------------------------------------------------------------ verify

# etl verify on bench.mixed: loaded once (copy_csv), then per round the pipe and `etl verify`
# are timed in rotating order; then one value of the target is changed and verify must name it.
TARGET_VERIFY_RATIO=1.50
VERIFY_SCHEMA=bench_verify

bench_verify() {
  generate_mixed
  step "verify: etl verify of bench.mixed ($ROWS rows) against the pipe, $ROUNDS rounds"
  local md="$OUT/verify.md" tsv="$OUT/verify.tsv" d="$OUT/logs/verify-load"
  mkdir -p "$d"
  pg -c "DROP SCHEMA IF EXISTS $VERIFY_SCHEMA CASCADE" >/dev/null 2>&1
  show "ETL_BENCH_SCHEMA=$VERIFY_SCHEMA $ETL run jobs/bench/mixed.yml --strategy copy_csv --progress never --log-level warn"
  if ! ETL_BENCH_SCHEMA=$VERIFY_SCHEMA ETL_BENCH_DATABASE=$SOURCE_DB "$ETL" run jobs/bench/mixed.yml \
    --strategy copy_csv --progress never --log-level warn >"$d/etl.out" 2>"$d/etl.err"; then
    fail "verify: loading $VERIFY_SCHEMA.mixed failed: $(tail -n 3 "$d/etl.err" | tr '\n' ' ')"
    return 0
  fi
  create_pipe_table
  printf 'round\tposition\twhat\tseconds\tpeak_rss_mb\texit\n' >"$tsv"
  local round pos what
  for ((round = 1; round <= ROUNDS; round++)); do
    for pos in 1 2; do
      what=pipe
      (((round + pos) % 2 == 1)) && what=verify
      if [[ $what == pipe ]]; then
        # The same timed pipe as the mixed section, its row recorded here only (round numbers
        # from 101, so its logs do not overwrite the mixed section's).
        RESULTS="$OUT/logs/verify-pipe.tsv" run_mixed_load $((round + 100)) "$pos" pipe >/dev/null
        local line
        line=$(tail -n 1 "$OUT/logs/verify-pipe.tsv")
        printf '%s\t%s\tpipe\t%s\t%s\t0\n' "$round" "$pos" "$(cut -f4 <<<"$line")" \
          "$(cut -f5 <<<"$line")" >>"$tsv"
        say "  round $round #$pos pipe      $(cut -f4 <<<"$line") s"
      else
        run_verify "$round" "$pos" equal "$tsv"
      fi
    done
  done
  # One changed value in the middle of the table: verify must exit 1 and name its key and column.
  local id=$((ROWS / 2 + 7))
  show "psql -c \"UPDATE $VERIFY_SCHEMA.mixed SET note = note || '!' WHERE id = $id\""
  pg -c "UPDATE $VERIFY_SCHEMA.mixed SET note = note || '!' WHERE id = $id" >/dev/null
  run_verify changed 1 changed "$tsv"
  grep -q "changed (1): id=$id (note)" "$OUT/logs/verify-changed/etl.out" ||
    fail "verify: the changed value (id=$id, note) was not reported: $(head -n 5 "$OUT/logs/verify-changed/etl.out" | tr '\n' ' ')"
  pg -c "UPDATE $VERIFY_SCHEMA.mixed SET note = left(note, -1) WHERE id = $id" >/dev/null

  local pipe_med verify_med changed_s ratio verdict
  pipe_med=$(awk -F'\t' '$3 == "pipe" { print $4 }' "$tsv" | median)
  verify_med=$(awk -F'\t' '$3 == "verify" { print $4 }' "$tsv" | median)
  changed_s=$(awk -F'\t' '$3 == "verify-changed" { print $4 }' "$tsv")
  ratio=$(awk -v a="$verify_med" -v b="$pipe_med" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
  verdict=$(awk -v v="$ratio" -v t="$TARGET_VERIFY_RATIO" 'BEGIN { print ((v != "n/a" && v + 0 <= t + 0) ? "met" : "MISSED") }')
  {
    echo "## verify: etl verify of bench.mixed ($ROWS rows, $ROUNDS rounds)"
    echo
    echo "| what | median s | ratio vs pipe | runs (s) |"
    echo "|---|---:|---:|---|"
    echo "| pipe (mysql --quick \| psql COPY) | $pipe_med | 1.00x | $(awk -F'\t' '$3 == "pipe" { printf "%s ", $4 }' "$tsv") |"
    echo "| etl verify (tables equal) | $verify_med | ${ratio}x | $(awk -F'\t' '$3 == "verify" { printf "%s ", $4 }' "$tsv") |"
    echo "| etl verify (one value changed) | $changed_s | | |"
    echo
    echo "- etl verify printed (equal): \`$(grep -m1 '^mixed:' "$OUT/logs/verify-r1/etl.out" 2>/dev/null)\`"
    echo "- and after the change: \`$(grep -m1 'changed (' "$OUT/logs/verify-changed/etl.out" 2>/dev/null | sed 's/^ *//')\`"
    echo "- peak RSS of verify: $(awk -F'\t' '$3 ~ /^verify/ { print $5 }' "$tsv" | max_of) MB"
    echo "- target: verify <= ${TARGET_VERIFY_RATIO}x the pipe: $verdict (${ratio}x)"
  } >"$md"
  say ""
  cat "$md"
  say "written: $md"
}

# One timed `etl verify`: run_verify ROUND POSITION equal|changed TSV. Expects exit 0 for equal
# tables and exit 1 for a changed one.
run_verify() {
  local round=$1 pos=$2 expect=$3 tsv=$4
  local d="$OUT/logs/verify-r$round"
  [[ $expect == changed ]] && d="$OUT/logs/verify-changed"
  mkdir -p "$d"
  pg -c "CHECKPOINT" >/dev/null
  show "ETL_BENCH_SCHEMA=$VERIFY_SCHEMA /usr/bin/time -v -o $d/etl.time $ETL verify jobs/bench/mixed.yml --log-level warn"
  local rc=0
  ETL_BENCH_SCHEMA=$VERIFY_SCHEMA ETL_BENCH_DATABASE=$SOURCE_DB /usr/bin/time -v -o "$d/etl.time" \
    "$ETL" verify jobs/bench/mixed.yml --log-level warn >"$d/etl.out" 2>"$d/etl.err" || rc=$?
  local want=0 what=verify
  [[ $expect == changed ]] && want=1 what=verify-changed
  ((rc == want)) || fail "verify ($expect) round $round: exit $rc, expected $want: $(head -n 3 "$d/etl.out" "$d/etl.err" | tr '\n' ' ')"
  local secs rss
  secs=$(time_seconds "$d/etl.time")
  rss=$(time_rss_mb "$d/etl.time")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$pos" "$what" "$secs" "$rss" "$rc" >>"$tsv"
  say "  round $round #$pos $what $secs s, exit $rc, peak RSS $rss MB"
}

# ------------------------------------------------------------------ incremental

# The source's Handler_read_* counters summed (GLOBAL: etl's sessions are other connections; the
# bench's server runs nothing else meanwhile). SHOW ... LIKE itself adds a handful of reads.
handler_reads() {
  my_value "SHOW GLOBAL STATUS LIKE 'Handler_read%'" | awk '{ s += $2 } END { print s + 0 }'
}
handler_detail() {
  my_value "SHOW GLOBAL STATUS LIKE 'Handler_read%'" | awk '{ printf "%s=%s ", $1, $2 }'
}

# One timed incremental-shape load; sets INC_RESULT to "seconds status strategy rows_written".
run_incremental_load() {
  local tag=$1 schema=$2 job=$3 strategy=$4
  shift 4
  local d="$OUT/logs/incremental-$tag"
  mkdir -p "$d"
  local env_show="ETL_BENCH_SCHEMA=$schema"
  [[ -n $strategy ]] && env_show+=" ETL_BENCH_STRATEGY=$strategy"
  show "$env_show /usr/bin/time -v -o $d/etl.time $ETL run $job $* --report-json $d/report.json --progress never --log-level warn"
  local rc=0
  env ETL_BENCH_SCHEMA="$schema" ETL_BENCH_DATABASE="$SOURCE_DB" ${strategy:+ETL_BENCH_STRATEGY=$strategy} \
    /usr/bin/time -v -o "$d/etl.time" "$ETL" run "$job" "$@" --report-json "$d/report.json" \
    --progress never --log-level warn >"$d/etl.out" 2>"$d/etl.err" || rc=$?
  local st
  st=$(jfield "$d/report.json" status 2)
  ((rc == 0)) && [[ $st == ok ]] ||
    fail "incremental $tag: exit $rc, status '$st': $(why_failed "$d/report.json" "$d/etl.err")"
  INC_RESULT="$(time_seconds "$d/etl.time") $st $(jfield "$d/report.json" strategy) $(jfield "$d/report.json" rows_written)"
}

INC_CHANGES=100

bench_incremental() {
  generate_mixed
  step "incremental: first run into a new / an empty target vs a full copy_csv load ($ROUNDS rounds), then $INC_CHANGES changes"
  local tsv="$OUT/incremental.tsv" md="$OUT/incremental.md"
  printf 'round\tload\tseconds\tstatus\tstrategy\trows_written\n' >"$tsv"
  local round
  for ((round = 1; round <= ROUNDS; round++)); do
    say ""
    say "round $round/$ROUNDS"
    local loads=(full new empty) i
    for ((i = 0; i < 3; i++)); do
      local load=${loads[$(((i + round - 1) % 3))]} schema result
      pg -c "CHECKPOINT" >/dev/null
      case $load in
        full)
          schema=bench_inc_full
          pg -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null
          run_incremental_load "r$round-full" "$schema" jobs/bench/mixed.yml "" --strategy copy_csv
          ;;
        new)
          schema=bench_inc_new
          pg -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null
          run_incremental_load "r$round-new" "$schema" jobs/bench/incremental.yml copy_csv
          ;;
        empty) # the target exists (created by run --schema-only), empty, no watermark
          schema=bench_inc_empty
          pg -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null
          ETL_BENCH_SCHEMA=$schema ETL_BENCH_DATABASE=$SOURCE_DB ETL_BENCH_STRATEGY=copy_csv \
            "$ETL" run jobs/bench/incremental.yml --schema-only --progress never --log-level warn \
            >"$OUT/logs/incremental-r$round-empty-schema.log" 2>&1 ||
            fail "incremental: run --schema-only for $schema failed"
          pg -c "CHECKPOINT" >/dev/null
          run_incremental_load "r$round-empty" "$schema" jobs/bench/incremental.yml copy_csv
          ;;
      esac
      result=$INC_RESULT
      printf '%s\t%s\t%s\n' "$round" "$load" "${result// /$'\t'}" >>"$tsv"
      say "  round $round $load: $result"
      local count
      count=$(pg_value "SELECT count(*) FROM $schema.mixed" 2>/dev/null || echo "?")
      [[ $count == "$ROWS" ]] || fail "incremental $load round $round: $schema.mixed holds $count rows, expected $ROWS"
    done
  done

  # Changes: $INC_CHANGES new rows (the cursor is id), then the delta run with strategy auto.
  say ""
  say "$INC_CHANGES changes at the source, then incremental runs into bench_inc_new (strategy auto)"
  local delta_tsv="$OUT/incremental-delta.tsv"
  printf 'round\tseconds\tstatus\tstrategy\trows_written\thandler_reads\n' >"$delta_tsv"
  local next=$((ROWS + 1))
  for ((round = 1; round <= ROUNDS; round++)); do
    my -D "$SOURCE_DB" -e "INSERT INTO $SOURCE_DB.mixed (id, account_id, name, amount, created_at, is_active, status, note)
      SELECT seq, 1, CONCAT('new ', seq), 1.00, '2026-01-01', 1, 'new', 'changed'
      FROM seq_${next}_to_$((next + INC_CHANGES - 1))" || die "inserting the changes failed"
    next=$((next + INC_CHANGES))
    local before after detail_before detail_after result
    detail_before=$(handler_detail)
    before=$(handler_reads)
    run_incremental_load "delta-r$round" bench_inc_new jobs/bench/incremental.yml ""
    after=$(handler_reads)
    result=$INC_RESULT
    detail_after=$(handler_detail)
    local reads=$((after - before))
    printf '%s\t%s\t%s\n' "$round" "${result// /$'\t'}" "$reads" >>"$delta_tsv"
    say "  delta round $round: $result, Handler_read_* +$reads"
    say "    before: $detail_before"
    say "    after:  $detail_after"
    local written
    written=$(echo "$result" | cut -d' ' -f4)
    [[ $written == "$INC_CHANGES" ]] || fail "incremental delta round $round: rows_written '$written', expected $INC_CHANGES"
  done
  my -e "DELETE FROM $SOURCE_DB.mixed WHERE id > $ROWS" || die "removing the changes failed"

  local full_med new_med empty_med delta_med reads_max
  full_med=$(awk -F'\t' '$2 == "full" { print $3 }' "$tsv" | median)
  new_med=$(awk -F'\t' '$2 == "new" { print $3 }' "$tsv" | median)
  empty_med=$(awk -F'\t' '$2 == "empty" { print $3 }' "$tsv" | median)
  delta_med=$(tail -n +2 "$delta_tsv" | cut -f2 | median)
  reads_max=$(tail -n +2 "$delta_tsv" | cut -f6 | max_of)
  local new_ratio empty_ratio
  new_ratio=$(awk -v a="$new_med" -v b="$full_med" 'BEGIN { printf "%.2f", a / b }')
  empty_ratio=$(awk -v a="$empty_med" -v b="$full_med" 'BEGIN { printf "%.2f", a / b }')
  {
    echo "## incremental: bench.mixed, $ROWS rows, $ROUNDS rounds"
    echo
    echo "| load | median s | ratio vs full copy_csv | runs (s) |"
    echo "|---|---:|---:|---|"
    local l
    for l in full new empty; do
      local med runs
      med=$(awk -F'\t' -v l="$l" '$2 == l { print $3 }' "$tsv" | median)
      runs=$(awk -F'\t' -v l="$l" '$2 == l { printf "%s%s", sep, $3; sep = " " }' "$tsv")
      echo "| $l | $med | $(awk -v a="$med" -v b="$full_med" 'BEGIN { printf "%.2fx", a / b }') | $runs |"
    done
    echo
    echo "full: \`etl run jobs/bench/mixed.yml --strategy copy_csv\` into a new schema; new: the first"
    echo "incremental run (\`jobs/bench/incremental.yml\`, copy_csv) into a new schema; empty: the same"
    echo "into a target created empty by \`run --schema-only\`."
    echo
    echo "- first incremental run into a new target <= 1.10x full copy_csv: $(awk -v v="$new_ratio" 'BEGIN { print (v <= 1.10 ? "met" : "MISSED") }') (${new_ratio}x); into an empty target: ${empty_ratio}x"
    echo "- run after $INC_CHANGES changes (strategy auto): median $delta_med s, source Handler_read_* deltas (max) $reads_max; targets <= 0.5 s: $(awk -v v="$delta_med" 'BEGIN { print (v <= 0.5 ? "met" : "MISSED") }'), <= 1,000 rows: $( ((reads_max <= 1000)) && echo met || echo MISSED)"
    echo
    echo "| delta round | seconds | status | strategy | rows written | Handler_read_* delta |"
    echo "|---:|---:|---|---|---:|---:|"
    tail -n +2 "$delta_tsv" | awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }'
  } >"$md"
  say ""
  cat "$md"
}

# ------------------------------------------------------------------ main

((WANT_MIXED)) && bench_mixed
((WANT_EXISTING)) && bench_existing
((WANT_SPARSE)) && bench_sparse
((WANT_SKEWED)) && bench_skewed
((WANT_VERIFY)) && bench_verify
((WANT_INCREMENTAL)) && bench_incremental
((WANT_FAULT)) && bench_fault

# One report file with every section that ran.
{
  [[ -f "$OUT/summary.md" ]] && cat "$OUT/summary.md" && echo
  [[ -f "$OUT/existing.md" ]] && cat "$OUT/existing.md" && echo
  [[ -f "$OUT/sparse.md" ]] && cat "$OUT/sparse.md" && echo
  [[ -f "$OUT/skewed.md" ]] && cat "$OUT/skewed.md" && echo
  [[ -f "$OUT/verify.md" ]] && cat "$OUT/verify.md" && echo
  [[ -f "$OUT/incremental.md" ]] && cat "$OUT/incremental.md" && echo
  if [[ -f "$OUT/failures.txt" ]]; then
    echo "## failures"
    echo
    sed 's/^/- /' "$OUT/failures.txt"
  fi
} >"$OUT/report.md"

step "done: $OUT/report.md (commands: $COMMANDS)"
if ((FAILURES > 0)); then
  echo "bench.sh: $FAILURES check(s) failed:" >&2
  cat "$OUT/failures.txt" >&2
  exit 1
fi
