#!/usr/bin/env bash
# make bench: every benchmark, each next to its reference measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD=$(pwd)/${1:-build-bench}
for b in "$BUILD"/bench/*/*_bench; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b" --benchmark_min_time=0.5 2>&1 | grep -v '^\*\*\*'
done
for s in bench/*.sh bench/*/run.sh; do
  case "$s" in bench/lib.sh | bench/run.sh) continue ;; esac
  [ -f "$s" ] || continue
  echo "== $s"
  bash "$s"
done
