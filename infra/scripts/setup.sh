#!/usr/bin/env bash
# Everything a fresh Debian/Ubuntu machine needs before the platform can run or be tested:
# system packages, pnpm, the mediasoup worker (built from source when its prebuilt download
# is unreachable; cached per version), the node modules, and the web UI build.
set -euo pipefail
cd "$(dirname "$0")/../.."

step() { printf '\n==> %s\n' "$*" >&2; }

step "system packages (ffmpeg, chromium, fonts, worker build tools)"
bash infra/scripts/install-system-deps.sh

if ! command -v pnpm >/dev/null; then
  step "pnpm"
  npm install -g "pnpm@$(node -p "require('./package.json').packageManager.split('@')[1]")"
fi

step "mediasoup worker"
MEDIASOUP_WORKER_BIN="$(bash sfu/worker-build/build.sh | tail -n 1)"
export MEDIASOUP_WORKER_BIN
echo "worker: $MEDIASOUP_WORKER_BIN" >&2

step "node modules"
# With MEDIASOUP_WORKER_BIN set, mediasoup's postinstall neither downloads nor builds.
pnpm install --frozen-lockfile --reporter=append-only 2>&1 | grep -v '^Progress' >&2 || {
  echo "pnpm install failed" >&2; exit 1; }

step "web UI"
pnpm --filter @proctor/web build >/dev/null
echo "setup done" >&2
