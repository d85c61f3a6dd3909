#!/usr/bin/env bash
# Plans one synthesized stack into a saved plan file, guards that file, and applies exactly that file.
# The pipelines use it (.github/workflows/pr.yml plans, deploy.yml plans and applies); it works the same
# by hand. Run `npm run synth` first.
#
#   bash scripts/stack-plan.sh plan <stack>    # terraform init + plan -out=tfplan, then the plan guard on it
#   bash scripts/stack-plan.sh apply <stack>   # terraform apply tfplan, only if the guard passed that very file
#
# In cdktf.out/stacks/<stack> (or $CDKTF_OUTDIR/stacks/<stack>), `plan` leaves:
#   tfplan            the saved plan (what `apply` applies; Terraform refuses it once the state has moved on)
#   tfplan.txt        its text (terraform show -no-color), also printed
#   tfplan.json       its JSON (terraform show -json), what the guard reads
#   tfplan.guard.txt  the guard's output, also printed
#   tfplan.guarded    the SHA-256 of tfplan, written only when the guard passed
#   tfplan.log        the output of terraform init and plan
# Exit codes of `plan`: 0 guarded, 1 a stateful resource would be lost (guard) or Terraform failed, 2 bad usage.
# `apply` refuses (exit 1) a plan file without a passed guard or changed since.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { printf '[stack-plan] error: %s\n' "$1" >&2; exit "${2:-1}"; }

[ $# -eq 2 ] || die "got $# argument(s); allowed: plan <stack> | apply <stack>; fix: bash scripts/stack-plan.sh plan <stack>" 2
mode=$1
stack=$2
dir="${CDKTF_OUTDIR:-cdktf.out}/stacks/$stack"
[ -f "$dir/cdk.tf.json" ] || die "stack '$stack': $dir/cdk.tf.json does not exist; allowed: a stack of npm run --silent stacks; fix: run npm run synth first" 2

case "$mode" in
  plan)
    rm -f "$dir/tfplan" "$dir/tfplan.txt" "$dir/tfplan.json" "$dir/tfplan.guard.txt" "$dir/tfplan.guarded" "$dir/tfplan.log"
    # Keeps the lock file the synth keeps (stacks/synth-output.ts) and records the providers' hashes in a new one.
    if ! {
      terraform -chdir="$dir" init -input=false -no-color &&
        terraform -chdir="$dir" plan -input=false -no-color -lock-timeout=5m -out=tfplan
    } >"$dir/tfplan.log" 2>&1; then
      tail -n 40 "$dir/tfplan.log" >&2
      die "stack '$stack': terraform init or plan failed (the last lines above; all of them in $dir/tfplan.log)"
    fi
    terraform -chdir="$dir" show -no-color tfplan >"$dir/tfplan.txt"
    terraform -chdir="$dir" show -json tfplan >"$dir/tfplan.json"
    cat "$dir/tfplan.txt"
    status=0
    node scripts/plan-guard.js "$dir/tfplan.json" --stack "$stack" >"$dir/tfplan.guard.txt" 2>&1 || status=$?
    cat "$dir/tfplan.guard.txt"
    [ "$status" -eq 0 ] || exit "$status"
    (cd "$dir" && sha256sum tfplan >tfplan.guarded)
    ;;
  apply)
    [ -f "$dir/tfplan.guarded" ] || die "stack '$stack': no guarded plan in $dir; allowed: a plan file the guard passed; fix: bash scripts/stack-plan.sh plan $stack"
    (cd "$dir" && sha256sum --check --quiet tfplan.guarded) ||
      die "stack '$stack': $dir/tfplan is not the file the guard passed; fix: bash scripts/stack-plan.sh plan $stack"
    terraform -chdir="$dir" apply -input=false -no-color -lock-timeout=5m tfplan
    # A saved plan applies once: the next apply needs a new plan and a new guard.
    rm -f "$dir/tfplan.guarded"
    ;;
  *)
    die "got '$mode'; allowed: plan, apply; fix: bash scripts/stack-plan.sh plan <stack>" 2
    ;;
esac
