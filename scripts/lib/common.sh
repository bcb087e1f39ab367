# Shared shell helpers for scripts/start.sh and scripts/test.sh: install what is missing and start
# throwaway services on loopback. Source it; it does not run anything by itself.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PNPM_VERSION="$(node -p "require('$REPO_ROOT/package.json').packageManager.split('@')[1]")"
FERRETDB_VERSION="v1.24.2"
# Built binaries are cached outside the repo so fresh clones on the same machine reuse them.
CARMALL_CACHE="${CARMALL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/carmall}"

log() { printf '\033[1;34m[carmall]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[carmall] error:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages, installed only when missing. Each argument is a package name, or
# "command:package" to check for a command instead of asking dpkg.
ensure_apt() { # ensure_apt redis-server:redis-server fonts-wqy-microhei ...
  local missing=() spec cmd pkg
  for spec in "$@"; do
    pkg="${spec#*:}"
    cmd="${spec%%:*}"
    if [ "$cmd" != "$spec" ]; then
      command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
    else
      dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_pnpm() {
  if [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
    log "installing pnpm $PNPM_VERSION"
    npm install -g "pnpm@$PNPM_VERSION" >/dev/null 2>&1 || {
      npm install --prefix "$CARMALL_CACHE/pnpm" "pnpm@$PNPM_VERSION" >/dev/null
      export PATH="$CARMALL_CACHE/pnpm/node_modules/.bin:$PATH"
    }
  fi
}

ensure_ferretdb() {
  FERRETDB_BIN="$CARMALL_CACHE/ferretdb-$FERRETDB_VERSION/ferretdb"
  [ -x "$FERRETDB_BIN" ] && return 0
  command -v go >/dev/null 2>&1 || die "Go (>= 1.24) is needed to build FerretDB; or set MONGODB_URI to an existing MongoDB"
  log "building FerretDB $FERRETDB_VERSION from the Go module proxy (once; cached in $CARMALL_CACHE)"
  # A plain `go install ...@version` binary panics at start: FerretDB embeds build/version/version.txt,
  # which its release process generates and the module does not contain. So fetch the module, add
  # that file, and build it with its own go.mod.
  local src work
  src="$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).Dir))")"
  work="$(mktemp -d)"
  cp -r "$src/." "$work/" && chmod -R u+w "$work"
  echo "$FERRETDB_VERSION" >"$work/build/version/version.txt"
  mkdir -p "$(dirname "$FERRETDB_BIN")"
  (cd "$work" && go build -trimpath -o "$FERRETDB_BIN.tmp" ./cmd/ferretdb) || die "building FerretDB failed"
  mv "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
  rm -rf "$work"
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

wait_for_port() { # wait_for_port <port> <what> [seconds]
  local deadline=$((SECONDS + ${3:-30}))
  until node -e "require('net').connect($1,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || die "$2 did not start listening on 127.0.0.1:$1"
    sleep 0.2
  done
}

# start_redis <dir> <port> [persist]: Redis on loopback, its pid in <dir>/redis.pid.
start_redis() {
  mkdir -p "$1"
  local persist=(--save '' --appendonly no)
  [ "${3:-}" = persist ] && persist=(--save 60 1 --appendonly no)
  redis-server --bind 127.0.0.1 --port "$2" --dir "$1" --daemonize yes --pidfile "$1/redis.pid" \
    --logfile "$1/redis.log" --protected-mode yes "${persist[@]}" >/dev/null
  wait_for_port "$2" redis
}

# FerretDB's storage backend. PostgreSQL by default: the SQLite backend scans (and decodes) the
# collection for every find that is not by _id, and even _id lookups grow with the collection. At
# 40k documents (bash scripts/bench.sh ferretdb-costs 40000, 2026-12-07) PostgreSQL costs 11-14 ms
# per operation where SQLite costs 46 ms (findOne by _id), 490-930 ms (findOne by an indexed field),
# 140 ms (update/delete by _id): 4-66x faster; inserts are ~1 ms on both.
# CARMALL_FERRETDB_BACKEND=sqlite brings back the old embedded backend (no PostgreSQL needed).
FERRETDB_BACKEND="${CARMALL_FERRETDB_BACKEND:-postgresql}"
case "$FERRETDB_BACKEND" in postgresql | sqlite) ;; *) die "CARMALL_FERRETDB_BACKEND must be postgresql or sqlite, not '$FERRETDB_BACKEND'" ;; esac

# Debian's PostgreSQL 15 server binaries (not on PATH; /usr/bin/pg_config is a wrapper that names
# the newest installed version's bindir, so it is only the fallback).
pg_bindir() {
  local d
  for d in /usr/lib/postgresql/15/bin "$(pg_config --bindir 2>/dev/null || true)"; do
    [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/psql" ] && { echo "$d"; return 0; }
  done
  die "PostgreSQL 15 server binaries not found (apt-get install postgresql-15), or set CARMALL_FERRETDB_BACKEND=sqlite"
}

# pg_as_owner <cmd...>: PostgreSQL refuses to run as root, so as root (CI) run it as the `postgres`
# OS user (created by the Debian package); as anyone else, as themselves. From / so a cwd the
# postgres user cannot read does not make it complain.
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else (cd / && "$@"); fi
}

# start_postgresql <dir> <port>: a PostgreSQL cluster of its own in <dir>/data (initdb once; an
# existing cluster is reused), listening only on 127.0.0.1:<port>, its unix socket in <dir>/socket,
# log in <dir>/postgresql.log; then makes sure database `ferretdb` exists.
start_postgresql() {
  local dir="$1" port="$2" bin sock
  bin="$(pg_bindir)"
  mkdir -p "$dir/socket"
  touch "$dir/postgresql.log"
  if [ "$(id -u)" = 0 ]; then
    # As root the cluster belongs to the postgres user, who must also be able to reach <dir>.
    chown -R postgres:postgres "$dir"
    runuser -u postgres -- test -x "$dir" ||
      die "the postgres OS user cannot reach $dir (a parent directory is closed to others, e.g. /root); use a checkout / TMPDIR elsewhere, or CARMALL_FERRETDB_BACKEND=sqlite"
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    # Throwaway/dev data: durability off, enough connections for FerretDB's pool (50 per client
    # user) plus headroom, no parallel workers on a 2-core machine, dynamic shared memory as files in
    # the data dir (nothing in /dev/shm, which is 64 MB in containers and would outlive a crash).
    cat >>"$dir/data/postgresql.conf" <<'CONF'

# carmall (scripts/lib/common.sh): throwaway/dev cluster for FerretDB, loopback only
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
max_wal_size = 1GB
shared_buffers = 256MB
work_mem = 16MB
max_connections = 300
max_parallel_workers_per_gather = 0
dynamic_shared_memory_type = mmap
log_min_messages = warning
CONF
  fi
  [ "$(cat "$dir/data/PG_VERSION")" = "$("$bin/postgres" -V | sed -E 's/^[^0-9]*([0-9]+).*/\1/')" ] ||
    die "$dir/data was made by PostgreSQL $(cat "$dir/data/PG_VERSION"), not $("$bin/postgres" -V); delete it to start afresh"
  # A cluster left running by a killed run (persistent dir of start.sh) is stopped, then started
  # on this run's port.
  if pg_as_owner "$bin/pg_ctl" status -D "$dir/data" >/dev/null 2>&1; then
    pg_as_owner "$bin/pg_ctl" stop -D "$dir/data" -m fast -w >/dev/null 2>&1 || true
  fi
  # Port and socket dir on the command line, so a persistent cluster takes a new free port each
  # start. A socket path longer than the kernel's 107 bytes would fail: then TCP only.
  sock="$dir/socket"
  [ ${#sock} -le 90 ] || sock=""
  pg_as_owner "$bin/pg_ctl" start -D "$dir/data" -w -t 60 -l "$dir/postgresql.log" \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$sock'" >/dev/null ||
    { tail -20 "$dir/postgresql.log" >&2; die "PostgreSQL did not start (log: $dir/postgresql.log)"; }
  local psql=("$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1)
  [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = 'ferretdb'")" = 1 ] ||
    "${psql[@]}" -c 'CREATE DATABASE ferretdb' >/dev/null || die "CREATE DATABASE ferretdb failed"
}

stop_postgresql() { # stop_postgresql <dir>: fast shutdown of the cluster in <dir>/data, if running.
  [ -f "$1/data/postmaster.pid" ] || return 0
  local bin
  bin="$(pg_bindir)"
  pg_as_owner "$bin/pg_ctl" stop -D "$1/data" -m fast -w -t 30 >/dev/null 2>&1 ||
    pg_as_owner "$bin/pg_ctl" stop -D "$1/data" -m immediate -w >/dev/null 2>&1 || true
}

# start_ferretdb <dir> <port>: FerretDB on 127.0.0.1:<port>, pid in <dir>/ferretdb.pid. Backend
# PostgreSQL (cluster in <dir>/postgresql on a free port) or, with CARMALL_FERRETDB_BACKEND=sqlite,
# SQLite files in <dir>/data. Reuses what <dir> holds, so it serves throwaway and persistent dirs.
start_ferretdb() {
  mkdir -p "$1/state"
  local backend=()
  if [ "$FERRETDB_BACKEND" = postgresql ]; then
    local pg_port
    pg_port="$(free_port)"
    start_postgresql "$1/postgresql" "$pg_port"
    backend=(--handler=postgresql --postgresql-url="postgres://postgres@127.0.0.1:$pg_port/ferretdb")
  else
    mkdir -p "$1/data"
    backend=(--handler=sqlite --sqlite-url="file:$1/data/")
  fi
  nohup "$FERRETDB_BIN" "${backend[@]}" --listen-addr="127.0.0.1:$2" \
    --state-dir="$1/state" --telemetry=disable --log-level=warn --debug-addr=- >"$1/ferretdb.log" 2>&1 &
  echo $! >"$1/ferretdb.pid"
  wait_for_port "$2" FerretDB
}

stop_ferretdb() { # stop_ferretdb <dir>: FerretDB, then its PostgreSQL cluster (if any).
  stop_pidfile "$1/ferretdb.pid"
  stop_postgresql "$1/postgresql"
}

stop_pidfile() { # stop_pidfile <file>: TERM the process, wait briefly, then KILL.
  [ -f "$1" ] || return 0
  local pid
  pid="$(cat "$1")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

# Throwaway FerretDB (+ its PostgreSQL) and Redis on free ports under <dir>, unless MONGODB_URI / REDIS_URL are set.
# Exports both URLs. Stop them with stop_throwaway_services <dir>.
start_throwaway_services() {
  local port
  if [ -z "${MONGODB_URI:-}" ]; then
    # <dir> is usually mktemp's (0700): as root, let the postgres user pass through it (not list it).
    [ "$FERRETDB_BACKEND" != postgresql ] || [ "$(id -u)" != 0 ] || chmod o+x "$1"
    port="$(free_port)"
    start_ferretdb "$1/ferretdb" "$port"
    export MONGODB_URI="mongodb://127.0.0.1:$port"
    log "FerretDB (MongoDB wire) on $MONGODB_URI"
  fi
  if [ -z "${REDIS_URL:-}" ]; then
    port="$(free_port)"
    start_redis "$1/redis" "$port"
    export REDIS_URL="redis://127.0.0.1:$port"
    log "Redis on $REDIS_URL"
  fi
}

stop_throwaway_services() {
  stop_pidfile "$1/redis/redis.pid"
  stop_ferretdb "$1/ferretdb"
}

ensure_toolchain() { # everything both commands need
  ensure_pnpm
  ensure_apt redis-server:redis-server fonts-wqy-microhei # CJK font of the share posters (bff advisors)
  if [ -z "${MONGODB_URI:-}" ]; then
    ensure_ferretdb
    # FerretDB's PostgreSQL backend: Debian's server package (also creates the `postgres` OS user).
    [ "$FERRETDB_BACKEND" != postgresql ] || ensure_apt postgresql-15
  fi
}
