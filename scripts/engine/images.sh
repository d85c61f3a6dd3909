#!/usr/bin/env bash
# Builds the images of the real-engine tests on the engine at DOCKER_HOST: no registry can be reached
# here, so every image is built locally: a Debian base from debootstrap, and on it the stand-ins of
# test/engine/images/<name>/ (each Dockerfile's first line names its tag: `# image: <ref>`).
# An image is rebuilt only when its folder (or an input it copies in) changed.
#
# Usage: DOCKER_HOST=unix:///... scripts/engine/images.sh [NAME...]   (default: every folder)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
: "${DOCKER_HOST:?set DOCKER_HOST to the engine to build on}"
images_dir="$REPO_ROOT/test/engine/images"
BASE=webcluster-standin/debian:bookworm

label_of() { docker image inspect --format "{{ index .Config.Labels \"webcluster.context-hash\" }}" "$1" 2>/dev/null || true; }

# The Debian mirror the machine is configured with (never hard-coded): first URI of its apt sources.
debian_mirror() {
  local uri
  uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -1)
  [ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}' | grep -v security | head -1)
  [ -n "$uri" ] || die "no Debian mirror found in /etc/apt/sources.list*; configure apt first"
  echo "$uri"
}

build_base() {
  if docker image inspect "$BASE" >/dev/null 2>&1; then log "$BASE: present"; return; fi
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed (apt-get install debootstrap)"
  local root start=$SECONDS
  root=$(mktemp -d)
  log "$BASE: debootstrap bookworm from $(debian_mirror) (about a minute)"
  debootstrap --variant=minbase bookworm "$root" "$(debian_mirror)" >"$root.log" 2>&1 || { tail -20 "$root.log" >&2; die "debootstrap failed (log above)"; }
  # Keep the image small and apt non-interactive.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import -c 'ENV DEBIAN_FRONTEND=noninteractive' -c 'CMD ["/bin/bash"]' - "$BASE" >/dev/null
  rm -rf "$root" "$root.log"
  log "$BASE: imported in $((SECONDS - start)) s"
}

# Inputs that are built outside docker and copied into a context (folder name → preparation).
prepare_context() {
  local name=$1 ctx=$2
  case "$name" in
    traefik) cp "$(bash "$REPO_ROOT/scripts/engine/traefik.sh")" "$ctx/traefik" ;;
    s3) mkdir -p "$ctx/wheels" && cp "$(bash "$REPO_ROOT/scripts/engine/wheels.sh")"/*.whl "$ctx/wheels/" ;;
  esac
}

build_base
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for dir in "$images_dir"/*/; do names+=("$(basename "$dir")"); done
fi
for name in "${names[@]}"; do
  dir="$images_dir/$name"
  [ -f "$dir/Dockerfile" ] || die "no image folder test/engine/images/$name"
  ref=$(sed -n '1s/^# image: //p' "$dir/Dockerfile")
  [ -n "$ref" ] || die "$dir/Dockerfile: first line must be '# image: <name>:<tag>'"
  ctx=$(mktemp -d)
  cp -r "$dir/." "$ctx/"
  prepare_context "$name" "$ctx"
  hash=$(tree_hash "$ctx"; docker image inspect --format '{{.Id}}' "$BASE")
  hash=$(printf '%s' "$hash" | sha256sum | cut -c1-16)
  if [ "$(label_of "$ref")" = "$hash" ]; then
    log "$ref: up to date"
  else
    start=$SECONDS
    log "$ref: building"
    if ! docker build -q --label "webcluster.context-hash=$hash" -t "$ref" "$ctx" >"$ctx.log" 2>&1; then
      tail -30 "$ctx.log" >&2
      rm -rf "$ctx" "$ctx.log"
      die "docker build of $ref failed (output above)"
    fi
    log "$ref: built in $((SECONDS - start)) s"
  fi
  rm -rf "$ctx" "$ctx.log"
done
