/**
 * shopware-docker on a real Docker engine: apply, converge, behave, survive faults, tear down.
 * The tests run in order and share one deployment; run them with `npm run test:engine`.
 */
import { ChildProcess, spawn } from 'child_process';
import { NEXT_APP_IMAGE, SERVER_OPEN_FILES, standaloneEnvironment, STANDIN_IMAGES, SITE_HOST, STANDALONE_PORT } from './config';
import {
  buildNextRelease,
  containersOf,
  DeploymentLifecycle,
  describeLoad,
  docker,
  engineEnvironment,
  get,
  inspect,
  inspectInBackground,
  load,
  planChanges,
  report,
  run,
  runInBackground,
  sleep,
  TestDeployment,
  waitFor,
} from './harness';

const NAME = 'engine-shopware-docker';
const PORT = STANDALONE_PORT;
const site = { host: SITE_HOST };
const container = (role: string): string => `${NAME}-${role}`;


/** A statement against the database, as the app user, in the database container. */
function sql(deployment: TestDeployment, statement: string): string {
  const password = deployment.secret('engine_shopware_docker_db_password');
  return docker(['exec', '-e', `MYSQL_PWD=${password}`, container('db-1'), 'mariadb', '-uapp', '-Nse', statement, 'shopware']);
}

describe('shopware-docker on a real engine', () => {
  const { dockerHost } = engineEnvironment();
  const deployment = new TestDeployment(NAME);
  const lifecycle = new DeploymentLifecycle(deployment, () => containersOf(NAME, { all: true }).length > 0);

  /**
   * Start and health events of the containers from the apply on, as `<ns> <name> <status>` lines
   * (the engine keeps only its last 256 events, so they are followed as they come).
   */
  let events = '';
  let follower: ChildProcess | undefined;
  afterAll(() => follower?.kill());

  test('applies', () => {
    deployment.synth(standaloneEnvironment(dockerHost));
    follower = spawn('docker', ['events', '--filter', 'type=container', '--filter', 'event=start', '--filter', 'event=health_status', '--format', '{{.TimeNano}} {{.Actor.Attributes.name}} {{.Status}}'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    follower.stdout?.on('data', (chunk: Buffer) => (events += chunk.toString('utf8')));
    const started = Date.now();
    lifecycle.applyOnce();
    report(`standalone apply: ${Math.round((Date.now() - started) / 1000)} s, ${containersOf(NAME).length} running containers`);
  });

  test('converges: the next plan is empty', () => {
    const plan = deployment.plan();
    report(`standalone plan after apply: exit ${plan.status}`);
    expect(plan.status === 0 ? '' : planChanges(plan.stdout)).toBe('');
  });

  test('hardening holds on the engine: unprivileged data stores and Traefik on read-only roots, nofile, init, memory limits without swap', () => {
    const hostConfig = (name: string): Record<string, unknown> => JSON.parse(inspect(name, '{{json .HostConfig}}')) as Record<string, unknown>;
    for (const name of [container('db-1'), container('redis-sessions-1'), container('redis-cache-1'), container('traefik-1')]) {
      const host = hostConfig(name);
      const uid = name.endsWith('traefik-1') ? '65534' : '999';
      // The process itself (PID 1 of the container) runs unprivileged, and the root is read-only.
      expect(`${name} ${docker(['exec', name, 'cat', '/proc/1/status']).match(/^Uid:\s+(\d+)/m)?.[1]}`).toBe(`${name} ${uid}`);
      expect(`${name} ${host.ReadonlyRootfs}`).toBe(`${name} true`);
      expect(docker(['exec', name, 'sh', '-c', 'touch /webcluster-probe 2>&1 || true'])).toMatch(/Read-only file system/);
    }
    for (const name of [container('db-1'), container('redis-queue-1')]) {
      expect(`${name} ${docker(['exec', name, 'sh', '-c', 'ulimit -n'])}`).toBe(`${name} ${SERVER_OPEN_FILES}`);
    }
    // An init process is PID 1 of the app image's containers; the app runs under it.
    for (const name of [container('app-1'), container('app-worker-1'), container('app-scheduler-1'), container('admin-1')]) {
      expect(`${name} ${docker(['exec', name, 'cat', '/proc/1/comm'])}`).toBe(`${name} docker-init`);
    }
    // The memory limit is the whole memory: no swap beyond it.
    const db = hostConfig(container('db-1'));
    expect([db.Memory, db.MemorySwap]).toEqual([1024 * 1024 * 1024, 1024 * 1024 * 1024]);
    report(`standalone hardening: db ${db.Memory} B memory, swap limit ${db.MemorySwap} B`);
  });

  test('the one-shot init finished (exit 0) before any app container started', () => {
    const init = container('app-init');
    expect(inspect(init, '{{.State.ExitCode}}')).toBe('0');
    const finished = Date.parse(inspect(init, '{{.State.FinishedAt}}'));
    const apps = containersOf(NAME, { role: 'app' });
    expect(apps).toEqual([container('app-1'), container('app-2')]);
    for (const app of apps) expect(Date.parse(inspect(app, '{{.State.StartedAt}}'))).toBeGreaterThan(finished);
    expect(Number(sql(deployment, 'SELECT COUNT(*) FROM probe_migrations'))).toBe(1);
  });

  test('500 requests through the load balancer: 0 failures, answered by both app replicas', async () => {
    const result = await load(PORT, { ...site, count: 500, concurrency: 4 });
    report(describeLoad('standalone 500 requests', result));
    expect(result.failures).toEqual([]);
    expect(result.sent).toBe(500);
    expect(Object.keys(result.replicas).length).toBeGreaterThan(1);
  });

  test('/admin from an address outside adminCidrs is refused with 403', async () => {
    for (const p of ['/admin', '/admin/login']) expect((await get(PORT, p, site)).status).toBe(403);
  });

  test('exactly one scheduler runs; the workers run', async () => {
    expect(containersOf(NAME, { role: 'scheduler' })).toEqual([container('app-scheduler-1')]);
    expect(containersOf(NAME, { role: 'worker' })).toEqual([container('app-worker-1'), container('app-worker-2')]);
    await sleep(5000);
    // Heartbeats every 2 s: every worker and exactly one scheduler wrote in the last 20 seconds.
    const recent = (role: string): string => sql(deployment, `SELECT COUNT(DISTINCT host) FROM probe_heartbeats WHERE role = '${role}' AND at > NOW() - INTERVAL 20 SECOND`);
    expect(recent('scheduler')).toBe('1');
    expect(recent('worker')).toBe('2');
  });

  test('workers, the scheduler and Fluent Bit turned healthy; their checks test the process: a stopped worker turns unhealthy', async () => {
    const names = [container('app-worker-1'), container('app-worker-2'), container('app-scheduler-1'), container('fluent-bit-1')];
    // From the engine's events: seconds from each container's start to its first healthy status.
    const lines = events
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' '));
    const seconds = names.map((name) => {
      const start = lines.find(([, n, status]) => n === name && status === 'start');
      const healthy = lines.find(([, n, status, value]) => n === name && status === 'health_status:' && value === 'healthy');
      expect(`${name} ${inspect(name, '{{.State.Health.Status}}')} ${start !== undefined && healthy !== undefined}`).toBe(`${name} healthy true`);
      return `${name} ${((Number(healthy?.[0]) - Number(start?.[0])) / 1e9).toFixed(1)} s`;
    });
    report(`standalone healthy after start: ${seconds.join(', ')}`);
    // The worker's check finds the probe by the console command; stopped, the check fails and Docker marks it unhealthy.
    const worker = container('app-worker-1');
    const test = JSON.parse(inspect(worker, '{{json .Config.Healthcheck.Test}}')) as string[];
    expect(test).toEqual(['CMD', 'sh', '/usr/local/lib/webcluster/process-check', 'bin/console messenger:consume async low_priority failed --time-limit=300 --memory-limit=512M']);
    const found = docker(['exec', worker, ...test.slice(1)]);
    const pid = found.match(/^process (\d+) runs \(state [RS]\): \S*python3 \/usr\/local\/bin\/probe worker bin\/console messenger:consume /)?.[1];
    expect(pid).toBeDefined();
    docker(['exec', worker, 'sh', '-c', `kill -STOP ${pid}`]);
    try {
      const stopped = run('docker', ['exec', worker, ...test.slice(1)], { allowFailure: true });
      expect([stopped.status, stopped.stdout.trim()]).toEqual([1, expect.stringMatching(new RegExp(`^process ${pid} is in state T: `))]);
      const since = Date.now();
      await waitFor(`${worker} unhealthy`, async () => (await inspectInBackground(worker, '{{.State.Health.Status}}')) === 'unhealthy', 90);
      report(`standalone stopped worker unhealthy after ${Math.round((Date.now() - since) / 1000)} s`);
    } finally {
      docker(['exec', worker, 'sh', '-c', `kill -CONT ${pid}`]);
    }
    await waitFor(`${worker} healthy again`, async () => (await inspectInBackground(worker, '{{.State.Health.Status}}')) === 'healthy', 60);
    // Fluent Bit's check is an HTTP request to its health endpoint: another path fails it.
    const fluentBit = JSON.parse(inspect(container('fluent-bit-1'), '{{json .Config.Healthcheck.Test}}')) as string[];
    expect(fluentBit).toEqual(['CMD', '/webcluster-tools/busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:2020/api/v1/health']);
    expect(run('docker', ['exec', container('fluent-bit-1'), ...fluentBit.slice(1, -1), 'http://127.0.0.1:2020/api/v1/missing'], { allowFailure: true }).status).toBe(1);
  });

  test('app logs arrive at the log receiver', async () => {
    await get(PORT, '/', site);
    await waitFor('app records in the log receiver', () => docker(['logs', container('fluent-bit-1')]).includes(`"tag": "docker.${container('app-')}`), 30);
  });

  test('the bucket set-up ran, and its script (as the container ran it) passes shellcheck', () => {
    const task = container('minio-init');
    expect(inspect(task, '{{.State.ExitCode}}')).toBe('0');
    expect(docker(['logs', task])).toContain(`buckets ready: ${NAME}-public ${NAME}-private`);
    const [script] = JSON.parse(inspect(task, '{{json .Config.Cmd}}')) as string[];
    const result = run('shellcheck', ['--shell=sh', '-'], { input: script, allowFailure: true });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('killing one app replica: at most 1% of requests fail while it is gone, none once it is back', async () => {
    const victim = container('app-1');
    const restartsBefore = Number(inspect(victim, '{{.RestartCount}}'));
    let stop = false;
    const running = load(PORT, { ...site, count: 3000, concurrency: 2, stop: () => stop });
    await sleep(2000);
    const pid = inspect(victim, '{{.State.Pid}}');
    await runInBackground('kill', ['-9', pid]);
    const killedAt = Date.now();
    const healthy = async (): Promise<boolean> => (await inspectInBackground(victim, '{{.RestartCount}} {{.State.Health.Status}}')) === `${restartsBefore + 1} healthy`;
    await waitFor(`${victim} restarted and healthy`, healthy, 120);
    const backAfter = Math.round((Date.now() - killedAt) / 1000);
    // Keep the load on until the load balancer's health check (every 10 s) saw it healthy again.
    await sleep(15000);
    stop = true;
    const during = await running;
    report(`${describeLoad('standalone kill -9 of one app replica, until it is back', during)}; healthy again after ${backAfter} s`);
    expect(during.failed / during.sent).toBeLessThanOrEqual(0.01);
    // Restarted by its restart policy, and back in the load balancer's rotation.
    const after = await load(PORT, { ...site, count: 300, concurrency: 2 });
    report(describeLoad('standalone after the killed replica is back', after));
    expect(after.failures).toEqual([]);
    expect(after.replicas[inspect(victim, '{{.Config.Hostname}}')]).toBeGreaterThan(0);
  });

  test('restarting the sessions Redis keeps a session written before', async () => {
    expect((await get(PORT, '/probe/session/engine?value=kept', site)).status).toBe(200);
    docker(['restart', container('redis-sessions-1')]);
    await waitFor('the sessions Redis healthy', () => inspect(container('redis-sessions-1'), '{{.State.Health.Status}}') === 'healthy', 60);
    const answer = await get(PORT, '/probe/session/engine', site);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).value).toBe('kept');
  });

  test('restarting the cache Redis: the app keeps answering', async () => {
    let stop = false;
    // A request that looks the cache up while it is stopped waits for the name lookup: in the
    // tests' network namespace no upstream name server answers, and that takes 10 s (on a host with
    // one it fails at once). The app still answers; the wait is reported as the slowest request.
    const running = load(PORT, { ...site, count: 2000, concurrency: 2, stop: () => stop, timeoutMs: 20000 });
    await sleep(1000);
    const cache = container('redis-cache-1');
    await runInBackground('docker', ['restart', cache]);
    await waitFor('the cache Redis healthy', async () => (await inspectInBackground(cache, '{{.State.Health.Status}}')) === 'healthy', 60);
    await sleep(2000);
    stop = true;
    const result = await running;
    report(describeLoad('standalone cache Redis restart', result));
    expect(result.failures).toEqual([]);
  });

  test('replacing the database container keeps the rows written before', async () => {
    expect((await get(PORT, '/probe/record/engine?value=survives', site)).status).toBe(200);
    const rowsBefore = sql(deployment, 'SELECT COUNT(*) FROM probe_hits');
    const db = deployment.address('docker_container', container('db-1'));
    const idBefore = inspect(container('db-1'), '{{.Id}}');
    deployment.apply([`-replace=${db}`]);
    expect(inspect(container('db-1'), '{{.Id}}')).not.toBe(idBefore);
    const answer = await get(PORT, '/probe/record/engine', site);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).value).toBe('survives');
    expect(Number(sql(deployment, 'SELECT COUNT(*) FROM probe_hits'))).toBeGreaterThanOrEqual(Number(rowsBefore));
    const plan = deployment.plan();
    report(`standalone plan after replacing the database: exit ${plan.status}`);
    expect(plan.status === 0 ? '' : planChanges(plan.stdout)).toBe('');
  });

  test('a new app image (npm run release): init, each app container alone, workers, scheduler, in that order, without a failed request; the next plan is empty', async () => {
    const next = NEXT_APP_IMAGE;
    const nextId = buildNextRelease(STANDIN_IMAGES.app, next);
    const rolled = ['app-init', 'app-1', 'app-2', 'app-worker-1', 'app-worker-2', 'app-scheduler-1'].map(container);
    const idsBefore = rolled.map((n) => inspect(n, '{{.Id}}'));
    deployment.synth(standaloneEnvironment(dockerHost, 2, next));

    let stop = false;
    const running = load(PORT, { ...site, count: 200000, concurrency: 2, stop: () => stop });
    const started = Date.now();
    const output = await deployment.release();
    const seconds = Math.round((Date.now() - started) / 1000);
    await sleep(2000);
    stop = true;
    const during = await running;
    report(`standalone release of a new app image: ${seconds} s; ${describeLoad('requests during it', during)}`);
    report(`standalone release steps: ${output.split('\n').filter((l) => /^\[\d+\/\d+\]/.test(l)).join(' | ')}`);
    expect(during.failures).toEqual([]);
    expect(during.sent).toBeGreaterThan(100);

    // Every container of the app group was replaced and runs the new image, created in the order
    // init → app 1 → app 2 → workers → scheduler; the init task had finished before the first app container.
    for (const [i, name] of rolled.entries()) {
      expect(`${name} ${inspect(name, '{{.Id}}') !== idsBefore[i]} ${inspect(name, '{{.Image}}')}`).toBe(`${name} true ${nextId}`);
    }
    const created = rolled.map((n) => Date.parse(inspect(n, '{{.Created}}')));
    report(`standalone release order (created, s after the init task): ${rolled.map((n, i) => `${n.slice(NAME.length + 1)} +${((created[i] - created[0]) / 1000).toFixed(1)}`).join(', ')}`);
    const [init, app1, app2, worker1, worker2, scheduler] = created;
    expect(Date.parse(inspect(container('app-init'), '{{.State.FinishedAt}}'))).toBeLessThan(app1);
    expect(app1).toBeLessThan(app2);
    expect(init).toBeLessThan(app1);
    expect(Math.max(app1, app2)).toBeLessThan(Math.min(worker1, worker2));
    expect(Math.max(worker1, worker2)).toBeLessThan(scheduler);

    const plan = deployment.plan();
    report(`standalone plan after the release: exit ${plan.status}`);
    expect(plan.status === 0 ? '' : planChanges(plan.stdout)).toBe('');
  });

  test('scaling the app 2 -> 4 adds app containers only and serves without a failed request', async () => {
    const traefikBefore = inspect(container('traefik-1'), '{{.Id}}');
    // Still the image of the release test before.
    deployment.synth(standaloneEnvironment(dockerHost, 4, NEXT_APP_IMAGE));
    const actions = deployment.plannedActions();
    report(`standalone scale 2 -> 4 plan: ${JSON.stringify(actions)}`);
    const created = Object.entries(actions).filter(([, a]) => a.join() === 'create').map(([address]) => address);
    const replaced = Object.entries(actions).filter(([, a]) => a.includes('delete')).map(([address]) => address);
    expect(created).toEqual([expect.stringMatching(/^docker_container\.AppServers_App_Container3_/), expect.stringMatching(/^docker_container\.AppServers_App_Container4_/)]);
    // The routes task runs again with the new server list; nothing else changes.
    expect(replaced).toEqual([expect.stringMatching(/^docker_container\.LoadBalancer_Routes_Task_/)]);
    expect(Object.keys(actions).sort()).toEqual([...created, ...replaced].sort());

    let stop = false;
    const running = load(PORT, { ...site, count: 20000, concurrency: 2, stop: () => stop });
    await deployment.applyInBackground();
    // Until the load balancer's health check (every 10 s) has seen the new containers.
    await sleep(12000);
    stop = true;
    const during = await running;
    report(describeLoad('standalone scale 2 -> 4 during apply', during));
    expect(during.failures).toEqual([]);
    expect(inspect(container('traefik-1'), '{{.Id}}')).toBe(traefikBefore);
    const after = await load(PORT, { ...site, count: 400, concurrency: 4 });
    report(describeLoad('standalone after scale-up', after));
    expect(after.failures).toEqual([]);
    expect(Object.keys(after.replicas)).toHaveLength(4);
    expect(deployment.plan().status).toBe(0);
  });

  test('tears down cleanly: no container, network or volume left', () => {
    deployment.destroy();
    const label = `label=webcluster.cluster=${NAME}`;
    expect(containersOf(NAME, { all: true })).toEqual([]);
    expect(docker(['network', 'ls', '--filter', label, '--format', '{{.Name}}'])).toBe('');
    expect(docker(['volume', 'ls', '--filter', label, '--format', '{{.Name}}'])).toBe('');
    deployment.cleanup();
  });
});
