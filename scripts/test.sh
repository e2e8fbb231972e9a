#!/usr/bin/env bash
# Builds gls-local and runs every test: unit tests, the conformance test
# against the API model, and the integration tests through boto3, the AWS CLI
# and the AWS SDK for JavaScript. Installs what is missing first.
#   scripts/test.sh                    the normal build (build/)
#   GLS_SANITIZE=1 scripts/test.sh     built with clang, AddressSanitizer and UBSan (build-asan/),
#                                      the fuzz targets included (scripts/fuzz.sh runs them)
# Fails, naming them, when a process the tests started is still running once
# they are over (scripts/leftover-processes.py).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
cmake_args=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGLS_WERROR=ON)
if [ "${GLS_SANITIZE:-0}" = 1 ]; then
  scripts/setup.sh --fuzz
  source scripts/sanitizer-env.sh
  build_dir=$sanitizer_build
  cmake_args+=(-DGLS_FUZZ=ON -DGLS_BENCH=OFF)
else
  scripts/setup.sh
fi
cmake -S . -B "$build_dir" "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"

# Everything the tests start inherits this id, so what outlives them is found.
export GLS_TEST_RUN_ID="$(date +%s%N)-$$"
status=0
ctest --test-dir "$build_dir" --output-on-failure -j 2 --timeout 900 || status=$?
scripts/leftover-processes.py "$GLS_TEST_RUN_ID" || status=1
exit "$status"
