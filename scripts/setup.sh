#!/usr/bin/env bash
# Installs what building, running and testing gls-local needs, and only what
# is missing: Debian packages with apt-get, the JavaScript test client with
# npm. Safe to run again. Usage: scripts/setup.sh [--runtime-only | --fuzz]
# (--fuzz: what the libFuzzer targets need, clang and its runtime, as well).
set -euo pipefail
cd "$(dirname "$0")/.."

build_packages=(build-essential cmake ninja-build pkg-config libboost1.81-dev rapidjson-dev libspdlog-dev
                libsqlite3-dev doctest-dev)
test_packages=(python3 python3-boto3 awscli nodejs npm wrk nginx-light curl zip unzip chromium)
fuzz_packages=(clang libclang-rt-14-dev)
# The real stream (GLS_WEBRTC): GStreamer's WebRTC stack to build against, and
# the elements a stream uses at run time (webrtcbin, libnice, VP8, Opus).
stream_build_packages=(libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstreamer-plugins-bad1.0-dev
                       libnice-dev)
stream_runtime_packages=(gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
                         gstreamer1.0-nice)

runtime_only=0
[ "${1:-}" = "--runtime-only" ] && runtime_only=1

wanted=("${build_packages[@]}" "${stream_build_packages[@]}" "${stream_runtime_packages[@]}")
[ "$runtime_only" = 1 ] || wanted+=("${test_packages[@]}")
[ "${1:-}" = "--fuzz" ] && wanted+=("${fuzz_packages[@]}")

have() { command -v "$1" >/dev/null 2>&1; }
missing=()
for p in "${wanted[@]}"; do
  case "$p" in
    # Tools that may come from elsewhere than Debian (pyenv, nodesource, pip).
    python3) have python3 || missing+=("$p") ;;
    python3-boto3) python3 -c 'import boto3' >/dev/null 2>&1 || missing+=("$p") ;;
    awscli) have aws || missing+=("$p") ;;
    nodejs) have node || missing+=("$p") ;;
    npm) have npm || missing+=("$p") ;;
    cmake) have cmake || missing+=("$p") ;;
    clang) have clang++ || missing+=("$p") ;;
    # The dashboard test's browser; GLS_CHROMIUM may name another one.
    chromium) [ -x "${GLS_CHROMIUM:-}" ] || have chromium || missing+=("$p") ;;
    *) dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p") ;;
  esac
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  scripts/apt-install.sh --no-install-recommends "${missing[@]}"
fi

if [ "$runtime_only" = 0 ]; then
  # The JavaScript SDK for the client tests and playwright-core for the
  # dashboard test, pinned by package-lock.json.
  if [ ! -d tests/js/node_modules/@aws-sdk/client-gameliftstreams ] ||
     [ ! -d tests/js/node_modules/playwright-core ] ||
     [ tests/js/package-lock.json -nt tests/js/node_modules/.package-lock.json ]; then
    echo "setup: installing the JavaScript test dependencies"
    (cd tests/js && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
