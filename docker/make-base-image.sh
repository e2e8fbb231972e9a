#!/usr/bin/env bash
# Makes a Debian 12 base image without a registry: a minimal root made by
# debootstrap, imported into Docker. The root's tarball is kept in
# build-docker/ (git-ignored), so only the first run downloads anything.
#   docker/make-base-image.sh [IMAGE]      (default gls-local-base:bookworm)
# Needs root (debootstrap, installed with apt-get when missing) the first
# time, and a Debian mirror (GLS_DEBIAN_MIRROR, default http://deb.debian.org/debian).
set -euo pipefail
cd "$(dirname "$0")/.."
image=${1:-gls-local-base:bookworm}
mirror=${GLS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
tarball=build-docker/debian-bookworm-minbase.tar

if docker image inspect "$image" >/dev/null 2>&1; then
  exit 0
fi
if [ ! -s "$tarball" ]; then
  if ! command -v debootstrap >/dev/null; then
    # Installed as scripts/setup.sh installs what is missing.
    echo "make-base-image: installing debootstrap"
    scripts/apt-install.sh debootstrap ||
      { echo "make-base-image: debootstrap is needed and could not be installed (apt-get install debootstrap)" >&2; exit 1; }
  fi
  mkdir -p build-docker
  root=$(mktemp -d build-docker/rootfs.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  echo "make-base-image: debootstrap --variant=minbase bookworm (once; kept in $tarball)"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 ||
    { tail -20 "$root.log" >&2; exit 1; }
  rm -f "$root.log"
  # As debian:bookworm-slim: updates and security fixes, no package caches.
  cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${GLS_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security} bookworm-security main
SOURCES
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/*.log
  tar -C "$root" --numeric-owner -cf "$tarball.part" .
  mv "$tarball.part" "$tarball"
fi
docker import --change 'CMD ["bash"]' "$tarball" "$image" >/dev/null
echo "make-base-image: $image imported from $tarball"
