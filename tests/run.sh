#!/usr/bin/env bash
# The whole test suite (`npm test`, also `pnpm test`), run by vitest (vitest.config.ts) in two
# tiers: `unit` (pure code, no services; also `pnpm test:unit`) first, then `integration`
# (repository, socket, media and end-to-end tests in headless Chromium on real PostgreSQL,
# Redis, mediasoup and ffmpeg; one file at a time, each making its own fresh database).
# On a fresh machine it first installs what is missing (idempotent; quick when done).
# Pass test files (or vitest filters) as arguments to run only those.
set -euo pipefail
cd "$(dirname "$0")/.."

bash infra/scripts/setup.sh
bash infra/scripts/ensure-services.sh
MEDIASOUP_WORKER_BIN="$(bash sfu/worker-build/build.sh | tail -n 1)"
export MEDIASOUP_WORKER_BIN

exec pnpm exec vitest run "$@"
