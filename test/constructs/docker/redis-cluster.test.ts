import { Container } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Service } from '@cdktf/provider-docker/lib/service';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Testing, TerraformStack } from 'cdktf';
import { DockerCluster } from '../../../constructs/docker/docker-cluster';
import { RedisCluster, RedisClusterProps } from '../../../constructs/docker/redis-cluster';
import { SwarmRuntime } from '../../../constructs/docker/swarm-runtime';
import { Workload } from '../../../constructs/docker/workload';
import { resourcesOf, synthJson, synthTextAndJson } from '../../util';

function makeStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new DockerProvider(stack, 'docker', {});
  return stack;
}

describe('RedisCluster (Docker, standalone)', () => {
  let stack: TerraformStack;
  let cluster: DockerCluster;
  const make = (extra: Partial<RedisClusterProps> = {}): RedisCluster =>
    new RedisCluster(stack, 'Redis', { cluster, dataClasses: ['cache', 'sessions', 'critical', 'queue'], ...extra });
  beforeEach(() => {
    stack = makeStack();
    cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop' });
  });

  test('an ephemeral cache without persistence, as the Steedos compose file runs it', () => {
    // WHEN
    make();
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Container, {
      name: 'shop-redis-cache-1',
      // 75 % of the cache's default 512 MiB limit.
      command: ['valkey-server', '--maxmemory', '384mb', '--maxmemory-policy', 'volatile-lru', '--save', '--appendonly', 'no'],
      volumes: [],
      healthcheck: expect.objectContaining({ test: ['CMD', 'valkey-cli', 'ping'] }),
      wait: true,
    });
  });

  test('durable classes write an append-only file to a named volume at /data, each with its eviction policy', () => {
    // WHEN
    make({ maxmemoryMb: 100 });
    // THEN
    const { text: synth, json } = synthTextAndJson(stack);
    for (const [cls, policy] of [['sessions', 'allkeys-lru'], ['critical', 'volatile-lru'], ['queue', 'noeviction']]) {
      expect(synth).toHaveResourceWithProperties(Container, {
        name: `shop-redis-${cls}-1`,
        command: ['valkey-server', '--maxmemory', '100mb', '--maxmemory-policy', policy, '--appendonly', 'yes', '--appendfsync', 'everysec'],
        volumes: [expect.objectContaining({ container_path: '/data', volume_name: expect.stringContaining(`docker_volume.Redis_${cls[0].toUpperCase()}${cls.slice(1)}_DataVolume`) })],
      });
      expect(synth).toHaveResourceWithProperties(Volume, { name: `shop-redis-${cls}-data`, lifecycle: { prevent_destroy: true } });
    }
    expect(resourcesOf(json, 'docker_volume')).toHaveLength(3);
  });

  test('volumes may be destroyed when the cluster allows it', () => {
    // GIVEN
    cluster = new DockerCluster(stack, 'Cluster2', { namePrefix: 'dev', preventDestroy: false });
    // WHEN
    make({ dataClasses: ['sessions'] });
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Volume, { name: 'dev-redis-sessions-data', lifecycle: { prevent_destroy: false } });
  });

  test('attaches only to the internal backend network and publishes no port', () => {
    // WHEN
    make();
    // THEN
    for (const c of resourcesOf(synthJson(stack), 'docker_container')) {
      expect(c.networks_advanced).toEqual([{ name: '${docker_network.Cluster_BackendNetwork_91D09744.name}', aliases: [expect.stringMatching(/^redis-/)] }]);
      expect(c.ports).toEqual([]);
    }
  });

  test('endpoint and url use the alias on the backend network, without TLS', () => {
    // WHEN
    const redis = make();
    // THEN
    expect(redis.endpoint('sessions')).toEqual({ hostname: 'redis-sessions', port: 6379 });
    expect(redis.url('sessions')).toBe('redis://redis-sessions:6379/0');
    expect(redis.url('cache', 3)).toBe('redis://redis-cache:6379/3');
    expect(redis.workloads.map((w) => w.workloadName)).toEqual(['shop-redis-cache', 'shop-redis-sessions', 'shop-redis-critical', 'shop-redis-queue']);
    expect(redis.connections.defaultPort?.fromPort).toBe(6379);
  });

  test('clients granted with allowDefaultPortFrom join the backend network', () => {
    // GIVEN
    const redis = make({ dataClasses: ['cache'] });
    const app = new Workload(stack, 'App', { cluster, name: 'app', role: 'app', image: 'nginx:1.27.3', listenNetwork: cluster.frontend });
    // WHEN
    redis.connections.allowDefaultPortFrom(app);
    // THEN
    const appContainer = resourcesOf(synthJson(stack), 'docker_container').find((c) => c.name === 'shop-app-1') as Record<string, unknown>;
    expect(JSON.stringify(appContainer.networks_advanced)).toContain('docker_network.Cluster_BackendNetwork');
    expect(redis.connections.rules).toEqual([expect.objectContaining({ from: 'test/App', to: 'test/Redis', description: 'default port of Redis' })]);
  });

  test('debugPort publishes each class on 127.0.0.1 on consecutive ports', () => {
    // WHEN
    make({ dataClasses: ['cache', 'sessions'], debugPort: 16379 });
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Container, { name: 'shop-redis-cache-1', ports: [{ internal: 6379, external: 16379, ip: '127.0.0.1', protocol: 'tcp' }] });
    expect(synth).toHaveResourceWithProperties(Container, { name: 'shop-redis-sessions-1', ports: [{ internal: 6379, external: 16380, ip: '127.0.0.1', protocol: 'tcp' }] });
  });

  test('the image can be overridden', () => {
    // WHEN
    const redis = make({ dataClasses: ['cache'], image: 'valkey/valkey:8.1.1' });
    // THEN
    expect(redis.image).toBe('valkey/valkey:8.1.1');
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Image, { name: 'valkey/valkey:8.1.1' });
  });

  test('fails when dataClasses is empty', () => {
    expect(() => make({ dataClasses: [] })).toThrow(/dataClasses: got \[\]; allowed: one or more of cache, sessions, critical, queue/);
  });

  test('fails when a data class is unknown', () => {
    expect(() => make({ dataClasses: ['cache', 'carts' as never] })).toThrow(/dataClasses: got unknown class\(es\) \[carts\]/);
  });

  test('fails when a data class is listed twice', () => {
    expect(() => make({ dataClasses: ['cache', 'cache'] })).toThrow(/dataClasses: got duplicates in \[cache, cache\]/);
  });

  test('fails when maxmemoryMb is out of range', () => {
    expect(() => make({ maxmemoryMb: 8 })).toThrow(/maxmemoryMb: got 8; allowed: an integer from 16 to 90 % of the smallest memory limit \(230, class sessions\)/);
  });

  test('fails when asked to publish on 0.0.0.0', () => {
    expect(() => make({ debugPort: 16379, debugHostIp: '0.0.0.0' })).toThrow(
      /debugHostIp: got '0.0.0.0'; allowed: 127.0.0.1 only, a data store must not publish on 0.0.0.0; fix: use 127.0.0.1 or remove the debug port/,
    );
  });

  test('fails when the debug ports leave the port range', () => {
    expect(() => make({ debugPort: 65534 })).toThrow(/debugPort: got 65534; allowed: an integer from 1024 to 65532 \(the store uses 4 consecutive ports from it\)/);
  });

  test('fails when a placement constraint is malformed', () => {
    expect(() => make({ placement: ['manager'] })).toThrow(/placement: got \['manager'\]; allowed: Swarm constraints/);
  });

  test('fails when asked for a class it does not serve', () => {
    const redis = make({ dataClasses: ['cache'] });
    expect(() => redis.endpoint('queue')).toThrow(/dataClass: got 'queue'; allowed: cache/);
  });

  test('fails when the database index is out of range', () => {
    const redis = make({ dataClasses: ['cache'] });
    expect(() => redis.url('cache', 16)).toThrow(/database: got 16; allowed: an integer from 0 to 15/);
  });

  test('fails when the image is not pinned', () => {
    expect(() => make({ image: 'valkey/valkey:latest' })).toThrow(/image: got 'valkey\/valkey:latest'/);
  });
});

describe('RedisCluster (Docker, swarm)', () => {
  let stack: TerraformStack;
  let cluster: DockerCluster;
  beforeEach(() => {
    stack = makeStack();
    cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: new SwarmRuntime() });
  });

  test('durable classes are stop-first services pinned to the manager; the cache floats', () => {
    // WHEN
    new RedisCluster(stack, 'Redis', { cluster, dataClasses: ['cache', 'sessions'] });
    // THEN
    const { text: synth, json } = synthTextAndJson(stack);
    expect(synth).toHaveResourceWithProperties(Service, {
      name: 'shop-redis-sessions',
      task_spec: expect.objectContaining({
        placement: { constraints: ['node.role == manager'] },
        container_spec: expect.objectContaining({ mounts: [expect.objectContaining({ target: '/data', type: 'volume' })] }),
      }),
      update_config: expect.objectContaining({ order: 'stop-first' }),
    });
    const cache = resourcesOf(json, 'docker_service').find((s) => s.name === 'shop-redis-cache') as { task_spec: Record<string, unknown> };
    expect(cache.task_spec.placement).toBeUndefined();
    expect(resourcesOf(json, 'docker_container')).toHaveLength(0);
  });

  test('placement can pin durable classes to a named node', () => {
    // WHEN
    new RedisCluster(stack, 'Redis', { cluster, dataClasses: ['queue'], placement: ['node.hostname == data-1'] });
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Service, {
      name: 'shop-redis-queue',
      task_spec: expect.objectContaining({ placement: { constraints: ['node.hostname == data-1'] } }),
    });
  });

  test('fails when a debug port is asked for on swarm', () => {
    expect(() => new RedisCluster(stack, 'Redis', { cluster, dataClasses: ['cache'], debugPort: 16379 })).toThrow(
      /debugPort: got 16379 on a swarm runtime; allowed: a debug port on a standalone engine only/,
    );
  });

  test('fails when a durable class has no placement on swarm', () => {
    expect(() => new RedisCluster(stack, 'Redis', { cluster, dataClasses: ['sessions'], placement: [] })).toThrow(
      /placement: got \[\] on a swarm runtime; allowed: at least one constraint/,
    );
  });
});
