#!/usr/bin/env bash
# Scans every synthesized AWS stack (cdktf.out/stacks/*/cdk.tf.json with the aws provider) with checkov
# from PyPI. Fails on any failed check that is not listed, with a reason, in policies/checkov-skips.yaml.
# Then synthesizes the same AWS environments with `encryptionKey: create` into a scratch folder and scans
# them without the skips marked `customerManagedKey: true`: with the key set, those checks must pass.
# Run `npm run synth` first. checkov is installed once into a virtualenv under ~/.cache.
set -euo pipefail
cd "$(dirname "$0")/.."

CHECKOV_VERSION=3.3.30
venv="${XDG_CACHE_HOME:-$HOME/.cache}/webcluster/checkov-$CHECKOV_VERSION"
if [ ! -x "$venv/bin/checkov" ]; then
  echo "checkov: installing checkov==$CHECKOV_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi

# skip_ids all|without-key: the ids to skip (without-key leaves out the customer-managed-key skips).
skip_ids() {
  # shellcheck disable=SC2016 # a JavaScript template literal, not a shell expansion
  node -e '
    const { parse } = require("yaml");
    const list = parse(require("fs").readFileSync("policies/checkov-skips.yaml", "utf8")).skips;
    for (const s of list) if (!s.id || !s.reason || !String(s.reason).trim()) { console.error(`checkov-skips.yaml: ${JSON.stringify(s)} needs an id and a reason`); process.exit(2); }
    console.log(list.filter((s) => process.argv[1] === "all" || s.customerManagedKey !== true).map((s) => s.id).join(","));
  ' "$1"
}

# aws_stacks <outdir>: names of the synthesized stacks with the aws provider.
aws_stacks() {
  node -e '
    const fs = require("fs");
    const dir = process.argv[1];
    const m = JSON.parse(fs.readFileSync(dir + "/manifest.json", "utf8"));
    for (const s of Object.values(m.stacks)) {
      const tf = JSON.parse(fs.readFileSync(dir + "/" + s.synthesizedStackPath, "utf8"));
      if (tf.provider && tf.provider.aws) console.log(s.name);
    }
  ' "$1"
}

status=0
scan_dir=$(mktemp -d)
# scan <outdir> <skips>: checkov over every AWS stack of outdir.
scan() {
  local outdir=$1 skips=$2 stacks stack
  stacks=$(aws_stacks "$outdir")
  [ -n "$stacks" ] || { echo "checkov: no AWS stack in $outdir (run npm run synth first)"; exit 2; }
  for stack in $stacks; do
    echo "checkov: scanning $stack"
    # checkov 3.3.30's terraform_json parser takes every attribute of the terraform block for a block
    # and stops at the string required_version ("this method receives only dicts"): then it scans
    # nothing and reports no failure. It scans a copy without that one attribute (it checks nothing
    # there), and a parsing error or a scan without passed checks fails.
    node -e '
      const fs = require("fs");
      const tf = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
      if (tf.terraform) delete tf.terraform.required_version;
      fs.writeFileSync(process.argv[2], JSON.stringify(tf, null, 2));
    ' "$outdir/stacks/$stack/cdk.tf.json" "$scan_dir/$stack.tf.json"
    # --skip-download: no calls to the vendor API (guidelines, module downloads); the results are local.
    if ! BC_SKIP_MAPPING=TRUE "$venv/bin/checkov" --quiet --compact --skip-download --framework terraform_json \
        --skip-check "$skips" -f "$scan_dir/$stack.tf.json" | tee "$scan_dir/$stack.out"; then
      status=1
    fi
    if grep -Eq 'Parsing errors: [1-9]' "$scan_dir/$stack.out" || ! grep -Eq 'Passed checks: [1-9]' "$scan_dir/$stack.out"; then
      echo "checkov: $stack was not scanned (a parsing error, or no check ran): see above"
      status=1
    fi
  done
}

all_skips=$(skip_ids all)
scan cdktf.out "$all_skips"
echo "checkov: $(echo "$all_skips" | tr ',' '\n' | wc -l) checks skipped with reasons (policies/checkov-skips.yaml)"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch" "$scan_dir"' EXIT
node -e '
  const fs = require("fs");
  const { parse, stringify } = require("yaml");
  const config = parse(fs.readFileSync("webcluster.yaml", "utf8"));
  config.environments = config.environments.filter((e) => e.backend === "aws").map((e) => ({ ...e, encryptionKey: "create" }));
  fs.writeFileSync(process.argv[1], stringify(config));
' "$scratch/webcluster.yaml"
WEBCLUSTER_CONFIG="$scratch/webcluster.yaml" CDKTF_OUTDIR="$scratch/cdktf.out" node dist/main.js >/dev/null
key_skips=$(skip_ids without-key)
echo "checkov: the AWS environments with encryptionKey: create, customer-managed-key checks enforced"
scan "$scratch/cdktf.out" "$key_skips"
exit $status
