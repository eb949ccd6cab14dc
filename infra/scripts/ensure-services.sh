#!/usr/bin/env bash
# For the test suite: make sure a PostgreSQL and a Redis server answer on 127.0.0.1.
# Uses the machine's own servers (Debian packages), installing/starting them if needed.
set -euo pipefail
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if ! command -v pg_ctlcluster >/dev/null; then $SUDO apt-get install -y -qq postgresql >/dev/null; fi
  cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
  [ -n "$cluster" ] && $SUDO pg_ctlcluster $cluster start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 -q || { echo "PostgreSQL is not answering on 127.0.0.1:5432" >&2; exit 1; }
# Tests connect as postgres without a password from 127.0.0.1.
psql -h 127.0.0.1 -U postgres -tAc 'select 1' >/dev/null 2>&1 || {
  echo "cannot connect as postgres@127.0.0.1 without a password; set TEST_DATABASE_ADMIN_URL" >&2; exit 1; }

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  command -v redis-server >/dev/null || $SUDO apt-get install -y -qq redis-server >/dev/null
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no >/dev/null
  for _ in $(seq 1 30); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "Redis is not answering on 127.0.0.1:6379" >&2; exit 1; }
