/**
 * The release of a Docker environment: a new `images.app` is rolled out as init (migrations) → app →
 * workers → scheduler, without a failed request.
 *
 * Standalone, Terraform replaces a container by destroying it first (its name is fixed), and one
 * `terraform apply` replaces every app container at once, after destroying them all before the init
 * task runs (it depends on the init task): the site would be down for the whole migration. So the
 * steps are applied one by one with `-target`: the init task, then each app container alone (the
 * others serve; Traefik retries a request that met the stopped one on another container and its
 * health check takes it out, then back in), waiting for that health check before the next one, then
 * the workers, the scheduler, and a last full apply for everything else (admin, routes).
 * On Swarm one apply does it: the services depend on each other in that order, and each rolls its
 * tasks one at a time, starting the new task before stopping the old one.
 */
import * as fs from 'fs';
import * as path from 'path';
import { HEALTH_CHECK_INTERVAL_SEC, HEALTH_CHECK_TIMEOUT_SEC } from '../constructs/docker/private/traefik-config';
import { ReleaseError } from './aws-release';
import type { AsyncCommandRunner } from './commands';

/** Where the environment's synthesized stack is and how it runs. */
export interface DockerReleaseTarget {
  /** Environment (stack) name. */
  readonly environment: string;
  /** Folder of the synthesized, initialised stack (cdktf.out/stacks/<name>). */
  readonly stackDir: string;
  /** Terraform binary. */
  readonly terraform: string;
  /** Runtime of the environment. */
  readonly mode: 'standalone' | 'swarm';
}

/** Output and waits of a rollout. */
export interface DockerReleaseIo {
  /** Runs Terraform. */
  readonly run: AsyncCommandRunner;
  /** Progress lines. */
  out(line: string): void;
  /** Current time. */
  now(): Date;
  /** Waits for the load balancer's health check. */
  sleep(ms: number): Promise<void>;
}

/** Seconds after an app container is back before the next one goes: Traefik's health check has seen it. */
export const SETTLE_SEC = HEALTH_CHECK_INTERVAL_SEC + HEALTH_CHECK_TIMEOUT_SEC;

/** The app group's parts, by construct path (`<stack>/AppServers/<part>/...`), in rollout order. */
const PARTS = [
  { part: 'Init', label: 'init task (migrations)', oneByOne: false },
  { part: 'App', label: 'app container', oneByOne: true },
  { part: 'Worker', label: 'workers', oneByOne: false },
  { part: 'Scheduler', label: 'scheduler', oneByOne: false },
] as const;

const PLAN_FILE = 'webcluster-release.plan';

/** Runs the rollout; rejects with a ReleaseError naming the step that failed. */
export async function releaseDocker(target: DockerReleaseTarget, io: DockerReleaseIo): Promise<void> {
  const started = io.now().getTime();
  const tf = async (args: string[], what: string, quiet = false): Promise<string> => {
    const r = await io.run(target.terraform, args, target.stackDir, quiet);
    if (r.status !== 0) {
      const error = (r.stderr + r.stdout).split('\n').find((l) => /Error:/.test(l))?.trim() ?? `exit ${r.status}`;
      throw new ReleaseError(`${what} failed: ${error.replace(/^[│╷╵\s]*/, '')}; the steps before it are done; fix: correct the cause (terraform output above) and run npm run release -- ${target.environment} again`);
    }
    return r.stdout;
  };
  if (target.mode === 'swarm') {
    io.out(`release ${target.environment} (swarm): one apply; the services roll init → app → workers → scheduler, each a task at a time, new before old`);
    io.out('[1/1] terraform apply');
    await tf(['apply', '-auto-approve', '-input=false', '-no-color'], 'terraform apply');
    io.out(`released ${target.environment} in ${Math.round((io.now().getTime() - started) / 1000)} s`);
    return;
  }

  const json = readStack(target);
  await tf(['plan', '-input=false', '-no-color', `-out=${PLAN_FILE}`], 'terraform plan');
  let changing: Set<string>;
  try {
    const shown = await tf(['show', '-json', PLAN_FILE], 'terraform show', true);
    const plan = JSON.parse(shown) as { resource_changes?: { address: string; change: { actions: string[] } }[] };
    changing = new Set((plan.resource_changes ?? []).filter((c) => c.change.actions.join() !== 'no-op').map((c) => c.address));
  } finally {
    fs.rmSync(path.join(target.stackDir, PLAN_FILE), { force: true });
  }
  const steps: { label: string; addresses: string[]; settle: boolean }[] = [];
  for (const p of PARTS) {
    const addresses = containersOf(json, target.environment, p.part).filter((a) => changing.has(a));
    if (addresses.length === 0) continue;
    if (p.oneByOne) addresses.forEach((a, i) => steps.push({ label: `${p.label} ${i + 1} of ${addresses.length}`, addresses: [a], settle: true }));
    else steps.push({ label: p.label, addresses, settle: false });
  }
  const total = steps.length + 1;
  io.out(`release ${target.environment} (standalone): ${changing.size} change(s) planned; ${steps.length === 0 ? 'no container of the app group changes' : `${steps.length} step(s) before the rest`}`);
  for (const [i, step] of steps.entries()) {
    io.out(`[${i + 1}/${total}] ${step.label}: ${step.addresses.join(' ')}`);
    await tf(['apply', '-auto-approve', '-input=false', '-no-color', ...step.addresses.map((a) => `-target=${a}`)], `the ${step.label} step`);
    if (step.settle) {
      io.out(`      healthy; ${SETTLE_SEC} s for the load balancer's health check to take it back`);
      await io.sleep(SETTLE_SEC * 1000);
    }
  }
  io.out(`[${total}/${total}] everything else: terraform apply`);
  await tf(['apply', '-auto-approve', '-input=false', '-no-color'], 'the last apply');
  io.out(`released ${target.environment} in ${Math.round((io.now().getTime() - started) / 1000)} s`);
}

type StackJson = { resource?: Record<string, Record<string, { '//'?: { metadata?: { path?: string } } }>> };

function readStack(target: DockerReleaseTarget): StackJson {
  const file = path.join(target.stackDir, 'cdk.tf.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as StackJson;
  } catch {
    throw new ReleaseError(`no synthesized stack at ${file}; fix: set images.app, run npm run synth (and cdktf deploy ${target.environment} once, which initialises the folder), then npm run release -- ${target.environment}`);
  }
}

/** Addresses of the containers of one part of the app group, in replica order. */
function containersOf(json: StackJson, stack: string, part: string): string[] {
  const prefix = `${stack}/AppServers/${part}/`;
  return Object.entries(json.resource?.docker_container ?? {})
    .filter(([, body]) => body['//']?.metadata?.path?.startsWith(prefix) === true)
    .map(([id, body]) => ({ address: `docker_container.${id}`, path: body['//']?.metadata?.path ?? '' }))
    .sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }))
    .map((c) => c.address);
}
