#!/usr/bin/env bash
# Builds mediasoup's native `mediasoup-worker` from the source in mediasoup's npm
# tarball, against the distribution's libraries (Debian 12 packages), and caches the
# binary outside the clone. See README.md beside this file for why.
#
# Usage: bash sfu/worker-build/build.sh [--print-path] [MEDIASOUP_VERSION]
#   stdout: exactly one line, the path of the binary (progress goes to stderr).
#   --print-path: only print the cache path the binary has or would have, build nothing
#   (also usable as a CI cache key).
#
# Version: the "mediasoup" entry of sfu/package.json (dependencies,
# optionalDependencies or devDependencies; an exact version, a leading ^ ~ = v is
# stripped) if there is one; else the first argument; else $MEDIASOUP_VERSION; else
# 3.27.1.
#
# Cache: ${PROCTOR_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/proctor}/mediasoup-worker/
#        <version>-<hash>/mediasoup-worker
# where <hash> identifies the contents of sfu/worker-build (this script, the shims):
#   for every regular file under sfu/worker-build except documentation (*.md), sorted
#   by its relative path ('/'-separated, byte order), the text
#   "<relative path>\n<sha256 hex of file>\n";
#   <hash> = first 12 hex chars of the sha256 of all those texts concatenated.
# sfu/src/worker-bin.ts computes the same path (keep both in sync).
#
# Env: PROCTOR_CACHE_DIR, WORKER_BUILD_JOBS (default 2), WORKER_BUILD_KEEP=1 keeps
# the scratch build directory on failure.
set -euo pipefail

DEFAULT_VERSION=3.27.1

print_path=0
if [ "${1:-}" = --print-path ]; then
	print_path=1
	shift
fi

# Everything except the final path goes to stderr.
exec 3>&1 1>&2

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sfu_dir="$(dirname "$here")"

log() { printf '[build-worker] %s\n' "$*" >&2; }
die() { printf '[build-worker] ERROR: %s\n' "$*" >&2; exit 1; }

# --- version -----------------------------------------------------------------------
version=""
if [ -f "$sfu_dir/package.json" ]; then
	command -v node >/dev/null || die "node is required"
	# shellcheck disable=SC2016 # JavaScript, not shell
	version="$(node -e '
		const pkg = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		for (const field of ["dependencies", "optionalDependencies", "devDependencies"]) {
			const spec = pkg[field] && pkg[field].mediasoup;
			if (typeof spec !== "string") continue;
			const v = spec.trim().replace(/^[=^~v]+/, "");
			if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v)) {
				console.error(`sfu/package.json ${field}.mediasoup is "${spec}": use an exact version`);
				process.exit(2);
			}
			console.log(v);
			break;
		}
	' "$sfu_dir/package.json")" || die "cannot read the mediasoup version from $sfu_dir/package.json"
fi
[ -n "$version" ] || version="${1:-${MEDIASOUP_VERSION:-$DEFAULT_VERSION}}"

# --- cache key -----------------------------------------------------------------------
tree_hash() {
	(
		cd "$1"
		find . -type f ! -name '*.md' -print | sed 's|^\./||' | LC_ALL=C sort | while IFS= read -r f; do
			printf '%s\n%s\n' "$f" "$(sha256sum <"$f" | cut -d' ' -f1)"
		done
	) | sha256sum | cut -c1-12
}
hash="$(tree_hash "$here")"
cache_root="${PROCTOR_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/proctor}"
cache_dir="$cache_root/mediasoup-worker/$version-$hash"
cache_bin="$cache_dir/mediasoup-worker"

if [ $print_path = 1 ]; then
	echo "$cache_bin" >&3
	exit 0
fi

# The worker exits with 41 ("missing MEDIASOUP_VERSION") when started by hand: that
# proves it exists and that the dynamic linker found all its libraries.
bin_runs() {
	[ -f "$1" ] && [ -x "$1" ] || return 1
	local rc=0
	env -u MEDIASOUP_VERSION "$1" >/dev/null 2>&1 </dev/null || rc=$?
	[ "$rc" -eq 41 ]
}

if bin_runs "$cache_bin"; then
	echo "$cache_bin" >&3
	exit 0
fi

mkdir -p "$cache_dir"
# One build per cache key at a time; a waiting run then finds the binary.
if command -v flock >/dev/null; then
	exec 9>"$cache_dir/.lock"
	flock 9
	if bin_runs "$cache_bin"; then
		echo "$cache_bin" >&3
		exit 0
	fi
fi

log "building mediasoup-worker $version (cache key $version-$hash)"

# --- system dependencies ----------------------------------------------------------
missing=()
need_cmd() { command -v "$1" >/dev/null || missing+=("$2"); }
need_cmd c++ g++
need_cmd cc gcc
need_cmd pkg-config pkg-config
need_cmd ninja ninja-build
need_cmd flatc flatbuffers-compiler
need_cmd npm "npm (Node.js)"
need_cmd perl perl
if command -v meson >/dev/null; then
	if ! printf '%s\n%s\n' 1.1.0 "$(meson --version)" | sort -V -C; then
		missing+=("meson>=1.1 (have $(meson --version); on bookworm: bookworm-backports)")
	fi
else
	missing+=("meson>=1.1")
fi
if command -v pkg-config >/dev/null; then
	need_pc() { pkg-config --exists "$1" || missing+=("$2"); }
	need_pc libuv libuv1-dev
	need_pc libssl libssl-dev
	need_pc libsrtp2 libsrtp2-dev
	need_pc flatbuffers libflatbuffers-dev
	need_pc absl_strings libabsl-dev
fi
if [ ${#missing[@]} -gt 0 ]; then
	die "missing system packages: ${missing[*]}
  Install them with:  bash infra/scripts/install-system-deps.sh   (uses sudo when not root)"
fi

# --- source ---------------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/mediasoup-worker-build.XXXXXX")"
cleanup() {
	local rc=$?
	if [ $rc -ne 0 ] && [ "${WORKER_BUILD_KEEP:-0}" = 1 ]; then
		log "build failed; scratch directory kept: $work"
	else
		rm -rf "$work"
	fi
	rm -f "${tmp_bin:-}" "${tmp_info:-}"
}
trap cleanup EXIT

log "fetching mediasoup@$version source with npm pack"
(cd "$work" && npm pack --silent "mediasoup@$version" >/dev/null) || die "npm pack mediasoup@$version failed"
tarball="$(ls "$work"/mediasoup-*.tgz)"
mkdir "$work/pkg"
tar -xzf "$tarball" -C "$work/pkg"
[ -f "$work/pkg/package/worker/meson.build" ] || die "mediasoup@$version tarball has no worker/meson.build"
cp -R "$work/pkg/package/worker" "$work/worker"
worker="$work/worker"

# --- subprojects: local stand-ins backed by system libraries ----------------------
# Meson does not fetch a wrap whose `directory` already exists, so put each shim there.
for wrap in "$worker"/subprojects/*.wrap; do
	name="$(basename "$wrap" .wrap)"
	case "$name" in
		catch2 | wingetopt) continue ;; # worker tests / Windows only
	esac
	dir="$(sed -n 's/^[[:space:]]*directory[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*$/\1/p' "$wrap" | head -n1)"
	[ -n "$dir" ] || die "no 'directory' in $(basename "$wrap")"
	[ -d "$here/shim/$name" ] ||
		die "mediasoup $version uses subproject '$name', which has no shim in sfu/worker-build/shim/"
	rm -rf "$worker/subprojects/$dir"
	cp -R "$here/shim/$name" "$worker/subprojects/$dir"
	log "subproject $name -> system library shim (subprojects/$dir)"
done

# --- DtlsTransport BIO callback fix ------------------------------------------------
# onSslBioOut() must return OpenSSL's `ret` for every callback flagged BIO_CB_RETURN,
# i.e. also BIO_CB_RETURN|BIO_CB_CTRL. Upstream compares for equality, so it answers 1
# to "is kTLS send enabled?" (a ctrl) on Debian's kTLS-enabled OpenSSL, libssl then
# skips allocating its write buffer and the worker segfaults on the first DTLS flight.
dtls="$worker/src/RTC/DtlsTransport.cpp"
perl -0777 -i -pe '
	$n = s/\(\s*operationType\s*==\s*BIO_CB_RETURN\s*\)/((operationType & BIO_CB_RETURN) != 0)/g;
	END { exit($n == 1 ? 0 : 3) }
' "$dtls" || die "BIO callback fix: expected exactly one '(operationType == BIO_CB_RETURN)' in src/RTC/DtlsTransport.cpp of mediasoup $version; the code changed, review the fix in $0"
grep -q '((operationType & BIO_CB_RETURN) != 0)' "$dtls" || die "BIO callback fix was not applied"
log "applied DtlsTransport BIO_CB_RETURN fix"

# --- build ---------------------------------------------------------------------------
log "meson setup (flatc: $(command -v flatc), $(flatc --version))"
(cd "$worker" && meson setup --wrap-mode=nodownload --buildtype release -Db_ndebug=true "$work/build")
log "compiling with ninja -j${WORKER_BUILD_JOBS:-2} (several minutes)"
start=$SECONDS
ninja -C "$work/build" -j"${WORKER_BUILD_JOBS:-2}" mediasoup-worker
log "compiled in $((SECONDS - start)) s"

built="$work/build/mediasoup-worker"
bin_runs "$built" || die "the built worker does not start (expected exit code 41 when run by hand)"

# --- install atomically ------------------------------------------------------------
tmp_bin="$(mktemp "$cache_dir/.mediasoup-worker.XXXXXX")"
cp "$built" "$tmp_bin"
chmod 755 "$tmp_bin"
tmp_info="$(mktemp "$cache_dir/.build-info.XXXXXX")"
{
	echo "mediasoup $version, cache key $version-$hash, built $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m)"
	echo "$(c++ --version | head -n1); meson $(meson --version); $(flatc --version)"
	for pc in libuv libssl libsrtp2 flatbuffers absl_strings; do echo "$pc $(pkg-config --modversion $pc)"; done
} >"$tmp_info"
mv -f "$tmp_info" "$cache_dir/build-info.txt"
mv -f "$tmp_bin" "$cache_bin"
tmp_bin="" tmp_info=""
log "installed $cache_bin"
echo "$cache_bin" >&3
