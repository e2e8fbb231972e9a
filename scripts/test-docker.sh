#!/usr/bin/env bash
# Tests the Docker image and the Debian package as a user meets them:
#  - builds a Debian 12 base image without a registry (docker/make-base-image.sh,
#    cached in build-docker/) and docker/Dockerfile on it (GLS_BASE_IMAGE names
#    another base, e.g. debian:bookworm-slim);
#  - runs the image (non-root, health check, GLS_* variables and flags passed
#    through, state in a named volume) and drives it from this machine with the
#    AWS CLI and boto3: the fixture session, a session started and advanced;
#  - docker stop ends it with exit code 0 in under 2 s; the state survives
#    docker start and a new container on the same volume; --admin-token
#    protects the admin API while the health check still passes;
#  - installs the image's gls-local_<version>_amd64.deb with apt in a fresh
#    container of the base image and runs it;
#  - brings up docker/compose.yaml (installing Debian's docker-compose when
#    no compose is there): healthy, reached by service name from a neighbour
#    container, its state kept across down / up.
# Host networking only, the emulator bound to 127.0.0.1. When no daemon
# answers it installs Debian's docker.io if dockerd is missing (as root or
# through sudo), and starts dockerd as root; without a daemon it says so and
# exits 0.
# Everything it starts (containers, volume, daemon) is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

say() { echo "test-docker: $*"; }
fail() { echo "test-docker: FAILED: $*" >&2; exit 1; }

started_dockerd=""
containers=()
volume=""
tmp=$(mktemp -d)
cleanup() {
  for c in "${containers[@]}"; do docker rm -f "$c" >/dev/null 2>&1 || true; done
  [ -z "$volume" ] || docker volume rm -f "$volume" >/dev/null 2>&1 || true
  rm -rf "$tmp"
  if [ -n "$started_dockerd" ]; then
    kill "$started_dockerd" 2>/dev/null || true
    wait "$started_dockerd" 2>/dev/null || true
  fi
}
trap cleanup EXIT

# Like the set-up scripts, install what is missing: Debian's docker.io (the
# daemon and a client), when no daemon answers and none is installed.
can_install() {
  command -v apt-get >/dev/null && { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }
}
if ! { command -v docker >/dev/null && docker info >/dev/null 2>&1; } && ! command -v dockerd >/dev/null && can_install
then
  say "installing Debian's docker.io (no Docker daemon here)"
  mkdir -p build-docker
  scripts/apt-install.sh docker.io >build-docker/docker-install.log 2>&1 ||
    say "could not install docker.io (see build-docker/docker-install.log)"
fi
if ! command -v docker >/dev/null; then
  say "SKIPPED: no docker command on this machine, and docker.io could not be installed"; exit 0
fi
if ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v dockerd >/dev/null; then
    mkdir -p build-docker
    dockerd >build-docker/dockerd.log 2>&1 &
    started_dockerd=$!
    for _ in $(seq 60); do
      docker info >/dev/null 2>&1 && break
      kill -0 "$started_dockerd" 2>/dev/null || break
      sleep 0.5
    done
  fi
  if ! docker info >/dev/null 2>&1; then
    if [ -n "$started_dockerd" ]; then
      say "SKIPPED: no Docker daemon answers and the one started did not (see build-docker/dockerd.log)"
    else
      say "SKIPPED: no Docker daemon answers and none can be started here (dockerd is not installed, or not root)"
    fi
    exit 0
  fi
fi

# --- the image ----------------------------------------------------------------
base=${GLS_BASE_IMAGE:-gls-local-base:bookworm}
image=gls-local:test
t0=$SECONDS
[ -n "${GLS_BASE_IMAGE:-}" ] || docker/make-base-image.sh "$base"
say "building $image on $base"
# The build stage gets a tag of its own (it holds the .deb tested below), and
# the image then reuses it from the cache. A rebuild leaves the stage and the
# image it replaces untagged: they go, by their label, so rebuilds do not
# pile up gigabytes.
build_stage=gls-local:test-build
docker build --network host --build-arg BASE_IMAGE="$base" -f docker/Dockerfile --target build -t "$build_stage" . \
  >"$tmp/build.log" 2>&1 || { tail -40 "$tmp/build.log" >&2; fail "docker build (build stage)"; }
docker build --network host --build-arg BASE_IMAGE="$base" -f docker/Dockerfile -t "$image" . >>"$tmp/build.log" 2>&1 ||
  { tail -40 "$tmp/build.log" >&2; fail "docker build"; }
docker image prune -f --filter label=gls-local.stage >/dev/null
say "image built in $((SECONDS - t0)) s, $(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}')"
leftover=$(docker images -q --filter dangling=true --filter label=gls-local.stage)
[ -z "$leftover" ] || fail "superseded build stages are left behind: $leftover"

[ "$(docker image inspect -f '{{.Config.User}}' "$image")" = gls ] || fail "the image does not run as gls"
docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$image" | grep -qx GLS_HOST=0.0.0.0 ||
  fail "the image does not listen on every interface by default"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
volume=gls-test-state-$$
docker volume create "$volume" >/dev/null
# In the image the state lives here (the default --db under HOME).
state_dir=/home/gls/.local/share/gls-local

run_emulator() {  # NAME [docker run options...] -- [gls-local flags...]
  local name=$1; shift
  local opts=()
  while [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  containers+=("$name")
  docker run -d --name "$name" --network host -e GLS_HOST=127.0.0.1 -e GLS_PORT="$port" \
    -v "$volume:$state_dir" "${opts[@]}" "$image" "$@" >/dev/null
}

wait_healthy() {  # NAME
  local status=""
  for _ in $(seq 120); do
    status=$(docker inspect -f '{{.State.Health.Status}}' "$1")
    [ "$status" = healthy ] && return 0
    [ "$(docker inspect -f '{{.State.Running}}' "$1")" = true ] || break
    sleep 0.5
  done
  docker logs "$1" 2>&1 | tail -20 >&2
  fail "$1 is not healthy ($status)"
}

stop_quickly() {  # NAME: docker stop exits the emulator with 0 in under 2 s
  local start end code
  start=$(date +%s%N)
  docker stop -t 10 "$1" >/dev/null
  end=$(date +%s%N)
  code=$(docker inspect -f '{{.State.ExitCode}}' "$1")
  [ "$code" = 0 ] || { docker logs "$1" 2>&1 | tail -20 >&2; fail "$1 exited with $code after docker stop"; }
  [ $(( (end - start) / 1000000 )) -lt 2000 ] || fail "docker stop took $(( (end - start) / 1000000 )) ms"
  say "docker stop: exit code 0 in $(( (end - start) / 1000000 )) ms"
}

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-west-2
[ -d ../shared/aws-models ] && export AWS_DATA_PATH=$root/../shared/aws-models
export PYTHONPATH=$root/clients/python${PYTHONPATH:+:$PYTHONPATH}

# First container: the manual clock from the environment, a flag on the command line.
first=gls-test-first-$$
run_emulator "$first" -e GLS_CLOCK=manual -- --journal-size 7
wait_healthy "$first"
say "healthy; runs as uid $(docker exec "$first" id -u)"
[ "$(docker exec "$first" id -u)" != 0 ] || fail "the emulator runs as root"
docker exec "$first" test -O "$state_dir/state.db" || fail "the database is not gls's own file in the volume"
help_text=$(docker exec "$first" gls-local --help)
[[ "$help_text" == *"The stream: on"* ]] || fail "the image's gls-local was built without the stream"
say "the image streams (GStreamer WebRTC)"

status=$(aws gameliftstreams get-stream-session --endpoint-url "$url" --identifier sg-1AB2C3De4 \
  --stream-session-identifier ABC123def4567 --query Status --output text)
[ "$status" = CONNECTED ] || fail "AWS CLI: the fixture session is $status"
say "AWS CLI: GetStreamSession of the fixture session: $status"

session=$(python3 - "$url" <<'EOF'
import sys
from gls_local import GlsLocal
gls = GlsLocal.attach(sys.argv[1])
assert gls.clock()["mode"] == "manual", "GLS_CLOCK passed through"
assert gls.journal()["capacity"] == 7, "--journal-size passed through"
streams = gls.client()
arn = streams.start_stream_session(Identifier="sg-1AB2C3De4", ApplicationIdentifier="a-9ZY8X7Wv6", Protocol="WebRTC",
                                   SignalRequest="test-offer")["Arn"]
sid = arn.rsplit("/", 1)[1]
get = lambda: streams.get_stream_session(Identifier="sg-1AB2C3De4", StreamSessionIdentifier=sid)["Status"]
assert get() == "ACTIVATING", get()
gls.advance(2)
assert get() == "ACTIVE", get()
gls.session_event("sg-1AB2C3De4", sid, "clientConnect")
assert get() == "CONNECTED", get()
print(sid)
EOF
) || fail "boto3: starting and advancing a session"
say "boto3: session $session started, ACTIVE after advancing the clock, CONNECTED"

session_status() {
  aws gameliftstreams get-stream-session --endpoint-url "$url" --identifier sg-1AB2C3De4 \
    --stream-session-identifier "$session" --query Status --output text
}

stop_quickly "$first"
docker start "$first" >/dev/null
wait_healthy "$first"
[ "$(session_status)" = CONNECTED ] || fail "the session did not survive docker stop / docker start"
say "state kept across docker stop / docker start"
stop_quickly "$first"

# A new container on the same volume, the admin API behind a token.
second=gls-test-second-$$
run_emulator "$second" -e GLS_ADMIN_TOKEN=test-admin-token -- 
wait_healthy "$second"
[ "$(session_status)" = CONNECTED ] || fail "the session did not survive a new container on the volume"
say "state kept in a new container on the same volume"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/_gls/health")
[ "$code" = 401 ] || fail "the admin API answered $code without the token"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer test-admin-token' "$url/_gls/health")
[ "$code" = 200 ] || fail "the admin API answered $code with the token"
say "--admin-token: 401 without it, 200 with it; the health check passes"
stop_quickly "$second"

# --- docker compose ------------------------------------------------------------
# docker/compose.yaml as a user brings it up, on the image just built: healthy,
# reached by a neighbour container by service name on the project's network,
# its state kept in the named volume across down / up. Only container-to-
# container traffic: the port it publishes on the host's loopback is not used.
find_compose() {
  compose=()
  if docker compose version >/dev/null 2>&1; then compose=(docker compose)
  elif command -v docker-compose >/dev/null; then compose=(docker-compose)
  fi
}
find_compose
# Like the set-up scripts, install what is missing: Debian's docker-compose.
if [ ${#compose[@]} = 0 ] && can_install; then
  say "compose: installing Debian's docker-compose"
  scripts/apt-install.sh docker-compose >"$tmp/compose-install.log" 2>&1 || { cat "$tmp/compose-install.log" >&2; say "compose: could not install docker-compose"; }
  find_compose
fi
if [ ${#compose[@]} = 0 ]; then
  say "compose: SKIPPED: neither docker compose nor docker-compose is installed"
else
  project=gls-test-compose-$$
  cat >"$tmp/compose.test.yaml" <<YAML
services:
  gls-local:
    image: $image
  neighbour:
    image: $image
    entrypoint: ["bash", "/neighbour.sh"]
    volumes:
      - $tmp/neighbour.sh:/neighbour.sh:ro
YAML
  # A neighbour's request to the emulator by its service name, in bash alone
  # (the image has no curl): prints the status line's code and the body.
  cat >"$tmp/neighbour.sh" <<'SH'
set -euo pipefail
method=$1 path=$2 host=$3 body=${4:-}
exec 3<>/dev/tcp/gls-local/8766
printf '%s %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
  "$method" "$path" "$host" "${#body}" "$body" >&3
read -r _ status _ <&3
answer=$(cat <&3)
echo "$status ${answer#*$'\r\n\r\n'}"
SH
  chmod 755 "$tmp" && chmod 644 "$tmp/neighbour.sh"  # read by the image's user gls
  compose_tool="${compose[*]}"
  compose+=(-p "$project" -f docker/compose.yaml -f "$tmp/compose.test.yaml")
  compose_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  export GLS_PUBLISH_PORT=$compose_port
  compose_down() { "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true; }
  trap 'compose_down; cleanup' EXIT
  neighbour() { "${compose[@]}" run --rm --no-deps -T neighbour "$@" 2>>"$tmp/compose.log"; }
  compose_up() {
    "${compose[@]}" up -d --no-build gls-local >>"$tmp/compose.log" 2>&1 || { cat "$tmp/compose.log" >&2; fail "compose up"; }
    wait_healthy "$("${compose[@]}" ps -q gls-local)"
  }
  compose_up
  say "compose ($compose_tool): healthy"
  answer=$(neighbour GET /_gls/health gls-local:8766)
  [ "${answer%% *}" = 200 ] || fail "a neighbour got '$answer' from http://gls-local:8766/_gls/health"
  answer=$(neighbour GET /streamgroups/sg-1AB2C3De4/streamsessions/ABC123def4567 gls-local:8766)
  [ "${answer%% *}" = 200 ] && [[ "$answer" == *'"Status":"CONNECTED"'* ]] ||
    fail "a neighbour got '$answer' for GetStreamSession at http://gls-local:8766"
  say "compose: a neighbour reaches http://gls-local:8766 by service name (health, GetStreamSession: 200)"
  answer=$(neighbour GET /_gls/health attacker.example:8766)
  [ "${answer%% *}" = 403 ] && [[ "$answer" == *attacker.example* && "$answer" == *--allowed-host* ]] ||
    fail "Host attacker.example was answered '$answer'"
  say "compose: Host attacker.example is refused (403, naming the flag)"
  answer=$(neighbour POST /streamgroups/sg-1AB2C3De4/streamsessions gls-local:8766 \
    '{"ApplicationIdentifier":"a-9ZY8X7Wv6","Protocol":"WebRTC","SignalRequest":"test-offer"}')
  [ "${answer%% *}" = 201 ] || fail "StartStreamSession from a neighbour: '$answer'"
  compose_session=$(sed -E 's/.*"Arn":"[^"]*\/([^"/]+)".*/\1/' <<<"$answer")
  "${compose[@]}" down >>"$tmp/compose.log" 2>&1 || fail "compose down"
  compose_up
  answer=$(neighbour GET "/streamgroups/sg-1AB2C3De4/streamsessions/$compose_session" gls-local:8766)
  [ "${answer%% *}" = 200 ] || fail "session $compose_session after down / up: '$answer'"
  say "compose: session $compose_session kept in the named volume across down / up"
  compose_down
  trap cleanup EXIT
fi

# --- the package ----------------------------------------------------------------
# The .deb the image's build stage made with cpack, into
# a fresh container of the base image, with apt as the README says.
t0=$SECONDS
builder=gls-test-deb-$$
containers+=("$builder")
docker create --name "$builder" "$build_stage" >/dev/null
mkdir "$tmp/deb"
docker cp "$builder:/deb/." "$tmp/deb/"
cp docker/healthcheck.sh "$tmp/deb/"
deb=$(cd "$tmp/deb" && ls gls-local_*_amd64.deb)
say "package: $deb"
installer=gls-test-apt-$$
containers+=("$installer")
docker run --rm --name "$installer" --network host -v "$tmp/deb:/pkg:ro" -e GLS_PORT="$port" -w /pkg "$base" bash -euc '
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ./'"$deb"' >/dev/null
  gls-local --version
  test -s /usr/share/man/man1/gls-local.1
  test -s /usr/share/gls-local/fixtures/default.json
  dpkg-query -W -f="Depends: \${Depends}\n" gls-local | tee /dev/stderr | grep -q libsqlite3-0
  gls-local --db :memory: --port "$GLS_PORT" --clock manual > /tmp/gls.log 2>&1 &
  pid=$!
  for _ in $(seq 50); do bash healthcheck.sh 2>/dev/null && break; sleep 0.2; done
  bash healthcheck.sh
  kill -TERM $pid
  wait $pid
  echo "gls-local from the package served its health check and exited 0"
' >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log" >&2; fail "apt install ./$deb in a fresh container"; }
sed 's/^/test-docker:   /' "$tmp/apt.log"
say "package installed with apt in a fresh Debian 12 container and ran ($((SECONDS - t0)) s)"
say "OK"
