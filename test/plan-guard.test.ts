/**
 * scripts/plan-guard.js on realistic `terraform show -json` plans: it flags every plan that deletes or
 * replaces a resource whose loss cannot be undone, and no other; every resource type of the default
 * stacks is classified. The script runs in-process with a process of its own (arguments, environment,
 * standard input, output and exit code; a node start per case made this one of the slowest files), and
 * the last tests run it as CI does, as a child process, and expect the same output and exit codes.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IRREVERSIBLE_RESOURCE_TYPES, RECREATABLE_RESOURCE_TYPES } from '../policies/stateful';
import { synthDefaultStacks } from './stacks/default-stacks';

const ROOT = path.resolve(__dirname, '..');
const SCRIPT = path.join(ROOT, 'scripts', 'plan-guard.js');
const PLANS = path.join(__dirname, 'fixtures', 'plans');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface GuardOptions {
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** The guard as CI runs it: `node scripts/plan-guard.js args` in the repository root. */
function guardProcess(args: string[], options: GuardOptions = {}): Run {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, input: options.input, env: { ...process.env, WEBCLUSTER_CONFIG: '', ...options.env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The script as the body of a CommonJS module function (its `#!` line kept as a comment). */
const SCRIPT_MODULE = new Function('exports', 'require', 'module', '__filename', '__dirname', 'process', fs.readFileSync(SCRIPT, 'utf8').replace(/^#!/, '//')) as (...args: unknown[]) => void;

/**
 * The guard run in this process as its own main module, with a process of its own: `args` after the
 * script, the environment, `input` on standard input (fd 0), what it writes, its exit code (the jest
 * worker's cwd is the repository root, as for the child process).
 */
function guard(args: string[], options: GuardOptions = {}): Run {
  expect(process.cwd()).toBe(ROOT);
  let stdout = '';
  let stderr = '';
  const own = {
    argv: [process.execPath, SCRIPT, ...args],
    env: { ...process.env, WEBCLUSTER_CONFIG: '', ...options.env },
    exitCode: undefined as number | undefined,
    stdout: { write: (s: string): boolean => ((stdout += s), true) },
    stderr: { write: (s: string): boolean => ((stderr += s), true) },
  };
  const readFileSync = (file: fs.PathOrFileDescriptor, ...rest: unknown[]): unknown => (file === 0 ? (options.input ?? '') : (fs.readFileSync as (...a: unknown[]) => unknown)(file, ...rest));
  const module = { exports: {} };
  const load = Object.assign((name: string): unknown => (name === 'fs' ? { ...fs, readFileSync } : require(name)), { main: module });
  SCRIPT_MODULE(module.exports, load, module, SCRIPT, path.dirname(SCRIPT), own);
  return { status: own.exitCode ?? 0, stdout, stderr };
}

const plan = (name: string): string => path.join(PLANS, name);
const offenderLines = (r: Run): string[] => r.stderr.split('\n').filter((l) => / would be (deleted|replaced), losing /.test(l));

/** A plan in `terraform show -json` form with one change of `type`, written for stdin. */
function onePlan(type: string, actions: string[], before: Record<string, unknown>, actionReason?: string): string {
  return JSON.stringify({
    format_version: '1.2',
    terraform_version: '1.11.4',
    resource_changes: [
      {
        address: `${type}.Resource_0A1B2C3D`,
        mode: 'managed',
        type,
        name: 'Resource_0A1B2C3D',
        change: { actions, before, after: actions.includes('create') ? before : null, after_unknown: {}, replace_paths: actions.length > 1 ? [['name']] : undefined },
        action_reason: actionReason ?? (actions.length > 1 ? 'replace_because_cannot_update' : 'delete_because_no_resource_config'),
      },
    ],
  });
}

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

describe('deletes and replacements of protected resources fail, one line per offender, saying what is lost', () => {
  test('replace of the database cluster and its instance', () => {
    const r = guard([plan('replace-db-cluster.json')]);
    expect(r.status).toBe(1);
    expect(offenderLines(r)).toEqual([
      "plan-guard: aws_rds_cluster.Database_B269D8BB (aws_rds_cluster) would be replaced, losing the database's data (restore from a snapshot to a new cluster): " +
        'storage_encrypted cannot be changed in place; fix: revert that change, or migrate the data to a new resource first',
      'plan-guard: aws_rds_cluster_instance.Database_Writer_2C00925F (aws_rds_cluster_instance) would be replaced, losing a database instance ' +
        '(a replacement of the writer fails over and drops connections): cluster_identifier cannot be changed in place; fix: revert that change, or migrate the data to a new resource first',
    ]);
  });

  test('delete of a bucket whose construct was renamed names moveFromId', () => {
    const r = guard([plan('delete-bucket.json')]);
    expect(r.status).toBe(1);
    expect(offenderLines(r)).toEqual([
      expect.stringMatching(/^plan-guard: aws_s3_bucket\.Storage_Private_7A5C981A \(aws_s3_bucket\) would be deleted, losing every object in the bucket: it is no longer in the configuration .*moveFromId/),
    ]);
  });

  test('replace of a Docker data volume', () => {
    const r = guard([plan('replace-docker-volume.json')]);
    expect(r.status).toBe(1);
    expect(offenderLines(r)).toEqual([expect.stringMatching(/^plan-guard: docker_volume\.Database_DataVolume_349845D8 \(docker_volume\) would be replaced, losing the data in the volume: name /)]);
  });

  test('delete of the app secret (a renamed construct) names the recovery window and how to proceed; its successor being created passes', () => {
    const r = guard([plan('delete-app-secret.json')]);
    expect(r.status).toBe(1);
    expect(offenderLines(r)).toEqual([
      'plan-guard: aws_secretsmanager_secret.AppSecret (aws_secretsmanager_secret) would be deleted, losing the generated secret value (app secret, credentials or key file): ' +
        'the hosts generate a new one, which no longer matches sessions, encrypted data, database users or replica set members; deleting only schedules deletion: ' +
        'within the recovery window (30 days) aws secretsmanager restore-secret brings it back, but Terraform no longer manages it: ' +
        'it is no longer in the configuration (a renamed construct ID or a removed construct); fix: restore the construct ID, or keep the state with moveFromId()/moveTo() (see test/stable-addresses.test.ts)',
    ]);
    expect(r.stderr).toContain('plan-guard: 1 resource(s) would be lost for good; fix the change, or, when the loss is intended, back up what you need and run the guard with --allow-destroy after review');
  });

  test('a secret without a recovery window is said to go at once', () => {
    const r = guard(['-'], { input: onePlan('aws_secretsmanager_secret', ['delete', 'create'], { name: 'shop/key-file', recovery_window_in_days: 0 }) });
    expect(r.status).toBe(1);
    expect(offenderLines(r)).toEqual([expect.stringContaining('would be replaced, losing the generated secret value (app secret, credentials or key file): the hosts generate a new one, which no longer matches sessions, encrypted data, database users or replica set members; it is deleted at once (recovery window 0): name cannot be changed in place')]);
  });

  test('an SSM SecureString parameter is protected, a plain String parameter (rendered configuration) is not', () => {
    const secure = guard(['-'], { input: onePlan('aws_ssm_parameter', ['delete'], { name: '/shop/app-secret', type: 'SecureString' }) });
    expect(secure.status).toBe(1);
    expect(offenderLines(secure)).toEqual([expect.stringContaining('(aws_ssm_parameter) would be deleted, losing the secret value stored in the parameter: ')]);
    const plain = guard(['-'], { input: onePlan('aws_ssm_parameter', ['delete'], { name: '/webcluster/shop/log-agent-config', type: 'String' }) });
    expect(plain.status).toBe(0);
    expect(plain.stderr).toBe('');
  });

  test('a KMS key: what becomes unreadable and how to stop the deletion', () => {
    const r = guard(['-'], { input: onePlan('aws_kms_key', ['delete'], { key_id: '1234abcd-12ab-34cd-56ef-1234567890ab', deletion_window_in_days: 30 }) });
    expect(r.status).toBe(1);
    expect(offenderLines(r)).toEqual([expect.stringContaining('(aws_kms_key) would be deleted, losing the key: everything encrypted with it becomes unreadable once its deletion window ends (aws kms cancel-key-deletion stops it until then): ')]);
  });

  test('a log group loses its log events', () => {
    const r = guard(['-'], { input: onePlan('aws_cloudwatch_log_group', ['delete', 'create'], { name: '/aws/rds/cluster/shop-database/audit', retention_in_days: 365 }) });
    expect(r.status).toBe(1);
    expect(offenderLines(r)).toEqual([expect.stringContaining('(aws_cloudwatch_log_group) would be replaced, losing every log event in the group (audit, error, access and flow logs within their retention): ')]);
  });

  test('an Elastic IP loses its public address', () => {
    const r = guard(['-'], { input: onePlan('aws_eip', ['delete', 'create'], { domain: 'vpc', public_ip: '203.0.113.7' }) });
    expect(r.status).toBe(1);
    expect(offenderLines(r)).toEqual([expect.stringContaining('(aws_eip) would be replaced, losing the public address: a new one is assigned')]);
  });

  test.each([
    ['random_password', 'the generated password'],
    ['random_id', 'the generated id'],
    ['tls_private_key', 'the private key'],
    ['aws_ebs_snapshot', 'the snapshot, a backup'],
    ['aws_ebs_volume', 'the data on the volume (only what the last snapshot holds survives)'],
    ['aws_efs_file_system', 'every file on the file system'],
  ])('generated values, storage and backups: %s is protected', (type, lost) => {
    const r = guard(['-'], { input: onePlan(type, ['delete'], { id: 'x' }) });
    expect(r.status).toBe(1);
    expect(offenderLines(r)).toEqual([expect.stringContaining(`(${type}) would be deleted, losing ${lost}: `)]);
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
    expect(r.stdout).toContain('aws_s3_bucket.Storage_Private_7A5C981A (aws_s3_bucket) would be deleted, losing every object in the bucket: ');
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

describe('classification of resource types', () => {
  test('the protected types are the irreversible ones of policies/stateful.ts', () => {
    const script = require(SCRIPT) as { PROTECTED_TYPES: string[] }; // the script is CommonJS, not a module with types
    expect(script.PROTECTED_TYPES).toEqual([...IRREVERSIBLE_RESOURCE_TYPES]);
  });

  test('no type is both protected and recreatable', () => {
    const irreversible: readonly string[] = IRREVERSIBLE_RESOURCE_TYPES;
    expect(Object.keys(RECREATABLE_RESOURCE_TYPES).filter((t) => irreversible.includes(t))).toEqual([]);
  });

  test('every resource type of every default stack is classified as protected or recreatable (policies/stateful.ts)', () => {
    const irreversible: readonly string[] = IRREVERSIBLE_RESOURCE_TYPES;
    const stacks = [...synthDefaultStacks('aws'), ...synthDefaultStacks('docker')];
    expect(stacks.length).toBeGreaterThanOrEqual(7);
    const types = new Set(stacks.flatMap((s) => Object.keys(s.json.resource ?? {})));
    expect(types).toContain('aws_secretsmanager_secret');
    expect(types).toContain('docker_service');
    const unclassified = [...types].filter((t) => !irreversible.includes(t) && !(t in RECREATABLE_RESOURCE_TYPES)).sort();
    expect(unclassified).toEqual([]);
  });
});

describe('as CI runs it: a child process, with the same output and exit code as in-process', () => {
  test.each([
    ['a plan that passes', [plan('create-only.json')], {}],
    ['a plan that fails', [plan('replace-db-cluster.json')], {}],
    ['a plan on standard input', ['-'], { input: fs.readFileSync(plan('delete-bucket.json'), 'utf8') }],
    ['a usage error', ['--stack'], {}],
  ])('%s', (_name, args: string[], options: GuardOptions) => {
    const outside = guardProcess(args, options);
    expect(outside.stdout + outside.stderr).not.toBe('');
    expect(outside).toEqual(guard(args, options));
  });
});
