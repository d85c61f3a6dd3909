/**
 * DatabaseCluster (Docker): MariaDB on a named volume on the internal backend network, optionally
 * with a read replica, with its passwords as sensitive Terraform variables.
 */
import { Construct } from 'constructs';
import { Port } from '../core/port';
import type { Endpoint, IDatabaseCluster } from '../core/roles';
import { validate } from '../core/validation-error';
import { ContainerResources, DEFAULT_RESOURCES, memoryShare, resolveResources } from './container-resources';
import type { DockerCluster } from './docker-cluster';
import { DockerConnections } from './docker-connections';
import { DockerSecret } from './docker-secret';
import { debugPorts, DockerDataStoreProps, statefulPlacement, variablePrefix } from './private/data-store';
import { additionalDatabasesSql, databaseRules, REPLICATION_USER, serverParameters, serverSecurity } from './private/mariadb';
import type { WorkloadHealthcheck, WorkloadSecret } from './runtime';
import { Workload } from './workload';

/** Properties of a {@link DatabaseCluster}. */
export interface DatabaseClusterProps extends DockerDataStoreProps {
  /**
   * MariaDB image, pinned by tag or digest (MySQL-compatible; Shopware recommends MariaDB 11.4).
   * @default 'mariadb:11.4.4'
   */
  readonly image?: string;
  /**
   * Name of the application database (letters, digits, underscores, starting with a letter, at
   * most 64 characters).
   * @default 'app'
   */
  readonly databaseName?: string;
  /**
   * Application user, granted all privileges on the application database (letters, digits,
   * underscores, starting with a letter, at most 32 characters, not `root`).
   * @default 'app'
   */
  readonly username?: string;
  /**
   * Server parameters (e.g. the app's `group_concat_max_len`, `sql_mode`), passed to `mariadbd` as
   * `--<name>=<value>` with `_` in names written as `-`, merged over the baseline
   * (`character-set-server=utf8mb4`, `collation-server=utf8mb4_unicode_ci`). Replication and
   * storage settings (`server-id`, `log-bin`, `log-basename`, `read-only`, `port`, `datadir`) are
   * set by this construct and refused here.
   * @default - the baseline only
   */
  readonly parameters?: Record<string, string>;
  /**
   * Further databases the application user gets all privileges on (e.g. Ibexa's DFS metadata
   * database), created by an SQL file in `/docker-entrypoint-initdb.d` when the primary initialises
   * its data directory (first start on an empty volume). Same naming rules as `databaseName`.
   * @default - none
   */
  readonly additionalDatabases?: string[];
  /**
   * Add a read replica `db-replica` that replicates from the primary (binary log on the primary,
   * `--read-only` on the replica) and serves {@link DatabaseCluster.readerEndpoint}.
   * @default false
   */
  readonly replica?: boolean;
  /**
   * Memory limit, memory reservation and CPUs of each server (primary and replica).
   * The InnoDB buffer pool gets half of the memory limit unless `parameters` sets
   * `innodb_buffer_pool_size`; the reservation defaults to the whole limit.
   * @default { memoryMb: 1024, cpus: 1 }
   */
  readonly resources?: ContainerResources;
}

/** Default MariaDB image. */
export const DEFAULT_MARIADB_IMAGE = 'mariadb:11.4.4';
/** MySQL port. */
const MYSQL_PORT = 3306;
/** Parameters every server gets; `props.parameters` is merged over them. */
const BASELINE_PARAMETERS: Readonly<Record<string, string>> = {
  'character-set-server': 'utf8mb4',
  'collation-server': 'utf8mb4_unicode_ci',
};
/** The image's own health check: the server accepts connections and InnoDB finished starting. */
const HEALTHCHECK: WorkloadHealthcheck = {
  test: ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'],
  intervalSec: 10,
  timeoutSec: 5,
  retries: 10,
  // The first start initialises the data directory (system tables, time zones) before it listens.
  startPeriodSec: 60,
};

/**
 * MariaDB with its data on a named volume `<prefix>-db-data` at `/var/lib/mysql` (protected from
 * destroy unless the cluster allows it), listening only on the internal backend network under the
 * alias `db`, with the image's `healthcheck.sh --connect --innodb_initialized` health check.
 * Dependents that list {@link workload} in `dependsOn` start only once it is healthy.
 *
 * The image's entrypoint creates the application database and user on the first start. The root,
 * application and (with a replica) replication passwords are {@link DockerSecret}s, i.e. sensitive
 * Terraform variables `<prefix>_db_root_password`, `<prefix>_db_password` and
 * `<prefix>_db_replication_password` (prefix with `_` for `-`); on Swarm they are mounted as
 * Docker secrets and passed through the image's `*_FILE` variables.
 *
 * With `replica`, the primary writes a binary log (`--log-bin --server-id=1`) and creates a
 * replication user; a second server `db-replica` (own volume `<prefix>-db-replica-data`,
 * `--server-id=2 --read-only`) is configured by the image's entrypoint to replicate from `db`
 * from the start of the primary's binary log. The replica does not create the application
 * database and user itself: they arrive through replication. Both use `--log-basename`, so log
 * file names do not change when a container (and its host name) is replaced. Turn `replica` on
 * when the cluster is created: a replica added to a primary that has run without a binary log
 * misses the earlier data and needs seeding (e.g. with mariadb-backup). Binary logs are kept until
 * `binlog_expire_logs_seconds` (a `parameters` entry) says otherwise.
 *
 * @resource docker_container
 */
export class DatabaseCluster extends Construct implements IDatabaseCluster {
  /** Network access: clients join the backend network; the default port is 3306. */
  public readonly connections: DockerConnections;
  /** The primary (read/write) server; list it in `dependsOn` to wait until it is healthy. */
  public readonly workload: Workload;
  /** The read replica, when `replica` is on. */
  public readonly replicaWorkload?: Workload;
  public readonly writerEndpoint: Endpoint;
  public readonly readerEndpoint: Endpoint;
  public readonly databaseName: string;
  /** Application user. */
  public readonly username: string;
  /** MariaDB image in use. */
  public readonly image: string;
  /** MySQL port. */
  public readonly port: number = MYSQL_PORT;
  /** Server parameters in use (baseline merged with `props.parameters`), names with `-`. */
  public readonly parameters: Readonly<Record<string, string>>;
  /** Password of the application user. */
  public readonly passwordSecret: DockerSecret;
  /** Password of `root`. */
  public readonly rootPasswordSecret: DockerSecret;
  /** Password of the replication user, when `replica` is on. */
  public readonly replicationPasswordSecret?: DockerSecret;
  /** Further databases of the application user. */
  public readonly additionalDatabases: readonly string[];
  /** Swarm placement of the store's stateful workloads (jobs that must run beside its volumes reuse it). */
  public readonly placement: readonly string[];

  constructor(scope: Construct, id: string, props: DatabaseClusterProps) {
    super(scope, id);
    const cluster = props.cluster;
    const databaseName = props.databaseName ?? 'app';
    const username = props.username ?? 'app';
    const replica = props.replica ?? false;
    const resources = props.resources ?? DEFAULT_RESOURCES.database;
    const extra = serverParameters(props.parameters);
    const additional = props.additionalDatabases ?? [];
    validate(this, databaseRules({ props, databaseName, username, extra, additional, resources }));

    this.databaseName = databaseName;
    this.additionalDatabases = [...additional];
    this.username = username;
    this.image = props.image ?? DEFAULT_MARIADB_IMAGE;
    const merged: Record<string, string> = {
      ...BASELINE_PARAMETERS,
      'innodb-buffer-pool-size': `${memoryShare(resolveResources(resources, true), 0.5, 64)}M`,
    };
    for (const p of extra) merged[p.flag] = p.value;
    this.parameters = Object.fromEntries(Object.keys(merged).sort().map((k) => [k, merged[k]]));
    const serverArgs = Object.entries(this.parameters).map(([k, v]) => `--${k}=${v}`);

    const prefix = variablePrefix(cluster);
    this.rootPasswordSecret = new DockerSecret(this, 'RootPassword', {
      variableName: `${prefix}_db_root_password`,
      description: `Password of the MariaDB root user of ${cluster.namePrefix}`,
    });
    this.passwordSecret = new DockerSecret(this, 'Password', {
      variableName: `${prefix}_db_password`,
      description: `Password of the MariaDB user '${username}' of ${cluster.namePrefix}`,
    });
    if (replica) {
      this.replicationPasswordSecret = new DockerSecret(this, 'ReplicationPassword', {
        variableName: `${prefix}_db_replication_password`,
        description: `Password of the MariaDB replication user of ${cluster.namePrefix}`,
      });
    }
    const rootPassword = { secret: this.rootPasswordSecret, fileVariable: 'MARIADB_ROOT_PASSWORD_FILE' };
    const replication = this.replicationPasswordSecret
      ? { MARIADB_REPLICATION_PASSWORD: { secret: this.replicationPasswordSecret, fileVariable: 'MARIADB_REPLICATION_PASSWORD_FILE' } }
      : undefined;

    this.connections = new DockerConnections(this, cluster.backend, Port.tcp(MYSQL_PORT));
    const placement = statefulPlacement(props);
    this.placement = placement;

    this.workload = new Workload(this, 'Primary', {
      cluster,
      name: 'db',
      role: 'database',
      image: this.image,
      // Arguments of the image's entrypoint, which initialises the data directory and drops root.
      command: ['mariadbd', ...serverArgs, ...(replica ? ['--log-bin', '--log-basename=db', '--server-id=1'] : [])],
      environment: {
        MARIADB_DATABASE: databaseName,
        MARIADB_USER: username,
        // Runs mariadb-upgrade (after a backup of the system tables) when a newer image starts.
        MARIADB_AUTO_UPGRADE: '1',
        ...(replica ? { MARIADB_REPLICATION_USER: REPLICATION_USER } : {}),
      },
      secrets: {
        MARIADB_ROOT_PASSWORD: rootPassword,
        MARIADB_PASSWORD: { secret: this.passwordSecret, fileVariable: 'MARIADB_PASSWORD_FILE' },
        ...replication,
      },
      listenNetwork: cluster.backend,
      defaultPort: Port.tcp(MYSQL_PORT),
      volumes: [{ volumeName: cluster.addVolume(this, 'DataVolume', 'db-data', true), containerPath: '/var/lib/mysql' }],
      // The image runs these after it created the application database and user.
      files: additional.length > 0 ? [{ path: '/docker-entrypoint-initdb.d/10-webcluster-databases.sql', content: additionalDatabasesSql(additional, username) }] : [],
      healthcheck: HEALTHCHECK,
      ports: debugPorts(props, MYSQL_PORT),
      placement,
      stopGraceSec: 60,
      stateful: true,
      resources,
      dataStore: true,
      // Rendered init files are copied in before the start, which a read-only root refuses.
      security: serverSecurity(cluster, additional.length === 0),
    });
    this.writerEndpoint = { hostname: 'db', port: MYSQL_PORT };

    if (replica) this.replicaWorkload = this.addReplica(cluster, serverArgs, rootPassword, replication, placement, resources);
    this.readerEndpoint = { hostname: replica ? 'db-replica' : 'db', port: MYSQL_PORT };
  }

  /** The read replica `db-replica`, replicating from the primary from the start of its binary log. */
  private addReplica(
    cluster: DockerCluster,
    serverArgs: readonly string[],
    rootPassword: WorkloadSecret,
    replication: Record<string, WorkloadSecret> | undefined,
    placement: string[],
    resources: ContainerResources,
  ): Workload {
    return new Workload(this, 'Replica', {
      cluster,
      name: 'db-replica',
      role: 'database-replica',
      image: this.image,
      command: ['mariadbd', ...serverArgs, '--log-basename=db-replica', '--server-id=2', '--read-only'],
      environment: {
        MARIADB_MASTER_HOST: 'db',
        MARIADB_MASTER_PORT: String(MYSQL_PORT),
        MARIADB_REPLICATION_USER: REPLICATION_USER,
        MARIADB_AUTO_UPGRADE: '1',
      },
      secrets: { MARIADB_ROOT_PASSWORD: rootPassword, ...replication },
      listenNetwork: cluster.backend,
      defaultPort: Port.tcp(MYSQL_PORT),
      volumes: [{ volumeName: cluster.addVolume(this, 'ReplicaDataVolume', 'db-replica-data', true), containerPath: '/var/lib/mysql' }],
      healthcheck: HEALTHCHECK,
      placement,
      stopGraceSec: 60,
      stateful: true,
      resources,
      dataStore: true,
      security: serverSecurity(cluster, true),
      dependsOn: [this.workload],
    });
  }
}
