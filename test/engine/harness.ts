/**
 * Harness of the real-engine tests: runs Terraform and Docker for a test configuration, and sends
 * bounded request loops to the load balancer on 127.0.0.1. `scripts/engine/run.sh` (npm run
 * test:engine) prepares what it needs and passes it in the environment:
 *
 *   DOCKER_HOST            the engine the tests apply to (started by scripts/engine/dockerd.sh)
 *   WEBCLUSTER_TERRAFORM   the Terraform (or OpenTofu) binary
 *   TF_CLI_CONFIG_FILE     the provider mirror's CLI configuration (scripts/engine/providers.sh)
 */
import { spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';

export const REPO = path.resolve(__dirname, '../..');

/** What the run script passes in; fails loudly when a test is run without it. */
export function engineEnvironment(): { dockerHost: string; terraform: string } {
  const dockerHost = process.env.DOCKER_HOST;
  const terraform = process.env.WEBCLUSTER_TERRAFORM;
  if (!dockerHost || !terraform) {
    throw new Error('DOCKER_HOST and WEBCLUSTER_TERRAFORM are not set: run the real-engine tests with `npm run test:engine` (scripts/engine/run.sh)');
  }
  return { dockerHost, terraform };
}

/** The result of a finished command. */
export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (bounded by `timeoutSec`); throws with its output unless `allowFailure`. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutSec?: number; allowFailure?: boolean; input?: string } = {},
): RunResult {
  const result = spawnSync(command, [...args], {
    cwd: options.cwd,
    env: { ...process.env, ...(options.env ?? {}) },
    timeout: (options.timeoutSec ?? 120) * 1000,
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf8',
    input: options.input,
  });
  const out = { status: result.status ?? -1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (out.status !== 0 && !options.allowFailure) {
    const tail = (s: string): string => s.split('\n').slice(-40).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited ${out.status}\n${tail(out.stdout)}\n${tail(out.stderr)}`);
  }
  return out;
}

/** Runs a command without blocking the event loop (request loops go on meanwhile); rejects on failure. */
export function runInBackground(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutSec?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd: options.cwd, env: { ...process.env, ...(options.env ?? {}) } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), (options.timeoutSec ?? 300) * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output.trim());
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${output.split('\n').slice(-40).join('\n')}`));
    });
  });
}

/**
 * A second release of an image on the test engine: `base` with one more label (so its id differs),
 * tagged `tag`, as a team's next build would be; returns the new image's id.
 */
export function buildNextRelease(base: string, tag: string): string {
  run('docker', ['build', '-q', '-t', tag, '-'], { input: `FROM ${base}\nLABEL webcluster.test-release=${tag}\n`, timeoutSec: 120 });
  return docker(['image', 'inspect', '--format', '{{.Id}}', tag]);
}

/** `docker <args>` on the test engine; its trimmed standard output. */
export function docker(args: readonly string[], timeoutSec = 120): string {
  return run('docker', args, { timeoutSec }).stdout.trim();
}

/** Names of the containers of a cluster (label webcluster.cluster), optionally of one role. */
export function containersOf(cluster: string, options: { role?: string; all?: boolean } = {}): string[] {
  const filters = ['--filter', `label=webcluster.cluster=${cluster}`, ...(options.role ? ['--filter', `label=webcluster.role=${options.role}`] : [])];
  return docker(['ps', ...(options.all ? ['-a'] : []), ...filters, '--format', '{{.Names}}']).split('\n').filter(Boolean).sort();
}

/**
 * Removes what an interrupted earlier run left of a cluster on the test engine (containers, Swarm
 * services, configs and secrets, networks, volumes with its label); returns what it removed.
 */
export function removeLeftovers(cluster: string): string[] {
  const label = `label=webcluster.cluster=${cluster}`;
  const list = (args: string[]): string[] => docker(args).split('\n').filter(Boolean);
  const removed: string[] = [];
  const swarm = docker(['info', '--format', '{{.Swarm.LocalNodeState}}']) === 'active';
  // Services first (their tasks would be replaced), volumes last (containers hold them).
  const kinds: [string, string[], string[]][] = [
    ...(swarm ? ([['service', ['service', 'ls', '-q', '--filter', label], ['service', 'rm']]] as [string, string[], string[]][]) : []),
    ['container', ['ps', '-aq', '--filter', label], ['rm', '-f']],
    ...(swarm
      ? ([
          // Swarm configs and secrets carry no labels: found by their name prefix.
          ['config', ['config', 'ls', '-q', '--filter', `name=${cluster}`], ['config', 'rm']],
          ['secret', ['secret', 'ls', '-q', '--filter', `name=${cluster}`], ['secret', 'rm']],
        ] as [string, string[], string[]][])
      : []),
    ['network', ['network', 'ls', '-q', '--filter', label], ['network', 'rm']],
    ['volume', ['volume', 'ls', '-q', '--filter', label], ['volume', 'rm', '-f']],
  ];
  for (const [kind, ls, rm] of kinds) {
    const ids = list(ls);
    if (ids.length > 0) {
      docker([...rm, ...ids]);
      removed.push(`${ids.length} ${kind}(s)`);
    }
  }
  return removed;
}

/** What is left of a cluster on the engine (label webcluster.cluster): containers, networks, volumes. */
export function remaining(cluster: string): { containers: string[]; networks: string[]; volumes: string[] } {
  const names = (kind: string): string[] => docker([kind, 'ls', '--filter', `label=webcluster.cluster=${cluster}`, '--format', '{{.Name}}']).split('\n').filter(Boolean);
  return { containers: containersOf(cluster, { all: true }), networks: names('network'), volumes: names('volume') };
}

/** One field of `docker inspect`, as a Go template. */
export function inspect(name: string, template: string): string {
  return docker(['inspect', '--format', template, name]);
}

/** {@link inspect} without blocking the event loop, for polling while a request loop runs. */
export function inspectInBackground(name: string, template: string): Promise<string> {
  return runInBackground('docker', ['inspect', '--format', template, name], { timeoutSec: 60 });
}

/** Waits until `check` returns true, polling every second; throws after `timeoutSec`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutSec: number): Promise<void> {
  const deadline = Date.now() + timeoutSec * 1000;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutSec} s waiting for ${what}`);
    await sleep(1000);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * One environment of a test configuration, synthesized by the bundled app into its own folder and
 * driven with Terraform there. Its secrets are random values given as `TF_VAR_*`, made once.
 */
export class TestDeployment {
  public readonly workdir: string;
  private readonly variables = new Map<string, string>();

  constructor(public readonly name: string) {
    this.workdir = fs.mkdtempSync(path.join(os.tmpdir(), `webcluster-${name}-`));
  }

  /** Folder of the synthesized stack. */
  public get stackDir(): string {
    return path.join(this.workdir, 'cdktf.out', 'stacks', this.name);
  }

  /** The synthesized Terraform JSON. */
  public get json(): { resource: Record<string, Record<string, Record<string, unknown>>>; variable?: Record<string, unknown> } {
    return JSON.parse(fs.readFileSync(path.join(this.stackDir, 'cdk.tf.json'), 'utf8'));
  }

  /**
   * Writes the configuration of this one environment, synthesizes it (dist/ must be built) and
   * initialises Terraform there (the synth replaces the stack folder, .terraform/ included).
   */
  public synth(environment: Record<string, unknown>): void {
    const config = path.join(this.workdir, 'webcluster.yaml');
    fs.writeFileSync(config, stringify({ environments: [environment] }));
    run('node', [path.join(REPO, 'dist', 'main.js')], {
      cwd: this.workdir,
      env: { WEBCLUSTER_CONFIG: config, CDKTF_OUTDIR: this.outdir },
      timeoutSec: 120,
    });
    this.prepare();
  }

  /** Output folder of the synthesized stacks. */
  public get outdir(): string {
    return path.join(this.workdir, 'cdktf.out');
  }

  /** Synthesizes a stack built in code (`build` writes into {@link outdir}), then as {@link synth}. */
  public synthWith(build: (outdir: string) => void): void {
    build(this.outdir);
    this.prepare();
  }

  /** Random values for the stack's variables (kept across synths) and `terraform init`. */
  private prepare(): void {
    for (const name of Object.keys(this.json.variable ?? {})) {
      if (!this.variables.has(name)) this.variables.set(name, crypto.randomBytes(18).toString('base64url'));
    }
    this.terraform(['init', '-input=false', '-no-color'], { timeoutSec: 300 });
  }

  /** The value given to a sensitive variable. */
  public secret(name: string): string {
    const value = this.variables.get(name);
    if (value === undefined) throw new Error(`no variable ${name} in ${this.name}`);
    return value;
  }

  /** `terraform <args>` in the stack's folder. */
  public terraform(args: readonly string[], options: { timeoutSec?: number; allowFailure?: boolean } = {}): RunResult {
    return run(engineEnvironment().terraform, [...args], { cwd: this.stackDir, env: this.terraformEnv(), timeoutSec: options.timeoutSec ?? 900, allowFailure: options.allowFailure });
  }

  /** Terraform's environment: automation mode and the stack's variables as `TF_VAR_*`. */
  private terraformEnv(): Record<string, string> {
    const env: Record<string, string> = { TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
    for (const [name, value] of this.variables) env[`TF_VAR_${name}`] = value;
    return env;
  }

  public apply(extra: readonly string[] = []): RunResult {
    return this.terraform(['apply', '-auto-approve', '-input=false', '-no-color', ...extra], { timeoutSec: 1200 });
  }

  /**
   * `terraform apply` without blocking the event loop, so request loops keep running during it.
   * Bounded by `timeoutSec`; rejects with the output when it fails.
   */
  public async applyInBackground(timeoutSec = 1200): Promise<void> {
    await runInBackground(engineEnvironment().terraform, ['apply', '-auto-approve', '-input=false', '-no-color'], {
      cwd: this.stackDir,
      env: this.terraformEnv(),
      timeoutSec,
    });
  }

  /**
   * `npm run release -- <name>` (dist/release.js) on the synthesized stack, without blocking the
   * event loop; resolves with its output, rejects with it when the release fails.
   */
  public release(timeoutSec = 1200): Promise<string> {
    return runInBackground('node', [path.join(REPO, 'dist', 'release.js'), this.name], {
      cwd: this.workdir,
      env: { ...this.terraformEnv(), WEBCLUSTER_CONFIG: path.join(this.workdir, 'webcluster.yaml'), CDKTF_OUTDIR: this.outdir, TERRAFORM_BINARY_NAME: engineEnvironment().terraform },
      timeoutSec,
    });
  }

  /** `terraform plan -detailed-exitcode`: 0 when nothing would change, 2 when something would. */
  public plan(): RunResult {
    const result = this.terraform(['plan', '-detailed-exitcode', '-input=false', '-no-color', '-lock=false'], { timeoutSec: 600, allowFailure: true });
    if (result.status !== 0 && result.status !== 2) throw new Error(`terraform plan failed (exit ${result.status})\n${result.stdout}\n${result.stderr}`);
    return result;
  }

  /** The planned actions per resource address, from a saved plan. */
  public plannedActions(): Record<string, string[]> {
    this.terraform(['plan', '-input=false', '-no-color', '-lock=false', '-out=engine.plan'], { timeoutSec: 600 });
    const plan = JSON.parse(this.terraform(['show', '-json', 'engine.plan'], { timeoutSec: 120 }).stdout) as {
      resource_changes?: { address: string; change: { actions: string[] } }[];
    };
    fs.rmSync(path.join(this.stackDir, 'engine.plan'), { force: true });
    return Object.fromEntries((plan.resource_changes ?? []).filter((c) => c.change.actions.join() !== 'no-op').map((c) => [c.address, c.change.actions]));
  }

  public destroy(): RunResult {
    return this.terraform(['destroy', '-auto-approve', '-input=false', '-no-color'], { timeoutSec: 1200 });
  }

  /** Terraform address of the one resource of a type whose `name` attribute is `name`. */
  public address(type: string, name: string): string {
    const found = Object.entries(this.json.resource[type] ?? {}).filter(([, body]) => body.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
    return `${type}.${found[0][0]}`;
  }

  /** Removes the work folder (state included): call after a successful destroy. */
  public cleanup(): void {
    fs.rmSync(this.workdir, { recursive: true, force: true });
  }
}

/** An HTTP answer. */
export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly setCookie: string[];
}

/** One GET to the load balancer on 127.0.0.1 with the site's Host header; status 0 on a network error. */
export function get(port: number, pathName: string, options: { host: string; cookie?: string; timeoutMs?: number }): Promise<Answer> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: pathName,
        method: 'GET',
        headers: { Host: options.host, ...(options.cookie ? { Cookie: options.cookie } : {}) },
        agent: false,
        timeout: options.timeoutMs ?? 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), setCookie: res.headers['set-cookie'] ?? [] }));
        res.on('error', () => resolve({ status: 0, body: 'response error', setCookie: [] }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: 0, body: err.message, setCookie: [] }));
    req.end();
  });
}

/** Counts of a request loop. */
export interface LoadResult {
  readonly sent: number;
  readonly failed: number;
  readonly statuses: Record<string, number>;
  /** Answers per replica name (the probe answers with its container's host name). */
  readonly replicas: Record<string, number>;
  /** Milliseconds of the slowest request. */
  readonly slowestMs: number;
  /** The first few failures, for the test's message. */
  readonly failures: string[];
}

/**
 * Sends requests until `count` were sent or `stop()` says so, `concurrency` at a time, each with a
 * timeout; a request fails unless it answers 200. Bounded: at most `count` requests.
 */
export async function load(
  port: number,
  options: { host: string; path?: string; count: number; concurrency?: number; stop?: () => boolean; cookie?: string; timeoutMs?: number },
): Promise<LoadResult> {
  let sent = 0;
  let failed = 0;
  let slowestMs = 0;
  const statuses: Record<string, number> = {};
  const replicas: Record<string, number> = {};
  const failures: string[] = [];
  const worker = async (): Promise<void> => {
    while (sent < options.count && !(options.stop?.() ?? false)) {
      sent++;
      const started = Date.now();
      const answer = await get(port, options.path ?? '/', { host: options.host, cookie: options.cookie, timeoutMs: options.timeoutMs });
      slowestMs = Math.max(slowestMs, Date.now() - started);
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      if (answer.status !== 200) {
        failed++;
        if (failures.length < 5) failures.push(`${answer.status} ${answer.body.slice(0, 300)}`);
        continue;
      }
      const replica = replicaOf(answer.body);
      if (replica) replicas[replica] = (replicas[replica] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return { sent, failed, statuses, replicas, failures, slowestMs };
}

/** One line of figures of a request loop, for {@link report}. */
export function describeLoad(what: string, r: LoadResult): string {
  return `${what}: ${r.sent} requests, ${r.failed} failed, slowest ${r.slowestMs} ms, statuses ${JSON.stringify(r.statuses)}, replicas ${JSON.stringify(r.replicas)}`;
}

/** The replica name in a probe answer. */
export function replicaOf(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { replica?: string }).replica;
  } catch {
    return undefined;
  }
}

/** Prints one line of figures into the test log (they go into the closing note). */
export function report(line: string): void {
  process.stdout.write(`[engine] ${line}\n`);
}

/** The part of a plan's output that lists the changes (without the refresh lines). */
export function planChanges(output: string): string {
  const start = output.indexOf('Terraform will perform the following actions:');
  return start === -1 ? output : output.slice(start);
}

/**
 * The lifecycle every deployment test file shares: leftovers of an interrupted earlier run are
 * removed first; once the apply failed, later tests say so instead of failing on their own; and at
 * the end whatever an apply created is destroyed, even when a test failed (the teardown test checks
 * that a destroy works; this is the safety net). Call {@link applyOnce} in the first test.
 */
export class DeploymentLifecycle {
  private attempted = false;
  private applied = false;

  constructor(
    private readonly deployment: TestDeployment,
    /** Whether anything of the deployment is still on the engine. */
    exists: () => boolean,
    /** Runs when the suite starts (e.g. joining a swarm), before leftovers are removed. */
    before: () => void = () => undefined,
    /** Runs at the very end, after the safety-net destroy (e.g. leaving the swarm). */
    after: () => void = () => undefined,
  ) {
    beforeAll(() => {
      before();
      const removed = removeLeftovers(deployment.name);
      if (removed.length > 0) report(`removed leftovers of an interrupted earlier run: ${removed.join(', ')}`);
    });
    beforeEach(() => {
      if (this.attempted && !this.applied) throw new Error('not run: the apply failed (see the first failure)');
    });
    afterAll(() => {
      try {
        if (this.attempted && exists()) deployment.destroy();
      } finally {
        after();
      }
    });
  }

  /** Applies; from here on the end of the suite destroys what the apply created, even if it failed. */
  public applyOnce(): void {
    this.attempted = true;
    this.deployment.apply();
    this.applied = true;
  }
}
