#!/usr/bin/env bash
# Builds the Terraform providers the Docker stacks pin from their source into a filesystem mirror
# and writes a CLI configuration that installs providers from that mirror only.
#
# Usage: scripts/engine/providers.sh [SOURCES]
#   SOURCES (or WEBCLUSTER_PROVIDER_SOURCES): a folder holding terraform-provider-<name>-<version>/
#   source trees; default ../shared/providers beside the repository. With WEBCLUSTER_PROVIDER_SOURCES=registry
#   nothing is built and Terraform installs providers from its registry as usual.
# Prints the path of the CLI configuration (set TF_CLI_CONFIG_FILE to it), or nothing for the registry.
# Each provider is cached by a hash of its source and the Go version: ~3-9 min the first time, seconds after.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

sources="${1:-${WEBCLUSTER_PROVIDER_SOURCES:-$REPO_ROOT/../shared/providers}}"
if [ "$sources" = registry ]; then
  log "WEBCLUSTER_PROVIDER_SOURCES=registry: Terraform installs providers from its registry"
  exit 0
fi
[ -d "$sources" ] || die "provider sources folder '$sources' does not exist; pass the folder holding terraform-provider-docker-3.6.2/ (or set WEBCLUSTER_PROVIDER_SOURCES=registry where the Terraform registry is reachable)"
command -v go >/dev/null 2>&1 || die "go is not on PATH; install Go to build the providers from source"

# Registry namespace of each provider type whose source we build.
namespace() {
  case "$1" in
    docker) echo kreuzwerker ;;
    *) return 1 ;;
  esac
}

goos=$(go env GOOS) goarch=$(go env GOARCH)
found=0
entries=()
for src in "$sources"/terraform-provider-*-*/; do
  [ -f "$src/go.mod" ] || continue
  base=$(basename "$src")
  rest=${base#terraform-provider-}
  type=${rest%-*} version=${rest##*-}
  ns=$(namespace "$type") || { log "skipping $base: no registry namespace known for provider '$type'"; continue; }
  found=$((found + 1))
  hash=$(tree_hash "$src"; go version)
  hash=$(printf '%s' "$hash" | sha256sum | cut -c1-16)
  mirror="$WEBCLUSTER_CACHE/providers/$type-$version-$hash"
  bin="$mirror/registry.terraform.io/$ns/$type/$version/${goos}_$goarch/terraform-provider-${type}_v$version"
  if [ -x "$bin" ]; then
    log "$ns/$type $version: cached ($mirror)"
  else
    log "$ns/$type $version: building from $src (first time: several minutes)"
    start=$SECONDS
    work=$(mktemp -d)
    # The source folder may be read-only: build from a copy; Go writes nothing else into it.
    cp -r "$src/." "$work" && chmod -R u+w "$work"
    mkdir -p "$(dirname "$bin")"
    if ! (cd "$work" && GOFLAGS=-mod=mod go build -p 2 -ldflags "-s -w" -o "$bin.tmp" .); then
      rm -rf "$work" "$bin.tmp"
      die "go build of $base failed (output above)"
    fi
    rm -rf "$work"
    mv "$bin.tmp" "$bin"
    log "$ns/$type $version: built in $((SECONDS - start)) s"
  fi
  entries+=("$mirror")
done
[ "$found" -gt 0 ] || die "no terraform-provider-<name>-<version>/ folder with a go.mod under '$sources'"

# One mirror folder linking every provider, so one filesystem_mirror block serves them all. OpenTofu
# reads an unqualified source (kreuzwerker/docker) as registry.opentofu.org/..., Terraform as
# registry.terraform.io/...: the mirror holds the providers under both hosts.
mirror="$WEBCLUSTER_CACHE/providers/mirror"
rm -rf "$mirror.tmp" && mkdir -p "$mirror.tmp/registry.opentofu.org"
for entry in "${entries[@]}"; do
  cp -rs "$entry/." "$mirror.tmp/"
  cp -rs "$entry/registry.terraform.io/." "$mirror.tmp/registry.opentofu.org/"
done
rm -rf "$mirror" && mv "$mirror.tmp" "$mirror"

config="$WEBCLUSTER_CACHE/providers/terraform.rc"
cat > "$config.tmp" <<HCL
# Written by scripts/engine/providers.sh: providers built from source, nothing from the registry.
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/*/*", "registry.opentofu.org/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*", "registry.opentofu.org/*/*"]
  }
}
HCL
mv "$config.tmp" "$config"
echo "$config"
