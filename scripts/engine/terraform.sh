#!/usr/bin/env bash
# Prints the path of a Terraform-compatible CLI: `terraform` from PATH, else OpenTofu built from the
# Go module proxy into the cache (once; cdktf drives it with TERRAFORM_BINARY_NAME).
# Usage: scripts/engine/terraform.sh        (prints the binary's path on stdout)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if command -v terraform >/dev/null 2>&1; then
  command -v terraform
  exit 0
fi

TOFU_VERSION="${WEBCLUSTER_TOFU_VERSION:-v1.12.6}"
out="$WEBCLUSTER_CACHE/opentofu-$TOFU_VERSION/tofu"
if [ ! -x "$out" ]; then
  command -v go >/dev/null 2>&1 || die "neither terraform nor go is on PATH; install Terraform >= 1.10 or Go (to build OpenTofu $TOFU_VERSION)"
  log "terraform is not on PATH: building OpenTofu $TOFU_VERSION from the Go module proxy (3-5 min, once)"
  dir=$(go mod download -json "github.com/opentofu/opentofu@$TOFU_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || die "go mod download github.com/opentofu/opentofu@$TOFU_VERSION gave no directory"
  work=$(mktemp -d)
  trap 'chmod -R u+w "$work" && rm -rf "$work"' EXIT
  cp -r "$dir/." "$work" && chmod -R u+w "$work"
  mkdir -p "$(dirname "$out")"
  (cd "$work" && GOFLAGS=-mod=mod go build -p 2 -ldflags "-s -w" -o "$out.tmp" ./cmd/tofu) && mv "$out.tmp" "$out"
fi
echo "$out"
