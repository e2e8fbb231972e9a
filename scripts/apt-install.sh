#!/usr/bin/env bash
# Installs Debian packages with apt-get, as root or through sudo, for the
# scripts that install what is missing (setup.sh, test-docker.sh,
# docker/make-base-image.sh):
#   scripts/apt-install.sh [apt-get install option...] PACKAGE...
set -euo pipefail
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
