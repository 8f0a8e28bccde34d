#!/usr/bin/env bash
# make test-faults: the fault suite (build/vhgate-faults) against the gateway
# of the same build (vhgate, and vhgate-test where it moves the clock), in a
# private mount namespace with a small tmpfs for the disk-full fault (needs
# root; CI runs as root). Prints one summary line per fault at the end. Usage: tests/faults/run.sh [BUILD_DIR]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
export VH_SOURCE_DIR=$ROOT VH_BUILD_DIR=$BUILD VH_CERTS_DIR=$ROOT/build/certs
MNT=$(mktemp -d /tmp/vhgate-faults.XXXXXX)
trap 'rmdir "$MNT" 2>/dev/null || true' EXIT
# The mount lives only in the namespace: it goes with the suite.
unshare --mount --propagation private -- bash -c '
  mount -t tmpfs -o size=48m,mode=0700 vhgate-faults "$1" &&
  VH_FAULT_TMPFS="$1" exec "$2/vhgate-faults" --gtest_color=no "${@:3}"
' bash "$MNT" "$BUILD" "${@:2}"
