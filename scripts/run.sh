#!/usr/bin/env bash
# Builds gls-local and starts it with the default fixtures on the default
# SQLite file. Installs what is missing first. Extra flags are passed on:
#   scripts/run.sh --port 9000 --clock manual
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --runtime-only
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target gls-local
exec build/gls-local "$@"
