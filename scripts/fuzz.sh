#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + fuzzer instrumentation) in
# build-fuzz/ and runs each in turn, one at a time (-jobs=1), nice'd.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   FUZZ_UPDATE_CORPUS=1 scripts/fuzz.sh 600   # also minimise the finds into fuzz/corpus/
#
# Seeds and committed finds: fuzz/corpus/<target>/ (replayed by `make test`).
# Working corpus: build-fuzz/corpus/<target>/. Crashes: build-fuzz/artifacts/.
# Exits non-zero when a target crashes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECS=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(policy_loader_fuzzer policy_intake_fuzzer)
BUILD=${FUZZ_BUILD:-build-fuzz}

declare -A MAXLEN=([policy_loader_fuzzer]=65536 [policy_intake_fuzzer]=4096)

if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DVH_FUZZ=ON -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address -fno-omit-frame-pointer" \
    >/dev/null
fi
cmake --build "$BUILD" -j "${FUZZ_BUILD_JOBS:-2}" --target "${TARGETS[@]}"

mkdir -p "$BUILD/artifacts"
status=0
for t in "${TARGETS[@]}"; do
  seeds="$ROOT/fuzz/corpus/$t"
  work="$ROOT/$BUILD/corpus/$t"
  mkdir -p "$seeds" "$work"
  cp -n "$seeds"/* "$work"/ 2>/dev/null || true
  echo "fuzz: $t for ${SECS}s (log: $BUILD/$t.log)"
  if ! (cd "$BUILD" && nice -n 10 "./fuzz/$t" "$work" -max_total_time="$SECS" -jobs=1 \
          -workers=1 -timeout=10 -rss_limit_mb=2048 -max_len="${MAXLEN[$t]:-4096}" \
          -artifact_prefix="$ROOT/$BUILD/artifacts/$t-" >"$t.log" 2>&1); then
    echo "fuzz: $t FAILED, see $BUILD/$t.log and $BUILD/artifacts/" >&2
    status=1
  fi
  grep -h -E "^#[0-9]+.*(DONE|cov:)" "$BUILD"/fuzz-*.log 2>/dev/null | tail -1 || true
  if [ "${FUZZ_UPDATE_CORPUS:-0}" = 1 ]; then
    # Minimise by edge coverage only (-use_counters=0) to keep the committed
    # corpus to a few hundred files; hand-written seed-* files are kept.
    merged=$(mktemp -d)
    "$BUILD/fuzz/$t" -merge=1 -use_counters=0 -max_len="${MAXLEN[$t]:-4096}" "$merged" \
      "$seeds" "$work" >"$BUILD/$t.merge.log" 2>&1
    find "$seeds" -maxdepth 1 -type f ! -name 'seed-*' -delete
    cp -n "$merged"/* "$seeds"/ 2>/dev/null || true
    rm -rf "$merged"
    echo "fuzz: $t corpus now $(ls "$seeds" | wc -l) files"
  fi
done
exit $status
