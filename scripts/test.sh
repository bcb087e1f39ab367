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
bash scripts/e2e.sh

log "all tests passed"
