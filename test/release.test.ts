/**
 * `npm run release`: the calls it makes to the aws CLI (a fake, test/fixtures/fake-aws, that records
 * each call and answers with canned JSON), in order, with the progress it prints, and the stop at the
 * first failure, one test per failure mode. The fakes run in-process (a node start per call made this
 * file the slowest of the suite); the last tests run the same releases through real processes with
 * the fakes on PATH and expect the same calls, output and exit codes.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { runRelease } from '../release';
import { asyncProcessRunner, type AsyncCommandRunner, type CommandResult, type CommandRunner, processRunner } from '../release/commands';

/** The fakes of test/fixtures/fake-aws as functions. */
const fake = require('./fixtures/fake-aws/fake') as {
  aws(args: string[], stdin: string | undefined, env: NodeJS.ProcessEnv): CommandResult;
  terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv): CommandResult;
};
const FAKES = path.join(__dirname, 'fixtures', 'fake-aws');
const NOW = new Date('2026-11-26T12:00:00.000Z');
const BUCKET = 's3://shopware-aws-private-20261120093000000000000002/releases';
const ADMIN = 'i-0123456789abcdef0';
const GROUP = 'shopware-aws-appservers-20261120093000000000000001';
const REGION = ['--region', 'eu-central-1'];

/** The artifact's bytes, the same in every test (compressed once: 27 gzips of 3 MiB took ~0.2 s). */
const ARTIFACT_BYTES = zlib.gzipSync(Buffer.alloc(3 * 1048576, 'a'));
/** The release id: UTC time stamp and the start of the artifact's SHA-256. */
const id = `20261126T120000Z-${crypto.createHash('sha256').update(ARTIFACT_BYTES).digest('hex').slice(0, 12)}`;

let dir: string;
let artifact: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-release-'));
  for (const stack of ['shopware-aws', 'steedos-aws', 'split-shop-data', 'split-shop-app']) fs.mkdirSync(path.join(dir, 'out', 'stacks', stack), { recursive: true });
  artifact = path.join(dir, 'build.tar.gz');
  fs.writeFileSync(artifact, ARTIFACT_BYTES);
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Call {
  readonly args?: string[];
  readonly stdin?: string;
  readonly terraform?: string[];
  readonly stack?: string;
}

/** Runs the fakes in this process, as the process runners would run them from PATH. */
function inProcess(env: NodeJS.ProcessEnv): { run: CommandRunner; runAsync: AsyncCommandRunner } {
  const run: CommandRunner = (command, args, input, cwd) => {
    if (command === 'aws') return fake.aws([...args], input ?? '', env);
    if (command === 'terraform') return fake.terraform([...args], cwd ?? process.cwd(), env);
    return { status: 127, stdout: '', stderr: `${command}: not found on PATH` };
  };
  return { run, runAsync: async (command, args, cwd, _quiet, input) => run(command, args, input, cwd) };
}

/** A release with the fakes in-process, or as `processes` found on PATH (the real runners). */
async function release(argv: string[], fakeEnv: Record<string, string> = {}, processes = false): Promise<{ code: number; out: string[]; err: string[]; calls: Call[] }> {
  const log = path.join(dir, 'calls.jsonl');
  const env = { ...process.env, PATH: `${FAKES}:${process.env.PATH}`, FAKE_AWS_LOG: log, CDKTF_OUTDIR: path.join(dir, 'out'), WEBCLUSTER_RELEASE_POLL_SECONDS: '0', ...fakeEnv };
  const out: string[] = [];
  const err: string[] = [];
  const runners = processes ? { run: processRunner(env), runAsync: asyncProcessRunner(env, (l) => out.push(`      ${l}`)) } : inProcess(env);
  const code = await runRelease(argv, { env, ...runners, out: (l) => out.push(l), err: (l) => err.push(l), now: () => NOW, sleep: async () => undefined });
  const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Call) : [];
  return { code, out, err, calls };
}

/** The aws calls as short strings: service, operation and the argument that tells them apart. */
function summary(calls: Call[]): string[] {
  return calls.map((c) => {
    if (c.terraform) return `terraform ${c.terraform.join(' ')} (${c.stack})`;
    const a = c.args ?? [];
    const opt = (name: string): string => a[a.indexOf(name) + 1];
    if (a[0] === 's3') return `s3 cp ${a.slice(2).filter((x) => !x.startsWith('--') && x !== 'eu-central-1').join(' ')}${c.stdin !== undefined ? ` <<< ${c.stdin.trim()}` : ''}`;
    if (a[1] === 'send-command') return `ssm send-command ${(JSON.parse(opt('--parameters')) as { commands: string[] }).commands.join(';')}`;
    if (a[1] === 'get-command-invocation') return `ssm get-command-invocation ${opt('--command-id')}`;
    if (a[1] === 'head-object') return `s3api head-object ${opt('--key')}`;
    return `${a[0]} ${a[1]}`;
  });
}

const MIGRATE_POLLS = Array(3).fill('ssm get-command-invocation c0ffee00-0000-4000-8000-000000000001');
const SCHEDULER_POLLS = Array(3).fill('ssm get-command-invocation c0ffee00-0000-4000-8000-000000000002');
const REFRESH_POLLS = Array(4).fill('autoscaling describe-instance-refreshes');

describe('npm run release (AWS)', () => {
  test('first release: outputs, upload, migrations on the admin host, current, app group refresh, scheduler, in that order', async () => {
    const { code, out, err, calls } = await release(['shopware-aws', artifact]);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(summary(calls)).toEqual([
      'terraform output -json (shopware-aws)',
      `s3 cp ${BUCKET}/current -`,
      `s3 cp ${artifact} ${BUCKET}/${id}.tar.gz`,
      `ssm send-command /usr/local/sbin/webcluster-release migrate ${id}`,
      ...MIGRATE_POLLS,
      `s3 cp - ${BUCKET}/current <<< ${id}`,
      'autoscaling start-instance-refresh',
      ...REFRESH_POLLS,
      'ssm send-command /usr/local/sbin/webcluster-release scheduler',
      ...SCHEDULER_POLLS,
    ]);
    expect(out).toEqual([
      `release shopware-aws: ${id} from build.tar.gz (0.0 MiB); live now: none (first release)`,
      `[1/5] upload ${BUCKET}/${id}.tar.gz`,
      `[2/5] migrations on the admin host ${ADMIN} (scheduler stopped, release ${id} installed, setup run once)`,
      '      ssm command c0ffee00-0000-4000-8000-000000000001',
      '      Pending',
      '      InProgress',
      '      Success',
      '      | 2026-11-26T12:00:03Z webcluster-release: scheduler stopped',
      '      | 2026-11-26T12:00:05Z webcluster-release: installed release in /var/www/app',
      '      | 2026-11-26T12:00:41Z webcluster-release: setup done',
      `[3/5] releases/current -> ${id}`,
      `[4/5] app group ${GROUP}: instance refresh (web servers and their queue workers; new hosts before old ones go)`,
      '      instance refresh 5d1e7a3c-0000-4000-8000-000000000001',
      '      Pending 0%, 2 host(s) to replace',
      '      InProgress 0%, 2 host(s) to replace',
      '      InProgress 50%, 1 host(s) to replace',
      '      Successful 100%, 0 host(s) to replace',
      `[5/5] scheduler on the admin host ${ADMIN}`,
      '      ssm command c0ffee00-0000-4000-8000-000000000002',
      '      Pending',
      '      InProgress',
      '      Success',
      '      | 2026-11-26T12:31:02Z webcluster-release: scheduler started',
      `released ${id} to shopware-aws in 0 s; roll back with: npm run release -- shopware-aws --rollback`,
    ]);
  });

  test('the aws calls carry the region, the admin host, the group and launch-before-terminate preferences', async () => {
    const { calls } = await release(['shopware-aws', artifact]);
    for (const c of calls.filter((x) => x.args)) expect((c.args ?? []).join(' ')).toContain(REGION.join(' '));
    const send = calls.find((c) => c.args?.[1] === 'send-command')?.args ?? [];
    expect(send).toEqual(expect.arrayContaining(['--instance-ids', ADMIN, '--document-name', 'AWS-RunShellScript']));
    expect(JSON.parse(send[send.indexOf('--parameters') + 1])).toEqual({ commands: [`/usr/local/sbin/webcluster-release migrate ${id}`], executionTimeout: ['3600'] });
    const refresh = calls.find((c) => c.args?.[1] === 'start-instance-refresh')?.args ?? [];
    expect(refresh).toEqual(expect.arrayContaining(['--auto-scaling-group-name', GROUP, '--strategy', 'Rolling']));
    expect(JSON.parse(refresh[refresh.indexOf('--preferences') + 1])).toEqual({ MinHealthyPercentage: 100, MaxHealthyPercentage: 200, SkipMatching: false });
  });

  test('a later release keeps the live one as releases/previous before moving current', async () => {
    const { code, out, calls } = await release(['shopware-aws', artifact], { FAKE_AWS_CURRENT: '20261120T080000Z-aaaaaaaaaaaa' });
    expect(code).toBe(0);
    const s = summary(calls);
    expect(s.slice(s.indexOf(`s3 cp - ${BUCKET}/previous <<< 20261120T080000Z-aaaaaaaaaaaa`), s.indexOf('autoscaling start-instance-refresh'))).toEqual([
      `s3 cp - ${BUCKET}/previous <<< 20261120T080000Z-aaaaaaaaaaaa`,
      `s3 cp - ${BUCKET}/current <<< ${id}`,
    ]);
    expect(out[0]).toBe(`release shopware-aws: ${id} from build.tar.gz (0.0 MiB); live now: 20261120T080000Z-aaaaaaaaaaaa`);
    expect(out).toContain(`[3/5] releases/current -> ${id} (previous: 20261120T080000Z-aaaaaaaaaaaa)`);
  });

  test('--rollback re-releases releases/previous: no upload, the same four steps after it', async () => {
    const previous = '20261120T080000Z-aaaaaaaaaaaa';
    const { code, out, calls } = await release(['shopware-aws', '--rollback'], { FAKE_AWS_CURRENT: id, FAKE_AWS_PREVIOUS: previous });
    expect(code).toBe(0);
    expect(summary(calls)).toEqual([
      'terraform output -json (shopware-aws)',
      `s3 cp ${BUCKET}/current -`,
      `s3 cp ${BUCKET}/previous -`,
      `s3api head-object releases/${previous}.tar.gz`,
      `ssm send-command /usr/local/sbin/webcluster-release migrate ${previous}`,
      ...MIGRATE_POLLS,
      `s3 cp - ${BUCKET}/previous <<< ${id}`,
      `s3 cp - ${BUCKET}/current <<< ${previous}`,
      'autoscaling start-instance-refresh',
      ...REFRESH_POLLS,
      'ssm send-command /usr/local/sbin/webcluster-release scheduler',
      ...SCHEDULER_POLLS,
    ]);
    expect(out[0]).toBe(`release shopware-aws: roll back to ${previous}; live now: ${id}`);
    expect(out.filter((l) => /^\[\d\/\d\]/.test(l)).map((l) => l.slice(0, 5))).toEqual(['[1/4]', '[2/4]', '[3/4]', '[4/4]']);
  });

  test('--to <id> re-releases a kept release', async () => {
    const { code, calls } = await release(['shopware-aws', '--to', '20261101T080000Z-bbbbbbbbbbbb']);
    expect(code).toBe(0);
    expect(summary(calls)).toContain('ssm send-command /usr/local/sbin/webcluster-release migrate 20261101T080000Z-bbbbbbbbbbbb');
  });

  test('split: the bucket from <env>-data, the hosts from <env>-app', async () => {
    const config = path.join(dir, 'split.yaml');
    const text = fs.readFileSync('webcluster.yaml', 'utf8');
    fs.writeFileSync(config, text.replace('name: shopware-aws', 'name: split-shop\n    split: true'));
    process.env.WEBCLUSTER_CONFIG = config;
    try {
      const { code, calls } = await release(['split-shop', artifact]);
      expect(code).toBe(0);
      expect(summary(calls).slice(0, 2)).toEqual(['terraform output -json (split-shop-data)', 'terraform output -json (split-shop-app)']);
    } finally {
      delete process.env.WEBCLUSTER_CONFIG;
    }
  });
});

describe('npm run release stops at the first failure with one line', () => {
  /** Runs a release whose step `fail` fails; checks the single error line and the last call made. */
  async function failing(fail: string, argv: string[] = ['shopware-aws', artifact], extra: Record<string, string> = {}) {
    const r = await release(argv, { FAKE_AWS_FAIL: fail, ...extra });
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^error: release: .*; fix: /);
    return { ...r, s: summary(r.calls) };
  }

  test('upload: nothing else happens', async () => {
    const { err, s } = await failing('upload');
    expect(s.at(-1)).toBe(`s3 cp ${artifact} ${BUCKET}/${id}.tar.gz`);
    expect(err[0]).toContain('upload of');
    expect(err[0]).toContain('AccessDenied');
    expect(err[0]).toContain('nothing changed');
  });

  test('SSM refuses the command: no pointer moved, no refresh', async () => {
    const { err, s } = await failing('send-command');
    expect(s.at(-1)).toBe(`ssm send-command /usr/local/sbin/webcluster-release migrate ${id}`);
    expect(err[0]).toContain('SSM did not take the command');
    expect(err[0]).toContain('InvalidInstanceId');
  });

  test('migrations: the host output is shown, current stays, the app group is not touched', async () => {
    const { err, out, s } = await failing('migrate', ['shopware-aws', artifact], { FAKE_AWS_CURRENT: '20261120T080000Z-aaaaaaaaaaaa' });
    expect(s.at(-1)).toBe('ssm get-command-invocation c0ffee00-0000-4000-8000-000000000001');
    expect(s.some((c) => c.includes(`${BUCKET}/current <<<`) || c.startsWith('autoscaling'))).toBe(false);
    expect(out).toContain("      !   SQLSTATE[42S01]: Base table or view already exists: 1050 Table 'cart' already exists");
    expect(err[0]).toBe(
      `error: release: migrations of ${id} failed on the admin host ${ADMIN}: Failed (failed to run commands: exit status 1); the app group still runs 20261120T080000Z-aaaaaaaaaaaa, releases/current is unchanged, the scheduler is stopped; fix: correct the release and run npm run release again, or put 20261120T080000Z-aaaaaaaaaaaa back with npm run release -- shopware-aws --to 20261120T080000Z-aaaaaaaaaaaa`,
    );
  });

  test('writing releases/current: no refresh', async () => {
    const { err, s } = await failing('pointer');
    expect(s.at(-1)).toBe(`s3 cp - ${BUCKET}/current <<< ${id}`);
    expect(err[0]).toContain(`writing ${BUCKET}/current failed`);
  });

  test('a refresh already running: the release does not start another one', async () => {
    const { err, s } = await failing('refresh-start');
    expect(s.at(-1)).toBe('autoscaling start-instance-refresh');
    expect(err[0]).toContain('InstanceRefreshInProgress');
    expect(err[0]).toContain(`fix: wait for the running refresh (aws autoscaling describe-instance-refreshes --auto-scaling-group-name ${GROUP}) or cancel it, then run npm run release -- shopware-aws --to ${id}`);
  });

  test('a failed refresh: the scheduler is not started', async () => {
    const { err, s } = await failing('refresh');
    expect(s.at(-1)).toBe('autoscaling describe-instance-refreshes');
    expect(s.some((c) => c.endsWith('scheduler'))).toBe(false);
    expect(err[0]).toContain('ended Failed (Instance i-0aa11bb22cc33dd44 failed to pass the load balancer health checks.)');
    expect(err[0]).toContain('the scheduler is stopped');
  });

  test('the scheduler does not start', async () => {
    const { err, s } = await failing('scheduler');
    expect(s.at(-1)).toBe('ssm get-command-invocation c0ffee00-0000-4000-8000-000000000002');
    expect(err[0]).toContain(`starting the scheduler failed on the admin host ${ADMIN}`);
    expect(err[0]).toContain(`${id} is live on every host`);
  });

  test('--to a release the bucket does not keep: nothing runs', async () => {
    const { err, s } = await failing('head-object', ['shopware-aws', '--to', '20261101T080000Z-cccccccccccc']);
    expect(s.at(-1)).toBe('s3api head-object releases/20261101T080000Z-cccccccccccc.tar.gz');
    expect(err[0]).toContain('release 20261101T080000Z-cccccccccccc is not kept');
  });

  test('--rollback without a previous release', async () => {
    const { err, s } = await failing('', ['shopware-aws', '--rollback'], { FAKE_AWS_CURRENT: id });
    expect(s.at(-1)).toBe(`s3 cp ${BUCKET}/previous -`);
    expect(err[0]).toContain('releases/previous does not exist');
  });

  test('the stack was never deployed from here: terraform output fails, no aws call', async () => {
    const { err, calls } = await failing('', ['shopware-aws', artifact], { FAKE_TF_FAIL: '1' });
    expect(calls.every((c) => c.terraform)).toBe(true);
    expect(err[0]).toContain('cannot read the outputs of stack shopware-aws');
    expect(err[0]).toContain('terraform init');
  });

  test('a stack deployed before releases existed: the missing output is named', async () => {
    const { err, calls } = await failing('', ['shopware-aws', artifact], { FAKE_TF_OLD: '1' });
    expect(calls.every((c) => c.terraform)).toBe(true);
    expect(err[0]).toBe('error: release: the outputs of shopware-aws lack release_bucket; fix: deploy this version of the stacks first (cdktf deploy shopware-aws)');
  });
});

describe('npm run release refuses bad arguments before any call (exit 2)', () => {
  test.each([
    [[], "error: release: got no environment; allowed: one environment of webcluster.yaml: shopware-aws, shopware-docker, shopware-swarm, steedos-aws, steedos-docker, ezplatform-aws, ezplatform-docker; fix: npm run release -- <environment> <artifact.tar.gz> | <environment> --rollback | <environment> --to <release id>"],
    [['nope'], "error: release: got 'nope'; allowed: one environment of webcluster.yaml"],
    [['shopware-docker', 'x.tar.gz'], "error: release: got 'x.tar.gz' after shopware-docker; allowed: nothing: on Docker a release is the image in images.app of webcluster.yaml; fix: set images.app to the new tag, npm run synth, then npm run release -- shopware-docker"],
    [['shopware-aws'], 'error: release: got nothing after the environment; allowed: an artifact, --rollback or --to <release id>'],
    [['shopware-aws', '/nonexistent/build.tar.gz'], "error: release: artifact: got '/nonexistent/build.tar.gz' (no such file)"],
    [['shopware-aws', 'package.json'], "error: release: artifact: got 'package.json' (not a gzip file)"],
    [['shopware-aws', '--to'], "error: release: got '--to' after the environment"],
  ])('%j', async (argv, line) => {
    const { code, err, calls } = await release(argv as string[]);
    expect(code).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0].startsWith(line)).toBe(true);
    expect(calls).toEqual([]);
  });
});

describe('npm run release through real processes (the fakes on PATH, the runners of npm run release)', () => {
  /** Forgets the calls of the run before (the log and the fakes' counters beside it). */
  const forget = (): void => {
    for (const f of fs.readdirSync(dir).filter((x) => x.startsWith('calls.jsonl'))) fs.rmSync(path.join(dir, f));
  };

  test.each([
    // Every service, standard input (releases/current) and the folder terraform runs in.
    ['a first release', {}],
    // An exit status and standard error of aws, and of terraform.
    ['a failed upload', { FAKE_AWS_FAIL: 'upload' }],
    ['terraform output failing', { FAKE_TF_FAIL: '1' }],
  ])('%s: the same calls, output and exit code as in-process', async (_name, fakeEnv: Record<string, string>) => {
    const argv = ['shopware-aws', artifact];
    const inside = await release(argv, fakeEnv);
    forget();
    const outside = await release(argv, fakeEnv, true);
    expect(outside.calls.length).toBeGreaterThan(0);
    expect(outside).toEqual(inside);
  });
});
