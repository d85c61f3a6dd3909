/**
 * scripts/plan-comment.js: the pull request's comment holds each stack's guard summary and its plan
 * text in a collapsed block, within GitHub's comment limit however large the plans are.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SCRIPT = path.resolve(__dirname, '..', 'scripts', 'plan-comment.js');
// The script is plain CommonJS without types.
const { COMMENT_LIMIT, MARKER } = require(SCRIPT) as { COMMENT_LIMIT: number; MARKER: string };

let outdir: string;
beforeEach(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-plan-comment-'));
});
afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

/** Writes what scripts/stack-plan.sh leaves for one stack. */
function stack(name: string, files: { plan?: string; guard?: string; log?: string }): void {
  const dir = path.join(outdir, 'stacks', name);
  fs.mkdirSync(dir, { recursive: true });
  if (files.plan !== undefined) fs.writeFileSync(path.join(dir, 'tfplan.txt'), files.plan);
  if (files.guard !== undefined) fs.writeFileSync(path.join(dir, 'tfplan.guard.txt'), files.guard);
  if (files.log !== undefined) fs.writeFileSync(path.join(dir, 'tfplan.log'), files.log);
}

function comment(...stacks: string[]): { status: number | null; body: string; stderr: string } {
  const r = spawnSync(process.execPath, [SCRIPT, '0123456789abcdef', ...stacks], { env: { ...process.env, CDKTF_OUTDIR: outdir }, encoding: 'utf8' });
  return { status: r.status, body: r.stdout, stderr: r.stderr };
}

/** A plan text of `n` resource lines. */
const bigPlan = (n: number, tag: string): string =>
  `Terraform will perform the following actions:\n${Array.from({ length: n }, (_, i) => `  # aws_ssm_parameter.${tag}_${i} will be created`).join('\n')}\nPlan: ${n} to add, 0 to change, 0 to destroy.\n`;

test('per stack: the guard summary, then the whole plan in a collapsed block', () => {
  stack('shop-aws', { plan: 'Plan: 2 to add, 0 to change, 0 to destroy.\n', guard: 'plan-guard: tfplan.json (terraform 1.11.4)\n  total  2  0  0  0\n' });
  const { status, body } = comment('shop-aws');
  expect(status).toBe(0);
  expect(body).toBe(
    [
      MARKER,
      '### Terraform plan of 0123456',
      '',
      '#### shop-aws',
      '```',
      'plan-guard: tfplan.json (terraform 1.11.4)',
      '  total  2  0  0  0',
      '```',
      '<details><summary>Plan of shop-aws (1 line)</summary>',
      '',
      '```text',
      'Plan: 2 to add, 0 to change, 0 to destroy.',
      '```',
      '</details>',
      '',
    ].join('\n'),
  );
});

test('plans larger than the limit: each cut at a line end with a note, the comment within the limit, every block closed', () => {
  stack('a', { plan: bigPlan(3000, 'a'), guard: 'guard a\n' });
  stack('b', { plan: bigPlan(50, 'b'), guard: 'guard b\n' });
  stack('c', { plan: bigPlan(6000, 'c'), guard: 'plan-guard: aws_rds_cluster.Db (aws_rds_cluster) would be replaced\n' });
  const { status, body } = comment('a', 'b', 'c');
  expect(status).toBe(0);
  expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
  expect(body.length).toBeGreaterThan(COMMENT_LIMIT - 1000); // the room is used, not wasted
  expect(body.match(/<details>/g)).toHaveLength(3);
  expect(body.match(/<\/details>/g)).toHaveLength(3);
  // The small plan whole; the large ones cut, saying how much is shown.
  expect(body).toContain(bigPlan(50, 'b'));
  expect(body).toMatch(/\n… truncated: \d+ of 3002 lines shown \(the comment limit\); the whole plan is in the log of the job's plan step\n```\n<\/details>/);
  expect(body).toMatch(/\n… truncated: \d+ of 6002 lines shown/);
  // Every guard summary is there in full, the failing one too.
  expect(body).toContain('plan-guard: aws_rds_cluster.Db (aws_rds_cluster) would be replaced\n');
  // Cut at line ends: every shown resource line is whole.
  const lines = body.split('\n').filter((l) => l.startsWith('  # aws_ssm_parameter.'));
  for (const l of lines) expect(l).toMatch(/ will be created$/);
});

test('a plan with a code fence in it cannot close the block early', () => {
  stack('s', { plan: '  + user_data = <<-EOT\n      ```\n      ````\n    EOT\n', guard: 'ok\n' });
  const { body } = comment('s');
  expect(body).toContain('`````text\n  + user_data');
  expect(body).toContain('    EOT\n`````\n</details>');
});

test('a stack whose init or plan failed: the last 30 lines of its log; a stack never reached says so', () => {
  stack('broken', { log: `${Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n')}\nError: No valid credential sources found\n` });
  const { body } = comment('broken', 'later');
  expect(body).toContain('#### broken\nterraform init or plan failed; the last lines of its output:\n```\nline 21\n');
  expect(body).toContain('line 49\nError: No valid credential sources found\n```\n');
  expect(body).not.toContain('line 20\n');
  expect(body).toContain('#### later\nnot planned (the plan step stopped before this stack)\n');
});

test('no stack given: one line, exit 2', () => {
  const r = spawnSync(process.execPath, [SCRIPT, 'abc'], { encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(r.stderr).toBe('error: plan-comment: got no commit or no stack; fix: node scripts/plan-comment.js <commit> <stack>...\n');
});
