/**
 * RedisCluster (Docker): one Valkey container (or Swarm service) per Redis data class on the
 * internal backend network, with the eviction policy and persistence of each class.
 */
import { Construct } from 'constructs';
import { pascalCase } from '../core/names';
import { Port } from '../core/port';
import { Endpoint, IRedisCluster, REDIS_DATA_CLASSES, RedisDataClass } from '../core/roles';
import { dataClassRules } from '../core/redis-data-classes';
import { validate, ValidationError } from '../core/validation-error';
import { DockerConnections } from './docker-connections';
import { dataStoreRules, debugPorts, DockerDataStoreProps, statefulPlacement } from './private/data-store';
import { ContainerResources, DEFAULT_RESOURCES, memoryShare, resolveResources, resourceRules } from './container-resources';
import { Workload } from './workload';

/** Properties of a {@link RedisCluster}. */
export interface RedisClusterProps extends DockerDataStoreProps {
  /** Data classes to run one Valkey for each; non-empty, each class at most once. */
  readonly dataClasses: RedisDataClass[];
  /**
   * `maxmemory` of every instance, in MiB (16 to 90 % of the instance's memory limit).
   * @default - per instance, 75 % of its memory limit without persistence, 60 % with (an AOF
   * rewrite forks the server, and pages written meanwhile are copied)
   */
  readonly maxmemoryMb?: number;
  /**
   * Memory limit, memory reservation and CPUs of the instance of each data class. The reservation
   * defaults to the whole limit.
   * @default - cache 512 MiB, sessions 256 MiB, critical 256 MiB, queue 512 MiB; 0.5 CPUs (critical 0.25)
   */
  readonly resources?: Partial<Record<RedisDataClass, ContainerResources>>;
  /**
   * Valkey image, pinned by tag or digest; it must provide `valkey-server` and `valkey-cli`.
   * @default 'valkey/valkey:8.0.2'
   */
  readonly image?: string;
}

/** uid:gid of the `valkey` user of the official image. */
const VALKEY_USER = '999:999';

/** Default Valkey image (Valkey 8.0 is what Shopware recommends). */
export const DEFAULT_VALKEY_IMAGE = 'valkey/valkey:8.0.2';
/** Port of every instance. */
const REDIS_PORT = 6379;
/**
 * Arguments that turn persistence off: `--save` directly followed by another option is the
 * server's documented spelling of `save ""` (no snapshots) on the command line (Redis >= 7.0.1,
 * Valkey). An empty argument would say the same, but the docker provider refuses empty strings in
 * a container's command ("values for command may not be empty").
 */
const NO_PERSISTENCE: readonly string[] = ['--save', '--appendonly', 'no'];
/** Logical databases of each instance (the engine's `databases` default). */
const DATABASES = 16;

/**
 * One Valkey per data class, since the eviction policy is per instance (Shopware's Redis guide).
 * Each runs `valkey-server --maxmemory <n>mb --maxmemory-policy <policy of the class>`:
 *
 * - non-durable classes (`cache`) keep nothing: `--save --appendonly no` (the command-line form of
 *   `save ""`), as the Steedos compose file does, and have no volume;
 * - durable classes (`sessions`, `critical`, `queue`) write an append-only file
 *   (`--appendonly yes --appendfsync everysec`) to a named volume `<prefix>-redis-<class>-data` at
 *   `/data`, protected from destroy unless the cluster allows it, and are stateful (never two copies;
 *   pinned by {@link DockerDataStoreProps.placement} on Swarm).
 *
 * Every instance listens on the internal backend network only, under the alias `redis-<class>`,
 * and has a `valkey-cli ping` health check. Clients are let in with
 * `redis.connections.allowDefaultPortFrom(app)`, which attaches them to the backend network.
 * There is no TLS and no password: the backend network is `internal` and admits only the
 * containers granted access (see {@link url}).
 *
 * With `debugPort`, class number i (in `dataClasses` order) is published on
 * `127.0.0.1:<debugPort + i>`.
 *
 * @resource docker_container
 */
export class RedisCluster extends Construct implements IRedisCluster {
  public readonly dataClasses: readonly RedisDataClass[];
  /** `maxmemory` of the instance of each data class, in MiB. */
  public readonly maxmemoryMb: Readonly<Partial<Record<RedisDataClass, number>>>;
  /** Valkey image in use. */
  public readonly image: string;
  /** TCP port of every instance. */
  public readonly port: number = REDIS_PORT;
  /** Network access: clients join the backend network; the default port is 6379. */
  public readonly connections: DockerConnections;
  /** The workloads, one per data class, in `dataClasses` order. */
  public readonly workloads: readonly Workload[];
  /** Swarm placement of the store's stateful workloads (jobs that must run beside its volumes reuse it). */
  public readonly placement: readonly string[];
  private readonly byClass = new Map<RedisDataClass, Workload>();

  constructor(scope: Construct, id: string, props: RedisClusterProps) {
    super(scope, id);
    const cluster = props.cluster;
    const classes = props.dataClasses;
    validate(this, dataClassRules(classes));
    const resources = Object.fromEntries(classes.map((c) => [c, props.resources?.[c] ?? DEFAULT_RESOURCES.redis[c]])) as Record<RedisDataClass, ContainerResources>;
    const maxmemoryOf = (c: RedisDataClass): number =>
      props.maxmemoryMb ?? memoryShare(resolveResources(resources[c], true), REDIS_DATA_CLASSES[c].durable ? 0.6 : 0.75, 16);
    const smallest = classes.reduce((a, c) => (resources[c].memoryMb < resources[a].memoryMb ? c : a), classes[0]);
    const unknownResources = Object.keys(props.resources ?? {}).filter((c) => !classes.includes(c as RedisDataClass));
    validate(this, [
      {
        failed: unknownResources.length > 0,
        message: () => `resources: got sizes for [${unknownResources.join(', ')}]; allowed: the served data classes ${classes.join(', ')}; fix: drop those entries or add the classes to dataClasses`,
      },
      ...classes.flatMap((c) => resourceRules(`resources.${c}`, resources[c])),
      {
        failed: props.maxmemoryMb !== undefined && (!Number.isInteger(props.maxmemoryMb) || props.maxmemoryMb < 16 || props.maxmemoryMb > resources[smallest].memoryMb * 0.9),
        message: () =>
          `maxmemoryMb: got ${props.maxmemoryMb}; allowed: an integer from 16 to 90 % of the smallest memory limit (${Math.floor(resources[smallest].memoryMb * 0.9)}, class ${smallest}); fix: leave maxmemoryMb out (derived from each limit) or raise resources.${smallest}.memoryMb`,
      },
      ...dataStoreRules(props, classes.length, classes.some((c) => REDIS_DATA_CLASSES[c]?.durable)),
    ]);

    this.dataClasses = [...classes];
    this.maxmemoryMb = Object.fromEntries(classes.map((c) => [c, maxmemoryOf(c)]));
    this.image = props.image ?? DEFAULT_VALKEY_IMAGE;
    this.connections = new DockerConnections(this, cluster.backend, Port.tcp(REDIS_PORT));
    this.placement = statefulPlacement(props);

    this.workloads = classes.map((dataClass, i) => {
      const traits = REDIS_DATA_CLASSES[dataClass];
      const name = `redis-${dataClass}`;
      const ns = new Construct(this, pascalCase(dataClass));
      const persistence = traits.durable ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : NO_PERSISTENCE;
      const volumes = traits.durable
        ? [{ volumeName: cluster.addVolume(ns, 'DataVolume', `${name}-data`, true), containerPath: '/data' }]
        : [];
      const workload = new Workload(ns, 'Valkey', {
        cluster,
        name,
        role: 'redis',
        image: this.image,
        // The image's entrypoint passes `valkey-server ...` through (dropping root); the same argv
        // also works where a runtime sets it as the entrypoint itself.
        command: ['valkey-server', '--maxmemory', `${maxmemoryOf(dataClass)}mb`, '--maxmemory-policy', traits.maxmemoryPolicy, ...persistence],
        listenNetwork: cluster.backend,
        defaultPort: Port.tcp(REDIS_PORT),
        volumes,
        healthcheck: { test: ['CMD', 'valkey-cli', 'ping'], intervalSec: 10, timeoutSec: 3, retries: 5, startPeriodSec: 10 },
        ports: debugPorts(props, REDIS_PORT, i),
        placement: traits.durable ? [...this.placement] : [],
        stateful: traits.durable,
        resources: resources[dataClass],
        dataStore: true,
        // The image's `valkey` user (its entrypoint drops to it only when started as root), which
        // owns /data; nothing outside the data volume is written.
        security: { user: VALKEY_USER, readOnlyRootfs: true, nofile: cluster.serverOpenFiles },
      });
      this.byClass.set(dataClass, workload);
      return workload;
    });
  }

  /** The workload of one data class; throws for a class the cluster does not serve. */
  public workload(dataClass: RedisDataClass): Workload {
    const workload = this.byClass.get(dataClass);
    if (!workload) {
      throw new ValidationError(
        `dataClass: got '${dataClass}'; allowed: ${this.dataClasses.join(', ')}; fix: add '${dataClass}' to dataClasses or use one of the served classes`,
        this,
      );
    }
    return workload;
  }

  /** `{ hostname: 'redis-<class>', port: 6379 }`: the instance's alias on the backend network. */
  public endpoint(dataClass: RedisDataClass): Endpoint {
    this.workload(dataClass);
    return { hostname: `redis-${dataClass}`, port: this.port };
  }

  /**
   * `redis://redis-<class>:6379/<database>`: plain `redis://`, without TLS or password, because
   * the instance is reachable only on the internal backend network, by the containers granted
   * access to it.
   */
  public url(dataClass: RedisDataClass, database: number = 0): string {
    const { hostname, port } = this.endpoint(dataClass);
    validate(this, [
      {
        failed: !Number.isInteger(database) || database < 0 || database >= DATABASES,
        message: () => `database: got ${database}; allowed: an integer from 0 to ${DATABASES - 1}; fix: use a database index the engine provides`,
      },
    ]);
    return `redis://${hostname}:${port}/${database}`;
  }
}
