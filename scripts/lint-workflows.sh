#!/usr/bin/env bash
# Lints the GitHub workflows (.github/workflows/*.yml) with actionlint: workflow syntax, expressions,
# action inputs, and the shell of every `run:` block through shellcheck. Any finding fails.
#
#   npm run lint:workflows
#
# actionlint comes from the Go module proxy (pinned below) and is built once into the cache
# ($WEBCLUSTER_CACHE, default ~/.cache/webcluster). shellcheck must be on PATH: without it actionlint
# would skip the `run:` blocks without a word, so this script refuses to run instead.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=engine/lib.sh
source "$(dirname "$0")/engine/lib.sh"
cd "$REPO_ROOT"

ACTIONLINT_VERSION=v1.7.12

command -v shellcheck >/dev/null 2>&1 || die "shellcheck is not on PATH; install it (apt-get install shellcheck) so actionlint checks the run: blocks"
actionlint=$(go_tool actionlint github.com/rhysd/actionlint/cmd/actionlint "$ACTIONLINT_VERSION")
"$actionlint" -shellcheck "$(command -v shellcheck)" -no-color .github/workflows/*.yml
log "actionlint $ACTIONLINT_VERSION with $(shellcheck --version | sed -n 's/^version: /shellcheck /p'): no findings in $(find .github/workflows -name '*.yml' | wc -l) workflow(s)"
