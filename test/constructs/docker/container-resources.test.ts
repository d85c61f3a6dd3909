/**
 * Memory and CPU of Docker workloads: how each runtime renders them (in the form the provider reads
 * back), the reservation defaults, the sizes derived from the limits (Redis maxmemory, InnoDB buffer
 * pool, Varnish cache, Solr heap, WiredTiger cache), the host fit check and the validation lines.
 */
import { Container } from '@cdktf/provider-docker/lib/container';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Service } from '@cdktf/provider-docker/lib/service';
import { Testing, TerraformStack } from 'cdktf';
import { AppServerGroup } from '../../../constructs/docker/app-server-group';
import { DockerCluster } from '../../../constructs/docker/docker-cluster';
import { LoadBalancer } from '../../../constructs/docker/load-balancer';
import { DatabaseCluster } from '../../../constructs/docker/database-cluster';
import { DocumentDatabase } from '../../../constructs/docker/document-database';
import { RedisCluster } from '../../../constructs/docker/redis-cluster';
import { SearchService } from '../../../constructs/docker/search-service';
import { SwarmRuntime } from '../../../constructs/docker/swarm-runtime';
import { Workload, WorkloadProps } from '../../../constructs/docker/workload';
import { resourcesOf, synthTextAndJson } from '../../util';

function makeStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new DockerProvider(stack, 'docker', {});
  return stack;
}

const MIB = 1024 * 1024;

describe('container resources', () => {
  let stack: TerraformStack;
  let cluster: DockerCluster;
  const make = (id: string, extra: Partial<WorkloadProps> = {}): Workload =>
    new Workload(stack, id, { cluster, name: id.toLowerCase(), role: id.toLowerCase(), image: 'valkey/valkey:8.0.2', ...extra });
  beforeEach(() => {
    stack = makeStack();
    cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop' });
  });

  test('standalone: a memory limit without swap (memory_swap = memory) and a CPU weight of 1024 per CPU', () => {
    make('App', { replicas: 2, resources: { memoryMb: 768, cpus: 1.5 } });
    const { text, json } = synthTextAndJson(stack);
    for (const name of ['shop-app-1', 'shop-app-2']) {
      expect(text).toHaveResourceWithProperties(Container, { name, memory: 768, memory_swap: 768, cpu_shares: 1536 });
    }
    // `cpus` reads back as nano-CPUs and would plan a change after every apply.
    for (const c of resourcesOf(json, 'docker_container')) expect(c).not.toHaveProperty('cpus');
  });

  test('an engine without swap limit support: memory_swap -1, what that engine reads back', () => {
    cluster = new DockerCluster(stack, 'NoSwap', { namePrefix: 'noswap', swapLimit: false });
    make('App', { resources: { memoryMb: 768, cpus: 1 } });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Container, { name: 'noswap-app-1', memory: 768, memory_swap: -1 });
  });

  test('a workload given no resources still has limits', () => {
    make('Plain');
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Container, { name: 'shop-plain-1', memory: 512, memory_swap: 512, cpu_shares: 512 });
  });

  test('swarm: memory and CPU limits and a memory reservation (no CPU reservation)', () => {
    cluster = new DockerCluster(stack, 'SwarmCluster', { namePrefix: 'sw', runtime: new SwarmRuntime() });
    make('App', { resources: { memoryMb: 1024, reservationMb: 300, cpus: 0.5 } });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Service, {
      name: 'sw-app',
      task_spec: expect.objectContaining({
        resources: { limits: { memory_bytes: 1024 * MIB, nano_cpus: 500000000 }, reservation: { memory_bytes: 300 * MIB } },
      }),
    });
  });

  test('reservations default to half the limit, and to the whole limit for a data store', () => {
    expect(make('App', { resources: { memoryMb: 1001, cpus: 1 } }).resources.reservationMb).toBe(500);
    expect(make('Db', { resources: { memoryMb: 1001, cpus: 1 }, dataStore: true }).resources.reservationMb).toBe(1001);
    expect(make('Given', { resources: { memoryMb: 1001, reservationMb: 10, cpus: 1 }, dataStore: true }).resources.reservationMb).toBe(10);
  });

  test('Redis maxmemory: 75 % of the limit without persistence, 60 % with', () => {
    const redis = new RedisCluster(stack, 'Redis', {
      cluster,
      dataClasses: ['cache', 'sessions', 'queue'],
      resources: { cache: { memoryMb: 1000, cpus: 0.5 }, queue: { memoryMb: 2000, cpus: 1 } },
    });
    expect(redis.maxmemoryMb).toEqual({ cache: 750, sessions: 153, queue: 1200 });
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Container, { name: 'shop-redis-queue-1', command: expect.arrayContaining(['--maxmemory', '1200mb']), memory: 2000 });
    // Data stores reserve their whole limit.
    expect(redis.workload('sessions').resources).toEqual({ memoryMb: 256, reservationMb: 256, cpus: 0.5 });
  });

  test('MariaDB: the InnoDB buffer pool is half the limit unless a parameter sets it', () => {
    const db = new DatabaseCluster(stack, 'Db', { cluster, resources: { memoryMb: 4096, cpus: 2 } });
    expect(db.parameters['innodb-buffer-pool-size']).toBe('2048M');
    const other = new DockerCluster(stack, 'Other', { namePrefix: 'other' });
    const tuned = new DatabaseCluster(stack, 'Tuned', { cluster: other, resources: { memoryMb: 4096, cpus: 2 }, parameters: { innodb_buffer_pool_size: '3G' } });
    expect(tuned.parameters['innodb-buffer-pool-size']).toBe('3G');
  });

  test('Solr: the heap is half the limit by default', () => {
    new SearchService(stack, 'Solr', { cluster, resources: { memoryMb: 3000, cpus: 1 } });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Container, { name: 'shop-solr-1', env: expect.arrayContaining(['SOLR_HEAP=1500m']), memory: 3000 });
  });

  test('MongoDB: the WiredTiger cache is half of what exceeds 1 GiB', () => {
    new DocumentDatabase(stack, 'Mongo', { cluster, members: 1, resources: { memoryMb: 3072, cpus: 1 } });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Container, { name: 'shop-mongo-1-1', env: expect.arrayContaining(['MONGO_WIREDTIGER_CACHE_GB=1']) });
  });

  test('one-shot tasks have limits too', () => {
    make('Init', { oneShot: true, resources: { memoryMb: 128, cpus: 0.5 } });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Container, { name: 'shop-init', memory: 128, memory_swap: 128 });
  });

  describe('the reservations must fit the host', () => {
    const problems = (): string[] => cluster.node.validate();

    test('fits: no problem', () => {
      make('App', { replicas: 2, resources: { memoryMb: 2048, cpus: 1 } });
      expect(cluster.reservedMemoryMb).toBe(2048);
      expect(problems()).toEqual([]);
    });

    test('one line naming the sum, the largest reservations, the limit and the fix', () => {
      cluster = new DockerCluster(stack, 'Small', { namePrefix: 'small', hostMemoryMb: 2048 });
      make('App', { replicas: 2, resources: { memoryMb: 1024, cpus: 1 } });
      make('Db', { resources: { memoryMb: 600, cpus: 1 }, dataStore: true });
      // One-shot tasks run briefly and do not count.
      make('Init', { oneShot: true, resources: { memoryMb: 2000, cpus: 1 } });
      expect(problems()).toEqual([
        'resources: the memory reservations add up to 1624 MiB (largest: App 2×512, Db 600); allowed: at most 1024 MiB on a host of hostMemoryMb 2048 (less 1024 MiB per host for the OS and the engine); fix: lower resources.<role>.memoryMb or reservationMb, run fewer replicas, or raise hostMemoryMb if the host has more memory',
      ]);
    });

    test('swarm: all reservations against all nodes, the data stores against their one data node', () => {
      cluster = new DockerCluster(stack, 'Swarm', { namePrefix: 'sw', hostMemoryMb: 4096, runtime: new SwarmRuntime({ nodes: 3 }) });
      const onDataNode = ['node.labels.webcluster.data == true'];
      // 3 × 3072 MiB fit these 6000 MiB; the data node's 3072 MiB do not fit its 4000.
      make('App', { replicas: 4, resources: { memoryMb: 1000, reservationMb: 500, cpus: 1 } });
      make('Db', { resources: { memoryMb: 2500, cpus: 1 }, dataStore: true, placement: onDataNode, stateful: true });
      make('Redis', { resources: { memoryMb: 1500, cpus: 1 }, dataStore: true, placement: onDataNode, stateful: true });
      // A global service reserves on every node: 3 × 100.
      make('Edge', { global: true, resources: { memoryMb: 200, cpus: 1 }, placement: ['node.labels.webcluster.edge == true'] });
      expect(cluster.reservedMemoryMb).toBe(2000 + 4000 + 300);
      expect(problems()).toEqual([
        'resources: the memory reservations add up to 4000 MiB (largest: Db 2500, Redis 1500); allowed: at most 3072 MiB on the one node of node.labels.webcluster.data == true, of hostMemoryMb 4096 (less 1024 MiB per host for the OS and the engine); fix: lower resources.<role>.memoryMb or reservationMb, run fewer replicas, or raise hostMemoryMb if the host has more memory',
      ]);
    });
  });

  describe('validation', () => {
    test.each([
      ['a memory limit below 16 MiB', { memoryMb: 8, cpus: 1 }, /^test\/Bad: resources\.memoryMb: got 8; allowed: an integer from 16 to 1048576 \(MiB\); fix: .+/],
      ['a reservation above the limit', { memoryMb: 256, reservationMb: 512, cpus: 1 }, /^test\/Bad: resources\.reservationMb: got 512; allowed: an integer from 0 to memoryMb \(256\); fix: .+/],
      ['no CPU', { memoryMb: 256, cpus: 0 }, /^test\/Bad: resources\.cpus: got 0; allowed: a number from 0\.01 to 64; fix: .+/],
    ])('%s', (_name, resources, message) => {
      expect(() => make('Bad', { resources })).toThrow(message);
    });

    test('a host smaller than 2 GiB', () => {
      expect(() => new DockerCluster(stack, 'Tiny', { namePrefix: 'tiny', hostMemoryMb: 1024 })).toThrow(
        /^test\/Tiny: hostMemoryMb: got 1024; allowed: an integer from 2048 to 4194304 \(MiB\); fix: .+/,
      );
    });

    test('a worker size of the app group is reported under its own field', () => {
      const lb = new LoadBalancer(stack, 'Lb', { cluster });
      expect(
        () =>
          new AppServerGroup(stack, 'Apps', {
            cluster,
            loadBalancer: lb,
            port: 8000,
            healthCheckPath: '/',
            image: 'shop:1',
            workerCommand: ['work'],
            workerResources: { memoryMb: 10, cpus: 1 },
          }),
      ).toThrow(/^test\/Apps: workerResources\.memoryMb: got 10; allowed: .+/);
    });

    test('an explicit InnoDB buffer pool above 80 % of the limit', () => {
      expect(() => new DatabaseCluster(stack, 'Db', { cluster, parameters: { innodb_buffer_pool_size: '4G' } })).toThrow(
        /^test\/Db: parameters\.innodb_buffer_pool_size: got '4G' with resources\.memoryMb 1024; allowed: at most 80 % of the memory limit \(819M\); fix: .+/,
      );
    });

    test('a MongoDB member below what mongod needs', () => {
      expect(() => new DocumentDatabase(stack, 'Mongo', { cluster, resources: { memoryMb: 300, cpus: 1 } })).toThrow(
        /^test\/Mongo: resources\.memoryMb: got 300; allowed: an integer from 640 to 1048576 \(MiB\); fix: .+/,
      );
    });

    test('a Solr heap above three quarters of the limit', () => {
      expect(() => new SearchService(stack, 'Solr', { cluster, heapSize: '2g', resources: { memoryMb: 2048, cpus: 1 } })).toThrow(
        /^test\/Solr: heapSize: got '2g' with resources\.memoryMb 2048; allowed: at most three quarters of the memory limit \(1536m\); fix: .+/,
      );
    });

    test('Redis sizes for a class the cluster does not serve', () => {
      expect(() => new RedisCluster(stack, 'Redis', { cluster, dataClasses: ['cache'], resources: { queue: { memoryMb: 256, cpus: 1 } } })).toThrow(
        /^test\/Redis: resources: got sizes for \[queue\]; allowed: the served data classes cache; fix: .+/,
      );
    });
  });
});
