#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what is missing, starts throwaway MongoDB-wire
# (FerretDB) and Redis servers on free loopback ports, runs every suite, builds all three
# mini-program targets, runs the H5 browser test against a real BFF, and stops what it started.
# Uses MONGODB_URI / REDIS_URL instead of starting servers when they are set (each test file
# still gets its own database and key prefix).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_ROOT"

ensure_toolchain
# Chromium for the H5 browser test; a CJK font so screenshots show the Chinese UI.
ensure_apt chromium:chromium fonts-wqy-microhei
log "installing workspace dependencies"
pnpm install --frozen-lockfile --prefer-offline >/dev/null

RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/carmall-test.XXXXXX")"
cleanup() {
  local code=$?
  [ -n "${BFF_PID:-}" ] && kill "$BFF_PID" 2>/dev/null || true
  [ -n "${SIM_PID:-}" ] && kill "$SIM_PID" 2>/dev/null || true
  stop_throwaway_services "$RUN_DIR"
  if [ $code -ne 0 ]; then log "FAILED (exit $code); service logs are in $RUN_DIR"; else rm -rf "$RUN_DIR"; fi
  exit $code
}
trap cleanup EXIT INT TERM

start_throwaway_services "$RUN_DIR"

log "typecheck"
pnpm -r --workspace-concurrency=1 typecheck
log "shared-types tests"
pnpm --filter @carmall/shared-types test
log "simulator tests"
pnpm --filter @carmall/simulators test
log "car model generator tests (the committed .glb files match a fresh run)"
pnpm --filter @carmall/car-models test
log "BFF integration tests (real FerretDB + Redis)"
pnpm --filter @carmall/bff test
log "mini-program unit tests"
pnpm --filter @carmall/miniapp test

log "building weapp, alipay and h5"
for target in weapp alipay h5; do
  pnpm --filter @carmall/miniapp "build:$target" >"$RUN_DIR/build-$target.log" 2>&1 || {
    tail -50 "$RUN_DIR/build-$target.log"
    die "$target build failed"
  }
done
node scripts/check-package-size.mjs

log "H5 browser tests: headless Chromium against a real BFF and the simulators"
port="$(free_port)"
wechat_sim="$(free_port)"
wxpay_sim="$(free_port)"
dms_sim="$(free_port)"
bank_sim="$(free_port)"
(cd scripts/simulators && exec env WXPAY_DEV_KEYS_DIR="$RUN_DIR/wxpay" WECHAT_APPID=wx0000000000000000 \
  node --import tsx src/run.ts "wechat=$wechat_sim" "wechatpay=$wxpay_sim" "dms=$dms_sim" "bank=$bank_sim") >"$RUN_DIR/simulators.log" 2>&1 &
SIM_PID=$!
for p in "$wechat_sim" "$wxpay_sim" "$dms_sim" "$bank_sim"; do wait_for_port "$p" "simulator"; done
e2e_env=(NODE_ENV=test LOG_LEVEL=warn PORT="$port" REDIS_KEY_PREFIX="e2e:$port:"
  MONGODB_URI="$(node -e "console.log(process.argv[1].replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?/, '\$1/e2e_$port'))" "$MONGODB_URI")"
  STATIC_H5_DIR="$REPO_ROOT/miniapp/dist/h5" PUBLIC_BASE_URL="http://127.0.0.1:$port"
  WECHAT_APPID=wx0000000000000000 WECHAT_API_BASE="http://127.0.0.1:$wechat_sim"
  WXPAY_MCHID=1900000109 WXPAY_API_BASE="http://127.0.0.1:$wxpay_sim"
  DMS_API_BASE="http://127.0.0.1:$dms_sim" BANK_API_BASE="http://127.0.0.1:$bank_sim")
while IFS= read -r line; do e2e_env+=("$line"); done < <(cd scripts/simulators && node --import tsx src/dev-keys.ts "$RUN_DIR/wxpay")
env "${e2e_env[@]}" pnpm --silent --filter @carmall/bff seed --force
(cd bff && exec env "${e2e_env[@]}" node --import tsx src/server.ts) >"$RUN_DIR/bff-e2e.log" 2>&1 &
BFF_PID=$!
wait_for_port "$port" "BFF"
E2E_BASE_URL="http://127.0.0.1:$port" E2E_ARTIFACTS_DIR="${E2E_ARTIFACTS_DIR:-$REPO_ROOT/miniapp/test-results}" \
  E2E_WECHAT_SIM_URL="http://127.0.0.1:$wechat_sim" E2E_WXPAY_SIM_URL="http://127.0.0.1:$wxpay_sim" \
  pnpm --filter @carmall/miniapp e2e
kill "$BFF_PID"; wait "$BFF_PID" 2>/dev/null || true; BFF_PID=""

log "all tests passed"
