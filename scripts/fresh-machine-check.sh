#!/usr/bin/env bash
# The README's two commands on a fresh machine: copies this checkout (the
# files git tracks or would track; no build directory, no node_modules) into a
# fresh Debian 12 container and runs
#   scripts/run.sh    until gls-local answers its health check, then stops it
#   scripts/test.sh   to the end
# as root, installing what they need from the Debian mirror and npm, and
# reports how long each took. Needs a Docker daemon; the base image is the
# one docker/make-base-image.sh makes (or GLS_BASE_IMAGE). Host networking,
# gls-local on 127.0.0.1 and a free port. The container is removed on exit;
# the logs are kept in build-docker/fresh-machine-logs/.
#   scripts/fresh-machine-check.sh [REPORT_FILE]
set -euo pipefail
cd "$(dirname "$0")/.."

report=${1:-}
base=${GLS_BASE_IMAGE:-gls-local-base:bookworm}
docker info >/dev/null 2>&1 || { echo "fresh-machine-check: no Docker daemon answers" >&2; exit 1; }
[ -n "${GLS_BASE_IMAGE:-}" ] || docker/make-base-image.sh "$base"

tmp=$(mktemp -d)
name=gls-fresh-check-$$
cleanup() {
  docker rm -f "$name" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

mkdir "$tmp/logs"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf "$tmp/src.tar"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# A machine behind a TLS-inspecting proxy names its certificate authorities
# in NODE_EXTRA_CA_CERTS; npm in the container needs them too.
ca=()
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -s "$NODE_EXTRA_CA_CERTS" ]; then
  ca=(-v "$(readlink -f "$NODE_EXTRA_CA_CERTS"):/etc/host-ca.crt:ro" -e NODE_EXTRA_CA_CERTS=/etc/host-ca.crt)
fi

# Chromium (the dashboard test) needs more shared memory than Docker's 64 MB.
set +e
docker run --rm --name "$name" --network host --shm-size=1g -e GLS_PORT="$port" "${ca[@]}" \
  -v "$tmp/src.tar:/src.tar:ro" -v "$tmp/logs:/logs" "$base" bash -euc '
  mkdir /src && cd /src && tar -xf /src.tar
  start=$SECONDS
  scripts/run.sh > /tmp/run.log 2>&1 &
  pid=$!
  until bash docker/healthcheck.sh 2>/dev/null; do
    kill -0 $pid 2>/dev/null || { tail -30 /tmp/run.log; echo "scripts/run.sh ended before gls-local answered"; exit 1; }
    sleep 1
  done
  run_seconds=$((SECONDS - start))
  kill -TERM $pid
  wait $pid || { tail -30 /tmp/run.log; echo "gls-local did not exit 0 on SIGTERM"; exit 1; }
  echo "RESULT scripts/run.sh: gls-local answering after ${run_seconds} s"
  start=$SECONDS
  status=0
  env -u GLS_PORT scripts/test.sh > /tmp/test.log 2>&1 || status=$?
  test_seconds=$((SECONDS - start))
  cp /tmp/run.log /tmp/test.log /logs/
  cp build/Testing/Temporary/LastTest.log /logs/ctest.log 2>/dev/null || true
  tail -25 /tmp/test.log
  echo "RESULT scripts/test.sh: exit status ${status} after ${test_seconds} s"
  exit $status
' 2>&1 | tee "$tmp/out.log"
status=${PIPESTATUS[0]}
set -e

{
  echo "fresh-machine-check $(date -u +%Y-%m-%dT%H:%MZ) on $base ($(nproc) cores, $(git rev-parse --short HEAD))"
  grep '^RESULT ' "$tmp/out.log" | sed 's/^RESULT /  /'
} | tee "$tmp/report"
[ -z "$report" ] || cp "$tmp/report" "$report"
# The logs of both commands and of every test stay for a look.
mkdir -p build-docker/fresh-machine-logs
cp "$tmp"/logs/* build-docker/fresh-machine-logs/ 2>/dev/null || true
echo "fresh-machine-check: logs in build-docker/fresh-machine-logs/"
exit "$status"
