#!/usr/bin/env bash
# Prints a folder of Python wheels for the S3 stand-in (moto's server, Apache-2.0), downloaded once
# from PyPI on the host (the image build then installs them without network).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
MOTO_VERSION=5.1.22
out="$WEBCLUSTER_CACHE/wheels/moto-$MOTO_VERSION"
if [ ! -f "$out/.complete" ]; then
  log "downloading moto[server]==$MOTO_VERSION wheels for Debian 12's Python 3.11"
  rm -rf "$out" && mkdir -p "$out"
  python3 -m pip download --quiet --dest "$out" --only-binary=:all: --python-version 3.11 --platform manylinux2014_x86_64 \
    --implementation cp "moto[server]==$MOTO_VERSION" >&2 || die "pip download of moto[server]==$MOTO_VERSION failed (output above)"
  touch "$out/.complete"
fi
echo "$out"
