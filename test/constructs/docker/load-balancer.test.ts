import { Config } from '@cdktf/provider-docker/lib/config';
import { Container } from '@cdktf/provider-docker/lib/container';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Service } from '@cdktf/provider-docker/lib/service';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Testing, TerraformStack } from 'cdktf';
import { parse } from 'yaml';
import { Port } from '../../../constructs/core/port';
import { DockerCluster } from '../../../constructs/docker/docker-cluster';
import { LoadBalancer, LoadBalancerProps } from '../../../constructs/docker/load-balancer';
import { SwarmRuntime } from '../../../constructs/docker/swarm-runtime';
import { Workload } from '../../../constructs/docker/workload';
import { dockerConfigContent, resourcesOf, SynthJson, synthJson, synthTextAndJson } from '../../util';

function makeStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new DockerProvider(stack, 'docker', {});
  return stack;
}

/** The shape of the parts of Traefik's dynamic configuration the tests read. */
interface DynamicConfig {
  http: {
    routers: Record<string, { entryPoints: string[]; rule: string; priority: number; service: string; middlewares?: string[]; tls?: { certResolver: string } }>;
    middlewares?: Record<string, { ipAllowList?: { sourceRange: string[] }; retry?: unknown }>;
    services: Record<
      string,
      {
        loadBalancer: {
          servers: { url: string }[];
          healthCheck: { path: string; interval: string; timeout: string; hostname?: string };
          sticky?: { cookie: { name: string; httpOnly: boolean; secure: boolean; sameSite: string } };
        };
      }
    >;
  };
}

/** The Traefik container's uploaded dynamic configuration (standalone), parsed. */
function uploadedConfig(json: SynthJson): DynamicConfig {
  const traefik = resourcesOf(json, 'docker_container').find((c) => c.name === 'shop-traefik-routes') as { upload: { file: string; content: string }[] };
  expect(traefik.upload).toHaveLength(1);
  expect(traefik.upload[0].file).toBe('/etc/traefik/dynamic.yml');
  return parse(traefik.upload[0].content) as DynamicConfig;
}

describe('LoadBalancer (standalone)', () => {
  let stack: TerraformStack;
  let cluster: DockerCluster;
  let app: Workload;
  let admin: Workload;
  const makeLb = (extra: Partial<LoadBalancerProps> = {}): LoadBalancer => new LoadBalancer(stack, 'Lb', { cluster, ...extra });
  beforeEach(() => {
    // GIVEN
    stack = makeStack();
    cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop' });
    app = new Workload(stack, 'App', { cluster, name: 'app', role: 'app', image: 'shop/app:1.0.0', replicas: 2, listenNetwork: cluster.frontend });
    admin = new Workload(stack, 'Admin', { cluster, name: 'admin', role: 'admin', image: 'shop/app:1.0.0', listenNetwork: cluster.frontend });
  });

  test('one Traefik container on the frontend network, configured by arguments and the file provider', () => {
    // WHEN
    const lb = makeLb();
    lb.addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health' });
    // THEN
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(Container, {
      name: 'shop-traefik-1',
      restart: 'unless-stopped',
      command: expect.arrayContaining([
        '--entrypoints.web.address=:80',
        '--entrypoints.web.http.middlewares=retry@file',
        '--providers.file.directory=/etc/traefik/routes',
        '--providers.file.watch=true',
        '--ping=true',
        '--accesslog=true',
        '--entrypoints.web.transport.respondingTimeouts.idleTimeout=60s',
      ]),
      healthcheck: expect.objectContaining({ test: ['CMD', 'traefik', 'healthcheck', '--ping'] }),
      networks_advanced: [expect.objectContaining({ name: '${docker_network.Cluster_FrontendNetwork_9AB3B1FA.name}' })],
    });
    const traefik = resourcesOf(json, 'docker_container').find((c) => c.name === 'shop-traefik-1') as { command: string[] };
    expect(traefik.command.filter((a) => /--api|dashboard|providers\.docker|websecure|acme/i.test(a))).toEqual([]);
    expect(lb.dnsName).toBe('0.0.0.0');
  });

  test('no Docker socket is mounted', () => {
    // WHEN
    makeLb({ acmeEmail: 'ops@example.com', domain: 'shop.example.com' }).addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health' });
    // THEN
    const { text, json } = synthTextAndJson(stack);
    const traefik = resourcesOf(json, 'docker_container').find((c) => c.name === 'shop-traefik-1') as Record<string, unknown>;
    expect(traefik.mounts).toBeUndefined();
    expect(traefik.volumes).toEqual([
      { volume_name: '${docker_volume.Lb_RoutesVolume_880919F0.name}', container_path: '/etc/traefik/routes', read_only: true },
      { volume_name: '${docker_volume.Lb_AcmeVolume_136B2969.name}', container_path: '/letsencrypt', read_only: false },
    ]);
    expect(text).not.toContain('docker.sock');
  });

  test('only port 80 is published, on the listen address', () => {
    // WHEN
    makeLb({ listenAddress: '127.0.0.1', httpPort: 8080 }).addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health' });
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Container, {
      name: 'shop-traefik-1',
      ports: [{ internal: 80, external: 8080, ip: '127.0.0.1', protocol: 'tcp' }],
    });
  });

  test('with ACME: 80 and 443 published, HTTP-01 resolver, redirect, routers on websecure with TLS', () => {
    // WHEN
    const lb = makeLb({ acmeEmail: 'ops@example.com', domain: 'shop.example.com' });
    lb.addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health' });
    // THEN
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(Container, {
      name: 'shop-traefik-1',
      ports: [
        { internal: 80, external: 80, ip: '0.0.0.0', protocol: 'tcp' },
        { internal: 443, external: 443, ip: '0.0.0.0', protocol: 'tcp' },
      ],
      command: expect.arrayContaining([
        '--entrypoints.websecure.address=:443',
        '--entrypoints.web.http.redirections.entrypoint.to=websecure',
        '--certificatesResolvers.letsencrypt.acme.email=ops@example.com',
        '--certificatesResolvers.letsencrypt.acme.storage=/letsencrypt/acme.json',
        '--certificatesResolvers.letsencrypt.acme.httpChallenge.entrypoint=web',
      ]),
    });
    expect(text).toHaveResourceWithProperties(Volume, { name: 'shop-traefik-acme', lifecycle: { prevent_destroy: true } });
    const router = uploadedConfig(json).http.routers.app;
    expect(router).toEqual(expect.objectContaining({ entryPoints: ['websecure'], rule: 'Host(`shop.example.com`)', tls: { certResolver: 'letsencrypt' } }));
    expect(lb.dnsName).toBe('shop.example.com');
  });

  test('the routes reach a running Traefik through a one-shot task and a watched volume, written once the targets are up', () => {
    // WHEN
    const lb = makeLb({ domain: 'shop.example.com' });
    lb.addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health' });
    // THEN
    const containers = resourcesOf(synthJson(stack), 'docker_container') as { name: string; depends_on?: string[]; volumes?: { container_path: string; read_only: boolean }[]; entrypoint?: string[] }[];
    const task = containers.find((c) => c.name === 'shop-traefik-routes');
    const traefik = containers.find((c) => c.name === 'shop-traefik-1');
    expect(task?.entrypoint).toEqual(['/bin/sh', '-c']);
    expect(task?.volumes).toEqual([expect.objectContaining({ container_path: '/etc/traefik/routes', read_only: false })]);
    expect(task?.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^docker_container\.App_Container1_/), expect.stringMatching(/^docker_container\.App_Container2_/)]));
    expect(traefik?.depends_on).toEqual([expect.stringMatching(/^docker_container\.Lb_Routes_Task_/)]);
    expect(lb.routesTask).toBeDefined();
  });

  test('targets become routers and health-checked services with one server per container', () => {
    // WHEN
    const lb = makeLb({ domain: 'shop.example.com' });
    const appTarget = lb.addTarget('app', { workload: app, port: 8000, healthCheckPath: '/api/_info/health-check' });
    const adminTarget = lb.addTarget('admin', { workload: admin, port: 8000, healthCheckPath: '/health', pathPrefixes: ['/admin'] });
    // THEN
    const http = uploadedConfig(synthJson(stack)).http;
    expect(http.routers.app).toEqual({ entryPoints: ['web'], rule: 'Host(`shop.example.com`)', priority: 1, service: 'app' });
    expect(http.routers.admin).toEqual({ entryPoints: ['web'], rule: 'Host(`shop.example.com`) && PathPrefix(`/admin`)', priority: 106, service: 'admin' });
    // The container names, as Terraform references (Traefik is created after the containers exist).
    expect(http.services.app.loadBalancer.servers).toEqual([
      { url: expect.stringMatching(/^http:\/\/\$\{docker_container\.App_Container1_[0-9A-F]{8}\.name\}:8000$/) },
      { url: expect.stringMatching(/^http:\/\/\$\{docker_container\.App_Container2_[0-9A-F]{8}\.name\}:8000$/) },
    ]);
    expect(http.services.app.loadBalancer.healthCheck).toEqual({ path: '/api/_info/health-check', interval: '10s', timeout: '5s', hostname: 'shop.example.com' });
    expect(http.services.admin.loadBalancer.servers).toHaveLength(1);
    // Only the retry middleware every entry point uses: a request whose container gave no answer goes once more to another.
    expect(http.middlewares).toEqual({ retry: { retry: { attempts: 2, initialInterval: '100ms' } } });
    expect(appTarget.priority).toBe(1);
    expect(adminTarget.priority).toBe(106);
    expect(lb.targets.map((t) => t.id)).toEqual(['app', 'admin']);
  });

  test('without a domain the catch-all route matches any host', () => {
    // WHEN
    makeLb().addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health', pathPrefixes: ['/shop', '/api'] });
    // THEN
    const router = uploadedConfig(synthJson(stack)).http.routers.app;
    expect(router.rule).toBe('(PathPrefix(`/shop`) || PathPrefix(`/api`))');
    expect(router.priority).toBe(105);
  });

  test('the load balancer joins each target\'s listen network through the connections model', () => {
    // GIVEN
    const lb = makeLb();
    const worker = new Workload(stack, 'Internal', { cluster, name: 'internal', role: 'app', image: 'shop/app:1.0.0', listenNetwork: cluster.backend });
    // WHEN
    lb.addTarget('internal', { workload: worker, port: 9000, healthCheckPath: '/health' });
    // THEN
    expect(worker.connections.rules).toEqual([expect.objectContaining({ from: 'test/Lb/Traefik', to: 'test/Internal', port: Port.tcp(9000) })]);
    expect(lb.connections.networks).toEqual([cluster.frontend, cluster.backend]);
  });

  test('sticky cookie on the catch-all service with several containers: httpOnly, sameSite lax, secure with TLS', () => {
    // WHEN
    const lb = makeLb({ stickiness: {} });
    lb.addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health' });
    lb.addTarget('admin', { workload: admin, port: 8000, healthCheckPath: '/health', pathPrefixes: ['/admin'] });
    // THEN
    const services = uploadedConfig(synthJson(stack)).http.services;
    expect(services.app.loadBalancer.sticky).toEqual({ cookie: { name: 'webcluster_lb', httpOnly: true, secure: false, sameSite: 'lax' } });
    expect(services.admin.loadBalancer.sticky).toBeUndefined();
  });

  test('sticky cookie name is configurable and secure behind HTTPS', () => {
    // WHEN
    makeLb({ stickiness: { cookieName: 'steedos_session' }, acmeEmail: 'ops@example.com', domain: 'crm.example.com' }).addTarget('app', {
      workload: app,
      port: 5100,
      healthCheckPath: '/',
    });
    // THEN
    expect(uploadedConfig(synthJson(stack)).http.services.app.loadBalancer.sticky).toEqual({
      cookie: { name: 'steedos_session', httpOnly: true, secure: true, sameSite: 'lax' },
    });
  });

  test('restricted ingressCidrs put an ipAllowList middleware on every router', () => {
    // WHEN
    const lb = makeLb({ ingressCidrs: ['198.51.100.0/24', '203.0.113.0/24'] });
    lb.addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health' });
    lb.addTarget('admin', { workload: admin, port: 8000, healthCheckPath: '/health', pathPrefixes: ['/admin'] });
    // THEN
    const http = uploadedConfig(synthJson(stack)).http;
    expect(http.middlewares).toEqual({ retry: { retry: { attempts: 2, initialInterval: '100ms' } }, 'ingress-allowlist': { ipAllowList: { sourceRange: ['198.51.100.0/24', '203.0.113.0/24'] } } });
    expect(http.routers.app.middlewares).toEqual(['ingress-allowlist']);
    expect(http.routers.admin.middlewares).toEqual(['ingress-allowlist']);
  });

  test('sourceCidrs restrict one route; an empty list denies everyone with 403', () => {
    // WHEN
    const lb = makeLb();
    lb.addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health' });
    lb.addTarget('admin', { workload: admin, port: 8000, healthCheckPath: '/health', pathPrefixes: ['/admin'], sourceCidrs: ['203.0.113.0/24'] });
    const closed = new Workload(stack, 'Tools', { cluster, name: 'tools', role: 'admin', image: 'shop/app:1.0.0', listenNetwork: cluster.frontend });
    lb.addTarget('tools', { workload: closed, port: 8000, healthCheckPath: '/health', pathPrefixes: ['/tools'], sourceCidrs: [] });
    // THEN
    const http = uploadedConfig(synthJson(stack)).http;
    expect(http.routers.app.middlewares).toBeUndefined();
    expect(http.routers.admin.middlewares).toEqual(['admin-allowlist']);
    expect(http.routers.tools.middlewares).toEqual(['deny-all']);
    expect(http.middlewares).toEqual({
      retry: { retry: { attempts: 2, initialInterval: '100ms' } },
      'admin-allowlist': { ipAllowList: { sourceRange: ['203.0.113.0/24'] } },
      'deny-all': { ipAllowList: { sourceRange: ['255.255.255.255/32'] } },
    });
  });

  test('warns when ACME is on and HTTP is not published on port 80', () => {
    // WHEN
    const lb = makeLb({ acmeEmail: 'ops@example.com', domain: 'shop.example.com', httpPort: 8080, httpsPort: 8443 });
    // THEN
    const warnings = lb.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/httpPort 8080 with acmeEmail: Let's Encrypt's HTTP challenge connects to port 80/)]);
    const traefik = resourcesOf(synthJson(stack), 'docker_container').find((c) => c.name === 'shop-traefik-1') as { command: string[] };
    expect(traefik.command).toContain('--entrypoints.web.http.redirections.entrypoint.to=:8443');
  });

  test('idle timeout goes to the entry points', () => {
    // WHEN
    makeLb({ idleTimeoutSec: 3600 }).addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health' });
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Container, {
      name: 'shop-traefik-1',
      command: expect.arrayContaining(['--entrypoints.web.transport.respondingTimeouts.idleTimeout=3600s']),
    });
  });

  test('image is pinned and overridable', () => {
    // WHEN
    makeLb({ image: 'traefik:v3.5.0' }).addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health' });
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties({ tfResourceType: 'docker_image' } as never, { name: 'traefik:v3.5.0' });
  });

  test('reports a load balancer without targets at validation', () => {
    // WHEN
    const lb = makeLb();
    // THEN
    expect(lb.node.validate()).toEqual([expect.stringMatching(/test\/Lb: no target; fix: call addTarget\(\)/)]);
  });

  test('fails when stickiness has a bad cookie name', () => {
    expect(() => makeLb({ stickiness: { cookieName: 'bad cookie' } })).toThrow(/stickiness.cookieName: got 'bad cookie'; allowed: 1-128 letters/);
  });

  test('fails when ingressCidrs holds a bad CIDR', () => {
    expect(() => makeLb({ ingressCidrs: ['10.0.0.1/8'] })).toThrow(/ingressCidrs: got '10.0.0.1\/8'; allowed: IPv4 CIDR blocks/);
  });

  test('fails when ingressCidrs is empty', () => {
    expect(() => makeLb({ ingressCidrs: [] })).toThrow(/ingressCidrs: got \[\]/);
  });

  test('fails when httpPort is out of range', () => {
    expect(() => makeLb({ httpPort: 70000 })).toThrow(/httpPort: got 70000; allowed: 1 to 65535/);
  });

  test('fails when httpsPort is out of range', () => {
    expect(() => makeLb({ httpsPort: 0 })).toThrow(/httpsPort: got 0; allowed: 1 to 65535/);
  });

  test('fails when httpsPort equals httpPort with ACME', () => {
    expect(() => makeLb({ acmeEmail: 'ops@example.com', domain: 'shop.example.com', httpsPort: 80 })).toThrow(/httpsPort: got 80, the same as httpPort/);
  });

  test('fails when listenAddress is not an IPv4 address', () => {
    expect(() => makeLb({ listenAddress: '300.1.1.1' })).toThrow(/listenAddress: got '300.1.1.1'; allowed: an IPv4 address/);
  });

  test('fails when ACME is asked for without a domain', () => {
    expect(() => makeLb({ acmeEmail: 'ops@example.com' })).toThrow(/acmeEmail: got 'ops@example.com' without a domain/);
  });

  test('fails when acmeEmail is not an e-mail address', () => {
    expect(() => makeLb({ acmeEmail: 'ops', domain: 'shop.example.com' })).toThrow(/acmeEmail: got 'ops'; allowed: an e-mail address/);
  });

  test('fails when domain is not a host name', () => {
    expect(() => makeLb({ domain: 'Shop Example' })).toThrow(/domain: got 'Shop Example'; allowed: a lowercase DNS host name/);
  });

  test('fails when idleTimeoutSec is out of range', () => {
    expect(() => makeLb({ idleTimeoutSec: 0 })).toThrow(/idleTimeoutSec: got 0; allowed: 1 to 3600/);
  });

  test('fails when the Traefik image is not pinned', () => {
    expect(() => makeLb({ image: 'traefik:latest' })).toThrow(/image: got 'traefik:latest'/);
  });

  test('fails when a target id is used twice', () => {
    const lb = makeLb();
    lb.addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health' });
    expect(() => lb.addTarget('app', { workload: admin, port: 8000, healthCheckPath: '/health', pathPrefixes: ['/admin'] })).toThrow(
      /addTarget\('app'\): id got 'app', which is already a target/,
    );
  });

  test('fails when a target id is not a lowercase name', () => {
    expect(() => makeLb().addTarget('App', { workload: app, port: 8000, healthCheckPath: '/health' })).toThrow(/addTarget\('App'\): id got 'App'/);
  });

  test('fails when two targets take the same priority', () => {
    const lb = makeLb();
    lb.addTarget('admin', { workload: admin, port: 8000, healthCheckPath: '/health', pathPrefixes: ['/admin'], priority: 50 });
    expect(() => lb.addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health', pathPrefixes: ['/shop'], priority: 50 })).toThrow(
      /addTarget\('app'\).priority: got 50, which target 'admin' already uses/,
    );
  });

  test('fails when a priority is out of range', () => {
    expect(() => makeLb().addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health', priority: 0 })).toThrow(/priority: got 0; allowed: an integer 1 to 1000000/);
  });

  test('fails when a path prefix does not start with /', () => {
    expect(() => makeLb().addTarget('admin', { workload: admin, port: 8000, healthCheckPath: '/health', pathPrefixes: ['admin'] })).toThrow(
      /addTarget\('admin'\).pathPrefixes: got 'admin'; allowed: absolute paths starting with '\/'/,
    );
  });

  test('fails when pathPrefixes is an empty list', () => {
    expect(() => makeLb().addTarget('admin', { workload: admin, port: 8000, healthCheckPath: '/health', pathPrefixes: [] })).toThrow(/pathPrefixes: got \[\]/);
  });

  test('fails when two targets route the same prefix', () => {
    const lb = makeLb();
    lb.addTarget('admin', { workload: admin, port: 8000, healthCheckPath: '/health', pathPrefixes: ['/admin'] });
    expect(() => lb.addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health', pathPrefixes: ['/admin'] })).toThrow(
      /pathPrefixes: got '\/admin', which another target already routes/,
    );
  });

  test('fails when a second catch-all target is added', () => {
    const lb = makeLb();
    lb.addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health' });
    expect(() => lb.addTarget('admin', { workload: admin, port: 8000, healthCheckPath: '/health' })).toThrow(/target 'app' already takes every other path/);
  });

  test('fails when a target port is out of range', () => {
    expect(() => makeLb().addTarget('app', { workload: app, port: 0, healthCheckPath: '/health' })).toThrow(/addTarget\('app'\).port: got 0/);
  });

  test('fails when a health check path is not absolute', () => {
    expect(() => makeLb().addTarget('app', { workload: app, port: 8000, healthCheckPath: 'health' })).toThrow(/addTarget\('app'\).healthCheckPath: got 'health'/);
  });

  test('fails when sourceCidrs holds a bad CIDR', () => {
    expect(() =>
      makeLb().addTarget('admin', { workload: admin, port: 8000, healthCheckPath: '/health', pathPrefixes: ['/admin'], sourceCidrs: ['office'] }),
    ).toThrow(/addTarget\('admin'\).sourceCidrs: got 'office'/);
  });

  test('fails when the target is a one-shot task', () => {
    const task = new Workload(stack, 'Init', { cluster, name: 'init', role: 'init', image: 'shop/app:1.0.0', oneShot: true, listenNetwork: cluster.frontend });
    expect(() => makeLb().addTarget('init', { workload: task, port: 8000, healthCheckPath: '/health' })).toThrow(/got a workload without backend hosts/);
  });

  test('fails when the target listens on no network', () => {
    const lonely = new Workload(stack, 'Lonely', { cluster, name: 'lonely', role: 'app', image: 'shop/app:1.0.0' });
    expect(() => makeLb().addTarget('lonely', { workload: lonely, port: 8000, healthCheckPath: '/health' })).toThrow(/workload that listens on no network/);
  });
});

describe('LoadBalancer (swarm)', () => {
  let stack: TerraformStack;
  let cluster: DockerCluster;
  beforeEach(() => {
    stack = makeStack();
    cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: new SwarmRuntime() });
  });

  test('with dnsrr, a new backend connection per request so every request resolves the tasks again; with vip, pooled', () => {
    const args = (runtime: SwarmRuntime): string[] => {
      const s = makeStack();
      const c = new DockerCluster(s, 'Cluster', { namePrefix: 'shop', runtime });
      const app = new Workload(s, 'App', { cluster: c, name: 'app', role: 'app', image: 'shop/app:1.0.0', replicas: 3, listenNetwork: c.frontend });
      new LoadBalancer(s, 'Lb', { cluster: c }).addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health' });
      const service = resourcesOf(synthJson(s), 'docker_service').find((x) => x.name === 'shop-traefik') as { task_spec: { container_spec: { args: string[] } } };
      return service.task_spec.container_spec.args;
    };
    expect(args(new SwarmRuntime({ endpointMode: 'dnsrr' }))).toContain('--serversTransport.maxIdleConnsPerHost=-1');
    expect(args(new SwarmRuntime())).not.toContain('--serversTransport.maxIdleConnsPerHost=-1');
  });

  test('a service publishing 80/443 in host mode, stop-first updates, the configuration as a Swarm config', () => {
    // GIVEN
    const app = new Workload(stack, 'App', { cluster, name: 'app', role: 'app', image: 'shop/app:1.0.0', replicas: 3, listenNetwork: cluster.frontend });
    // WHEN
    const lb = new LoadBalancer(stack, 'Lb', { cluster, domain: 'shop.example.com', acmeEmail: 'ops@example.com', ingressCidrs: ['203.0.113.0/24'] });
    lb.addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health' });
    // THEN
    const { text: synth, json } = synthTextAndJson(stack);
    expect(synth).toHaveResourceWithProperties(Service, {
      name: 'shop-traefik',
      mode: { replicated: { replicas: 1 } },
      endpoint_spec: {
        mode: 'vip',
        ports: [
          { target_port: 80, published_port: 80, protocol: 'tcp', publish_mode: 'host' },
          { target_port: 443, published_port: 443, protocol: 'tcp', publish_mode: 'host' },
        ],
      },
      update_config: expect.objectContaining({ order: 'stop-first', failure_action: 'rollback' }),
    });
    expect(synth).not.toContain('docker.sock');
    const configs = resourcesOf(json, 'docker_config') as { name: string; data: string }[];
    expect(configs).toHaveLength(1);
    const yamlText = dockerConfigContent(json, configs[0]);
    expect(configs[0].name).toMatch(/^shop-traefik-\$\{substr\(sha256\(local\.\w+\), 0, 12\)\}$/);
    const http = (parse(yamlText) as DynamicConfig).http;
    expect(http.services.app.loadBalancer.servers).toEqual([{ url: 'http://shop-app:8000' }]);
    expect(http.routers.app.middlewares).toEqual(['ingress-allowlist']);
    expect(synth).toHaveResourceWithProperties(Config, { lifecycle: { create_before_destroy: true } });
  });

  test('the Swarm config is named after a hash of the content it carries, which follows the routes', () => {
    // GIVEN
    const app = new Workload(stack, 'App', { cluster, name: 'app', role: 'app', image: 'shop/app:1.0.0', listenNetwork: cluster.frontend });
    const lb = new LoadBalancer(stack, 'Lb', { cluster });
    lb.addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health' });
    const config = (json: SynthJson): { name: string; data: string } => resourcesOf(json, 'docker_config')[0] as { name: string; data: string };
    const json = synthJson(stack);
    const local = /local\.(\w+)/.exec(config(json).data)?.[1];
    expect(config(json).name).toContain(`sha256(local.${local})`);
    const before = dockerConfigContent(json, config(json));
    // WHEN
    const admin = new Workload(stack, 'Admin', { cluster, name: 'admin', role: 'admin', image: 'shop/app:1.0.0', listenNetwork: cluster.frontend });
    lb.addTarget('admin', { workload: admin, port: 8000, healthCheckPath: '/health', pathPrefixes: ['/admin'] });
    // THEN
    const after = synthJson(stack);
    expect(dockerConfigContent(after, config(after))).not.toBe(before);
  });

  test('fails when stickiness is asked for on Swarm', () => {
    expect(() => new LoadBalancer(stack, 'Lb', { cluster, stickiness: { cookieName: 'steedos_session' } })).toThrow(
      /stickiness: got a sticky cookie on a swarm runtime; allowed: stickiness on standalone only \(Swarm publishes a service through one virtual IP, so Traefik cannot pin a client to a replica\); fix: use mode standalone or turn stickiness off/,
    );
  });

  test('fails when a listen address is set on Swarm', () => {
    expect(() => new LoadBalancer(stack, 'Lb', { cluster, listenAddress: '127.0.0.1' })).toThrow(/listenAddress: got '127.0.0.1' on a swarm runtime/);
  });
});

describe('LoadBalancer (swarm placement)', () => {
  const EDGE = 'node.labels.webcluster.edge == true';
  /** A swarm of `nodes` nodes with an app, and a load balancer with `extra` props routing to it. */
  function lbOn(nodes: number, extra: Partial<LoadBalancerProps> = {}): { stack: TerraformStack; lb: LoadBalancer } {
    const stack = makeStack();
    const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: new SwarmRuntime({ nodes }) });
    const app = new Workload(stack, 'App', { cluster, name: 'app', role: 'app', image: 'shop/app:1.0.0', replicas: 3, listenNetwork: cluster.frontend });
    const lb = new LoadBalancer(stack, 'Lb', { cluster, ...extra });
    lb.addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health' });
    return { stack, lb };
  }
  type TraefikService = { mode: unknown; task_spec: { placement?: { constraints: string[] } }; endpoint_spec: { ports: { publish_mode: string }[] } };
  const traefik = (stack: TerraformStack): TraefikService => resourcesOf(synthJson(stack), 'docker_service').find((s) => s.name === 'shop-traefik') as unknown as TraefikService;

  test('global: one Traefik on every labelled edge node, host-mode ports', () => {
    // WHEN
    const { stack, lb } = lbOn(3, { swarmPlacement: { mode: 'global', constraints: [EDGE] } });
    // THEN
    expect(lb.swarmPlacement).toEqual({ mode: 'global', constraints: [EDGE] });
    expect(lb.workload.replicas).toBe(1);
    const service = traefik(stack);
    expect(service.mode).toEqual({ global: true });
    expect(service.task_spec.placement).toEqual({ constraints: [EDGE] });
    expect(service.endpoint_spec.ports.map((p) => p.publish_mode)).toEqual(['host']);
  });

  test('pinned: one replica on the labelled node', () => {
    const { stack } = lbOn(3, { swarmPlacement: { mode: 'pinned', constraints: [EDGE] } });
    const service = traefik(stack);
    expect(service.mode).toEqual({ replicated: { replicas: 1 } });
    expect(service.task_spec.placement).toEqual({ constraints: [EDGE] });
  });

  test('a one-node swarm without swarmPlacement: one replica anywhere, as before', () => {
    const { stack, lb } = lbOn(1);
    expect(lb.swarmPlacement).toBeUndefined();
    const service = traefik(stack);
    expect(service.mode).toEqual({ replicated: { replicas: 1 } });
    expect(service.task_spec.placement).toBeUndefined();
  });

  test('a standalone engine ignores it', () => {
    const stack = makeStack();
    const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop' });
    const app = new Workload(stack, 'App', { cluster, name: 'app', role: 'app', image: 'shop/app:1.0.0', listenNetwork: cluster.frontend });
    const lb = new LoadBalancer(stack, 'Lb', { cluster, swarmPlacement: { mode: 'global', constraints: [EDGE] } });
    lb.addTarget('app', { workload: app, port: 8000, healthCheckPath: '/health' });
    expect(lb.swarmPlacement).toBeUndefined();
    expect(resourcesOf(synthJson(stack), 'docker_container').filter((c) => c.name === 'shop-traefik-1')).toHaveLength(1);
  });

  test('fails on a swarm of several nodes without a constraint', () => {
    const fix =
      "fix: label the edge nodes \\(docker node update --label-add webcluster\\.edge=true <node>\\) and use \\{ mode: 'global', constraints: \\['node\\.labels\\.webcluster\\.edge == true'\\] \\}$";
    const allowed = 'allowed: constraints that select the edge node\\(s\\) \\(Traefik publishes its ports in host mode: only the nodes running it answer, and DNS must point at them\\)';
    expect(() => lbOn(2)).toThrow(new RegExp(`^test/Lb: swarmPlacement: got nothing on a swarm of 2 nodes; ${allowed}; ${fix}`));
    expect(() => lbOn(3, { swarmPlacement: { mode: 'global', constraints: [] } })).toThrow(new RegExp(`^test/Lb: swarmPlacement\\.constraints: got \\[\\] on a swarm of 3 nodes; ${allowed}; ${fix}`));
  });

  test('fails when pinned selects no one node on a swarm of several nodes', () => {
    expect(() => lbOn(3, { swarmPlacement: { mode: 'pinned', constraints: ['node.role == manager'] } })).toThrow(
      /^test\/Lb: swarmPlacement\.constraints: got \['node\.role == manager'\] with mode pinned on a swarm of 3 nodes; allowed: a constraint that selects the one edge node \(node\.labels\.<key> ==, node\.hostname == or node\.id ==\), or Traefik moves to a node DNS does not point at; fix: .*$/,
    );
    // Global on every manager is a fixed set of nodes DNS can list.
    expect(() => lbOn(3, { swarmPlacement: { mode: 'global', constraints: ['node.role == manager'] } })).not.toThrow();
  });

  test('fails on a malformed constraint or mode', () => {
    expect(() => lbOn(1, { swarmPlacement: { mode: 'global', constraints: ['edge'] } })).toThrow(
      /^test\/Lb: swarmPlacement\.constraints: got \['edge'\]; allowed: Swarm constraints '<attribute> == <value>' or '<attribute> != <value>'; fix: use e\.g\. 'node\.labels\.webcluster\.edge == true'$/,
    );
    expect(() => lbOn(1, { swarmPlacement: { mode: 'replicated' as 'global', constraints: [EDGE] } })).toThrow(
      /^test\/Lb: swarmPlacement\.mode: got 'replicated'; allowed: 'global' or 'pinned'; fix: /,
    );
  });

  test('warns about ACME with several global edge nodes', () => {
    const { lb } = lbOn(3, { swarmPlacement: { mode: 'global', constraints: [EDGE] }, domain: 'shop.example.com', acmeEmail: 'ops@example.com' });
    const warnings = lb.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/^acmeEmail with swarmPlacement mode global: every edge node's Traefik asks Let's Encrypt for its own certificate/)]);
  });
});
