#!/usr/bin/env bash
# Lints every synthesized stack (cdktf.out, or $CDKTF_OUTDIR) with TFLint, the AWS ruleset and the terraform
# ruleset's recommended preset; any issue fails. Run `npm run synth` first.
#
#   npm run lint:tf                               # AWS ruleset built from ../shared/linters/tflint-ruleset-aws
#   npm run lint:tf -- --ruleset-source <dir>     # ... built from another checkout of tflint-ruleset-aws
#   npm run lint:tf -- --registry                 # ... downloaded by `tflint --init` (needs GitHub access)
#
# TFLint itself comes from the Go module proxy (pinned below) and, like the ruleset, is built once into the
# cache ($WEBCLUSTER_CACHE, default ~/.cache/webcluster; the ruleset again when its source changes). Before the
# stacks, a fixture with an instance type that does not exist must be reported: proof the AWS ruleset is active.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=engine/lib.sh
source "$(dirname "$0")/engine/lib.sh"
cd "$REPO_ROOT"

TFLINT_VERSION=v0.64.0
RULESET_VERSION=0.48.0
ruleset_source="$REPO_ROOT/../shared/linters/tflint-ruleset-aws"
registry=no
while [ $# -gt 0 ]; do
  case "$1" in
    --ruleset-source) [ $# -ge 2 ] || die "--ruleset-source needs a directory"; ruleset_source=$2; shift 2 ;;
    --registry) registry=yes; shift ;;
    *) die "unknown argument '$1'; allowed: --ruleset-source <dir>, --registry" ;;
  esac
done
outdir="${CDKTF_OUTDIR:-$REPO_ROOT/cdktf.out}"
[ -f "$outdir/manifest.json" ] || die "no synthesized stacks in $outdir; run npm run synth first"
start=$SECONDS

# TFLint from the Go module proxy.
tflint=$(go_tool tflint github.com/terraform-linters/tflint "$TFLINT_VERSION")

# The AWS ruleset: built from source into a plugin folder of its own, or fetched by tflint --init.
if [ "$registry" = yes ]; then
  export TFLINT_PLUGIN_DIR="$WEBCLUSTER_CACHE/tflint-plugins-registry"
  mkdir -p "$TFLINT_PLUGIN_DIR"
  # policies/tflint.hcl with the ruleset's source and version in its plugin block.
  config="$TFLINT_PLUGIN_DIR/tflint.hcl"
  awk -v version="$RULESET_VERSION" '{ print } /^plugin "aws" \{/ { print "  source  = \"github.com/terraform-linters/tflint-ruleset-aws\""; print "  version = \"" version "\"" }' \
    "$REPO_ROOT/policies/tflint.hcl" >"$config"
  "$tflint" --init --config="$config" >&2 || die "tflint --init could not download the AWS ruleset $RULESET_VERSION; use --ruleset-source <dir> to build it from source"
else
  config="$REPO_ROOT/policies/tflint.hcl"
  [ -f "$ruleset_source/main.go" ] || die "no tflint-ruleset-aws source in $ruleset_source; pass --ruleset-source <dir> or --registry"
  export TFLINT_PLUGIN_DIR
  TFLINT_PLUGIN_DIR="$WEBCLUSTER_CACHE/tflint-plugins-$(tree_hash "$ruleset_source")"
  plugin="$TFLINT_PLUGIN_DIR/tflint-ruleset-aws"
  if [ ! -x "$plugin" ]; then
    command -v go >/dev/null 2>&1 || die "go is not on PATH; install Go to build the AWS ruleset"
    log "building the AWS ruleset from $ruleset_source (a few minutes, once per source)"
    # The source may be read-only and go build may update go.sum: build from a copy.
    work=$(mktemp -d)
    cp -r "$ruleset_source/." "$work" && chmod -R u+w "$work"
    mkdir -p "$TFLINT_PLUGIN_DIR"
    if ! (cd "$work" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -p 2 -o "$plugin.tmp" .); then
      rm -rf "$work" "$plugin.tmp"
      die "go build of the AWS ruleset failed (output above)"
    fi
    rm -rf "$work"
    mv "$plugin.tmp" "$plugin"
  fi
fi
versions=$("$tflint" --version --config="$config" 2>&1 | paste -sd ' ' -)
grep -q "ruleset.aws ($RULESET_VERSION)" <<<"$versions" || die "TFLint does not load the AWS ruleset $RULESET_VERSION: $versions"
log "$versions; ready in $((SECONDS - start)) s"

# rule_count: the rules the run applies, from the sources: the AWS ruleset's rules enabled by default (its
# API rules need deep_check and AWS credentials, so they stay off) and the terraform ruleset's recommended preset.
rule_count() {
  local aws=unknown terraform=unknown dir version
  if [ "$registry" = no ]; then
    aws=$(find "$ruleset_source/rules" -maxdepth 2 -name '*.go' ! -name '*_test.go' ! -path '*/api/*' -exec grep -h -A1 'Enabled() bool {' {} + | grep -c 'return true' || true)
  fi
  version=$(sed -n 's/.*ruleset.terraform (\([0-9.]*\)-bundled).*/\1/p' <<<"$versions")
  if [ -n "$version" ] && dir=$(go mod download -json "github.com/terraform-linters/tflint-ruleset-terraform@v$version" 2>/dev/null | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') && [ -n "$dir" ]; then
    terraform=$(sed -n '/"recommended": {/,/^\t},/p' "$dir/rules/preset.go" | grep -c 'Rule(),' || true)
  fi
  echo "$aws AWS rules (enabled by default, without the deep-check API rules) + $terraform terraform rules (recommended preset)"
}
log "rules: $(rule_count)"

# lint DIR: TFLint over the stack in DIR; prints the issues, returns non-zero when there is one.
lint() { "$tflint" --chdir="$1" --config="$config" --format=compact --no-color; }

# Both rulesets must be active: the fixture's instance type does not exist and it has no required_version.
fixture="$REPO_ROOT/test/fixtures/tflint/invalid-instance-type"
if probe=$(lint "$fixture" 2>&1); then
  die "TFLint reported nothing for $fixture (expected aws_instance_invalid_type and terraform_required_version); are the rulesets loaded?"
fi
grep -q '"t3.gigantic" is an invalid value as instance_type (aws_instance_invalid_type)' <<<"$probe" ||
  die "the AWS ruleset did not report the fixture's instance type: $probe"
grep -q '(terraform_required_version)' <<<"$probe" ||
  die "the terraform ruleset did not report the fixture's missing required_version: $probe"
log "self-check: the fixture's t3.gigantic (aws_instance_invalid_type) and missing required_version (terraform_required_version) are reported"

lint_start=$SECONDS
status=0
stacks=$(node -e 'const m = require(process.argv[1]); for (const s of Object.values(m.stacks)) console.log(s.name + " " + require("path").dirname(s.synthesizedStackPath))' "$outdir/manifest.json")
count=0
while read -r name dir; do
  count=$((count + 1))
  if out=$(lint "$outdir/$dir" 2>&1); then
    echo "ok   $name: 0 issues"
  else
    status=1
    echo "FAIL $name:"
    while IFS= read -r line; do echo "     $line"; done <<<"$out"
  fi
done <<<"$stacks"
log "$count stack(s) linted in $((SECONDS - lint_start)) s (total $((SECONDS - start)) s)"
exit $status
