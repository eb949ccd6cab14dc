#!/usr/bin/env bash
# The whole test suite (`npm test`, also `pnpm test`): unit and repository tests of every
# package, socket integration tests, and end-to-end tests in headless Chromium. Real
# PostgreSQL, Redis, mediasoup and ffmpeg; each test file makes its own fresh database.
# On a fresh machine it first installs what is missing (idempotent; quick when done).
# Pass test files as arguments to run only those.
set -euo pipefail
cd "$(dirname "$0")/.."

bash infra/scripts/setup.sh
bash infra/scripts/ensure-services.sh
MEDIASOUP_WORKER_BIN="$(bash sfu/worker-build/build.sh | tail -n 1)"
export MEDIASOUP_WORKER_BIN

shopt -s nullglob
files=(values/test/*.test.ts db/test/*.test.ts sfu/test/*.test.ts recorder/test/*.test.ts signaling/test/*.test.ts web/test/*.test.ts
       tests/integration/*.test.ts tests/e2e/*.test.ts)
[ $# -gt 0 ] && files=("$@")
exec node --import tsx --test --test-concurrency=1 --test-timeout=600000 "${files[@]}"
