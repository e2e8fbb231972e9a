#!/usr/bin/env bash
# The image's health check: GET /_gls/health answers 200. Needs nothing but
# bash. The token, when the admin API needs one, is read from GLS_ADMIN_TOKEN
# (give it to the container that way, not as --admin-token, for this check).
set -euo pipefail
port=${GLS_PORT:-8766}
exec 3<>"/dev/tcp/127.0.0.1/$port"
auth=""
[ -n "${GLS_ADMIN_TOKEN:-}" ] && auth="Authorization: Bearer $GLS_ADMIN_TOKEN"$'\r\n'
printf 'GET /_gls/health HTTP/1.1\r\nHost: 127.0.0.1:%s\r\n%sConnection: close\r\n\r\n' "$port" "$auth" >&3
read -r -t 2 _ status _ <&3
[ "$status" = 200 ]
