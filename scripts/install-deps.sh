#!/usr/bin/env bash
# Installs the Debian 12 packages vhgate needs, when missing. Idempotent and
# quiet when everything is there. Used by the Makefile (make deps).
set -euo pipefail

PACKAGES=(
  build-essential g++ cmake ninja-build pkg-config ccache make git
  libboost1.81-dev libssl-dev libsodium-dev libsqlcipher-dev sqlcipher libvalijson-dev
  nlohmann-json3-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev libcurl4-openssl-dev
  curl jq openssl nginx-light procps psmisc libtcmalloc-minimal4
  prometheus systemd
  clang libclang-rt-14-dev clang-format
  chromium
)

# The console's browser tests (tests/browser) run Debian's Chromium from
# Node.js (20 or later: playwright-core needs it; the machines bring it). Only
# when no node is there at all does Debian's nodejs come in.
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs npm)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# nginx-light and prometheus start a service on install on some systems: the benchmark runs its
# own nginx, and the tests need only promtool (`promtool check metrics`).
if command -v systemctl >/dev/null 2>&1; then
  $SUDO systemctl disable --now nginx prometheus >/dev/null 2>&1 || true
fi
