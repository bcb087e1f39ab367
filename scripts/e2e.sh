#!/usr/bin/env bash
# H5 browser tests: headless Chromium drives the built H5 app served by a real BFF, which talks to
# every local simulator (each on a free loopback port) and to MongoDB-wire + Redis.
#   bash scripts/e2e.sh [name-filter ...]      e.g. `bash scripts/e2e.sh tracking`
# Env: H5_DIR (default miniapp/dist/h5; build it first with `pnpm --filter @carmall/miniapp build:h5`),
#      MONGODB_URI / REDIS_URL (else throwaway servers are started), E2E_ARTIFACTS_DIR.
# scripts/test.sh calls this after the builds; it can also be run alone while working on one page.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_ROOT"

H5_DIR="$(cd "${H5_DIR:-$REPO_ROOT/miniapp/dist/h5}" && pwd)"
[ -f "$H5_DIR/index.html" ] || die "no H5 build in $H5_DIR (pnpm --filter @carmall/miniapp build:h5)"
E2E_RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/carmall-e2e.XXXXXX")"
cleanup() {
  local code=$?
  if [ -n "${BFF_PID:-}" ]; then kill "$BFF_PID" 2>/dev/null || true; wait "$BFF_PID" 2>/dev/null || true; fi
  [ -n "${SIM_PID:-}" ] && kill "$SIM_PID" 2>/dev/null || true
  stop_throwaway_services "$E2E_RUN_DIR"
  if [ $code -ne 0 ]; then log "e2e FAILED (exit $code); BFF and simulator logs are in $E2E_RUN_DIR"; else rm -rf "$E2E_RUN_DIR"; fi
  exit $code
}
trap cleanup EXIT INT TERM
# Run alone (not from scripts/test.sh, which passes its servers' URLs): FerretDB (its binary sets
# FERRETDB_BIN) and its PostgreSQL backend must be there before the throwaway servers start.
[ -n "${MONGODB_URI:-}" ] || ensure_toolchain
start_throwaway_services "$E2E_RUN_DIR"

port="$(free_port)"
# Every simulator the BFF can use, each on its own free port: name=port pairs for run.ts.
declare -A sim_port
for name in wechat wechatpay alipay sms dms bank tms; do sim_port[$name]="$(free_port)"; done
export WXPAY_DEV_KEYS_DIR="$E2E_RUN_DIR/wxpay" WECHAT_APPID=wx0000000000000000
sims=(); for name in "${!sim_port[@]}"; do sims+=("$name=${sim_port[$name]}"); done
(cd scripts/simulators && exec node --import tsx src/run.ts "${sims[@]}") >"$E2E_RUN_DIR/simulators.log" 2>&1 &
SIM_PID=$!
for name in "${!sim_port[@]}"; do wait_for_port "${sim_port[$name]}" "$name simulator"; done

e2e_env=(NODE_ENV=test LOG_LEVEL=warn PORT="$port" REDIS_KEY_PREFIX="e2e:$port:"
  MONGODB_URI="$(node -e "console.log(process.argv[1].replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?/, '\$1/e2e_$port'))" "$MONGODB_URI")"
  STATIC_H5_DIR="$H5_DIR" PUBLIC_BASE_URL="http://127.0.0.1:$port"
  WECHAT_APPID=wx0000000000000000 WECHAT_API_BASE="http://127.0.0.1:${sim_port[wechat]}"
  WXPAY_MCHID=1900000109 WXPAY_API_BASE="http://127.0.0.1:${sim_port[wechatpay]}"
  ALIPAY_APP_ID=2021000000000001 ALIPAY_GATEWAY_URL="http://127.0.0.1:${sim_port[alipay]}/gateway.do"
  SMS_ACCESS_KEY_ID=LTAIdevcarmall SMS_ACCESS_KEY_SECRET=dev-sms-secret SMS_API_BASE="http://127.0.0.1:${sim_port[sms]}"
  DMS_API_BASE="http://127.0.0.1:${sim_port[dms]}" BANK_API_BASE="http://127.0.0.1:${sim_port[bank]}"
  TMS_API_BASE="http://127.0.0.1:${sim_port[tms]}")
while IFS= read -r line; do e2e_env+=("$line"); done < <(cd scripts/simulators && node --import tsx src/dev-keys.ts "$WXPAY_DEV_KEYS_DIR")
env "${e2e_env[@]}" pnpm --silent --filter @carmall/bff seed --force
(cd bff && exec env "${e2e_env[@]}" node --import tsx src/server.ts) >"$E2E_RUN_DIR/bff-e2e.log" 2>&1 &
BFF_PID=$!
wait_for_port "$port" "BFF"
# Staff accounts for browser tests that act as staff (e.g. shipping an order to track, running an
# experiment): signed up through the WeChat simulator, then given their role (read at the next login).
staff_account() { # openid role
  node -e 'const [sim, base, openid] = process.argv.slice(1); (async () => {
  const { code } = await (await fetch(`${sim}/__sim/wechat/codes`, { method: "POST", body: JSON.stringify({ openid }) })).json();
  const res = await fetch(`${base}/api/v1/auth/wechat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) });
  if (!res.ok) { console.error(`staff sign-up failed: ${res.status} ${await res.text()}`); process.exit(1); }
})()' "http://127.0.0.1:${sim_port[wechat]}" "http://127.0.0.1:$port" "$1"
  env "${e2e_env[@]}" pnpm --silent --filter @carmall/bff grant-role "$1" "$2" >/dev/null
}
E2E_STAFF_OPENID=oE2eStaffService
staff_account "$E2E_STAFF_OPENID" service
E2E_OPERATOR_OPENID=oE2eOperator
staff_account "$E2E_OPERATOR_OPENID" operator
E2E_ADMIN_OPENID=oE2eAdmin
staff_account "$E2E_ADMIN_OPENID" admin
E2E_BASE_URL="http://127.0.0.1:$port" E2E_ARTIFACTS_DIR="${E2E_ARTIFACTS_DIR:-$REPO_ROOT/miniapp/test-results}" \
  E2E_WECHAT_SIM_URL="http://127.0.0.1:${sim_port[wechat]}" E2E_WXPAY_SIM_URL="http://127.0.0.1:${sim_port[wechatpay]}" \
  E2E_SMS_SIM_URL="http://127.0.0.1:${sim_port[sms]}" E2E_TMS_SIM_URL="http://127.0.0.1:${sim_port[tms]}" \
  E2E_STAFF_OPENID="$E2E_STAFF_OPENID" E2E_OPERATOR_OPENID="$E2E_OPERATOR_OPENID" E2E_ADMIN_OPENID="$E2E_ADMIN_OPENID" \
  pnpm --filter @carmall/miniapp e2e "$@"
