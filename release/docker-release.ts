/**
 * The release of a Docker environment: a new `images.app` is rolled out as init (migrations) → app →
 * workers → scheduler, without a failed request.
 *
 * Standalone, Terraform replaces a container by destroying it first (its name is fixed), and one
 * `terraform apply` replaces every app container at once, after destroying them all before the init
 * task runs (it depends on the init task): the site would be down for the whole migration. So the
 * steps are applied one by one with `-target`: the init task, then each app container alone, then
 * the workers, the scheduler, and a last full apply for everything else (admin, routes). Before an
 * app container is replaced it is drained: Traefik's routes (the file its file provider watches, on
 * the routes volume) are written without it, so no request goes to it while it stops and its name
 * does not resolve (a request to a gone container fails or, where the engine's DNS forwards the
 * unknown name upstream, hangs; Traefik's retry and health check catch only some of them); once the
 * new container is healthy the full routes are written back.
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
  /**
   * Docker daemon of the environment (`docker.host`), for draining app containers.
   * @default - the docker CLI's own (DOCKER_HOST)
   */
  readonly dockerHost?: string;
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
/**
 * Seconds for Traefik to load routes written to its volume: the file provider's watch plus its
 * providers throttle (2 s by default), with a margin; also what requests still in flight on a
 * drained container get to finish before it is stopped.
 */
export const DRAIN_SEC = 5;

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
  const routes = routesOf(json, target.environment);
  const total = steps.length + 1;
  io.out(`release ${target.environment} (standalone): ${changing.size} change(s) planned; ${steps.length === 0 ? 'no container of the app group changes' : `${steps.length} step(s) before the rest`}`);
  for (const [i, step] of steps.entries()) {
    io.out(`[${i + 1}/${total}] ${step.label}: ${step.addresses.join(' ')}`);
    const apply = (): Promise<string> => tf(['apply', '-auto-approve', '-input=false', '-no-color', ...step.addresses.map((a) => `-target=${a}`)], `the ${step.label} step`);
    if (!step.settle) {
      await apply();
      continue;
    }
    const drained = routes?.without(containerName(json, step.addresses[0]));
    if (routes === undefined || drained === undefined) {
      io.out('      not drained (no routes file, or the only server of its route): requests may fail while it is replaced');
      await apply();
    } else {
      await writeRoutes(target, io, routes, drained, `drained: out of Traefik's routes; ${DRAIN_SEC} s for Traefik to reload and requests in flight to finish`);
      try {
        await apply();
      } finally {
        await writeRoutes(target, io, routes, routes.yaml, 'back in the routes');
      }
    }
    io.out(`      ${SETTLE_SEC} s for the load balancer's health check to see it`);
    await io.sleep(SETTLE_SEC * 1000);
  }
  io.out(`[${total}/${total}] everything else: terraform apply`);
  // The full routes, whatever an earlier release that stopped half-way left.
  if (routes !== undefined) await writeRoutes(target, io, routes, routes.yaml, 'routes as rendered');
  await tf(['apply', '-auto-approve', '-input=false', '-no-color'], 'the last apply');
  io.out(`released ${target.environment} in ${Math.round((io.now().getTime() - started) / 1000)} s`);
}

type ResourceJson = { '//'?: { metadata?: { path?: string } }; name?: string; image?: string; upload?: { content?: string }[]; volumes?: { volume_name?: string }[] };
type StackJson = { resource?: Record<string, Record<string, ResourceJson>> };

/** Traefik's routes as the routes task writes them, and where. */
interface Routes {
  /** The rendered file, container names filled in. */
  readonly yaml: string;
  /** The routes volume. */
  readonly volume: string;
  /** Image of the routes task (Traefik's: it has a shell). */
  readonly image: string;
  /** The file without the server `name`; undefined when it is not there or the only server of its route. */
  without(name: string): string | undefined;
}

/** The routes of a standalone stack's load balancer, from its routes task; undefined when it has none. */
function routesOf(json: StackJson, stack: string): Routes | undefined {
  const at = (type: string, p: string): ResourceJson | undefined =>
    Object.values(json.resource?.[type] ?? {}).find((r) => r['//']?.metadata?.path === `${stack}/${p}`);
  const task = at('docker_container', 'LoadBalancer/Routes/Task');
  const ref = (value: string | undefined, type: string, attr: string): ResourceJson | undefined => {
    const m = new RegExp(`^\\$\\{${type}\\.([A-Za-z0-9_-]+)\\.${attr}\\}$`).exec(value ?? '');
    return m ? json.resource?.[type]?.[m[1]] : undefined;
  };
  const volume = ref(task?.volumes?.[0]?.volume_name, 'docker_volume', 'name')?.name;
  const image = ref(task?.image, 'docker_image', 'image_id')?.name;
  const rendered = task?.upload?.[0]?.content;
  if (volume === undefined || image === undefined || rendered === undefined) return undefined;
  const yaml = rendered.replace(/\$\{docker_container\.([A-Za-z0-9_-]+)\.name\}/g, (all, id: string) => json.resource?.docker_container?.[id]?.name ?? all);
  if (yaml.includes('${')) return undefined;
  return {
    yaml,
    volume,
    image,
    without: (name) => {
      const lines = yaml.split('\n');
      const i = lines.findIndex((l) => l.trim().startsWith(`- url: http://${name}:`));
      if (i < 0) return undefined;
      const siblings = (j: number): boolean => j >= 0 && j < lines.length && lines[j].trim().startsWith('- url: ');
      if (!siblings(i - 1) && !siblings(i + 1)) return undefined;
      return [...lines.slice(0, i), ...lines.slice(i + 1)].join('\n');
    },
  };
}

/** Writes `content` as Traefik's routes file on the routes volume (a temporary name, then renamed, as the routes task does). */
async function writeRoutes(target: DockerReleaseTarget, io: DockerReleaseIo, routes: Routes, content: string, what: string): Promise<void> {
  const dir = '/etc/traefik/routes';
  const r = await io.run(
    'docker',
    [
      ...(target.dockerHost !== undefined ? ['--host', target.dockerHost] : []),
      'run', '--rm', '-i', '--network', 'none', '--entrypoint', '/bin/sh',
      '-v', `${routes.volume}:${dir}`,
      routes.image,
      '-c', `cat > ${dir}/.routes.yml.tmp && mv ${dir}/.routes.yml.tmp ${dir}/routes.yml`,
    ],
    undefined,
    true,
    content,
  );
  if (r.status !== 0) {
    throw new ReleaseError(`writing Traefik's routes (${what}) failed: ${(r.stderr.split('\n').find((l) => l.trim() !== '') ?? `exit ${r.status}`).trim()}; fix: check that docker reaches ${target.dockerHost ?? 'the engine'} and run npm run release -- ${target.environment} again`);
  }
  io.out(`      ${what}`);
  await io.sleep(DRAIN_SEC * 1000);
}

/** The `name` of a container resource at a Terraform address. */
function containerName(json: StackJson, address: string): string {
  return json.resource?.docker_container?.[address.replace(/^docker_container\./, '')]?.name ?? '';
}

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
