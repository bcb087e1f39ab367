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

# start_ferretdb <dir> <port>: FerretDB with its SQLite backend in <dir>, pid in <dir>/ferretdb.pid.
start_ferretdb() {
  mkdir -p "$1/data" "$1/state"
  nohup "$FERRETDB_BIN" --handler=sqlite --sqlite-url="file:$1/data/" --listen-addr="127.0.0.1:$2" \
    --state-dir="$1/state" --telemetry=disable --log-level=warn --debug-addr=- >"$1/ferretdb.log" 2>&1 &
  echo $! >"$1/ferretdb.pid"
  wait_for_port "$2" FerretDB
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

# Throwaway FerretDB and Redis on free ports under <dir>, unless MONGODB_URI / REDIS_URL are set.
# Exports both URLs. Stop them with stop_throwaway_services <dir>.
start_throwaway_services() {
  local port
  if [ -z "${MONGODB_URI:-}" ]; then
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
  stop_pidfile "$1/ferretdb/ferretdb.pid"
}

ensure_toolchain() { # everything both commands need
  ensure_pnpm
  ensure_apt redis-server:redis-server fonts-wqy-microhei # CJK font of the share posters (bff advisors)
  [ -n "${MONGODB_URI:-}" ] || ensure_ferretdb
}
