#!/usr/bin/env bash
# Throwaway MariaDB + PostgreSQL 15 servers for development, the demo, tests and CI.
#
#   scripts/servers.sh start    start both (initialising them on first use); idempotent
#   scripts/servers.sh start --tls   the same, serving TLS with certificates of a throwaway CA
#                               (made once with openssl in <servers dir>/tls); running servers
#                               without TLS are restarted with it. TLS then stays on for later
#                               starts and restarts (state.env), and `env` also exports
#                               ETL_TLS_DIR and ETL_TLS_CA. Plain-text connections keep working.
#   scripts/servers.sh stop     stop both cleanly
#   scripts/servers.sh status   say what runs where
#   scripts/servers.sh env      print `export ETL_...=...` lines: eval "$(scripts/servers.sh env)"
#   scripts/servers.sh restart mysql|pg [--plain]   stop and start one server (fault tests: a
#                               server that restarts mid-load); its data and port stay. --plain:
#                               without TLS this once (the TLS tests' server that offers none);
#                               the next start or restart brings TLS back
#   scripts/servers.sh freeze mysql|pg    SIGSTOP every process of one server: it keeps its
#                               sockets (the kernel still completes handshakes and ACKs) but never
#                               answers, the "server stopped answering" fault
#   scripts/servers.sh thaw mysql|pg      SIGCONT: the frozen server carries on where it was
#
# Everything lives under "${ETL_SERVERS_DIR:-<repo>/.servers}" (gitignored). Two free ports are
# chosen at the first start and remembered in state.env there, so `env` and later restarts use the
# same ones. The servers never replace system services and never take 3306/5432 blindly.
# When run as root, MariaDB runs as user `mysql` and PostgreSQL as user `postgres`.
# These are local development servers: the passwords below are fixed and not secret.
# shellcheck disable=SC2153  # MY_PORT, MY_BASE, PG_PORT, PG_BASE come from state.env (load_state)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVERS_DIR="${ETL_SERVERS_DIR:-$REPO_ROOT/.servers}"
[[ "$SERVERS_DIR" == /* ]] || SERVERS_DIR="$PWD/$SERVERS_DIR"
PG_BIN=/usr/lib/postgresql/15/bin
MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)
ETL_USER=etl
ETL_PASSWORD=etl-dev
PG_DATABASE=analytics
STARTUP_TIMEOUT_S=60

die() {
  echo "servers.sh: $*" >&2
  exit 1
}

is_root() { [[ $(id -u) -eq 0 ]]; }

# Runs a command as the given service user when root, as the current user otherwise.
as_user() {
  local user=$1
  shift
  if is_root; then runuser -u "$user" -- "$@"; else "$@"; fi
}

# True when the process exists and is not a zombie (a killed server may stay a zombie for a
# moment when the init process is slow to reap it).
pid_alive() {
  local pid=$1 state
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  state=$(sed -E 's/^.*\) (.).*$/\1/' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ $state != Z ]]
}

# Waits up to 10 s for a dead (zombie) process to disappear, so its pid file reads as stale.
wait_gone() {
  local pid=$1
  for _ in $(seq 1 20); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.5
  done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_free_port() {
  local avoid=${1:-0} port
  for _ in $(seq 1 200); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    [[ $port -eq $avoid || $port -eq 3306 || $port -eq 5432 ]] && continue
    if ! port_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  die "could not find a free TCP port on 127.0.0.1"
}

# A directory the service user can use: <servers dir>/<name> when that user can reach the
# servers dir, otherwise a private mktemp directory (the checkout may live under /root).
service_base_dir() {
  local user=$1 name=$2
  if ! is_root || runuser -u "$user" -- test -x "$SERVERS_DIR"; then
    echo "$SERVERS_DIR/$name"
  else
    mktemp -d "/tmp/etl-servers-$name.XXXXXX"
  fi
}

load_state() {
  [[ -f "$SERVERS_DIR/state.env" ]] || return 1
  # shellcheck disable=SC1091
  source "$SERVERS_DIR/state.env"
  MY_SOCKET="$MY_BASE/run/mariadbd.sock"
  MY_PIDFILE="$MY_BASE/run/mariadbd.pid"
  MY_LOG="$MY_BASE/mariadbd.log"
  MY_CNF="$MY_BASE/my.cnf"
  PG_DATA="$PG_BASE/data"
  PG_SOCKET_DIR="$PG_BASE/run"
  PG_LOG="$PG_BASE/postgresql.log"
}

create_state() {
  mkdir -p "$SERVERS_DIR"
  [[ -f "$SERVERS_DIR/state.env" ]] && return 0
  local my_port pg_port my_base pg_base
  my_port=$(pick_free_port)
  pg_port=$(pick_free_port "$my_port")
  my_base=$(service_base_dir mysql mysql)
  pg_base=$(service_base_dir postgres postgres)
  cat >"$SERVERS_DIR/state.env.tmp" <<EOF
MY_PORT=$my_port
PG_PORT=$pg_port
MY_BASE=$my_base
PG_BASE=$pg_base
EOF
  mv "$SERVERS_DIR/state.env.tmp" "$SERVERS_DIR/state.env"
}

log_tail() {
  echo "---- last lines of $1 ----" >&2
  tail -n 30 "$1" >&2 2>/dev/null || echo "(no log)" >&2
  echo "----" >&2
}

# ---------------------------------------------------------------- TLS (start --tls)
#
# <servers dir>/tls holds, made once:
#   ca.pem, ca.key           the throwaway CA that signs everything below
#   other-ca.pem             a second CA that signs nothing: the "wrong CA" of the TLS tests
#   server.pem, server.key   both servers' certificate: CN and subjectAltName are DNS:localhost
#                            only, so verifying the host name accepts "localhost" and refuses
#                            "127.0.0.1" (the address the servers listen on)
#   client.pem, client.key   a client certificate with CN etl_cert, the user that logs in by
#                            certificate on both servers
# Each server reads its own copy of the server key (owned by its service user, mode 600: the
# PostgreSQL server refuses a key others can read).

TLS_CLIENT_USER=etl_cert

tls_dir() { echo "$SERVERS_DIR/tls"; }

tls_make_cert() { # name cn extension-lines...
  local dir name=$1 cn=$2
  dir=$(tls_dir)
  shift 2
  printf '%s\n' "$@" >"$dir/$name.ext"
  openssl req -new -newkey rsa:2048 -nodes -keyout "$dir/$name.key" -out "$dir/$name.csr" \
    -subj "/CN=$cn" 2>/dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -days 3650 -sha256 -extfile "$dir/$name.ext" -out "$dir/$name.pem" 2>/dev/null
  rm -f "$dir/$name.csr" "$dir/$name.ext"
  chmod 600 "$dir/$name.key"
}

tls_init() {
  local dir
  dir=$(tls_dir)
  [[ -f "$dir/client.pem" ]] && return 0
  command -v openssl >/dev/null || die "openssl not found (run scripts/install-deps.sh)"
  echo "servers.sh: making a throwaway CA and certificates in $dir"
  rm -rf "$dir"
  mkdir -p "$dir"
  for ca in ca other-ca; do
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 -keyout "$dir/$ca.key" \
      -out "$dir/$ca.pem" -subj "/CN=etl throwaway $ca" 2>/dev/null || die "openssl failed"
  done
  rm -f "$dir/other-ca.key"
  tls_make_cert server localhost "subjectAltName=DNS:localhost" "basicConstraints=CA:FALSE" \
    "extendedKeyUsage=serverAuth" || die "openssl failed to make the server certificate"
  tls_make_cert client "$TLS_CLIENT_USER" "basicConstraints=CA:FALSE" \
    "extendedKeyUsage=clientAuth" || die "openssl failed to make the client certificate"
}

# Copies the CA, the server certificate and its key to <base>/tls for one service user.
tls_install() { # base user
  local base=$1 user=$2 dir
  dir=$(tls_dir)
  mkdir -p "$base/tls"
  cp "$dir/ca.pem" "$dir/server.pem" "$dir/server.key" "$base/tls/"
  chmod 600 "$base/tls/server.key"
  if is_root; then chown -R "$user:$user" "$base/tls"; fi
}

tls_on() { [[ ${TLS:-0} == 1 ]]; }

# Turns TLS on in state.env (it stays on for later starts).
tls_enable() {
  tls_on && return 0
  echo "TLS=1" >>"$SERVERS_DIR/state.env"
  TLS=1
}

# ---------------------------------------------------------------- MariaDB

mysql_root() { mysql --no-defaults --protocol=socket --socket="$MY_SOCKET" -uroot "$@"; }

mysql_running() {
  [[ -f "$MY_PIDFILE" ]] && pid_alive "$(cat "$MY_PIDFILE" 2>/dev/null)"
}

mysql_init() {
  [[ -d "$MY_BASE/data/mysql" ]] && return 0
  echo "servers.sh: initialising MariaDB in $MY_BASE"
  rm -rf "$MY_BASE/data"
  mkdir -p "$MY_BASE/data" "$MY_BASE/run"
  cat >"$MY_CNF" <<EOF
[mariadbd]
datadir=$MY_BASE/data
socket=$MY_SOCKET
pid-file=$MY_PIDFILE
log-error=$MY_LOG
port=$MY_PORT
bind-address=127.0.0.1
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_general_ci
skip-log-bin
innodb_buffer_pool_size=512M
innodb_flush_log_at_trx_commit=2
max_allowed_packet=256M
max_connections=300
EOF
  local user_opt=()
  if is_root; then
    chown -R mysql:mysql "$MY_BASE"
    user_opt=(--user=mysql)
  fi
  # Root gets the classic password-less login (reachable only through the socket, since
  # skip-name-resolve makes root@localhost unreachable over TCP); fine for a throwaway server.
  if ! mariadb-install-db --defaults-file="$MY_CNF" "${user_opt[@]}" \
    --auth-root-authentication-method=normal --skip-test-db \
    >"$MY_BASE/install-db.log" 2>&1; then
    log_tail "$MY_BASE/install-db.log"
    die "mariadb-install-db failed"
  fi
}

mysql_start() {
  mysql_init
  if mysql_running; then
    echo "servers.sh: MariaDB already running on 127.0.0.1:$MY_PORT"
    return 0
  fi
  if port_in_use "$MY_PORT"; then
    die "MariaDB port $MY_PORT is taken by another process; remove $SERVERS_DIR to pick new ports"
  fi
  [[ -f "$MY_PIDFILE" ]] && wait_gone "$(cat "$MY_PIDFILE")"
  local user_opt=() tls_opt=()
  is_root && user_opt=(--user=mysql)
  if tls_on; then
    tls_install "$MY_BASE" mysql
    tls_opt=(--ssl-ca="$MY_BASE/tls/ca.pem" --ssl-cert="$MY_BASE/tls/server.pem"
      --ssl-key="$MY_BASE/tls/server.key")
  fi
  rm -f "$MY_SOCKET" "$MY_PIDFILE"
  # setsid: the server must outlive this script and the shell that ran it.
  setsid nohup "$MARIADBD" --defaults-file="$MY_CNF" "${user_opt[@]}" --port="$MY_PORT" \
    "${tls_opt[@]}" </dev/null >>"$MY_BASE/mariadbd.stdout" 2>&1 9>&- &
  local pid=$! waited=0
  until mariadb-admin --no-defaults --protocol=socket --socket="$MY_SOCKET" -uroot \
    --connect-timeout=2 ping >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log_tail "$MY_LOG"
      die "MariaDB exited during startup (log: $MY_LOG)"
    fi
    if ((waited >= STARTUP_TIMEOUT_S * 2)); then
      log_tail "$MY_LOG"
      die "MariaDB did not accept connections within ${STARTUP_TIMEOUT_S}s (log: $MY_LOG)"
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  mysql_root <<EOF || die "could not create MariaDB user '$ETL_USER'"
CREATE USER IF NOT EXISTS '$ETL_USER'@'127.0.0.1' IDENTIFIED BY '$ETL_PASSWORD';
CREATE USER IF NOT EXISTS '$ETL_USER'@'localhost' IDENTIFIED BY '$ETL_PASSWORD';
CREATE USER IF NOT EXISTS '$ETL_USER'@'%' IDENTIFIED BY '$ETL_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$ETL_USER'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$ETL_USER'@'localhost' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$ETL_USER'@'%' WITH GRANT OPTION;
CREATE USER IF NOT EXISTS '$TLS_CLIENT_USER'@'%' REQUIRE SUBJECT '/CN=$TLS_CLIENT_USER';
GRANT ALL PRIVILEGES ON *.* TO '$TLS_CLIENT_USER'@'%';
EOF
  echo "servers.sh: MariaDB running on 127.0.0.1:$MY_PORT$(tls_on && echo ' (TLS)')"
}

mysql_stop() {
  mysql_running || return 0
  local pid waited=0
  pid=$(cat "$MY_PIDFILE")
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= 120)); then
      kill -KILL "$pid" 2>/dev/null || true
      echo "servers.sh: MariaDB did not stop within 60s; killed" >&2
      break
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  rm -f "$MY_PIDFILE"
}

# ---------------------------------------------------------------- PostgreSQL

pg_ctl_cmd() { as_user postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" "$@"; }

pg_postmaster_pid() { head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null; }

pg_running() {
  [[ -f "$PG_DATA/postmaster.pid" ]] && pid_alive "$(pg_postmaster_pid)"
}

pg_init() {
  [[ -f "$PG_DATA/PG_VERSION" ]] && return 0
  echo "servers.sh: initialising PostgreSQL in $PG_BASE"
  rm -rf "$PG_DATA"
  mkdir -p "$PG_BASE/run"
  local pwfile="$PG_BASE/pwfile"
  echo "$ETL_PASSWORD" >"$pwfile"
  chmod 600 "$pwfile"
  touch "$PG_LOG"
  is_root && chown -R postgres:postgres "$PG_BASE"
  if ! as_user postgres "$PG_BIN/initdb" -D "$PG_DATA" --username=postgres --pwfile="$pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$PG_BASE/initdb.log" 2>&1; then
    log_tail "$PG_BASE/initdb.log"
    die "initdb failed"
  fi
  rm -f "$pwfile"
  # fsync/synchronous_commit/full_page_writes off: unsafe on a crash, which is fine for a
  # throwaway server whose data can be recreated, and it makes bulk loads much faster.
  cat >>"$PG_DATA/postgresql.conf" <<EOF

# ---- settings from scripts/servers.sh (throwaway development server) ----
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
max_wal_size = 4GB
shared_buffers = 256MB
EOF
}

pg_start() {
  pg_init
  local state=running
  if pg_running; then
    state="already running"
  else
    [[ -f "$PG_DATA/postmaster.pid" ]] && wait_gone "$(pg_postmaster_pid)"
    if port_in_use "$PG_PORT"; then
      die "PostgreSQL port $PG_PORT is taken by another process; remove $SERVERS_DIR to pick new ports"
    fi
    # setsid: the server must outlive this script and the shell that ran it.
    local as_postgres=() options="-p $PG_PORT"
    is_root && as_postgres=(runuser -u postgres --)
    if tls_on; then
      tls_install "$PG_BASE" postgres
      pg_hba_cert
      options+=" -c ssl=on -c ssl_ca_file=$PG_BASE/tls/ca.pem"
      options+=" -c ssl_cert_file=$PG_BASE/tls/server.pem -c ssl_key_file=$PG_BASE/tls/server.key"
    fi
    if ! setsid -w "${as_postgres[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" \
      -o "$options" -w -t "$STARTUP_TIMEOUT_S" start >/dev/null 2>&1 9>&-; then
      log_tail "$PG_LOG"
      die "PostgreSQL did not start within ${STARTUP_TIMEOUT_S}s (log: $PG_LOG)"
    fi
  fi
  local waited=0
  until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; do
    if ((waited >= STARTUP_TIMEOUT_S * 2)); then
      log_tail "$PG_LOG"
      die "PostgreSQL did not accept connections within ${STARTUP_TIMEOUT_S}s (log: $PG_LOG)"
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  local psql_admin=(env PGPASSWORD="$ETL_PASSWORD" psql -X -q -v ON_ERROR_STOP=1
    -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres)
  "${psql_admin[@]}" -d postgres >/dev/null <<EOF || die "could not create PostgreSQL role '$ETL_USER'"
SELECT 'CREATE ROLE "$ETL_USER" LOGIN SUPERUSER'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ETL_USER') \gexec
ALTER ROLE "$ETL_USER" LOGIN SUPERUSER PASSWORD '$ETL_PASSWORD';
SELECT 'CREATE DATABASE "$PG_DATABASE" OWNER "$ETL_USER"'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DATABASE') \gexec
SELECT 'CREATE ROLE "$TLS_CLIENT_USER" LOGIN SUPERUSER'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$TLS_CLIENT_USER') \gexec
EOF
  echo "servers.sh: PostgreSQL $state on 127.0.0.1:$PG_PORT$(tls_on && echo ' (TLS)')"
}

# The certificate user logs in by client certificate only (the first matching line wins).
pg_hba_cert() {
  local hba="$PG_DATA/pg_hba.conf" line="hostssl all $TLS_CLIENT_USER 127.0.0.1/32 cert"
  grep -qxF "$line" "$hba" && return 0
  { echo "$line"; cat "$hba"; } >"$hba.tmp"
  if is_root; then chown postgres:postgres "$hba.tmp"; fi
  mv "$hba.tmp" "$hba"
}

# Whether a running server serves TLS as state.env says it should.
pg_tls_matches() {
  local on
  on=$(env PGPASSWORD="$ETL_PASSWORD" psql -XAtq -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres \
    -d postgres -c "SHOW ssl" 2>/dev/null) || return 1
  if tls_on; then [[ $on == on ]]; else [[ $on != on ]]; fi
}

mysql_tls_matches() {
  local have
  have=$(mysql_root -N -e "SELECT @@have_ssl" 2>/dev/null) || return 1
  if tls_on; then [[ $have == YES ]]; else [[ $have != YES ]]; fi
}

pg_stop() {
  pg_running || return 0
  pg_ctl_cmd -m fast -w -t 60 stop >/dev/null 2>&1 || echo "servers.sh: pg_ctl stop failed" >&2
}

# ---------------------------------------------------------------- commands

# Serialises start/stop across concurrent callers (several test runs may call start at once).
with_lock() {
  mkdir -p "$SERVERS_DIR"
  exec 9>"$SERVERS_DIR/.lock"
  flock -w 300 9 || die "timed out waiting for the lock on $SERVERS_DIR/.lock"
  "$@"
}

cmd_start() {
  local want_tls=false
  case "${1:-}" in
    "") ;;
    --tls) want_tls=true ;;
    *) die "unknown option for start: $1 (expected --tls)" ;;
  esac
  [[ -x "$MARIADBD" ]] ||
    die "mariadbd not found (run scripts/install-deps.sh)"
  [[ -x "$PG_BIN/pg_ctl" ]] || die "PostgreSQL 15 not found in $PG_BIN (run scripts/install-deps.sh)"
  create_state
  load_state
  if $want_tls; then
    tls_init
    tls_enable
  fi
  # A server left frozen (a fault test that was killed before its thaw) runs again.
  if mysql_running; then cmd_signal CONT mysql; fi
  if pg_running; then cmd_signal CONT pg; fi
  # A server started before TLS was asked for is restarted with it.
  if mysql_running && ! mysql_tls_matches; then mysql_stop; fi
  mysql_start
  if pg_running && ! pg_tls_matches; then pg_stop; fi
  pg_start
}

cmd_stop() {
  load_state || return 0
  mysql_stop
  pg_stop
}

cmd_status() {
  if ! load_state; then
    echo "not initialised (no $SERVERS_DIR/state.env); run: scripts/servers.sh start"
    return 0
  fi
  local rc=0
  if mysql_running; then
    echo "MariaDB:    running on 127.0.0.1:$MY_PORT (pid $(cat "$MY_PIDFILE"), data $MY_BASE/data)"
  else
    echo "MariaDB:    stopped (port $MY_PORT, data $MY_BASE/data)"
    rc=3
  fi
  if pg_running; then
    echo "PostgreSQL: running on 127.0.0.1:$PG_PORT (data $PG_DATA)"
  else
    echo "PostgreSQL: stopped (port $PG_PORT, data $PG_DATA)"
    rc=3
  fi
  return $rc
}

cmd_env() {
  load_state || die "servers not initialised; run: scripts/servers.sh start"
  cat <<EOF
export ETL_MYSQL_HOST=127.0.0.1
export ETL_MYSQL_PORT=$MY_PORT
export ETL_MYSQL_USER=$ETL_USER
export ETL_MYSQL_PASSWORD=$ETL_PASSWORD
export ETL_PG_HOST=127.0.0.1
export ETL_PG_PORT=$PG_PORT
export ETL_PG_USER=$ETL_USER
export ETL_PG_PASSWORD=$ETL_PASSWORD
export ETL_PG_DATABASE=$PG_DATABASE
EOF
  if tls_on; then
    echo "export ETL_TLS_DIR=$(tls_dir)"
    echo "export ETL_TLS_CA=$(tls_dir)/ca.pem"
  fi
}

# The pids of every process of one server: MariaDB is one process; PostgreSQL is the postmaster
# and its children (backends, checkpointer, ...), all of which must stop for the server to be
# silent.
server_pids() {
  case "$1" in
    mysql)
      mysql_running || die "MariaDB is not running"
      cat "$MY_PIDFILE"
      ;;
    pg)
      pg_running || die "PostgreSQL is not running"
      local master
      master=$(pg_postmaster_pid)
      echo "$master"
      pgrep -P "$master" || true
      ;;
    *) die "unknown server '$1' (expected mysql or pg)" ;;
  esac
}

cmd_signal() {
  local sig=$1 which=$2
  load_state || die "servers not initialised; run: scripts/servers.sh start"
  local pids
  pids=$(server_pids "$which")
  # shellcheck disable=SC2086  # one pid per word
  kill "-$sig" $pids
}

cmd_restart() {
  local which=$1
  load_state || die "servers not initialised; run: scripts/servers.sh start"
  # A frozen server takes the stop signal only once it runs again.
  cmd_signal CONT "$which" 2>/dev/null || true
  case "${2:-}" in
    "") ;;
    --plain) TLS=0 ;;
    *) die "unknown option for restart: $2 (expected --plain)" ;;
  esac
  case "$which" in
    mysql)
      mysql_stop
      mysql_start
      ;;
    pg)
      pg_stop
      pg_start
      ;;
    *) die "unknown server '$which' (expected mysql or pg)" ;;
  esac
}

case "${1:-}" in
  start) with_lock cmd_start "${2:-}" ;;
  stop) with_lock cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  restart) with_lock cmd_restart "${2:-}" "${3:-}" ;;
  freeze) cmd_signal STOP "${2:-}" ;;
  thaw) cmd_signal CONT "${2:-}" ;;
  *)
    echo "usage: $0 start [--tls]|stop|status|env|restart mysql|pg [--plain]|freeze mysql|pg|thaw mysql|pg" >&2
    exit 2
    ;;
esac
