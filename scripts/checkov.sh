#!/usr/bin/env bash
# Scans every synthesized AWS stack (cdktf.out/stacks/*/cdk.tf.json with the aws provider) with checkov
# from PyPI. Fails on any failed check that is not listed, with a reason, in policies/checkov-skips.yaml.
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

skips=$(node -e '
  const { parse } = require("yaml");
  const list = parse(require("fs").readFileSync("policies/checkov-skips.yaml", "utf8")).skips;
  for (const s of list) if (!s.id || !s.reason || !String(s.reason).trim()) { console.error(`checkov-skips.yaml: ${JSON.stringify(s)} needs an id and a reason`); process.exit(2); }
  console.log(list.map((s) => s.id).join(","));
')

stacks=$(node -e '
  const fs = require("fs");
  const m = JSON.parse(fs.readFileSync("cdktf.out/manifest.json", "utf8"));
  for (const s of Object.values(m.stacks)) {
    const tf = JSON.parse(fs.readFileSync("cdktf.out/" + s.synthesizedStackPath, "utf8"));
    if (tf.provider && tf.provider.aws) console.log(s.name);
  }
')
[ -n "$stacks" ] || { echo "checkov: no AWS stack in cdktf.out (run npm run synth first)"; exit 2; }

status=0
for stack in $stacks; do
  echo "checkov: scanning $stack"
  # --skip-download: no calls to the vendor API (guidelines, module downloads); the results are local.
  if ! BC_SKIP_MAPPING=TRUE "$venv/bin/checkov" --quiet --compact --skip-download --framework terraform_json \
      --skip-check "$skips" -f "cdktf.out/stacks/$stack/cdk.tf.json"; then
    status=1
  fi
done
echo "checkov: $(echo "$skips" | tr ',' '\n' | wc -l) checks skipped with reasons (policies/checkov-skips.yaml)"
exit $status
