#!/usr/bin/env bash
# Prints the path of a Traefik binary built from its Go module (the real Traefik, version pinned
# below), building it into the cache the first time: about 10 minutes and 3.4 GB of memory on
# 2 cores. `go install` refuses the module (its go.mod has replace directives), so it is built from
# the downloaded module directory.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TRAEFIK_VERSION=v3.3.5
out="$WEBCLUSTER_CACHE/traefik-$TRAEFIK_VERSION/traefik"
if [ ! -x "$out" ]; then
  command -v go >/dev/null 2>&1 || die "go is not on PATH; install Go to build Traefik $TRAEFIK_VERSION"
  log "building Traefik $TRAEFIK_VERSION from the Go module proxy (about 10 minutes, once)"
  start=$SECONDS
  dir=$(go mod download -json "github.com/traefik/traefik/v3@$TRAEFIK_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || die "go mod download github.com/traefik/traefik/v3@$TRAEFIK_VERSION gave no directory"
  work=$(mktemp -d)
  cp -r "$dir/." "$work" && chmod -R u+w "$work"
  mkdir -p "$(dirname "$out")"
  if ! (cd "$work" && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -p 2 -ldflags "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION" -o "$out.tmp" ./cmd/traefik); then
    rm -rf "$work" "$out.tmp"
    die "go build of Traefik failed (output above)"
  fi
  rm -rf "$work"
  mv "$out.tmp" "$out"
  log "Traefik $TRAEFIK_VERSION built in $((SECONDS - start)) s"
fi
echo "$out"
