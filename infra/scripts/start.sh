#!/usr/bin/env bash
# One command for a newcomer (`npm start`): install what is missing, then run the whole
# platform on this machine with embedded PostgreSQL (no DATABASE_URL), in-process jobs
# (no REDIS_URL) and demo data, and print the links to open. Ctrl+C stops it.
set -euo pipefail
cd "$(dirname "$0")/../.."

bash infra/scripts/setup.sh
MEDIASOUP_WORKER_BIN="$(bash sfu/worker-build/build.sh | tail -n 1)"
export MEDIASOUP_WORKER_BIN
exec node --import tsx signaling/src/main.ts --demo
