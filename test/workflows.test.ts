/**
 * The GitHub workflows (.github/workflows/) and the scripts they run: actionlint and shellcheck find
 * nothing; Terraform new enough for the S3 backend's use_lockfile; every action pinned by commit; the
 * stacks come from `npm run stacks`; pull requests get the plans in their comment; main applies the very
 * plan file the guard passed (scripts/stack-plan.sh, run here against a stand-in terraform).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { TERRAFORM_S3_LOCKFILE_MIN_VERSION } from '../stacks/terraform-settings';

const ROOT = path.resolve(__dirname, '..');
const WORKFLOWS = path.join(ROOT, '.github', 'workflows');

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly steps: Step[];
  readonly environment?: string;
  readonly permissions?: Record<string, string>;
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly jobs: Record<string, Job>;
}

const text = (name: string): string => fs.readFileSync(path.join(WORKFLOWS, name), 'utf8');
const read = (name: string): Workflow => parseYaml(text(name)) as Workflow;
const steps = (w: Workflow): Step[] => Object.values(w.jobs).flatMap((j) => j.steps);
const runs = (job: Job): string => job.steps.map((s) => s.run ?? '').join('\n');
const FILES = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));

function sh(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Numeric compare of dotted versions. */
function atLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

test('the workflows are pr.yml and deploy.yml', () => {
  expect(FILES.sort()).toEqual(['deploy.yml', 'pr.yml']);
});

test('actionlint (with shellcheck over every run: block) finds nothing: npm run lint:workflows', () => {
  // Needs shellcheck and Go (actionlint is built from the Go module proxy once); the script says which is missing.
  const r = sh('bash', ['scripts/lint-workflows.sh']);
  if (r.status !== 0) throw new Error(`npm run lint:workflows exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  expect(r.stderr).toMatch(/no findings in 2 workflow\(s\)/);
});

test('the scripts the workflows run pass shellcheck', () => {
  const r = sh('shellcheck', ['-x', 'scripts/stack-plan.sh', 'scripts/lint-workflows.sh']);
  if (r.status !== 0) throw new Error(`shellcheck exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
});

describe.each(FILES)('%s', (file) => {
  test('every action is pinned by a full commit SHA, with its tag in a comment', () => {
    const uses = steps(read(file)).flatMap((s) => (s.uses ? [s.uses] : []));
    expect(uses.length).toBeGreaterThan(0);
    for (const ref of uses) expect(ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    for (const line of text(file).split('\n').filter((l) => /^\s*-?\s*uses:/.test(l))) expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  test(`Terraform >= ${TERRAFORM_S3_LOCKFILE_MIN_VERSION} (the S3 backend's use_lockfile), without the wrapper`, () => {
    const setups = steps(read(file)).filter((s) => s.uses?.startsWith('hashicorp/setup-terraform@'));
    expect(setups).toHaveLength(1);
    const version = String(setups[0].with?.terraform_version);
    expect(version).toMatch(/^1\.\d+\.\d+$/);
    expect(atLeast(version, TERRAFORM_S3_LOCKFILE_MIN_VERSION)).toBe(true);
    expect(setups[0].with?.terraform_wrapper).toBe(false);
  });

  test('the stacks come from npm run stacks (AWS by default), planned and guarded by scripts/stack-plan.sh', () => {
    const w = read(file);
    const all = Object.values(w.jobs).map(runs).join('\n');
    expect(all).toContain('npm run --silent stacks -- --backend "$STACK_BACKENDS"');
    expect(all).not.toMatch(/manifest\.json|cdktf diff|cdktf deploy/);
    expect(all).toContain('bash scripts/stack-plan.sh plan "$stack"');
    const planStep = steps(w).find((s) => s.run?.includes('stack-plan.sh plan')) as Step & { env?: Record<string, string> };
    expect(planStep.env?.STACK_BACKENDS).toBe("${{ vars.STACK_BACKENDS || 'aws' }}");
  });

  test('checks first: npm ci, typecheck, test (the workflow lint among them), synth on Node 20', () => {
    const w = read(file);
    expect(runs(w.jobs.checks)).toMatch(/npm ci[\s\S]*npm run typecheck[\s\S]*npm test[\s\S]*npm run synth/);
    expect(w.jobs.checks.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version']).toBe(20);
  });

  test('every `npm run <script>` used exists in package.json', () => {
    const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const used = [...Object.values(read(file).jobs).map(runs).join('\n').matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const script of used) expect(scripts).toContain(script);
  });
});

test('pull requests: the plans go into the comment (scripts/plan-comment.js), posted even when a guard failed', () => {
  const pr = read('pr.yml');
  expect(Object.keys(pr.on)).toEqual(['pull_request']);
  expect(pr.jobs.plan.permissions).toEqual({ contents: 'read', 'id-token': 'write', 'pull-requests': 'write' });
  expect(runs(pr.jobs.plan)).toContain('node scripts/plan-comment.js "$GITHUB_SHA" "${stacks[@]}" > plan-comment.md');
  const comment = pr.jobs.plan.steps.find((s) => s.uses?.startsWith('actions/github-script@'));
  expect(comment?.if).toBe("always() && hashFiles('plan-comment.md') != ''");
  expect(String(comment?.with?.script)).toContain("fs.readFileSync('plan-comment.md', 'utf8')");
  expect(pr.jobs.plan.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))?.with?.['role-to-assume']).toBe('${{ secrets.AWS_PLAN_ROLE_ARN }}');
});

test('main: in the production environment, each stack planned, guarded, then that plan file applied', () => {
  const deploy = read('deploy.yml');
  expect(deploy.on).toEqual({ push: { branches: ['main'] } });
  expect(deploy.jobs.deploy.environment).toBe('production');
  expect(deploy.jobs.deploy.permissions?.['id-token']).toBe('write');
  const script = runs(deploy.jobs.deploy);
  expect(script).toMatch(/set -euo pipefail/);
  expect(script).toMatch(/for stack in "\$\{stacks\[@\]\}"; do\n\s+.*\n\s+bash scripts\/stack-plan\.sh plan "\$stack"\n\s+.*\n\s+bash scripts\/stack-plan\.sh apply "\$stack"\n\s*done/);
  expect(script).not.toMatch(/terraform (-chdir=\S+ )?apply|auto-approve/);
});

/**
 * scripts/stack-plan.sh against a stand-in `terraform` that writes a plan file (its content from
 * $FAKE_PLAN_ID), shows $FAKE_PLAN_JSON as its JSON, and records each apply with the SHA-256 of the
 * plan file it was given.
 */
describe('scripts/stack-plan.sh', () => {
  let tmp: string;
  let outdir: string;
  let bin: string;
  const stack = 'shopware-aws';
  const stackDir = (): string => path.join(outdir, 'stacks', stack);
  const applied = (): string => path.join(tmp, 'applied.log');
  const plans = path.join(__dirname, 'fixtures', 'plans');

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-stack-plan-'));
    outdir = path.join(tmp, 'cdktf.out');
    fs.mkdirSync(stackDir(), { recursive: true });
    fs.writeFileSync(path.join(stackDir(), 'cdk.tf.json'), '{}');
    bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    const fake = [
      '#!/usr/bin/env bash',
      'set -euo pipefail',
      'dir=${1#-chdir=}; shift',
      'case "$1" in',
      '  init) echo "Terraform has been successfully initialized!" ;;',
      '  plan) [ -z "${FAKE_PLAN_FAIL:-}" ] || { echo "Error: No valid credential sources found" >&2; exit 1; }',
      '        printf "%s" "$FAKE_PLAN_ID" > "$dir/tfplan"; echo "Saved the plan to: tfplan" ;;',
      '  show) [ "${*: -1}" = tfplan ] || exit 3',
      '        if [ "$2" = -json ]; then cat "$FAKE_PLAN_JSON"; else echo "Plan: 1 to add, 0 to change, 0 to destroy. ($(cat "$dir/tfplan"))"; fi ;;',
      '  apply) [ "${*: -1}" = tfplan ] || exit 3',
      '        echo "$(sha256sum < "$dir/tfplan" | cut -d" " -f1) $*" >> "$FAKE_APPLIED"; echo "Apply complete!" ;;',
      '  *) exit 3 ;;',
      'esac',
    ].join('\n');
    fs.writeFileSync(path.join(bin, 'terraform'), `${fake}\n`, { mode: 0o755 });
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function stackPlan(mode: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
    return sh('bash', ['scripts/stack-plan.sh', mode, stack], {
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        CDKTF_OUTDIR: outdir,
        WEBCLUSTER_CONFIG: '',
        FAKE_APPLIED: applied(),
        FAKE_PLAN_ID: 'plan-1',
        FAKE_PLAN_JSON: path.join(plans, 'create-only.json'),
        ...env,
      },
    });
  }
  const sha256 = (file: string): string => require('crypto').createHash('sha256').update(fs.readFileSync(file)).digest('hex');

  test('plan: the saved plan, its text and JSON, the guard output; apply: exactly that file, once', () => {
    const plan = stackPlan('plan');
    expect(plan.status).toBe(0);
    expect(plan.stdout).toContain('Plan: 1 to add, 0 to change, 0 to destroy. (plan-1)');
    for (const f of ['tfplan', 'tfplan.txt', 'tfplan.json', 'tfplan.guard.txt', 'tfplan.guarded', 'tfplan.log']) expect(fs.existsSync(path.join(stackDir(), f))).toBe(true);
    expect(fs.readFileSync(path.join(stackDir(), 'tfplan.guarded'), 'utf8')).toBe(`${sha256(path.join(stackDir(), 'tfplan'))}  tfplan\n`);
    expect(plan.stdout).toContain(fs.readFileSync(path.join(stackDir(), 'tfplan.guard.txt'), 'utf8'));

    const apply = stackPlan('apply');
    expect(apply.status).toBe(0);
    expect(fs.readFileSync(applied(), 'utf8')).toBe(`${sha256(path.join(stackDir(), 'tfplan'))} apply -input=false -no-color -lock-timeout=5m tfplan\n`);
    // Applied once: a second apply needs a new plan and guard.
    const again = stackPlan('apply');
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/error: stack 'shopware-aws': no guarded plan in .*; fix: bash scripts\/stack-plan\.sh plan shopware-aws/);
  });

  test('a plan that replaces a database: the guard fails, nothing is marked guarded, apply refuses', () => {
    const plan = stackPlan('plan', { FAKE_PLAN_JSON: path.join(plans, 'replace-db-cluster.json') });
    expect(plan.status).toBe(1);
    expect(plan.stdout).toMatch(/aws_rds_cluster\.\S+ \(aws_rds_cluster\) would be replaced/);
    expect(fs.existsSync(path.join(stackDir(), 'tfplan.guarded'))).toBe(false);
    const apply = stackPlan('apply');
    expect(apply.status).toBe(1);
    expect(fs.existsSync(applied())).toBe(false);
  });

  test('a plan file changed after the guard passed: apply refuses', () => {
    expect(stackPlan('plan').status).toBe(0);
    fs.writeFileSync(path.join(stackDir(), 'tfplan'), 'plan-2');
    const apply = stackPlan('apply');
    expect(apply.status).toBe(1);
    expect(apply.stderr).toMatch(/error: stack 'shopware-aws': .*tfplan is not the file the guard passed/);
    expect(fs.existsSync(applied())).toBe(false);
  });

  test('a new plan clears what the last one left: a failed plan leaves no guarded plan file to apply', () => {
    expect(stackPlan('plan').status).toBe(0);
    const failed = stackPlan('plan', { FAKE_PLAN_FAIL: '1' });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('Error: No valid credential sources found');
    expect(failed.stderr).toMatch(/error: stack 'shopware-aws': terraform init or plan failed/);
    expect(fs.existsSync(path.join(stackDir(), 'tfplan.guarded'))).toBe(false);
    expect(stackPlan('apply').status).toBe(1);
  });

  test('bad usage: one line, exit 2', () => {
    const r = sh('bash', ['scripts/stack-plan.sh', 'deploy', stack], { env: { CDKTF_OUTDIR: outdir } });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("[stack-plan] error: got 'deploy'; allowed: plan, apply; fix: bash scripts/stack-plan.sh plan <stack>\n");
    const missing = sh('bash', ['scripts/stack-plan.sh', 'plan', 'nope'], { env: { CDKTF_OUTDIR: outdir } });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/stack 'nope': .*cdk\.tf\.json does not exist; .*fix: run npm run synth first/);
  });
});
