import { Container } from '@cdktf/provider-docker/lib/container';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Service } from '@cdktf/provider-docker/lib/service';
import { Testing, TerraformStack } from 'cdktf';
import { parse } from 'yaml';
import { Port } from '../../../constructs/core/port';
import { AdminServer, AdminServerProps } from '../../../constructs/docker/admin-server';
import { AppServerGroup } from '../../../constructs/docker/app-server-group';
import { DockerCluster } from '../../../constructs/docker/docker-cluster';
import { DockerConnections } from '../../../constructs/docker/docker-connections';
import { LoadBalancer } from '../../../constructs/docker/load-balancer';
import { SwarmRuntime } from '../../../constructs/docker/swarm-runtime';
import { Workload } from '../../../constructs/docker/workload';
import { dockerConfigContent, resolveToken, resourcesOf, SynthJson, synthJson, synthTextAndJson } from '../../util';

function makeStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new DockerProvider(stack, 'docker', {});
  return stack;
}

const IMAGE = 'registry.example.com/shop/shopware:2026.1.0';
const INIT = ['vendor/bin/shopware-deployment-helper', 'run'];

interface ContainerJson {
  name: string;
  depends_on?: string[];
  networks_advanced: { name: string }[];
  upload?: { content: string }[];
}

function byName(json: SynthJson, name: string): ContainerJson {
  const found = (resourcesOf(json, 'docker_container') as unknown as ContainerJson[]).find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
}

/** Routers and middlewares of the uploaded Traefik configuration. */
function traefikHttp(json: SynthJson): {
  routers: Record<string, { rule: string; priority: number; middlewares?: string[] }>;
  middlewares?: Record<string, { ipAllowList?: { sourceRange: string[] }; retry?: unknown }>;
  services: Record<string, { loadBalancer: { servers: { url: string }[]; healthCheck: { path: string } } }>;
} {
  const upload = byName(json, 'shop-traefik-routes').upload as { content: string }[];
  return parse(upload[0].content).http;
}

describe('AdminServer (standalone)', () => {
  let stack: TerraformStack;
  let cluster: DockerCluster;
  let lb: LoadBalancer;
  let db: Workload;
  const make = (extra: Partial<AdminServerProps> = {}): AdminServer =>
    new AdminServer(stack, 'Admin', { cluster, loadBalancer: lb, port: 8000, healthCheckPath: '/api/_info/health-check', image: IMAGE, ...extra });
  beforeEach(() => {
    // GIVEN
    stack = makeStack();
    cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop' });
    lb = new LoadBalancer(stack, 'Lb', { cluster, domain: 'shop.example.com' });
    db = new Workload(stack, 'Db', { cluster, name: 'db', role: 'database', image: 'mariadb:11.4.4', listenNetwork: cluster.backend, defaultPort: Port.tcp(3306) });
  });

  test('one health-checked admin container behind the /admin route', () => {
    // WHEN
    const admin = make();
    // THEN
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(Container, {
      name: 'shop-admin-1',
      restart: 'unless-stopped',
      healthcheck: expect.objectContaining({ test: expect.arrayContaining([expect.stringContaining('http://127.0.0.1:8000/api/_info/health-check')]) }),
      networks_advanced: [expect.objectContaining({ name: '${docker_network.Cluster_FrontendNetwork_9AB3B1FA.name}' })],
    });
    const http = traefikHttp(json);
    expect(http.routers.admin).toEqual(expect.objectContaining({ rule: 'Host(`shop.example.com`) && PathPrefix(`/admin`)', priority: 106 }));
    expect(http.routers.admin.middlewares).toBeUndefined();
    expect(http.services.admin.loadBalancer.servers).toEqual([{ url: expect.stringMatching(/^http:\/\/\$\{docker_container\.Admin_Container1_[0-9A-F]{8}\.name\}:8000$/) }]);
    expect(resolveToken(stack, admin.serverId)).toMatch(/^\$\{docker_container\.Admin_Container1_[0-9A-F]{8}\.name\}$/);
    expect(admin.connections).toBeInstanceOf(DockerConnections);
  });

  test('adminCidrs become an ipAllowList on the admin route only', () => {
    // GIVEN
    new AppServerGroup(stack, 'AppServers', { cluster, loadBalancer: lb, port: 8000, healthCheckPath: '/api/_info/health-check', image: IMAGE });
    // WHEN
    make({ adminCidrs: ['203.0.113.0/24', '198.51.100.7/32'] });
    // THEN
    const http = traefikHttp(synthJson(stack));
    expect(http.routers.admin.middlewares).toEqual(['admin-allowlist']);
    expect(http.routers.app.middlewares).toBeUndefined();
    expect(http.middlewares).toEqual({ retry: { retry: { attempts: 2, initialInterval: '100ms' } }, 'admin-allowlist': { ipAllowList: { sourceRange: ['203.0.113.0/24', '198.51.100.7/32'] } } });
    expect(http.routers.admin.priority).toBeGreaterThan(http.routers.app.priority);
  });

  test('empty adminCidrs deny everyone on the admin paths', () => {
    // WHEN
    make({ adminCidrs: [] });
    // THEN
    const http = traefikHttp(synthJson(stack));
    expect(http.routers.admin.middlewares).toEqual(['deny-all']);
    expect(http.middlewares?.['deny-all']).toEqual({ ipAllowList: { sourceRange: ['255.255.255.255/32'] } });
  });

  test('path prefixes and priority are configurable', () => {
    // WHEN
    const admin = make({ pathPrefixes: ['/admin', '/backend'], priority: 500 });
    // THEN
    expect(traefikHttp(synthJson(stack)).routers.admin).toEqual(expect.objectContaining({ rule: 'Host(`shop.example.com`) && (PathPrefix(`/admin`) || PathPrefix(`/backend`))', priority: 500 }));
    expect(admin.target.pathPrefixes).toEqual(['/admin', '/backend']);
  });

  test('runs the one-shot init task before the admin container; a data store grant reaches both', () => {
    // WHEN
    const admin = make({ initCommand: INIT, dependsOn: [db] });
    db.connections.allowDefaultPortFrom(admin);
    // THEN
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(Container, {
      name: 'shop-admin-init',
      command: INIT,
      restart: 'no',
      lifecycle: { postcondition: [expect.objectContaining({ condition: '${self.exit_code == 0}' })] },
    });
    expect(byName(json, 'shop-admin-1').depends_on).toEqual([expect.stringMatching(/^docker_container\.Db_Container1_/), expect.stringMatching(/^docker_container\.Admin_Init_Task_/)]);
    const backend = '${docker_network.Cluster_BackendNetwork_91D09744.name}';
    expect(byName(json, 'shop-admin-init').networks_advanced.map((n) => n.name)).toEqual([backend]);
    expect(byName(json, 'shop-admin-1').networks_advanced.map((n) => n.name)).toContain(backend);
    expect(admin.initTasks).toHaveLength(1);
  });

  test('waits for the app group\'s init task', () => {
    // GIVEN
    const app = new AppServerGroup(stack, 'AppServers', { cluster, loadBalancer: lb, port: 8000, healthCheckPath: '/health', image: IMAGE, initCommand: INIT });
    // WHEN
    make({ dependsOn: [db, ...app.initTasks] });
    // THEN
    expect(byName(synthJson(stack), 'shop-admin-1').depends_on).toEqual([expect.stringMatching(/^docker_container\.Db_Container1_/), expect.stringMatching(/^docker_container\.AppServers_Init_Task_/)]);
  });

  test('fails when adminCidrs holds a bad CIDR', () => {
    expect(() => make({ adminCidrs: ['203.0.113.1/24'] })).toThrow(/test\/Admin: adminCidrs: got '203.0.113.1\/24'; allowed: IPv4 CIDR blocks/);
  });

  test('fails when pathPrefixes is empty', () => {
    expect(() => make({ pathPrefixes: [] })).toThrow(/pathPrefixes: got \[\]/);
  });

  test('fails when a path prefix does not start with /', () => {
    expect(() => make({ pathPrefixes: ['admin'] })).toThrow(/pathPrefixes: got 'admin'; allowed: absolute paths starting with '\/'/);
  });

  test('fails when the priority is already taken', () => {
    new AppServerGroup(stack, 'AppServers', { cluster, loadBalancer: lb, port: 8000, healthCheckPath: '/health', image: IMAGE });
    expect(() => make({ priority: 1 })).toThrow(/priority: got 1, which target 'app' already uses/);
  });

  test('fails when initCommand is an empty list', () => {
    expect(() => make({ initCommand: [] })).toThrow(/initCommand: got \[\]/);
  });

  test('fails when the port is out of range', () => {
    expect(() => make({ port: 0 })).toThrow(/port: got 0; allowed: 1 to 65535/);
  });

  test('fails when the image is not pinned', () => {
    expect(() => make({ image: 'shop/app:latest' })).toThrow(/the tag 'latest' is not a pinned version/);
  });
});

describe('AdminServer (swarm)', () => {
  test('a one-replica service behind /admin; serverId is the service name', () => {
    // GIVEN
    const stack = makeStack();
    const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: new SwarmRuntime() });
    const lb = new LoadBalancer(stack, 'Lb', { cluster });
    // WHEN
    const admin = new AdminServer(stack, 'Admin', {
      cluster,
      loadBalancer: lb,
      port: 8000,
      healthCheckPath: '/api/_info/health-check',
      image: IMAGE,
      adminCidrs: ['203.0.113.0/24'],
      initCommand: INIT,
    });
    // THEN
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(Service, {
      name: 'shop-admin',
      mode: { replicated: { replicas: 1 } },
      depends_on: [expect.stringMatching(/^docker_container\.Admin_Init_Task_/)],
    });
    expect(admin.serverId).toBe('shop-admin');
    const config = resourcesOf(json, 'docker_config')[0] as { data: string };
    const http = parse(dockerConfigContent(json, config)).http;
    expect(http.routers.admin).toEqual(expect.objectContaining({ rule: 'PathPrefix(`/admin`)', middlewares: ['admin-allowlist'] }));
    expect(http.services.admin.loadBalancer.servers).toEqual([{ url: 'http://shop-admin:8000' }]);
  });
});
