#!/usr/bin/env bash
# Installs the Debian packages the platform needs on a fresh Debian 12 / Ubuntu machine:
# media tools, the browser used by tests and PDF rendering, fonts with Kazakh letters,
# and the toolchain for building mediasoup's worker from source (its prebuilt download
# is not always reachable), and the production front the tests run for real: Caddy (HTTPS),
# coturn (TURN) and certutil (to make the test browser trust Caddy's CA).
# Idempotent: skips apt entirely when everything is present.
set -euo pipefail

pkgs=(chromium ffmpeg poppler-utils fonts-dejavu-core caddy coturn libnss3-tools
      rsync postgresql-client
      g++ make pkg-config ninja-build python3
      libuv1-dev libssl-dev libsrtp2-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler)

missing=()
for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
meson_ok=0
if command -v meson >/dev/null && dpkg --compare-versions "$(meson --version)" ge 1.1; then meson_ok=1; fi

if [ ${#missing[@]} -eq 0 ] && [ $meson_ok -eq 1 ]; then exit 0; fi

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# mediasoup's meson.build needs meson >= 1.1; bookworm ships 1.0, bookworm-backports 1.7.
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
if [ $meson_ok -eq 0 ] && [ "$codename" = "bookworm" ] && ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
  # Reuse the mirror this machine already uses for bookworm.
  mirror=$(grep -hoE '^URIs: *[^ ]+' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1 | awk '{print $2}')
  [ -n "$mirror" ] || mirror=$(grep -hoE '^deb +[^ ]+' /etc/apt/sources.list 2>/dev/null | grep -v security | head -1 | awk '{print $2}')
  echo "deb $mirror bookworm-backports main" | $SUDO tee /etc/apt/sources.list.d/backports.list >/dev/null
fi
$SUDO apt-get update -qq
[ ${#missing[@]} -gt 0 ] && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The tests start their own Caddy and coturn on free ports; the packages' services (just
# enabled by apt on a systemd machine, with default configs on ports 80 and 3478) are not
# wanted on a development or CI machine. A production server sets them up by infra/README.md.
for svc in caddy coturn; do
  if printf '%s\n' "${missing[@]}" | grep -qx "$svc" && [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true
  fi
done
if [ $meson_ok -eq 0 ]; then
  if [ "$codename" = "bookworm" ]; then $SUDO apt-get install -y -qq -t bookworm-backports meson
  else $SUDO apt-get install -y -qq meson; fi
fi
