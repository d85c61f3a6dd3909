/**
 * Where the Docker data stores run on a swarm of several nodes: a named volume is local to one node,
 * so every store that keeps one must be pinned to that node (a node label, host name or node id).
 * `node.role == manager`, the default, pins it only on a one-node swarm.
 */
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Testing, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { DatabaseCluster } from '../../../constructs/docker/database-cluster';
import { DockerCluster } from '../../../constructs/docker/docker-cluster';
import { DocumentDatabase } from '../../../constructs/docker/document-database';
import type { DockerDataStoreProps } from '../../../constructs/docker/private/data-store';
import { RedisCluster } from '../../../constructs/docker/redis-cluster';
import { SearchService } from '../../../constructs/docker/search-service';
import { SharedStorage } from '../../../constructs/docker/shared-storage';
import { SwarmRuntime } from '../../../constructs/docker/swarm-runtime';
import { resourcesOf, synthJson } from '../../util';

type Placement = Pick<DockerDataStoreProps, 'placement'>;

/** Each store with a stateful workload: [name, construct id, how to build it, the services that keep a volume]. */
const STORES: Array<[string, string, (scope: Construct, cluster: DockerCluster, p: Placement) => void, string[]]> = [
  ['RedisCluster (durable classes)', 'Redis', (s, cluster, p) => new RedisCluster(s, 'Redis', { cluster, dataClasses: ['cache', 'sessions'], ...p }), ['redis-sessions']],
  ['DatabaseCluster', 'Db', (s, cluster, p) => new DatabaseCluster(s, 'Db', { cluster, replica: true, ...p }), ['db', 'db-replica']],
  ['SharedStorage', 'Storage', (s, cluster, p) => new SharedStorage(s, 'Storage', { cluster, buckets: [{ id: 'private', folders: ['files'] }], ...p }), ['minio']],
  ['SearchService', 'Solr', (s, cluster, p) => new SearchService(s, 'Solr', { cluster, ...p }), ['solr']],
  ['DocumentDatabase', 'Mongo', (s, cluster, p) => new DocumentDatabase(s, 'Mongo', { cluster, ...p }), ['mongo-1', 'mongo-2', 'mongo-3']],
];

function swarmStack(nodes?: number): { stack: TerraformStack; cluster: DockerCluster } {
  const stack = new TerraformStack(Testing.app(), 'test');
  new DockerProvider(stack, 'docker', {});
  return { stack, cluster: new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: new SwarmRuntime({ nodes }) }) };
}

/** The placement constraints of every service, by name without the prefix. */
function constraints(stack: TerraformStack): Record<string, string[] | undefined> {
  const services = resourcesOf(synthJson(stack), 'docker_service') as { name: string; task_spec: { placement?: { constraints: string[] } } }[];
  return Object.fromEntries(services.map((s) => [s.name.replace(/^shop-/, ''), s.task_spec.placement?.constraints]));
}

const LABEL = 'node.labels.webcluster.data == true';

describe.each(STORES)('%s on a swarm', (_name, id, build, statefulServices) => {
  test('of one node: on the manager, as before', () => {
    const { stack, cluster } = swarmStack();
    build(stack, cluster, {});
    const placed = constraints(stack);
    for (const service of statefulServices) expect(placed[service]).toEqual(['node.role == manager']);
  });

  test('of three nodes: pinned by the data node label', () => {
    const { stack, cluster } = swarmStack(3);
    build(stack, cluster, { placement: [LABEL] });
    const placed = constraints(stack);
    for (const service of statefulServices) expect(placed[service]).toEqual([LABEL]);
  });

  test('of three nodes: fails without a pin, one line', () => {
    const { stack, cluster } = swarmStack(3);
    expect(() => build(stack, cluster, {})).toThrow(
      new RegExp(
        `^test/${id}: placement: got \\['node\\.role == manager'\\] on a swarm of 3 nodes; allowed: a constraint that pins the store to the node holding its volume \\(node\\.labels\\.<key> ==, node\\.hostname == or node\\.id ==\\), or a new task on another node starts with an empty volume; fix: label that one node \\(docker node update --label-add webcluster\\.data=true <node>\\) and use \\['node\\.labels\\.webcluster\\.data == true'\\]$`,
      ),
    );
  });
});

describe('what counts as a pin on a swarm of three nodes', () => {
  const db = (placement: string[]): void => {
    const { stack, cluster } = swarmStack(3);
    new DatabaseCluster(stack, 'Db', { cluster, placement });
  };

  test.each([[['node.hostname == data-1']], [['node.id == 2ivku8v2gvtg4']], [['node.role == manager', 'node.labels.disk == ssd']]])('%p pins', (placement) => {
    expect(() => db(placement)).not.toThrow();
  });

  test.each([[['node.role == manager']], [['node.hostname != edge-1']], [['node.labels.webcluster.data != true']], [['engine.labels.disk == ssd']]])('%p does not', (placement) => {
    expect(() => db(placement)).toThrow(/on a swarm of 3 nodes; allowed: a constraint that pins the store/);
  });

  test('a cache without persistence keeps no volume: it floats, no pin needed', () => {
    const { stack, cluster } = swarmStack(3);
    new RedisCluster(stack, 'Redis', { cluster, dataClasses: ['cache'] });
    expect(constraints(stack)['redis-cache']).toBeUndefined();
  });
});
