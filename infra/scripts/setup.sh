#!/usr/bin/env bash
# Everything a fresh Debian/Ubuntu machine needs before the platform can run or be tested:
# system packages, pnpm, the mediasoup worker (built from source when its prebuilt download
# is unreachable; cached per version), the node modules, and the web UI build.
set -euo pipefail
cd "$(dirname "$0")/../.."

step() { printf '\n==> %s\n' "$*" >&2; }

step "system packages (ffmpeg, chromium, fonts, worker build tools)"
bash infra/scripts/install-system-deps.sh

# pnpm is pinned here rather than in package.json's packageManager: with that field pnpm 12
# tries to record its own platform binaries in the lockfile, which breaks --frozen-lockfile.
PNPM_VERSION=12.21.0
if ! command -v pnpm >/dev/null || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  step "pnpm $PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
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
