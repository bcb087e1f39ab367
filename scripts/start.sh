#!/usr/bin/env bash
# The one start command (README): installs what is missing, starts Redis and FerretDB (on a
# PostgreSQL cluster of its own) on loopback (unless REDIS_URL / MONGODB_URI point elsewhere), the
# local simulators of outside services, seeds the demo data once, builds the H5 app and serves it
# from the BFF. Ctrl-C stops it all.
# State (database files, logs) lives in .run/ and survives restarts; `rm -rf .run` resets it.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_ROOT"

ensure_toolchain
log "installing workspace dependencies"
pnpm install --frozen-lockfile --prefer-offline >/dev/null

RUN_DIR="$REPO_ROOT/.run"
mkdir -p "$RUN_DIR"
export PORT="${PORT:-3000}"
export HOST="${HOST:-127.0.0.1}"
started=()
cleanup() {
  log "stopping"
  if [ -n "${BFF_PID:-}" ]; then kill "$BFF_PID" 2>/dev/null || true; wait "$BFF_PID" 2>/dev/null || true; fi
  [ -n "${SIM_PID:-}" ] && kill "$SIM_PID" 2>/dev/null || true
  [ -n "${FERRETDB_STARTED:-}" ] && stop_ferretdb "$RUN_DIR/ferretdb" # and its PostgreSQL
  for pidfile in "${started[@]}"; do stop_pidfile "$pidfile"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${MONGODB_URI:-}" ]; then
  port="${FERRETDB_PORT:-27018}"
  if ! node -e "require('net').connect($port,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))" 2>/dev/null; then
    # Persistent: the PostgreSQL cluster in .run/ferretdb/postgresql is made once and reused (a
    # SQLite .run/ferretdb/data from before is left alone; the new cluster starts empty and the seed
    # below fills it). CARMALL_FERRETDB_BACKEND=sqlite uses that SQLite data again.
    FERRETDB_STARTED=1
    start_ferretdb "$RUN_DIR/ferretdb" "$port"
  fi
  export MONGODB_URI="mongodb://127.0.0.1:$port/carmall"
fi
if [ -z "${REDIS_URL:-}" ]; then
  port="${REDIS_PORT:-6380}"
  if ! redis-cli -p "$port" ping >/dev/null 2>&1; then
    start_redis "$RUN_DIR/redis" "$port" persist
    started+=("$RUN_DIR/redis/redis.pid")
  fi
  export REDIS_URL="redis://127.0.0.1:$port"
fi

# Outside services: local simulators unless a real base URL is configured.
sims=()
if [ -z "${WECHAT_API_BASE:-}" ]; then
  sims+=("wechat=${WECHAT_SIM_PORT:-3901}")
  export WECHAT_API_BASE="http://127.0.0.1:${WECHAT_SIM_PORT:-3901}"
fi
if [ -z "${WXPAY_MCHID:-}" ]; then
  # Local merchant: keys made once in .run/wxpay, the WeChat Pay simulator plays WeChat's side.
  export WXPAY_MCHID=1900000109 WXPAY_DEV_KEYS_DIR="$RUN_DIR/wxpay"
  set -a; eval "$(cd scripts/simulators && node --import tsx src/dev-keys.ts "$WXPAY_DEV_KEYS_DIR")"; set +a
  sims+=("wechatpay=${WXPAY_SIM_PORT:-3902}")
  export WXPAY_API_BASE="http://127.0.0.1:${WXPAY_SIM_PORT:-3902}"
fi
if [ -z "${ALIPAY_APP_ID:-}" ]; then
  # Local Alipay app: its keys sit beside the WeChat Pay ones (dev-keys.ts printed their paths).
  export ALIPAY_APP_ID=2021000000000001 ALIPAY_GATEWAY_URL="http://127.0.0.1:${ALIPAY_SIM_PORT:-3904}/gateway.do"
  sims+=("alipay=${ALIPAY_SIM_PORT:-3904}")
fi
if [ -z "${DMS_API_BASE:-}" ]; then
  sims+=("dms=${DMS_SIM_PORT:-3903}")
  export DMS_API_BASE="http://127.0.0.1:${DMS_SIM_PORT:-3903}"
fi
if [ -z "${SMS_ACCESS_KEY_ID:-}" ]; then
  # H5 phone login: codes go to the SMS simulator; read the last one at /__sim/sms/ (see README).
  export SMS_ACCESS_KEY_ID=LTAIdevcarmall SMS_ACCESS_KEY_SECRET=dev-sms-secret SMS_API_BASE="http://127.0.0.1:${SMS_SIM_PORT:-3905}"
  sims+=("sms=${SMS_SIM_PORT:-3905}")
fi
if [ -z "${PRIVACY_NUMBER_ACCESS_KEY_ID:-}" ]; then
  # Advisors' 隐私号 calls: the Dyplsapi simulator binds AXB numbers (who a call would reach: /__sim/dypls/call).
  export PRIVACY_NUMBER_ACCESS_KEY_ID=LTAIdevcarmall PRIVACY_NUMBER_ACCESS_KEY_SECRET=dev-dypls-secret PRIVACY_NUMBER_POOL_KEY=FC100000000000001
  export PRIVACY_NUMBER_API_BASE="http://127.0.0.1:${DYPLS_SIM_PORT:-3908}"
  sims+=("dypls=${DYPLS_SIM_PORT:-3908}")
fi
if [ -z "${BANK_API_BASE:-}" ]; then
  export BANK_API_BASE="http://127.0.0.1:${BANK_SIM_PORT:-3906}"
  sims+=("bank=${BANK_SIM_PORT:-3906}")
fi
if [ -z "${TMS_API_BASE:-}" ]; then
  export TMS_API_BASE="http://127.0.0.1:${TMS_SIM_PORT:-3907}"
  sims+=("tms=${TMS_SIM_PORT:-3907}")
fi
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://$HOST:$PORT}"
if [ ${#sims[@]} -gt 0 ]; then
  (cd scripts/simulators && exec node --import tsx src/run.ts "${sims[@]}") >"$RUN_DIR/simulators.log" 2>&1 &
  SIM_PID=$!
  for sim in "${sims[@]}"; do wait_for_port "${sim#*=}" "${sim%%=*} simulator"; done
fi

if [ "${SKIP_H5_BUILD:-}" != 1 ]; then
  log "building the H5 app (set SKIP_H5_BUILD=1 to reuse the last build)"
  pnpm --filter @carmall/miniapp build:h5 >"$RUN_DIR/build-h5.log" 2>&1 || { tail -40 "$RUN_DIR/build-h5.log"; die "H5 build failed"; }
fi
export STATIC_H5_DIR="$REPO_ROOT/miniapp/dist/h5"

pnpm --silent --filter @carmall/bff seed

cat >&2 <<INFO

  carmall is up
    H5 app        http://$HOST:$PORT/
    API           http://$HOST:$PORT/api/v1   (OpenAPI: /api/v1/openapi.json)
    health        http://$HOST:$PORT/healthz  http://$HOST:$PORT/readyz
    MongoDB       $MONGODB_URI
    Redis         $REDIS_URL
    WeChat API    $WECHAT_API_BASE
    WeChat Pay    ${WXPAY_API_BASE:-https://api.mch.weixin.qq.com}
    Alipay        ${ALIPAY_GATEWAY_URL:-https://openapi.alipay.com/gateway.do}
    DMS           $DMS_API_BASE
    SMS           $SMS_API_BASE
    隐私号         ${PRIVACY_NUMBER_API_BASE:-https://dyplsapi.aliyuncs.com}
    Bank rates    $BANK_API_BASE
    TMS           $TMS_API_BASE
  WeChat devtools: run 'pnpm --filter @carmall/miniapp dev:weapp' and open this folder (project.config.json).
  Ctrl-C stops everything started here.

INFO
# In the background plus `wait`, so a TERM/INT to this script runs the cleanup (bash defers traps
# while a foreground child runs); the BFF itself drains gracefully on SIGTERM.
cd bff
node --import tsx src/server.ts &
BFF_PID=$!
wait "$BFF_PID"
