#!/usr/bin/env bash
# Backs up what cannot be rebuilt: the PostgreSQL database (pg_dump, custom format, every
# run a full dump) and the recordings and report files (rsync into one mirror, hard-linked
# daily snapshots so unchanged WebM files take no extra space). Keeps BACKUP_KEEP_DAYS days.
#
#   DATABASE_URL  RECORDINGS_DIR  REPORTS_DIR   as in /etc/proctor/proctor.env
#   BACKUP_DIR    where to write (default /var/backups/proctor)
#   BACKUP_KEEP_DAYS  default 14
#
# Restore: see infra/README.md ("Backups and restore").
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL is required}"
: "${RECORDINGS_DIR:?RECORDINGS_DIR is required}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/proctor}"
KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
stamp="$(date +%Y-%m-%d_%H%M%S)"

mkdir -p "$BACKUP_DIR/db" "$BACKUP_DIR/files"

# 1. Database: a consistent snapshot without stopping anything. Written to a temporary
#    name first so a half-written dump is never mistaken for a good one.
dump="$BACKUP_DIR/db/proctor-$stamp.dump"
pg_dump --format=custom --compress=6 --file="$dump.partial" "$DATABASE_URL"
mv "$dump.partial" "$dump"

# 2. Files: today's snapshot hard-links every file unchanged since the previous one.
previous="$(find "$BACKUP_DIR/files" -mindepth 1 -maxdepth 1 -type d -name '20*' | sort | tail -n 1)"
target="$BACKUP_DIR/files/$stamp"
mkdir -p "$target"
snapshot() { # <source dir> <name>: copy into $target/<name>, hard-linking from $previous/<name>
  local link=()
  [ -n "$previous" ] && [ -d "$previous/$2" ] && link=(--link-dest="$previous/$2")
  rsync -a --delete "${link[@]}" "$1/" "$target/$2/"
}
snapshot "$RECORDINGS_DIR" recordings
if [ -n "${REPORTS_DIR:-}" ] && [ -d "$REPORTS_DIR" ]; then snapshot "$REPORTS_DIR" reports; fi

# 3. Retention.
find "$BACKUP_DIR/db" -name 'proctor-*.dump' -mtime +"$KEEP_DAYS" -delete
find "$BACKUP_DIR/files" -mindepth 1 -maxdepth 1 -type d -name '20*' -mtime +"$KEEP_DAYS" -exec rm -rf {} +

echo "backup done: $dump ($(du -h "$dump" | cut -f1)), files in $target"
