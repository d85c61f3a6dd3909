import { Container } from '@cdktf/provider-docker/lib/container';
import { Network } from '@cdktf/provider-docker/lib/network';
import { Service } from '@cdktf/provider-docker/lib/service';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { parseConfig } from '../../config/load';
import { SwarmRuntime } from '../../constructs/docker/swarm-runtime';
import { DockerStack, DockerStackProps } from '../../stacks/docker-stack';
import { addEnvironmentStacks } from '../../stacks/from-config';
import { SHOPWARE_CONTAINER_PROFILE } from '../../stacks/docker/profiles/shopware';
import { MONGODB_DOCKER_TIER } from '../../stacks/docker/tiers/mongodb';
import { SOLR_DOCKER_TIER } from '../../stacks/docker/tiers/solr';
import { VARNISH_DOCKER_TIER } from '../../stacks/docker/tiers/varnish';
import { dockerConfigContent, resourcesOf, SynthJson } from '../util';

const BASE: DockerStackProps = {
  profile: SHOPWARE_CONTAINER_PROFILE,
  domain: 'shop.localhost',
  adminCidrs: ['203.0.113.0/24'],
  images: { app: 'registry.example.com/shop/shopware:2026.11.1' },
};

function build(id: string, extra: Partial<DockerStackProps> = {}): { synth: string; json: SynthJson } {
  const stack = new DockerStack(Testing.app(), id, { ...BASE, ...extra });
  const synth = Testing.synth(stack);
  return { synth, json: JSON.parse(synth) as SynthJson };
}

type ContainerJson = { name: string; env?: string[]; ports?: { ip: string; external: number }[]; networks_advanced?: unknown; command?: string[]; image: string };

describe('DockerStack (Shopware, standalone)', () => {
  const { synth, json } = build('shopware-docker');
  const containers = resourcesOf(json, 'docker_container') as unknown as ContainerJson[];
  const byName = (name: string): ContainerJson => containers.find((c) => c.name === name) as ContainerJson;

  test('snapshot', () => {
    expect(synth).toMatchSnapshot();
  });

  test('the Shopware container setup: LB, app replicas, workers, one scheduler, init, admin and data stores', () => {
    expect(containers.map((c) => c.name).sort()).toEqual([
      'shopware-docker-admin-1',
      'shopware-docker-app-1',
      'shopware-docker-app-2',
      'shopware-docker-app-init',
      'shopware-docker-app-scheduler-1',
      'shopware-docker-app-worker-1',
      'shopware-docker-app-worker-2',
      'shopware-docker-backup-db-1',
      'shopware-docker-backup-minio-1',
      'shopware-docker-backup-redis-1',
      'shopware-docker-db-1',
      'shopware-docker-fluent-bit-1',
      'shopware-docker-fluent-bit-tools',
      'shopware-docker-minio-1',
      'shopware-docker-minio-init',
      'shopware-docker-redis-cache-1',
      'shopware-docker-redis-critical-1',
      'shopware-docker-redis-queue-1',
      'shopware-docker-redis-sessions-1',
      'shopware-docker-traefik-1',
      'shopware-docker-traefik-routes',
    ]);
    expect(byName('shopware-docker-app-worker-1').command).toEqual(SHOPWARE_CONTAINER_PROFILE.container.workerCommand);
    expect(byName('shopware-docker-app-scheduler-1').command).toEqual(SHOPWARE_CONTAINER_PROFILE.container.schedulerCommand);
  });

  test('networks: a frontend and an internal backend; data stores only on the backend', () => {
    expect(synth).toHaveResourceWithProperties(Network, { name: 'shopware-docker-backend', internal: true });
    expect(synth).toHaveResourceWithProperties(Network, { name: 'shopware-docker-frontend', internal: false });
    for (const store of ['db-1', 'redis-cache-1', 'redis-sessions-1', 'minio-1']) {
      const nets = JSON.stringify(byName(`shopware-docker-${store}`).networks_advanced);
      expect(nets).toContain('BackendNetwork');
      expect(nets).not.toContain('FrontendNetwork');
    }
  });

  test('only the load balancer publishes ports (80 on the listen address) and the log intake on loopback', () => {
    const published = containers.filter((c) => (c.ports ?? []).length > 0).map((c) => `${c.name}:${(c.ports ?? []).map((p) => `${p.ip}:${p.external}`).join(',')}`);
    expect(published.sort()).toEqual(['shopware-docker-fluent-bit-1:127.0.0.1:24224', 'shopware-docker-traefik-1:0.0.0.0:80']);
  });

  test('app containers get the Shopware environment contract; secrets only as variable references', () => {
    const env = byName('shopware-docker-app-1').env ?? [];
    expect(env).toEqual(
      expect.arrayContaining([
        'APP_URL=http://shop.localhost',
        'DATABASE_URL=mysql://app:${urlencode(var.shopware_docker_db_password)}@db:3306/shopware',
        'REDIS_SESSION_URL=redis://redis-sessions:6379/0',
        'LOCK_DSN=redis://redis-critical:6379/0',
        'MESSENGER_TRANSPORT_DSN=redis://redis-queue:6379/messages/symfony?auto_setup=true&stream_max_entries=0',
        'PHP_SESSION_HANDLER=redis',
        'APP_SECRET=${var.shopware_docker_app_secret}',
      ]),
    );
    expect(Object.keys(json as unknown as { variable: Record<string, unknown> }).includes('variable')).toBe(true);
    const variables = (json as unknown as { variable: Record<string, { sensitive: boolean; default?: unknown }> }).variable;
    expect(Object.values(variables).every((v) => v.sensitive === true && v.default === undefined)).toBe(true);
  });

  test('app, workers and scheduler start after the migration task and the data stores', () => {
    const deps = (name: string): string => JSON.stringify((resourcesOf(json, 'docker_container').find((c) => c.name === name) as { depends_on?: string[] }).depends_on);
    for (const name of ['shopware-docker-app-1', 'shopware-docker-app-worker-1', 'shopware-docker-app-scheduler-1']) {
      expect(deps(name)).toContain('AppServers_Init_Task');
    }
    expect(deps('shopware-docker-app-init')).toContain('Database_Primary');
    expect(synth).toHaveResourceWithProperties(Container, { name: 'shopware-docker-app-init', attach: true, must_run: false });
  });

  test('the environment contract is a sensitive output', () => {
    const outputs = json.output ?? {};
    expect(outputs.app_environment).toEqual(expect.objectContaining({ sensitive: true, value: expect.objectContaining({ APP_URL: 'http://shop.localhost' }) }));
    expect(outputs.app_secret_environment).toEqual(expect.objectContaining({ sensitive: true, value: expect.objectContaining({ APP_SECRET: '${var.shopware_docker_app_secret}' }) }));
  });

  test('every image is pinned', () => {
    const images = resourcesOf(json, 'docker_image').map((i) => String(i.name));
    expect(images.length).toBeGreaterThan(5);
    expect(images.every((i) => /:[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(i) && !i.endsWith(':latest'))).toBe(true);
    expect(new Set(images).size).toBe(images.length);
  });

  test('data volumes are protected; the routes and Fluent Bit tools volumes (rewritten on every deploy) are not', () => {
    const volumes = resourcesOf(json, 'docker_volume') as { name: string; lifecycle?: { prevent_destroy?: boolean } }[];
    const routes = 'shopware-docker-traefik-routes';
    const tools = 'shopware-docker-fluent-bit-tools';
    expect(volumes.map((v) => v.name).sort()).toEqual([
      'shopware-docker-db-data',
      tools,
      'shopware-docker-minio-data',
      'shopware-docker-redis-critical-data',
      'shopware-docker-redis-queue-data',
      'shopware-docker-redis-sessions-data',
      routes,
    ]);
    expect(volumes.filter((v) => v.name !== routes && v.name !== tools).every((v) => v.lifecycle?.prevent_destroy === true)).toBe(true);
    expect(volumes.find((v) => v.name === routes)?.lifecycle?.prevent_destroy).toBe(false);
    expect(volumes.find((v) => v.name === tools)?.lifecycle?.prevent_destroy).toBe(false);
  });

  test('Traefik routes /admin to the admin container for the admin networks only', () => {
    const traefik = (resourcesOf(json, 'docker_container').find((c) => c.name === 'shopware-docker-traefik-routes') as { upload: { content: string }[] }).upload[0].content;
    const http = parse(traefik).http;
    expect(http.routers.admin.rule).toContain('PathPrefix(`/admin`)');
    expect(http.middlewares['admin-allowlist'].ipAllowList.sourceRange).toEqual(['203.0.113.0/24']);
    expect(http.services.app.loadBalancer.servers).toHaveLength(2);
    expect(http.services.app.loadBalancer.healthCheck.path).toBe('/api/_info/health-check');
  });

  test('allowDestroy leaves the volumes unprotected', () => {
    const { json: dev } = build('shop-dev', { allowDestroy: true });
    expect((resourcesOf(dev, 'docker_volume') as { lifecycle?: { prevent_destroy?: boolean } }[]).every((v) => v.lifecycle?.prevent_destroy === false)).toBe(true);
  });
});

describe('DockerStack (Shopware, swarm)', () => {
  const { synth, json } = build('shopware-swarm', { mode: 'swarm', appReplicas: 3 });

  test('snapshot', () => {
    expect(synth).toMatchSnapshot();
  });

  test('services with rolling start-first updates and rollback; stateful ones stop-first', () => {
    expect(synth).toHaveResourceWithProperties(Service, {
      name: 'shopware-swarm-app',
      mode: { replicated: { replicas: 3 } },
      update_config: expect.objectContaining({ order: 'start-first', failure_action: 'rollback' }),
    });
    expect(synth).toHaveResourceWithProperties(Service, {
      name: 'shopware-swarm-db',
      update_config: expect.objectContaining({ order: 'stop-first' }),
      task_spec: expect.objectContaining({ placement: expect.objectContaining({ constraints: ['node.role == manager'] }) }),
    });
    expect(synth).toHaveResourceWithProperties(Network, { name: 'shopware-swarm-backend', driver: 'overlay', internal: true });
  });

  test('one-shot tasks stay containers; the Traefik configuration is a Swarm config', () => {
    expect(resourcesOf(json, 'docker_container').map((c) => c.name).sort()).toEqual(['shopware-swarm-app-init', 'shopware-swarm-minio-init']);
    const config = resourcesOf(json, 'docker_config').find((c) => String(c.name).startsWith('shopware-swarm-traefik-')) as { data: string };
    expect(parse(dockerConfigContent(json, config)).http.services.app.loadBalancer.servers).toEqual([{ url: 'http://shopware-swarm-app:8000' }]);
  });

  test('database and storage passwords are Swarm secrets read from files', () => {
    const db = resourcesOf(json, 'docker_service').find((s) => s.name === 'shopware-swarm-db') as { task_spec: { container_spec: { env: Record<string, string> } } };
    expect(db.task_spec.container_spec.env.MARIADB_PASSWORD_FILE).toBe('/run/secrets/shopware_swarm_db_password');
    expect(JSON.stringify(db.task_spec.container_spec.env)).not.toContain('var.');
    expect(resourcesOf(json, 'docker_secret').length).toBeGreaterThanOrEqual(4);
  });

  test('fails when sticky sessions are combined with swarm', () => {
    expect(() => build('steedos-swarm', { mode: 'swarm', profile: { ...SHOPWARE_CONTAINER_PROFILE, stickyCookie: 'steedos_session' } })).toThrow(/stickiness: got a sticky cookie on a swarm runtime/);
  });
});

describe('DockerStack (Shopware, swarm of three nodes, from webcluster.yaml)', () => {
  const DATA = 'node.labels.webcluster.data == true';
  const EDGE = 'node.labels.webcluster.edge == true';
  const yaml = [
    'environments:',
    '  - name: shop-ha',
    '    app: shopware',
    '    backend: docker',
    '    domain: shop.example.com',
    '    docker:',
    '      mode: swarm',
    '      swarm:',
    '        nodes: 3',
    '        dataNodeLabel: webcluster.data',
    '        edgeNodeLabel: webcluster.edge',
    '    images:',
    '      app: registry.example.com/shop/shopware:2026.11.1',
    '',
  ].join('\n');
  const app = Testing.app();
  const [stack] = addEnvironmentStacks(app, parseConfig(yaml, 'webcluster.yaml'), 'webcluster.yaml') as DockerStack[];
  type ServiceJson = { name: string; mode: unknown; task_spec: { placement?: { constraints: string[] } } };
  const services = resourcesOf(JSON.parse(Testing.synth(stack)) as SynthJson, 'docker_service') as unknown as ServiceJson[];
  const placements = Object.fromEntries(services.map((s) => [s.name.replace(/^shop-ha-/, ''), s.task_spec.placement?.constraints ?? []]));

  test('the runtime knows the three nodes; Traefik is global on the edge nodes', () => {
    expect((stack.cluster.runtime as SwarmRuntime).nodes).toBe(3);
    expect(stack.loadBalancer.swarmPlacement).toEqual({ mode: 'global', constraints: [EDGE] });
  });

  test('every stateful service, and only those, is pinned by the data label; Traefik by the edge label', () => {
    expect(placements).toEqual({
      traefik: [EDGE],
      db: [DATA],
      'redis-sessions': [DATA],
      'redis-critical': [DATA],
      'redis-queue': [DATA],
      minio: [DATA],
      // Each backup job runs beside its store, on the data node (its volumes live there).
      'backup-db': [DATA],
      'backup-redis': [DATA],
      'backup-minio': [DATA],
      'redis-cache': [],
      app: [],
      'app-worker': [],
      'app-scheduler': [],
      admin: [],
    });
    expect(services.find((s) => s.name === 'shop-ha-traefik')?.mode).toEqual({ global: true });
    expect(services.filter((s) => s.name !== 'shop-ha-traefik').every((s) => 'replicated' in (s.mode as object))).toBe(true);
  });
});

describe('DockerStack (swarm layout)', () => {
  const DATA = 'node.labels.webcluster.data == true';
  const EDGE = 'node.labels.webcluster.edge == true';
  const swarm = { nodes: 3, dataNodeLabel: 'webcluster.data', edgeNodeLabel: 'webcluster.edge' };

  test("the tiers' stateful services (MongoDB, Solr) are pinned by the data label; Varnish floats; pinned Traefik is one replica", () => {
    // GIVEN a profile with every tier
    const profile = { ...SHOPWARE_CONTAINER_PROFILE, tiers: [VARNISH_DOCKER_TIER, SOLR_DOCKER_TIER, MONGODB_DOCKER_TIER] };
    // WHEN
    const { json } = build('shop-tiers', { profile, mode: 'swarm', swarm: { ...swarm, loadBalancer: 'pinned' } });
    // THEN
    const services = resourcesOf(json, 'docker_service') as { name: string; mode: unknown; task_spec: { placement?: { constraints: string[] } } }[];
    const placed = (name: string): string[] => services.find((s) => s.name === `shop-tiers-${name}`)?.task_spec.placement?.constraints ?? [];
    for (const name of ['mongo-1', 'mongo-2', 'mongo-3', 'solr', 'db', 'minio', 'redis-sessions']) expect(`${name}: ${placed(name)}`).toBe(`${name}: ${DATA}`);
    expect(placed('varnish')).toEqual([]);
    expect(placed('traefik')).toEqual([EDGE]);
    expect(services.find((s) => s.name === 'shop-tiers-traefik')?.mode).toEqual({ replicated: { replicas: 1 } });
  });

  test('without a layout nothing changes: stores on the manager, one Traefik anywhere', () => {
    const { json } = build('shop-one', { mode: 'swarm' });
    const services = resourcesOf(json, 'docker_service') as { name: string; mode: unknown; task_spec: { placement?: { constraints: string[] } } }[];
    const traefik = services.find((s) => s.name === 'shop-one-traefik');
    expect(traefik?.mode).toEqual({ replicated: { replicas: 1 } });
    expect(traefik?.task_spec.placement).toBeUndefined();
    expect(services.find((s) => s.name === 'shop-one-db')?.task_spec.placement?.constraints).toEqual(['node.role == manager']);
  });

  test('fails on a layout with mode standalone', () => {
    expect(() => build('shop-bad', { swarm: { nodes: 1 } })).toThrow(
      /^shop-bad: swarm: got a swarm layout with mode 'standalone'; allowed: a swarm layout only with mode 'swarm'; fix: remove swarm, or set mode: 'swarm'$/,
    );
  });

  test('fails on a swarm of several nodes without labels, in the terms of the stack', () => {
    expect(() => build('shop-bad', { mode: 'swarm', swarm: { nodes: 3, edgeNodeLabel: 'webcluster.edge' } })).toThrow(
      /^shop-bad: swarm\.dataNodeLabel: got nothing; allowed: a node label key on a swarm of 3 nodes \(.*\); fix: label that one node \(docker node update --label-add webcluster\.data=true <node>\) and set dataNodeLabel to webcluster\.data$/,
    );
    expect(() => build('shop-bad', { mode: 'swarm', swarm: { nodes: 3, dataNodeLabel: 'webcluster.data' } })).toThrow(/^shop-bad: swarm\.edgeNodeLabel: got nothing; allowed: a node label key on a swarm of 3 nodes/);
  });

  test('fails on a label key Docker does not accept', () => {
    expect(() => build('shop-bad', { mode: 'swarm', swarm: { ...swarm, edgeNodeLabel: 'edge node' } })).toThrow(
      /^shop-bad: swarm\.edgeNodeLabel: got 'edge node' \(not in the format of Docker label keys\); allowed: a Docker label key: .*; fix: use e\.g\. 'webcluster\.edge'$/,
    );
  });
});
