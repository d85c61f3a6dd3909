# shellcheck shell=bash
# Shared helpers of the real-engine scripts (sourced, not run).
# Everything they build or download is cached under $WEBCLUSTER_CACHE (default ~/.cache/webcluster).
WEBCLUSTER_CACHE="${WEBCLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/webcluster}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export WEBCLUSTER_CACHE REPO_ROOT

# log MESSAGE: one line on stderr, prefixed with the script's name.
log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }
# die MESSAGE: one line saying what failed and how to fix it, exit 1.
die() { printf '[%s] error: %s\n' "$(basename "$0" .sh)" "$*" >&2; exit 1; }

# tree_hash DIR...: a SHA-256 over the relative paths and contents of every file under the folders.
tree_hash() {
  local dir
  for dir in "$@"; do
    (cd "$dir" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  done | sha256sum | cut -c1-16
}

# go_tool <name> <package> <version>: the path of the Go command <package>@<version> (e.g.
# github.com/rhysd/actionlint/cmd/actionlint v1.7.12), built once from the Go module proxy into
# $WEBCLUSTER_CACHE/<name>-<version>/. Dies with one line when Go is missing or the build fails.
go_tool() {
  local name=$1 package=$2 version=$3
  local bin="$WEBCLUSTER_CACHE/$name-$version/${package##*/}"
  if [ ! -x "$bin" ]; then
    command -v go >/dev/null 2>&1 || die "go is not on PATH; install Go to build $name $version"
    log "installing $name $version from the Go module proxy (once)"
    GOBIN="$(dirname "$bin")" CGO_ENABLED=0 GOFLAGS=-mod=mod go install "$package@$version" >&2 ||
      die "go install $package@$version failed (output above)"
  fi
  printf '%s\n' "$bin"
}
