import { Container } from '@cdktf/provider-docker/lib/container';
import { Network } from '@cdktf/provider-docker/lib/network';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Service } from '@cdktf/provider-docker/lib/service';
import { Testing, TerraformStack } from 'cdktf';
import { DockerCluster } from '../../../constructs/docker/docker-cluster';
import { DockerSecret } from '../../../constructs/docker/docker-secret';
import { StandaloneRuntime } from '../../../constructs/docker/standalone-runtime';
import { SwarmRuntime } from '../../../constructs/docker/swarm-runtime';
import { Workload, WorkloadProps } from '../../../constructs/docker/workload';
import { Port } from '../../../constructs/core/port';
import { resourcesOf, synthJson, synthTextAndJson } from '../../util';

function makeStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new DockerProvider(stack, 'docker', {});
  return stack;
}

describe('Workload (standalone)', () => {
  let stack: TerraformStack;
  let cluster: DockerCluster;
  const make = (id: string, extra: Partial<WorkloadProps> = {}): Workload =>
    new Workload(stack, id, { cluster, name: id.toLowerCase(), role: id.toLowerCase(), image: 'valkey/valkey:8.0.2', ...extra });
  beforeEach(() => {
    stack = makeStack();
    cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop' });
  });

  test('frontend network and an internal backend network', () => {
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Network, { name: 'shop-frontend', internal: false, driver: 'bridge' });
    expect(synth).toHaveResourceWithProperties(Network, { name: 'shop-backend', internal: true, driver: 'bridge' });
  });

  test('replicas become numbered containers; clients join the listen network', () => {
    const db = make('Db', { listenNetwork: cluster.backend, defaultPort: Port.tcp(3306), healthcheck: { test: ['CMD', 'true'], intervalSec: 5, timeoutSec: 3, retries: 5, startPeriodSec: 10 } });
    const app = make('App', { replicas: 2, listenNetwork: cluster.frontend, dependsOn: [db] });
    db.connections.allowDefaultPortFrom(app);
    const { text, json } = synthTextAndJson(stack);
    const containers = resourcesOf(json, 'docker_container');
    expect(containers.map((c) => c.name).sort()).toEqual(['shop-app-1', 'shop-app-2', 'shop-db-1']);
    const app1 = containers.find((c) => c.name === 'shop-app-1') as Record<string, unknown>;
    expect(JSON.stringify(app1.networks_advanced)).toContain('docker_network.Cluster_FrontendNetwork');
    expect(JSON.stringify(app1.networks_advanced)).toContain('docker_network.Cluster_BackendNetwork');
    expect(String(app1.depends_on)).toContain('docker_container.Db_Container1');
    expect(text).toHaveResourceWithProperties(Container, { name: 'shop-db-1', wait: true, restart: 'unless-stopped' });
  });

  test('secrets are variable references, never literals', () => {
    const secret = new DockerSecret(stack, 'DbPassword', { variableName: 'shop_db_password', description: 'db' });
    make('Db', { secrets: { MARIADB_PASSWORD: { secret, fileVariable: 'MARIADB_PASSWORD_FILE' } } });
    const json = synthJson(stack);
    expect(JSON.stringify(resourcesOf(json, 'docker_container')[0].env)).toContain('MARIADB_PASSWORD=${var.shop_db_password}');
  });

  test('one-shot task waits for exit code 0', () => {
    make('Init', { oneShot: true });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Container, {
      name: 'shop-init',
      attach: true,
      must_run: false,
      lifecycle: { postcondition: [expect.objectContaining({ condition: '${self.exit_code == 0}' })] },
    });
  });

  test('fails on an unpinned image', () => {
    expect(() => make('App', { image: 'valkey/valkey' })).toThrow(/image: got 'valkey\/valkey' \(no tag: the image is not pinned\)/);
    expect(() => make('App2', { image: 'valkey/valkey:latest' })).toThrow(/the tag 'latest' is not a pinned version/);
  });

  test('fails on zero replicas', () => {
    expect(() => make('App', { replicas: 0 })).toThrow(/replicas: got 0; allowed: 1 to 50/);
  });
});

describe('Workload (swarm)', () => {
  test('a replicated service with start-first updates rolling back on failure; secrets as files', () => {
    const stack = makeStack();
    const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: new SwarmRuntime() });
    const secret = new DockerSecret(stack, 'DbPassword', { variableName: 'shop_db_password', description: 'db' });
    new Workload(stack, 'App', {
      cluster,
      name: 'app',
      role: 'app',
      image: 'nginx:1.27.3',
      replicas: 3,
      listenNetwork: cluster.frontend,
      secrets: { DB_PASSWORD: { secret, fileVariable: 'DB_PASSWORD_FILE' } },
      files: [{ path: '/etc/app.conf', content: 'x=1\n' }],
    });
    const { text: synth, json } = synthTextAndJson(stack);
    expect(synth).toHaveResourceWithProperties(Network, { name: 'shop-backend', driver: 'overlay', internal: true, attachable: true });
    expect(synth).toHaveResourceWithProperties(Service, {
      name: 'shop-app',
      mode: { replicated: { replicas: 3 } },
      update_config: expect.objectContaining({ order: 'start-first', failure_action: 'rollback' }),
      rollback_config: expect.objectContaining({ failure_action: 'pause' }),
    });
    const service = resourcesOf(json, 'docker_service')[0] as { task_spec: { container_spec: { env: Record<string, string> } } };
    expect(service.task_spec.container_spec.env).toEqual({ DB_PASSWORD_FILE: '/run/secrets/shop_db_password' });
    expect(resourcesOf(json, 'docker_secret')).toHaveLength(1);
    expect(resourcesOf(json, 'docker_config')).toHaveLength(1);
  });

  test('fails on a loopback-only port', () => {
    const stack = makeStack();
    const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: new SwarmRuntime() });
    expect(
      () => new Workload(stack, 'Db', { cluster, name: 'db', role: 'database', image: 'mariadb:11.4.4', ports: [{ containerPort: 3306, hostPort: 3306, hostIp: '127.0.0.1' }] }),
    ).toThrow(/ports: got a 127.0.0.1 port on a swarm runtime/);
  });
});

/**
 * What the docker provider reads back must equal what we write, or every plan after an apply shows
 * a change (found by the first real apply, kreuzwerker/docker 3.6.2 on Docker Engine 20.10).
 */
describe('Workload: attributes survive the provider round trip', () => {
  test('an empty argument in a container command is refused at synth time', () => {
    const stack = makeStack();
    const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop' });
    expect(() => new Workload(stack, 'Cache', { cluster, name: 'cache', role: 'redis', image: 'valkey/valkey:8.0.2', command: ['valkey-server', '--save', ''] })).toThrow(
      /command: got an empty string at index 2; allowed: non-empty arguments/,
    );
    expect(() => new Workload(stack, 'Sh', { cluster, name: 'sh', role: 'init', image: 'debian:12.9', entrypoint: ['', 'sh'] })).toThrow(
      /entrypoint: got an empty string at index 0/,
    );
  });

  test('capabilities are dropped in the CAP_ form the engine reports', () => {
    const stack = makeStack();
    const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop' });
    new Workload(stack, 'App', { cluster, name: 'app', role: 'app', image: 'nginx:1.27.3' });
    const [container] = resourcesOf(synthJson(stack), 'docker_container') as { capabilities: { drop: string[] } }[];
    expect(container.capabilities.drop).toEqual(['CAP_NET_RAW']);
    expect(container.capabilities.drop.every((c) => c.startsWith('CAP_'))).toBe(true);
  });

  test('Swarm services reference networks by id and write the failure ratio with one decimal', () => {
    const stack = makeStack();
    const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: new SwarmRuntime() });
    const db = new Workload(stack, 'Db', { cluster, name: 'db', role: 'database', image: 'mariadb:11.4.4', listenNetwork: cluster.backend, defaultPort: Port.tcp(3306) });
    const app = new Workload(stack, 'App', { cluster, name: 'app', role: 'app', image: 'nginx:1.27.3', listenNetwork: cluster.frontend });
    db.connections.allowDefaultPortFrom(app);
    type ServiceJson = {
      name: string;
      task_spec: { networks_advanced: { name: string }[] };
      update_config: { max_failure_ratio: string };
      rollback_config: { max_failure_ratio: string };
    };
    const services = resourcesOf(synthJson(stack), 'docker_service') as ServiceJson[];
    const appService = services.find((s) => s.name === 'shop-app') as ServiceJson;
    expect(appService.task_spec.networks_advanced.map((n) => n.name)).toEqual([
      expect.stringMatching(/^\$\{docker_network\.Cluster_FrontendNetwork_[0-9A-F]+\.id\}$/),
      expect.stringMatching(/^\$\{docker_network\.Cluster_BackendNetwork_[0-9A-F]+\.id\}$/),
    ]);
    for (const s of services) {
      expect(s.update_config.max_failure_ratio).toBe('0.0');
      expect(s.rollback_config.max_failure_ratio).toBe('0.0');
    }
  });
});

describe('SwarmRuntime endpoint mode', () => {
  test('dnsrr: every service resolves to its tasks, published ports stay in host mode', () => {
    const stack = makeStack();
    const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: new SwarmRuntime({ endpointMode: 'dnsrr' }) });
    new Workload(stack, 'Lb', { cluster, name: 'lb', role: 'load-balancer', image: 'traefik:v3.3.5', ports: [{ containerPort: 80, hostPort: 80, hostIp: '0.0.0.0', publishMode: 'host' }] });
    new Workload(stack, 'Db', { cluster, name: 'db', role: 'database', image: 'mariadb:11.4.4' });
    const services = resourcesOf(synthJson(stack), 'docker_service') as { name: string; endpoint_spec: { mode: string; ports?: { publish_mode: string }[] } }[];
    expect(services.map((s) => [s.name, s.endpoint_spec.mode]).sort()).toEqual([
      ['shop-db', 'dnsrr'],
      ['shop-lb', 'dnsrr'],
    ]);
    expect(services.find((s) => s.name === 'shop-lb')?.endpoint_spec.ports).toEqual([expect.objectContaining({ publish_mode: 'host', published_port: 80 })]);
  });

  test('the default vip mode leaves services without ports to the engine default', () => {
    const stack = makeStack();
    const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: new SwarmRuntime() });
    new Workload(stack, 'Db', { cluster, name: 'db', role: 'database', image: 'mariadb:11.4.4' });
    expect((resourcesOf(synthJson(stack), 'docker_service')[0] as { endpoint_spec?: unknown }).endpoint_spec).toBeUndefined();
  });

  test('fails on an ingress-mode port with dnsrr', () => {
    const stack = makeStack();
    const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: new SwarmRuntime({ endpointMode: 'dnsrr' }) });
    expect(
      () => new Workload(stack, 'Web', { cluster, name: 'web', role: 'app', image: 'nginx:1.27.3', ports: [{ containerPort: 80, hostPort: 8080, hostIp: '0.0.0.0' }] }),
    ).toThrow(/ports: got port 8080 in ingress mode with endpoint mode dnsrr; allowed: host-mode ports with dnsrr/);
  });
});

describe('Workload: global mode', () => {
  test('on Swarm: a global service, without the converge settings the provider refuses for it', () => {
    // GIVEN
    const stack = makeStack();
    const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: new SwarmRuntime() });
    // WHEN
    const lb = new Workload(stack, 'Lb', { cluster, name: 'lb', role: 'load-balancer', image: 'traefik:v3.3.5', global: true, placement: ['node.labels.webcluster.edge == true'] });
    // THEN
    expect(lb.replicas).toBe(1);
    const [service] = resourcesOf(synthJson(stack), 'docker_service') as { mode: unknown; converge_config?: unknown; task_spec: { placement: unknown } }[];
    expect(service.mode).toEqual({ global: true });
    expect(service.converge_config).toBeUndefined();
    expect(service.task_spec.placement).toEqual({ constraints: ['node.labels.webcluster.edge == true'] });
  });

  test('replicated services keep their converge settings', () => {
    const stack = makeStack();
    const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: new SwarmRuntime() });
    new Workload(stack, 'App', { cluster, name: 'app', role: 'app', image: 'nginx:1.27.3', replicas: 2 });
    const [service] = resourcesOf(synthJson(stack), 'docker_service') as { mode: unknown; converge_config?: unknown }[];
    expect(service.mode).toEqual({ replicated: { replicas: 2 } });
    expect(service.converge_config).toEqual({ delay: '7s', timeout: '5m' });
  });

  test('a standalone engine ignores it: one container', () => {
    const stack = makeStack();
    const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop' });
    new Workload(stack, 'Lb', { cluster, name: 'lb', role: 'load-balancer', image: 'traefik:v3.3.5', global: true });
    expect(resourcesOf(synthJson(stack), 'docker_container').map((c) => c.name)).toEqual(['shop-lb-1']);
  });

  test('fails with more than one replica', () => {
    const stack = makeStack();
    const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: new SwarmRuntime() });
    expect(() => new Workload(stack, 'Lb', { cluster, name: 'lb', role: 'load-balancer', image: 'traefik:v3.3.5', global: true, replicas: 2 })).toThrow(
      /^test\/Lb: replicas: got 2 with global; allowed: 1 with global \(a global service runs one task on every node its placement admits\); fix: leave replicas out, or turn global off$/,
    );
  });
});

describe('SwarmRuntime nodes', () => {
  test('one node unless told otherwise; a standalone engine is one node', () => {
    expect(new SwarmRuntime().nodes).toBe(1);
    expect(new SwarmRuntime({ nodes: 3 }).nodes).toBe(3);
    expect(new StandaloneRuntime().nodes).toBe(1);
  });

  test.each([0, 101, 2.5])('the cluster refuses %p nodes', (nodes) => {
    const stack = makeStack();
    expect(() => new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: new SwarmRuntime({ nodes }) })).toThrow(
      new RegExp(`^test/Cluster: runtime\\.nodes: got ${nodes} on a swarm runtime; allowed: an integer from 1 to 100 \\(the nodes of the swarm\\); fix: give the number of nodes 'docker node ls' lists$`),
    );
  });
});
