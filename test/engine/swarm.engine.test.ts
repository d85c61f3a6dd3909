/**
 * shopware-swarm on a real one-node swarm: apply, converge, serve, lose a task, tear down.
 * The tests run in order and share one deployment; run them with `npm run test:engine`.
 */
import { NEXT_APP_IMAGE, SITE_HOST, STANDIN_IMAGES, SWARM_NODE_LABELS, SWARM_PORT, swarmEnvironment } from './config';
import {
  buildNextRelease,
  DeploymentLifecycle,
  describeLoad,
  docker,
  engineEnvironment,
  get,
  inspect,
  load,
  planChanges,
  report,
  run,
  runInBackground,
  sleep,
  TestDeployment,
  waitFor,
} from './harness';

const NAME = 'engine-shopware-swarm';
const PORT = SWARM_PORT;
const site = { host: SITE_HOST };
const label = `label=webcluster.cluster=${NAME}`;
/** The services that keep a volume, pinned to the data node. */
const STATEFUL_SERVICES = ['db', 'redis-sessions', 'redis-critical', 'redis-queue', 'minio'];

/** `<running>/<desired>` of every service of the cluster, by name. */
function serviceReplicas(): Record<string, string> {
  const lines = docker(['service', 'ls', '--filter', label, '--format', '{{.Name}} {{.Replicas}}']).split('\n').filter(Boolean);
  return Object.fromEntries(lines.map((l) => l.split(' ') as [string, string]));
}

/** The placement constraints of one service (`null` when it has none), as JSON. */
function constraintsOf(service: string): string {
  return docker(['service', 'inspect', '--format', '{{if .Spec.TaskTemplate.Placement}}{{json .Spec.TaskTemplate.Placement.Constraints}}{{else}}null{{end}}', `${NAME}-${service}`]);
}

/** Names of the running task containers of one service. */
function taskContainers(service: string): string[] {
  return docker(['ps', '--filter', `label=com.docker.swarm.service.name=${NAME}-${service}`, '--format', '{{.Names}}']).split('\n').filter(Boolean);
}

describe('shopware-swarm on a real engine', () => {
  const { dockerHost } = engineEnvironment();
  const deployment = new TestDeployment(NAME);
  let joined = false;
  let node = '';
  /** Labels this run added to the node (removed at the end when the swarm stays). */
  let addedLabels: string[] = [];
  const lifecycle = new DeploymentLifecycle(
    deployment,
    () => Object.keys(serviceReplicas()).length > 0,
    () => {
      if (docker(['info', '--format', '{{.Swarm.LocalNodeState}}']) !== 'active') {
        docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
        joined = true;
      }
      // The one node is the data node and the edge node, labelled as an operator labels them.
      node = docker(['info', '--format', '{{.Swarm.NodeID}}']);
      const labels = JSON.parse(docker(['node', 'inspect', '--format', '{{json .Spec.Labels}}', node])) as Record<string, string> | null;
      addedLabels = Object.values(SWARM_NODE_LABELS).filter((key) => labels?.[key] !== 'true');
      if (addedLabels.length > 0) docker(['node', 'update', ...addedLabels.flatMap((key) => ['--label-add', `${key}=true`]), node]);
    },
    () => {
      if (joined) docker(['swarm', 'leave', '--force']);
      else if (addedLabels.length > 0) docker(['node', 'update', ...addedLabels.flatMap((key) => ['--label-rm', key]), node]);
    },
  );

  test('applies', () => {
    deployment.synth(swarmEnvironment(dockerHost));
    const started = Date.now();
    lifecycle.applyOnce();
    report(`swarm apply: ${Math.round((Date.now() - started) / 1000)} s, services ${JSON.stringify(serviceReplicas())}`);
  });

  test('converges: the next plan is empty', () => {
    const plan = deployment.plan();
    report(`swarm plan after apply: exit ${plan.status}`);
    expect(plan.status === 0 ? '' : planChanges(plan.stdout)).toBe('');
  });

  test('stateful services are pinned by the data label, only they; Traefik runs globally on the edge nodes', async () => {
    // The provider does not wait for a global service to converge (it refuses converge_config there).
    await waitFor('the Traefik task running', () => serviceReplicas()[`${NAME}-traefik`] === '1/1', 120);
    const replicas = serviceReplicas();
    const placements = Object.fromEntries(Object.keys(replicas).map((name) => [name.slice(NAME.length + 1), constraintsOf(name.slice(NAME.length + 1))]));
    report(`swarm placements: ${JSON.stringify(placements)}`);
    const data = JSON.stringify([`node.labels.${SWARM_NODE_LABELS.data} == true`]);
    for (const service of STATEFUL_SERVICES) expect(`${service} ${placements[service]}`).toBe(`${service} ${data}`);
    expect(placements.traefik).toBe(JSON.stringify([`node.labels.${SWARM_NODE_LABELS.edge} == true`]));
    const others = Object.entries(placements).filter(([service]) => service !== 'traefik' && !STATEFUL_SERVICES.includes(service));
    expect(others.length).toBeGreaterThan(0);
    for (const [service, constraints] of others) expect(`${service} ${constraints}`).toBe(`${service} null`);
    expect(docker(['service', 'inspect', '--format', '{{json .Spec.Mode}}', `${NAME}-traefik`])).toBe('{"Global":{}}');
    expect(taskContainers('traefik')).toHaveLength(1);
  });

  test('every service runs its replicas; exactly one scheduler', () => {
    const replicas = serviceReplicas();
    for (const [service, count] of Object.entries(replicas)) {
      const [running, desired] = count.split('/');
      expect(`${service} ${running}`).toBe(`${service} ${desired}`);
    }
    expect(replicas[`${NAME}-app`]).toBe('3/3');
    expect(replicas[`${NAME}-app-scheduler`]).toBe('1/1');
    expect(taskContainers('app-scheduler')).toHaveLength(1);
  });

  test('worker and scheduler tasks turn healthy: their process check finds the console command, and fails for a process that does not run', async () => {
    const started = Date.now();
    const tasks = [...taskContainers('app-worker'), ...taskContainers('app-scheduler')];
    expect(tasks).toHaveLength(3);
    await waitFor('worker and scheduler tasks healthy', () => tasks.every((t) => inspect(t, '{{.State.Health.Status}}') === 'healthy'), 120);
    const [worker] = taskContainers('app-worker');
    const test = JSON.parse(inspect(worker, '{{json .Config.Healthcheck.Test}}')) as string[];
    expect(test).toEqual(['CMD', 'sh', '/usr/local/lib/webcluster/process-check', 'bin/console messenger:consume async low_priority failed --time-limit=300 --memory-limit=512M']);
    expect(docker(['exec', worker, ...test.slice(1)])).toMatch(/^process \d+ runs \(state [RS]\): \S*python3 \/usr\/local\/bin\/probe worker bin\/console messenger:consume /);
    expect(run('docker', ['exec', worker, 'sh', '/usr/local/lib/webcluster/process-check', 'bin/console messenger:consume nothing'], { allowFailure: true }).status).toBe(1);
    report(`swarm worker and scheduler tasks healthy ${Math.round((Date.now() - started) / 1000)} s after the check began: ${tasks.join(', ')}`);
  });

  test('hardening holds on Swarm: the data stores and Traefik run unprivileged, Valkey and Traefik on read-only roots; memory limits and reservations', () => {
    // MariaDB keeps a writable root on Swarm: its socket directory cannot be a tmpfs it owns there.
    for (const [service, uid, readOnly] of [['db', '999', 'false'], ['redis-queue', '999', 'true'], ['redis-cache', '999', 'true'], ['traefik', '65534', 'true']]) {
      const [task] = taskContainers(service);
      expect(`${service} ${docker(['exec', task, 'cat', '/proc/1/status']).match(/^Uid:\s+(\d+)/m)?.[1]}`).toBe(`${service} ${uid}`);
      expect(`${service} ${inspect(task, '{{.HostConfig.ReadonlyRootfs}}')}`).toBe(`${service} ${readOnly}`);
    }
    const resources = JSON.parse(docker(['service', 'inspect', '--format', '{{json .Spec.TaskTemplate.Resources}}', `${NAME}-db`])) as Record<string, Record<string, number>>;
    report(`swarm db resources: ${JSON.stringify(resources)}`);
    expect(resources.Limits.MemoryBytes).toBe(1024 * 1024 * 1024);
    expect(resources.Reservations.MemoryBytes).toBe(1024 * 1024 * 1024);
  });

  test('500 requests through the load balancer: 0 failures, answered by more than one replica', async () => {
    // The load balancer may still be starting its health checks right after the apply.
    await waitFor('the site answering', async () => (await get(PORT, '/', site)).status === 200, 60);
    const result = await load(PORT, { ...site, count: 500, concurrency: 4 });
    report(describeLoad('swarm 500 requests', result));
    expect(result.failures).toEqual([]);
    expect(Object.keys(result.replicas).length).toBeGreaterThan(1);
  });

  test('/admin from an address outside adminCidrs is refused with 403', async () => {
    for (const p of ['/admin', '/admin/login']) expect((await get(PORT, p, site)).status).toBe(403);
  });

  test('losing one app task: at most 1% of requests fail until Swarm replaced it, none after', async () => {
    const [victim] = taskContainers('app');
    let stop = false;
    const running = load(PORT, { ...site, count: 5000, concurrency: 2, stop: () => stop });
    await sleep(2000);
    await runInBackground('docker', ['kill', victim]);
    await waitFor('3 running app tasks again', async () => (await runInBackground('docker', ['service', 'ls', '--filter', `name=${NAME}-app`, '--format', '{{.Name}} {{.Replicas}}'])).includes(`${NAME}-app 3/3`), 120);
    await sleep(12000);
    stop = true;
    const during = await running;
    report(describeLoad('swarm kill of one app task, until it is replaced', during));
    expect(during.failed / during.sent).toBeLessThanOrEqual(0.01);
    const after = await load(PORT, { ...site, count: 300, concurrency: 2 });
    report(describeLoad('swarm after the task was replaced', after));
    expect(after.failures).toEqual([]);
    expect(Object.keys(after.replicas).length).toBeGreaterThan(1);
  });

  test('a new app image (npm run release, one apply): the init task runs again, then the app, worker and scheduler services roll in that order without a failed request; the next plan is empty', async () => {
    const nextId = buildNextRelease(STANDIN_IMAGES.app, NEXT_APP_IMAGE);
    const initBefore = inspect(`${NAME}-app-init`, '{{.Id}}');
    deployment.synth(swarmEnvironment(dockerHost, NEXT_APP_IMAGE));
    let stop = false;
    const running = load(PORT, { ...site, count: 200000, concurrency: 2, stop: () => stop });
    const started = Date.now();
    await deployment.release();
    const seconds = Math.round((Date.now() - started) / 1000);
    await sleep(12000);
    stop = true;
    const during = await running;
    report(`swarm release of a new app image: ${seconds} s; ${describeLoad('requests during it', during)}`);
    // Each new task is started and healthy before its predecessor stops, one at a time.
    expect(during.failures).toEqual([]);

    // The init task ran again (a new container) before the app service was updated; the services
    // were updated app → workers → scheduler, each to the new image.
    expect(inspect(`${NAME}-app-init`, '{{.Id}}')).not.toBe(initBefore);
    expect(inspect(`${NAME}-app-init`, '{{.State.ExitCode}}')).toBe('0');
    const updated = (service: string): number => Date.parse(docker(['service', 'inspect', '--format', '{{.UpdatedAt}}', `${NAME}-${service}`]));
    const initFinished = Date.parse(inspect(`${NAME}-app-init`, '{{.State.FinishedAt}}'));
    const [app, worker, scheduler] = ['app', 'app-worker', 'app-scheduler'].map(updated);
    report(`swarm release order (s after the init task finished): app +${((app - initFinished) / 1000).toFixed(1)}, workers +${((worker - initFinished) / 1000).toFixed(1)}, scheduler +${((scheduler - initFinished) / 1000).toFixed(1)}`);
    expect(initFinished).toBeLessThan(app);
    expect(app).toBeLessThan(worker);
    expect(worker).toBeLessThan(scheduler);
    for (const service of ['app', 'app-worker', 'app-scheduler']) {
      const image = docker(['service', 'inspect', '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}', `${NAME}-${service}`]);
      expect(`${service} ${image.includes(nextId) || image.startsWith(NEXT_APP_IMAGE)}`).toBe(`${service} true`);
    }
    const plan = deployment.plan();
    report(`swarm plan after the release: exit ${plan.status}`);
    expect(plan.status === 0 ? '' : planChanges(plan.stdout)).toBe('');
  });

  test('tears down cleanly: no service, container, network, volume, config or secret left', () => {
    deployment.destroy();
    expect(serviceReplicas()).toEqual({});
    // Swarm configs and secrets carry no labels: they are found by their name prefix.
    const byName = `name=${NAME}`;
    for (const kind of ['container', 'network', 'volume', 'config', 'secret']) {
      const filter = kind === 'config' || kind === 'secret' ? byName : label;
      const args = kind === 'container' ? ['ps', '-a', '--filter', label, '--format', '{{.Names}}'] : [kind, 'ls', '--filter', filter, '--format', '{{.Name}}'];
      expect(`${kind}: ${docker(args)}`).toBe(`${kind}: `);
    }
    deployment.cleanup();
  });
});
