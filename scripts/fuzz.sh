#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time from its seed corpus
# (tests/fuzz/corpus/<target>) and fails on any finding. The targets are
# built with clang, AddressSanitizer and UndefinedBehaviorSanitizer in
# build-asan/ (the same build GLS_SANITIZE=1 scripts/test.sh uses).
#   scripts/fuzz.sh            each target for GLS_FUZZ_SECONDS (default 120), two at a time
#   scripts/fuzz.sh --merge    minimise the seed corpora in place (after make_corpus.py)
# A finding is kept in build-asan/fuzz-findings/<target>/: replay it with
# build-asan/tests/fuzz/<target> <file>, and make it a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --fuzz
source scripts/sanitizer-env.sh

build=$sanitizer_build
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGLS_WERROR=ON -DGLS_FUZZ=ON \
  -DGLS_BENCH=OFF >/dev/null
targets=(fuzz_http fuzz_api_codec fuzz_state_loader fuzz_admin_bodies)
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"

seconds=${GLS_FUZZ_SECONDS:-120}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "${1:-}" = "--merge" ]; then
  for t in "${targets[@]}"; do
    mkdir -p "$work/$t"
    "$build/tests/fuzz/$t" -merge=1 "$work/$t" "tests/fuzz/corpus/$t" >/dev/null 2>&1
    rm -rf "tests/fuzz/corpus/$t" && mv "$work/$t" "tests/fuzz/corpus/$t"
    echo "$t: $(ls "tests/fuzz/corpus/$t" | wc -l) seeds"
  done
  exit 0
fi

run() {
  local t=$1 findings="$build/fuzz-findings/$1"
  mkdir -p "$work/$t" "$findings"
  cp -r "tests/fuzz/corpus/$t/." "$work/$t/"
  # Exit codes of libFuzzer: 0 for a clean run, anything else is a finding
  # (crash, sanitizer report, timeout, out of memory). Leaks are looked for by
  # the sanitizer test pass, where every gls-local is checked as it exits: here
  # a leak check after each input would cost nine tenths of the time.
  if "$build/tests/fuzz/$t" "$work/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=3072 -detect_leaks=0 \
       -print_final_stats=1 -artifact_prefix="$findings/" >"$work/$t.log" 2>&1; then
    local execs
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
    echo "fuzz: $t: ${seconds} s, ${execs:-?} executions, $(ls "$work/$t" | wc -l) inputs in the corpus, no finding"
  else
    echo "fuzz: $t: FINDING (kept in $findings/)"
    grep -E "ERROR|SUMMARY|fuzz:|Test unit written" "$work/$t.log" | head -20
    return 1
  fi
}

status=0
pids=()
for i in "${!targets[@]}"; do
  run "${targets[$i]}" & pids+=($!)
  if [ $(( ${#pids[@]} % 2 )) = 0 ]; then
    for p in "${pids[@]}"; do wait "$p" || status=1; done
    pids=()
  fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
