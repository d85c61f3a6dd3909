/**
 * scripts/plan-guard.js, run as CI runs it (a child process) on realistic `terraform show -json`
 * plans: it flags every plan that deletes or replaces a stateful resource and no other.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { STATEFUL_RESOURCE_TYPES } from '../policies/stateful';

const ROOT = path.resolve(__dirname, '..');
const SCRIPT = path.join(ROOT, 'scripts', 'plan-guard.js');
const PLANS = path.join(__dirname, 'fixtures', 'plans');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function guard(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Run {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input,
    env: { ...process.env, WEBCLUSTER_CONFIG: '', ...options.env },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const plan = (name: string): string => path.join(PLANS, name);
const offenderLines = (r: Run): string[] => r.stderr.split('\n').filter((l) => / would be (deleted|replaced): /.test(l));

describe('plans without stateful deletes or replacements pass', () => {
  test.each(['create-only.json', 'update-in-place.json', 'replace-stateless-instance.json'])('%s', (name) => {
    const r = guard([plan(name)]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  test('the summary counts creates, updates, replaces and deletes by type (reads and no-ops left out)', () => {
    const r = guard([plan('replace-stateless-instance.json')]);
    const rows = r.stdout.split('\n').map((l) => l.trim().split(/\s+/));
    expect(rows).toEqual(
      expect.arrayContaining([
        ['aws_instance', '0', '0', '1', '0'],
        ['aws_launch_template', '0', '1', '0', '0'],
        ['aws_security_group', '0', '0', '1', '0'],
        ['total', '0', '1', '2', '0'],
      ]),
    );
    const created = guard([plan('create-only.json')]).stdout;
    expect(created).toMatch(/^\s+aws_s3_bucket\s+2\s+0\s+0\s+0$/m);
    expect(created).not.toContain('aws_elb_service_account');
  });
});

describe('stateful deletes and replacements fail, one line per offender', () => {
  test('replace of the database cluster and its instance', () => {
    const r = guard([plan('replace-db-cluster.json')]);
    expect(r.status).toBe(1);
    expect(offenderLines(r)).toEqual([
      'plan-guard: aws_rds_cluster.Database_B269D8BB (aws_rds_cluster) would be replaced: storage_encrypted cannot be changed in place; ' +
        'fix: revert that change, or migrate the data to a new resource first',
      'plan-guard: aws_rds_cluster_instance.Database_Writer_2C00925F (aws_rds_cluster_instance) would be replaced: cluster_identifier cannot be changed in place; ' +
        'fix: revert that change, or migrate the data to a new resource first',
    ]);
  });

  test('delete of a bucket whose construct was renamed names moveFromId', () => {
    const r = guard([plan('delete-bucket.json')]);
    expect(r.status).toBe(1);
    expect(offenderLines(r)).toEqual([
      expect.stringMatching(/^plan-guard: aws_s3_bucket\.Storage_Private_7A5C981A \(aws_s3_bucket\) would be deleted: it is no longer in the configuration .*moveFromId/),
    ]);
  });

  test('replace of a Docker data volume', () => {
    const r = guard([plan('replace-docker-volume.json')]);
    expect(r.status).toBe(1);
    expect(offenderLines(r)).toEqual([expect.stringMatching(/^plan-guard: docker_volume\.Database_DataVolume_349845D8 \(docker_volume\) would be replaced: name /)]);
  });

  test('the plan can come from stdin', () => {
    const r = guard(['-'], { input: fs.readFileSync(plan('replace-db-cluster.json'), 'utf8') });
    expect(r.status).toBe(1);
    expect(offenderLines(r)).toHaveLength(2);
  });
});

describe('allowing destroy', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-guard-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function config(allowDestroy: boolean): string {
    const file = path.join(tmp, 'webcluster.yaml');
    fs.writeFileSync(file, ['environments:', '  - name: shop-dev', '    backend: aws', `    allowDestroy: ${allowDestroy}`, '  - name: shop-prod', '    backend: aws', ''].join('\n'));
    return file;
  }

  test('--allow-destroy passes and still lists what would be lost', () => {
    const r = guard([plan('delete-bucket.json'), '--allow-destroy']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('aws_s3_bucket.Storage_Private_7A5C981A (aws_s3_bucket) would be deleted: ');
    expect(r.stdout).toContain('(allowed by --allow-destroy)');
  });

  test('--stack of an environment with allowDestroy: true passes', () => {
    const r = guard([plan('replace-db-cluster.json'), '--stack', 'shop-dev', '--config', config(true)]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('(allowed by allowDestroy of environment shop-dev)');
  });

  test('--stack of an environment without allowDestroy fails; WEBCLUSTER_CONFIG names the file', () => {
    const file = config(true);
    expect(guard([plan('replace-db-cluster.json'), '--stack', 'shop-prod'], { env: { WEBCLUSTER_CONFIG: file } }).status).toBe(1);
    expect(guard([plan('replace-db-cluster.json'), '--stack', 'shop-dev'], { env: { WEBCLUSTER_CONFIG: config(false) } }).status).toBe(1);
  });

  test('an unknown environment is a usage error', () => {
    const r = guard([plan('replace-db-cluster.json'), '--stack', 'shop-qa', '--config', config(true)]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("no environment named 'shop-qa'");
  });
});

describe('bad input', () => {
  test.each([
    [['--stack'], '--stack needs a value'],
    [[], 'no plan file given'],
    [['missing.json'], 'cannot read missing.json (ENOENT)'],
    [[path.join(ROOT, 'package.json')], 'not a plan in JSON format'],
  ])('%j', (args, message) => {
    const r = guard(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
  });

  test('text that is not JSON', () => {
    const r = guard(['-'], { input: 'Terraform will perform the following actions:' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('stdin is not JSON');
  });
});

test('the stateful types are the ones of policies/stateful.ts', () => {
  const script = require(SCRIPT) as { STATEFUL_TYPES: string[] }; // the script is CommonJS, not a module with types
  expect(script.STATEFUL_TYPES).toEqual([...STATEFUL_RESOURCE_TYPES]);
});
