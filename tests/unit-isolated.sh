#!/usr/bin/env bash
# Proves the unit tier needs none of the services: runs it inside a fresh network namespace
# whose loopback has nothing listening (no PostgreSQL, Redis or media node to reach).
# Needs root and `ip netns`; says so and exits 0 without them (the tier still ran in npm test).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ] || ! ip netns list >/dev/null 2>&1; then
  echo "unit-isolated: needs root and ip netns; not checked here" >&2; exit 0
fi
ns="unit-isolated-$$"
ip netns add "$ns"
trap 'ip netns delete "$ns" 2>/dev/null || true' EXIT
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" pnpm exec vitest run --project unit
