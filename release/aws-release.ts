/**
 * The release of an AWS environment, step by step, on top of the `aws` CLI: upload the build, run the
 * migrations once on the admin host, point `releases/current` at it, refresh the app group (web
 * servers and their queue workers), start the single scheduler. Each step prints its progress; the
 * first failure stops the release with one line saying what state it left and what to do.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { CommandRunner } from './commands';

/** Where the environment's release things are (from the stack outputs, see RELEASE_OUTPUTS). */
export interface AwsReleaseTarget {
  /** Environment name. */
  readonly environment: string;
  /** AWS region. */
  readonly region: string;
  /** Bucket of the releases. */
  readonly bucket: string;
  /** Instance id of the admin host. */
  readonly adminInstanceId: string;
  /** Auto Scaling group of the app hosts. */
  readonly appGroup: string;
}

/** What to release: a new build, or a release the bucket keeps. */
export type ReleaseWhat = { readonly artifact: string } | { readonly rollback: true } | { readonly to: string };

/** Clock, sleep and output of a release run. */
export interface ReleaseIo {
  /** Runs the aws CLI. */
  readonly run: CommandRunner;
  /** Progress lines. */
  out(line: string): void;
  /** Current time. */
  now(): Date;
  /** Waits between two polls. */
  sleep(ms: number): Promise<void>;
  /** Milliseconds between two polls. */
  readonly pollMs: number;
}

/** A release step failed: the message is the whole error line (without `error: `). */
export class ReleaseError extends Error {}

/** Seconds the migrations may take on the admin host (SSM's execution timeout). */
export const MIGRATION_TIMEOUT_SEC = 3600;
/** Longest wait for an instance refresh of the app group. */
export const REFRESH_TIMEOUT_SEC = 4 * 3600;
/** Release ids: a UTC time stamp and the start of the artifact's SHA-256, e.g. `20261126T120000Z-3f2a9c1e7b4d`. */
export const RELEASE_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const TERMINAL_SSM = ['Success', 'Failed', 'Cancelled', 'TimedOut', 'Cancelling'];
const TERMINAL_REFRESH = ['Successful', 'Failed', 'Cancelled', 'RollbackSuccessful', 'RollbackFailed'];
/** Where the admin host's release script lives (constructs/aws/private/user-data.ts: RELEASE_SCRIPT_PATH). */
const HOST_SCRIPT = '/usr/local/sbin/webcluster-release';

/** The id of a new release of `artifact` made at `now`. */
export function releaseId(artifact: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const digest = crypto.createHash('sha256').update(fs.readFileSync(artifact)).digest('hex').slice(0, 12);
  return `${stamp}-${digest}`;
}

/** Why `artifact` cannot be released, or undefined. */
export function artifactProblem(artifact: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(artifact);
  } catch {
    return 'no such file';
  }
  if (!stat.isFile()) return 'not a file';
  const head = Buffer.alloc(2);
  const fd = fs.openSync(artifact, 'r');
  try {
    fs.readSync(fd, head, 0, 2, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head[0] !== 0x1f || head[1] !== 0x8b) return 'not a gzip file';
  return undefined;
}

/** Runs the release; resolves with the released id, rejects with a ReleaseError. */
export async function releaseAws(target: AwsReleaseTarget, what: ReleaseWhat, io: ReleaseIo): Promise<string> {
  const started = io.now().getTime();
  const aws = (args: string[], input?: string): { ok: boolean; stdout: string; stderr: string } => {
    const r = io.run('aws', [...args, '--region', target.region], input);
    return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr };
  };
  const releases = `s3://${target.bucket}/releases`;
  const pointer = (name: 'current' | 'previous'): string | undefined => {
    const r = aws(['s3', 'cp', '--only-show-errors', `${releases}/${name}`, '-']);
    if (r.ok) return r.stdout.trim() || undefined;
    if (/\b404\b|Not Found|NoSuchKey|does not exist/i.test(r.stderr)) return undefined;
    throw new ReleaseError(`reading ${releases}/${name} failed: ${firstLine(r.stderr)}; fix: check your AWS credentials and region (${target.region}) and that the stack ${target.environment} is deployed`);
  };
  const live = pointer('current');

  let id: string;
  let steps: number;
  let step = 0;
  const say = (what: string): void => io.out(`[${++step}/${steps}] ${what}`);
  if ('artifact' in what) {
    id = releaseId(what.artifact, io.now());
    steps = 5;
    const mib = (fs.statSync(what.artifact).size / 1048576).toFixed(1);
    io.out(`release ${target.environment}: ${id} from ${path.basename(what.artifact)} (${mib} MiB); live now: ${live ?? 'none (first release)'}`);
    say(`upload ${releases}/${id}.tar.gz`);
    const up = aws(['s3', 'cp', '--only-show-errors', what.artifact, `${releases}/${id}.tar.gz`]);
    if (!up.ok) throw new ReleaseError(`upload of ${what.artifact} failed: ${firstLine(up.stderr)}; nothing changed; fix: check the credentials (s3:PutObject on ${target.bucket}) and run the release again`);
  } else {
    const wanted = 'rollback' in what ? pointer('previous') : what.to;
    if (wanted === undefined) throw new ReleaseError(`--rollback: ${releases}/previous does not exist (no release before ${live ?? 'none'}); fix: name a kept release with --to <id> (aws s3 ls ${releases}/)`);
    if (!RELEASE_ID_RE.test(wanted)) throw new ReleaseError(`release id: got '${wanted}'; allowed: letters, digits, '.', '_' and '-'; fix: use an id from aws s3 ls ${releases}/`);
    const head = aws(['s3api', 'head-object', '--bucket', target.bucket, '--key', `releases/${wanted}.tar.gz`]);
    if (!head.ok) throw new ReleaseError(`release ${wanted} is not kept in ${releases}/ (${firstLine(head.stderr)}); nothing changed; fix: pick an id from aws s3 ls ${releases}/`);
    id = wanted;
    steps = 4;
    io.out(`release ${target.environment}: ${'rollback' in what ? 'roll back to' : 're-release'} ${id}; live now: ${live ?? 'none'}`);
  }

  say(`migrations on the admin host ${target.adminInstanceId} (scheduler stopped, release ${id} installed, setup run once)`);
  await ssm(target, io, `migrate ${id}`, (detail) =>
    `migrations of ${id} failed on the admin host ${target.adminInstanceId}: ${detail}; the app group still runs ${live ?? 'nothing'}, releases/current is unchanged, the scheduler is stopped; fix: correct the release and run npm run release again${live ? `, or put ${live} back with npm run release -- ${target.environment} --to ${live}` : ''}`,
  );

  say(`releases/current -> ${id}${live && live !== id ? ` (previous: ${live})` : ''}`);
  if (live && live !== id) {
    const prev = aws(['s3', 'cp', '--only-show-errors', '-', `${releases}/previous`], `${live}\n`);
    if (!prev.ok) throw new ReleaseError(`writing ${releases}/previous failed: ${firstLine(prev.stderr)}; migrations of ${id} ran, the app group still runs ${live}, the scheduler is stopped; fix: run the release again`);
  }
  const cur = aws(['s3', 'cp', '--only-show-errors', '-', `${releases}/current`], `${id}\n`);
  if (!cur.ok) throw new ReleaseError(`writing ${releases}/current failed: ${firstLine(cur.stderr)}; migrations of ${id} ran, the app group still runs ${live ?? 'nothing'}, the scheduler is stopped; fix: run the release again`);

  say(`app group ${target.appGroup}: instance refresh (web servers and their queue workers; new hosts before old ones go)`);
  await refresh(target, io, id, live);

  say(`scheduler on the admin host ${target.adminInstanceId}`);
  await ssm(target, io, 'scheduler', (detail) =>
    `starting the scheduler failed on the admin host ${target.adminInstanceId}: ${detail}; ${id} is live on every host; fix: look at /var/log/webcluster/scheduler.log there (aws ssm start-session --target ${target.adminInstanceId}) and run npm run release -- ${target.environment} --to ${id}`,
  );
  const seconds = Math.round((io.now().getTime() - started) / 1000);
  io.out(`released ${id} to ${target.environment} in ${seconds} s; roll back with: npm run release -- ${target.environment} --rollback`);
  return id;
}

/** Runs `webcluster-release <args>` on the admin host through SSM and waits for it. */
async function ssm(target: AwsReleaseTarget, io: ReleaseIo, args: string, failure: (detail: string) => string): Promise<void> {
  const parameters = JSON.stringify({ commands: [`${HOST_SCRIPT} ${args}`], executionTimeout: [String(MIGRATION_TIMEOUT_SEC)] });
  const sent = io.run('aws', [
    'ssm', 'send-command',
    '--instance-ids', target.adminInstanceId,
    '--document-name', 'AWS-RunShellScript',
    '--comment', `webcluster release: ${args}`.slice(0, 100),
    '--parameters', parameters,
    '--output', 'json',
    '--region', target.region,
  ]);
  const commandId = sent.status === 0 ? (parseJson(sent.stdout)?.Command as { CommandId?: string } | undefined)?.CommandId : undefined;
  if (commandId === undefined) throw new ReleaseError(failure(`SSM did not take the command (${firstLine(sent.stderr) || 'no command id'}); is the SSM agent online (aws ssm describe-instance-information)?`));
  io.out(`      ssm command ${commandId}`);
  const deadline = io.now().getTime() + (MIGRATION_TIMEOUT_SEC + 300) * 1000;
  let last = '';
  for (;;) {
    await io.sleep(io.pollMs);
    const r = io.run('aws', ['ssm', 'get-command-invocation', '--command-id', commandId, '--instance-id', target.adminInstanceId, '--output', 'json', '--region', target.region]);
    const inv = r.status === 0 ? parseJson(r.stdout) : undefined;
    // Right after send-command the invocation may not exist yet.
    const status = typeof inv?.Status === 'string' ? inv.Status : r.stderr.includes('InvocationDoesNotExist') ? 'Pending' : undefined;
    if (status === undefined) throw new ReleaseError(failure(`cannot read the command's state (${firstLine(r.stderr)})`));
    if (status !== last) io.out(`      ${status}`);
    last = status;
    if (status === 'Success') {
      for (const line of String(inv?.StandardOutputContent ?? '').split('\n').filter((l) => l.trim() !== '').slice(-5)) io.out(`      | ${line}`);
      return;
    }
    if (TERMINAL_SSM.includes(status)) {
      const tail = String(inv?.StandardErrorContent ?? '').trim().split('\n').filter((l) => l.trim() !== '');
      for (const line of tail.slice(-10)) io.out(`      ! ${line}`);
      throw new ReleaseError(failure(`${status}${tail.length > 0 ? ` (${tail[tail.length - 1].trim()})` : ''}`));
    }
    if (io.now().getTime() > deadline) throw new ReleaseError(failure(`still ${status} after ${MIGRATION_TIMEOUT_SEC + 300} s`));
  }
}

/** Starts an instance refresh of the app group and follows it to the end. */
async function refresh(target: AwsReleaseTarget, io: ReleaseIo, id: string, live: string | undefined): Promise<void> {
  const left = `releases/current is ${id}, migrations ran, the scheduler is stopped`;
  const start = io.run('aws', [
    'autoscaling', 'start-instance-refresh',
    '--auto-scaling-group-name', target.appGroup,
    '--strategy', 'Rolling',
    // Launch before terminate, as the group's own refreshes do; the warm-up is the group's grace period.
    '--preferences', JSON.stringify({ MinHealthyPercentage: 100, MaxHealthyPercentage: 200, SkipMatching: false }),
    '--output', 'json',
    '--region', target.region,
  ]);
  const refreshId = start.status === 0 ? parseJson(start.stdout)?.InstanceRefreshId : undefined;
  if (typeof refreshId !== 'string') {
    const again = `npm run release -- ${target.environment} --to ${id}`;
    const fix = /InstanceRefreshInProgress|in progress/i.test(start.stderr)
      ? `wait for the running refresh (aws autoscaling describe-instance-refreshes --auto-scaling-group-name ${target.appGroup}) or cancel it, then run ${again}`
      : `run ${again}`;
    throw new ReleaseError(`the instance refresh of ${target.appGroup} did not start: ${firstLine(start.stderr) || 'no refresh id'}; ${left}; fix: ${fix}`);
  }
  io.out(`      instance refresh ${refreshId}`);
  const deadline = io.now().getTime() + REFRESH_TIMEOUT_SEC * 1000;
  let last = '';
  for (;;) {
    await io.sleep(io.pollMs);
    const r = io.run('aws', ['autoscaling', 'describe-instance-refreshes', '--auto-scaling-group-name', target.appGroup, '--instance-refresh-ids', refreshId, '--output', 'json', '--region', target.region]);
    const list = r.status === 0 ? parseJson(r.stdout)?.InstanceRefreshes : undefined;
    const ref = Array.isArray(list) ? (list[0] as Record<string, unknown> | undefined) : undefined;
    if (ref === undefined || typeof ref.Status !== 'string') throw new ReleaseError(`cannot read instance refresh ${refreshId} of ${target.appGroup} (${firstLine(r.stderr) || 'not listed'}); ${left}; fix: follow it with aws autoscaling describe-instance-refreshes, then run npm run release -- ${target.environment} --to ${id} if it failed`);
    const status = ref.Status;
    const progress = `${status} ${typeof ref.PercentageComplete === 'number' ? ref.PercentageComplete : 0}%${typeof ref.InstancesToUpdate === 'number' ? `, ${ref.InstancesToUpdate} host(s) to replace` : ''}`;
    if (progress !== last) io.out(`      ${progress}`);
    last = progress;
    if (status === 'Successful') return;
    if (TERMINAL_REFRESH.includes(status)) {
      const reason = typeof ref.StatusReason === 'string' ? ` (${ref.StatusReason})` : '';
      throw new ReleaseError(
        `instance refresh ${refreshId} of ${target.appGroup} ended ${status}${reason}; ${left}; hosts may run ${live ?? 'nothing'} or ${id}; fix: see why in the group's activity (aws autoscaling describe-scaling-activities --auto-scaling-group-name ${target.appGroup}), then run npm run release -- ${target.environment} --to ${id}, or --rollback`,
      );
    }
    if (io.now().getTime() > deadline) throw new ReleaseError(`instance refresh ${refreshId} of ${target.appGroup} still ${status} after ${REFRESH_TIMEOUT_SEC} s; ${left}; fix: follow it with aws autoscaling describe-instance-refreshes, then run npm run release -- ${target.environment} --to ${id}`);
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The first non-empty line of a tool's error output. */
export function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').trim();
}
