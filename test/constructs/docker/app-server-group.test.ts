import { Container } from '@cdktf/provider-docker/lib/container';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Service } from '@cdktf/provider-docker/lib/service';
import { Testing, TerraformStack } from 'cdktf';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { Port } from '../../../constructs/core/port';
import { AppServerGroup, AppServerGroupProps } from '../../../constructs/docker/app-server-group';
import { DockerCluster } from '../../../constructs/docker/docker-cluster';
import { DockerConnections } from '../../../constructs/docker/docker-connections';
import { DockerSecret } from '../../../constructs/docker/docker-secret';
import { LoadBalancer } from '../../../constructs/docker/load-balancer';
import { SwarmRuntime } from '../../../constructs/docker/swarm-runtime';
import { Workload } from '../../../constructs/docker/workload';
import { dockerConfigContent, resourcesOf, SynthJson, synthJson, synthTextAndJson } from '../../util';

function makeStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new DockerProvider(stack, 'docker', {});
  return stack;
}

const IMAGE = 'registry.example.com/shop/shopware:2026.1.0';
const WORKER = ['php', 'bin/console', 'messenger:consume', 'async'];
const SCHEDULER = ['php', 'bin/console', 'scheduled-task:run'];
const INIT = ['vendor/bin/shopware-deployment-helper', 'run'];

interface ContainerJson {
  name: string;
  command?: string[];
  depends_on?: string[];
  env?: string[];
  networks_advanced: { name: string }[];
}

function containers(json: SynthJson): ContainerJson[] {
  return resourcesOf(json, 'docker_container') as unknown as ContainerJson[];
}

function byName(json: SynthJson, name: string): ContainerJson {
  const found = containers(json).find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
}

describe('AppServerGroup (standalone)', () => {
  let stack: TerraformStack;
  let cluster: DockerCluster;
  let lb: LoadBalancer;
  let db: Workload;
  const make = (extra: Partial<AppServerGroupProps> = {}): AppServerGroup =>
    new AppServerGroup(stack, 'AppServers', { cluster, loadBalancer: lb, port: 8000, healthCheckPath: '/api/_info/health-check', image: IMAGE, ...extra });
  beforeEach(() => {
    // GIVEN
    stack = makeStack();
    cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop' });
    lb = new LoadBalancer(stack, 'Lb', { cluster, domain: 'shop.example.com' });
    db = new Workload(stack, 'Db', {
      cluster,
      name: 'db',
      role: 'database',
      image: 'mariadb:11.4.4',
      listenNetwork: cluster.backend,
      defaultPort: Port.tcp(3306),
      healthcheck: { test: ['CMD', 'healthcheck.sh', '--connect'], intervalSec: 5, timeoutSec: 3, retries: 10, startPeriodSec: 30 },
    });
  });

  test('two health-checked app containers on the frontend network by default', () => {
    // WHEN
    const group = make();
    // THEN
    const { text, json } = synthTextAndJson(stack);
    for (const name of ['shop-app-1', 'shop-app-2']) {
      expect(text).toHaveResourceWithProperties(Container, {
        name,
        restart: 'unless-stopped',
        wait: true,
        healthcheck: {
          test: [
            'CMD-SHELL',
            'wget -qO- http://127.0.0.1:8000/api/_info/health-check >/dev/null || curl -fsS http://127.0.0.1:8000/api/_info/health-check >/dev/null',
          ],
          interval: '10s',
          timeout: '5s',
          retries: 3,
          start_period: '1m0s',
        },
        networks_advanced: [expect.objectContaining({ name: '${docker_network.Cluster_FrontendNetwork_9AB3B1FA.name}' })],
      });
    }
    expect(containers(json).filter((c) => c.name.startsWith('shop-app')).map((c) => c.name).sort()).toEqual(['shop-app-1', 'shop-app-2']);
    expect(group.groupName).toBe('shop-app');
    expect(group.replicas).toBe(2);
    expect(group.workers).toBe(0);
    expect(group.workerWorkload).toBeUndefined();
    expect(group.schedulerWorkload).toBeUndefined();
    expect(group.initTasks).toEqual([]);
  });

  test('the app is the load balancer\'s catch-all target with one server per container', () => {
    // WHEN
    const group = make({ replicas: 3 });
    // THEN
    const traefik = containers(synthJson(stack)).find((c) => c.name === 'shop-traefik-routes') as unknown as { upload: { content: string }[] };
    const http = parse(traefik.upload[0].content).http;
    expect(http.routers.app).toEqual(expect.objectContaining({ rule: 'Host(`shop.example.com`)', priority: 1, service: 'app' }));
    expect(http.services.app.loadBalancer.servers).toHaveLength(3);
    expect(http.services.app.loadBalancer.healthCheck).toEqual(expect.objectContaining({ path: '/api/_info/health-check' }));
    expect(group.target).toEqual(expect.objectContaining({ id: 'app', port: 8000, priority: 1 }));
  });

  test('workers run the queue consumer, two by default', () => {
    // WHEN
    const group = make({ workerCommand: WORKER });
    // THEN
    const synth = Testing.synth(stack);
    for (const name of ['shop-app-worker-1', 'shop-app-worker-2']) {
      expect(synth).toHaveResourceWithProperties(Container, { name, command: WORKER, restart: 'unless-stopped' });
    }
    expect(group.workers).toBe(2);
    expect(group.workerWorkload?.replicas).toBe(2);
  });

  test('workers and the scheduler are health-checked by the shipped process check, looking for their command', () => {
    // WHEN
    make({ workerCommand: WORKER, schedulerCommand: SCHEDULER });
    // THEN
    const synth = Testing.synth(stack);
    const check = (text: string): Record<string, unknown> => ({
      test: ['CMD', 'sh', '/usr/local/lib/webcluster/process-check', text],
      interval: '10s',
      timeout: '5s',
      retries: 3,
      start_period: '10s',
    });
    expect(synth).toHaveResourceWithProperties(Container, { name: 'shop-app-worker-1', healthcheck: check('bin/console messenger:consume async'), wait: true });
    expect(synth).toHaveResourceWithProperties(Container, { name: 'shop-app-scheduler-1', healthcheck: check('bin/console scheduled-task:run'), wait: true });
    // As shipped, with `${` escaped from Terraform's interpolation.
    const script = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'constructs', 'docker', 'scripts', 'health', 'process-check'), 'utf8').replace(/\$\{/g, '$$${');
    expect(script).toContain('$${dir#/proc/}');
    for (const name of ['shop-app-worker-2', 'shop-app-scheduler-1']) {
      expect(synth).toHaveResourceWithProperties(Container, { name, upload: [{ file: '/usr/local/lib/webcluster/process-check', content: script }] });
    }
  });

  test('the process the health checks look for can be named (a command that execs another program)', () => {
    // WHEN
    make({ workerCommand: ['/usr/local/bin/worker'], schedulerCommand: ['bash', '-c', 'exec /usr/bin/supervisord -n'], schedulerProcess: '/usr/bin/supervisord -n' });
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Container, {
      name: 'shop-app-worker-1',
      healthcheck: expect.objectContaining({ test: ['CMD', 'sh', '/usr/local/lib/webcluster/process-check', '/usr/local/bin/worker'] }),
    });
    expect(synth).toHaveResourceWithProperties(Container, {
      name: 'shop-app-scheduler-1',
      healthcheck: expect.objectContaining({ test: ['CMD', 'sh', '/usr/local/lib/webcluster/process-check', '/usr/bin/supervisord -n'] }),
    });
  });

  test('worker count is configurable', () => {
    // WHEN
    make({ workerCommand: WORKER, workers: 4 });
    // THEN
    expect(containers(synthJson(stack)).filter((c) => c.name.startsWith('shop-app-worker-'))).toHaveLength(4);
  });

  test('exactly one scheduler container', () => {
    // WHEN
    const group = make({ schedulerCommand: SCHEDULER, replicas: 4 });
    // THEN
    const { text, json } = synthTextAndJson(stack);
    expect(containers(json).filter((c) => c.name.startsWith('shop-app-scheduler')).map((c) => c.name)).toEqual(['shop-app-scheduler-1']);
    expect(text).toHaveResourceWithProperties(Container, { name: 'shop-app-scheduler-1', command: SCHEDULER });
    expect(group.schedulerWorkload?.replicas).toBe(1);
  });

  test('app, workers and scheduler start only after the init task exited 0, which waits for the data stores; workers after the app, the scheduler last', () => {
    // WHEN
    const group = make({ workerCommand: WORKER, schedulerCommand: SCHEDULER, initCommand: INIT, dependsOn: [db] });
    // THEN
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(Container, {
      name: 'shop-app-init',
      command: INIT,
      restart: 'no',
      must_run: false,
      lifecycle: { postcondition: [expect.objectContaining({ condition: '${self.exit_code == 0}' })] },
    });
    expect(byName(json, 'shop-app-init').depends_on).toEqual([expect.stringMatching(/^docker_container\.Db_Container1_/)]);
    const afterInit = [expect.stringMatching(/^docker_container\.Db_Container1_/), expect.stringMatching(/^docker_container\.AppServers_Init_Task_/)];
    const apps = [expect.stringMatching(/^docker_container\.AppServers_App_Container1_/), expect.stringMatching(/^docker_container\.AppServers_App_Container2_/)];
    for (const name of ['shop-app-1', 'shop-app-2']) expect(byName(json, name).depends_on).toEqual(afterInit);
    // A new image goes init → app → workers → scheduler.
    expect(byName(json, 'shop-app-worker-1').depends_on).toEqual([...afterInit, ...apps]);
    expect(byName(json, 'shop-app-scheduler-1').depends_on).toEqual([...afterInit, ...apps, expect.stringMatching(/^docker_container\.AppServers_Worker_Container1_/), expect.stringMatching(/^docker_container\.AppServers_Worker_Container2_/)]);
    expect(group.initTasks).toEqual([group.initTask]);
  });

  test('a data store granting access to the group reaches every container of it; workers stay off the frontend', () => {
    // GIVEN
    const group = make({ workerCommand: WORKER, schedulerCommand: SCHEDULER, initCommand: INIT, dependsOn: [db] });
    // WHEN
    db.connections.allowDefaultPortFrom(group);
    // THEN
    expect(group.connections).toBeInstanceOf(DockerConnections);
    const backend = '${docker_network.Cluster_BackendNetwork_91D09744.name}';
    const frontend = '${docker_network.Cluster_FrontendNetwork_9AB3B1FA.name}';
    const json = synthJson(stack);
    expect(byName(json, 'shop-app-1').networks_advanced.map((n) => n.name)).toEqual([frontend, backend]);
    for (const name of ['shop-app-worker-1', 'shop-app-scheduler-1', 'shop-app-init']) {
      expect(byName(json, name).networks_advanced.map((n) => n.name)).toEqual([backend]);
    }
    expect(db.connections.rules).toEqual([expect.objectContaining({ from: 'test/AppServers', to: 'test/Db', port: Port.tcp(3306) })]);
  });

  test('allowTo from the group joins every member too', () => {
    // GIVEN
    const group = make({ workerCommand: WORKER });
    // WHEN
    group.connections.allowTo(db, Port.tcp(3306), 'app to database');
    // THEN
    expect(byName(synthJson(stack), 'shop-app-worker-1').networks_advanced.map((n) => n.name)).toEqual(['${docker_network.Cluster_BackendNetwork_91D09744.name}']);
  });

  test('environment and secrets go to every container of the group; secrets as variable references', () => {
    // GIVEN
    const secret = new DockerSecret(stack, 'AppSecret', { variableName: 'shop_app_secret', description: 'APP_SECRET' });
    // WHEN
    make({ workerCommand: WORKER, initCommand: INIT, environment: { APP_ENV: 'prod' }, secrets: { APP_SECRET: { secret } } });
    // THEN
    const json = synthJson(stack);
    for (const name of ['shop-app-1', 'shop-app-worker-1', 'shop-app-init']) {
      expect(byName(json, name).env).toEqual(['APP_ENV=prod', 'APP_SECRET=${var.shop_app_secret}']);
    }
  });

  test('the app command and health check can be overridden', () => {
    // WHEN
    make({ command: ['frankenphp', 'run'], healthcheck: { test: ['CMD', 'true'], intervalSec: 30, timeoutSec: 2, retries: 1, startPeriodSec: 5 } });
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Container, {
      name: 'shop-app-1',
      command: ['frankenphp', 'run'],
      healthcheck: expect.objectContaining({ test: ['CMD', 'true'], interval: '30s' }),
    });
  });

  test('fails when replicas is below 1', () => {
    expect(() => make({ replicas: 0 })).toThrow(/test\/AppServers: replicas: got 0; allowed: 1 to 50/);
  });

  test('fails when workers are asked for without a workerCommand', () => {
    expect(() => make({ workers: 2 })).toThrow(/workers: got 2 without a workerCommand/);
  });

  test('fails when workers is out of range', () => {
    expect(() => make({ workerCommand: WORKER, workers: 51 })).toThrow(/workers: got 51; allowed: 0 to 50/);
  });

  test('fails when a command is an empty list', () => {
    expect(() => make({ initCommand: [] })).toThrow(/initCommand: got \[\]; allowed: a command as a list of arguments/);
  });

  test('fails when workerProcess is blank (it would match every process)', () => {
    expect(() => make({ workerCommand: WORKER, workerProcess: ' ' })).toThrow(/workerProcess: got " "; allowed: a non-empty part of the process's command line on one line; fix: leave workerProcess out/);
  });

  test('fails when schedulerProcess spans lines', () => {
    expect(() => make({ schedulerCommand: SCHEDULER, schedulerProcess: 'scheduled-task:run\n--time-limit' })).toThrow(/schedulerProcess: got "scheduled-task:run\\n--time-limit"; allowed: a non-empty part/);
  });

  test('fails when the health check path is not absolute', () => {
    expect(() => make({ healthCheckPath: 'health' })).toThrow(/healthCheckPath: got 'health'/);
  });

  test('fails when the port is out of range', () => {
    expect(() => make({ port: 70000 })).toThrow(/port: got 70000; allowed: 1 to 65535/);
  });

  test('fails when the image is not pinned', () => {
    expect(() => make({ image: 'shopware/app' })).toThrow(/image: got 'shopware\/app' \(no tag: the image is not pinned\)/);
  });

  test('fails when the name is not a lowercase name', () => {
    expect(() => make({ name: 'App' })).toThrow(/name: got 'App'/);
  });
});

describe('AppServerGroup (swarm)', () => {
  test('replicated services with rolling updates; a single stop-first scheduler; the init task as a container', () => {
    // GIVEN
    const stack = makeStack();
    const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: new SwarmRuntime() });
    const lb = new LoadBalancer(stack, 'Lb', { cluster });
    // WHEN
    const group = new AppServerGroup(stack, 'AppServers', {
      cluster,
      loadBalancer: lb,
      port: 8000,
      healthCheckPath: '/api/_info/health-check',
      image: IMAGE,
      replicas: 3,
      workerCommand: WORKER,
      schedulerCommand: SCHEDULER,
      initCommand: INIT,
    });
    // THEN
    const { text: synth, json } = synthTextAndJson(stack);
    expect(synth).toHaveResourceWithProperties(Service, {
      name: 'shop-app',
      mode: { replicated: { replicas: 3 } },
      update_config: expect.objectContaining({ order: 'start-first', failure_action: 'rollback' }),
      task_spec: expect.objectContaining({ container_spec: expect.objectContaining({ healthcheck: expect.objectContaining({ interval: '10s' }) }) }),
    });
    expect(synth).toHaveResourceWithProperties(Service, {
      name: 'shop-app-worker',
      mode: { replicated: { replicas: 2 } },
      task_spec: expect.objectContaining({
        container_spec: expect.objectContaining({
          healthcheck: { test: ['CMD', 'sh', '/usr/local/lib/webcluster/process-check', 'bin/console messenger:consume async'], interval: '10s', timeout: '5s', retries: 3, start_period: '10s' },
          configs: [expect.objectContaining({ file_name: '/usr/local/lib/webcluster/process-check' })],
        }),
      }),
    });
    expect(synth).toHaveResourceWithProperties(Service, {
      name: 'shop-app-scheduler',
      mode: { replicated: { replicas: 1 } },
      update_config: expect.objectContaining({ order: 'stop-first' }),
      task_spec: expect.objectContaining({
        container_spec: expect.objectContaining({ healthcheck: expect.objectContaining({ test: ['CMD', 'sh', '/usr/local/lib/webcluster/process-check', 'bin/console scheduled-task:run'] }) }),
      }),
    });
    expect(synth).toHaveResourceWithProperties(Container, { name: 'shop-app-init', must_run: false });
    const service = resourcesOf(json, 'docker_service').find((s) => s.name === 'shop-app') as { depends_on: string[] };
    expect(service.depends_on).toEqual([expect.stringMatching(/^docker_container\.AppServers_Init_Task_/)]);
    const config = resourcesOf(json, 'docker_config').find((c) => String(c.name).startsWith('shop-traefik')) as { data: string };
    expect(parse(dockerConfigContent(json, config)).http.services.app.loadBalancer.servers).toEqual([{ url: 'http://shop-app:8000' }]);
    expect(group.groupName).toBe('shop-app');
  });
});
