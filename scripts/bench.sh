#!/usr/bin/env bash
# Benchmarks (`pnpm bench`): throwaway FerretDB + Redis, then bff/bench/run.ts, which prints
# figures against targets. Separate from the tests: tests check behaviour, this checks speed.
#   bash scripts/bench.sh [NAME [ARGS...]]   runs bff/bench/NAME.ts instead, e.g. `ferretdb-costs 40000`
# CARMALL_FERRETDB_BACKEND=sqlite measures FerretDB's SQLite backend instead of PostgreSQL.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_ROOT"
ensure_toolchain
pnpm install --frozen-lockfile --prefer-offline >/dev/null
RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/carmall-bench.XXXXXX")"
trap 'stop_throwaway_services "$RUN_DIR"; rm -rf "$RUN_DIR"' EXIT
start_throwaway_services "$RUN_DIR"
cd bff
bench="${1:-run}"
[ -f "bench/$bench.ts" ] || die "no bff/bench/$bench.ts"
node --import tsx "bench/$bench.ts" "${@:2}"
