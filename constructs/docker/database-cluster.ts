/**
 * DatabaseCluster (Docker): MariaDB on a named volume on the internal backend network, optionally
 * with a read replica, with its passwords as sensitive Terraform variables.
 */
import { Construct } from 'constructs';
import { Port } from '../core/port';
import type { Endpoint, IDatabaseCluster } from '../core/roles';
import { validate } from '../core/validation-error';
import { ContainerResources, DEFAULT_RESOURCES, memoryShare, resolveResources, resourceRules } from './container-resources';
import type { DockerCluster } from './docker-cluster';
import { DockerConnections } from './docker-connections';
import { DockerSecret } from './docker-secret';
import { dataStoreRules, debugPorts, DockerDataStoreProps, statefulPlacement, variablePrefix } from './private/data-store';
import type { WorkloadHealthcheck, WorkloadSecurity } from './runtime';
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
/** Parameters this construct sets itself. */
const RESERVED_PARAMETERS = ['server-id', 'log-bin', 'log-basename', 'read-only', 'port', 'datadir'];
/** User the replica connects to the primary as. */
const REPLICATION_USER = 'replicator';
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
    const extra = Object.entries(props.parameters ?? {}).map(([name, value]) => ({ name, flag: name.replace(/_/g, '-').toLowerCase(), value }));
    const badNames = extra.filter((p) => !/^[A-Za-z][A-Za-z0-9_-]*$/.test(p.name)).map((p) => p.name);
    const reserved = extra.filter((p) => RESERVED_PARAMETERS.includes(p.flag)).map((p) => p.name);
    const badValues = extra.filter((p) => p.value.trim() === '' || /[\r\n]/.test(p.value)).map((p) => p.name);
    const list = (xs: readonly string[]): string => `[${xs.map((x) => `'${x}'`).join(', ')}]`;
    const additional = props.additionalDatabases ?? [];
    // An explicit buffer pool (bytes, or with K, M or G) must fit the container's memory limit.
    const bufferPool = extra.find((p) => p.flag === 'innodb-buffer-pool-size');
    const poolMatch = bufferPool ? /^(\d+)([KMG]?)$/i.exec(bufferPool.value.trim()) : null;
    const bufferPoolMb = poolMatch ? (Number(poolMatch[1]) * 1024 ** 'BKMG'.indexOf(poolMatch[2].toUpperCase() || 'B')) / 1024 ** 2 : undefined;
    const badAdditional = additional.filter((d) => !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(d) || d === databaseName || additional.indexOf(d) !== additional.lastIndexOf(d));
    validate(this, [
      {
        failed: !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(databaseName),
        message: () => `databaseName: got '${databaseName}'; allowed: 1 to 64 letters, digits or underscores, starting with a letter; fix: use e.g. 'app'`,
      },
      {
        failed: !/^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(username) || username.toLowerCase() === 'root' || username === REPLICATION_USER,
        message: () =>
          `username: got '${username}'; allowed: 1 to 32 letters, digits or underscores, starting with a letter, not 'root' or '${REPLICATION_USER}'; fix: use e.g. 'app'`,
      },
      {
        failed: badNames.length > 0,
        message: () => `parameters: got invalid name(s) ${list(badNames)}; allowed: server variable names (letters, digits, '_', '-'); fix: use names such as 'max_allowed_packet'`,
      },
      {
        failed: reserved.length > 0,
        message: () =>
          `parameters: got ${list(reserved)}; allowed: parameters other than ${RESERVED_PARAMETERS.join(', ')} (set by DatabaseCluster); fix: drop them (use replica: true for replication)`,
      },
      {
        failed: badValues.length > 0,
        message: () => `parameters: got empty or multi-line value(s) for ${list(badValues)}; allowed: one-line non-empty values; fix: set a value or drop the entry`,
      },
      {
        failed: badAdditional.length > 0,
        message: () =>
          `additionalDatabases: got ${list(badAdditional)}; allowed: distinct names of 1 to 64 letters, digits or underscores, starting with a letter, other than databaseName '${databaseName}'; fix: use e.g. 'app_dfs'`,
      },
      ...dataStoreRules(props, 1),
      ...resourceRules('resources', resources, 256),
      {
        failed: bufferPoolMb !== undefined && bufferPoolMb > resources.memoryMb * 0.8,
        message: () =>
          `parameters.innodb_buffer_pool_size: got '${bufferPool?.value}' with resources.memoryMb ${resources.memoryMb}; allowed: at most 80 % of the memory limit (${Math.floor(resources.memoryMb * 0.8)}M); fix: lower the buffer pool or raise resources.memoryMb`,
      },
    ]);

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

    if (replica) {
      this.replicaWorkload = new Workload(this, 'Replica', {
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
    this.readerEndpoint = { hostname: replica ? 'db-replica' : 'db', port: MYSQL_PORT };
  }
}

/**
 * MariaDB as the image's `mysql` user (999:999, which owns the data directory; the image's
 * entrypoint skips its chown and privilege drop). On a standalone engine the root filesystem is
 * read-only, with the socket directory and temporary files on tmpfs owned by that user, unless init
 * files are copied in; on Swarm, whose tmpfs mounts are root's (the provider cannot set their
 * options), the root filesystem stays writable for the socket.
 */
function serverSecurity(cluster: DockerCluster, withoutFiles: boolean): WorkloadSecurity {
  const readOnly = withoutFiles && cluster.runtime.mode === 'standalone';
  return { user: '999:999', nofile: cluster.serverOpenFiles, ...(readOnly ? { readOnlyRootfs: true, tmpfs: ['/run/mysqld', '/tmp'] } : {}) };
}

/** The init SQL creating the further databases (names are validated, so no quoting beyond backticks is needed). */
function additionalDatabasesSql(databases: readonly string[], username: string): string {
  return [
    '-- Further databases of the application user, rendered by webcluster (DatabaseCluster.additionalDatabases).',
    '-- The image runs this file once, when it initialises an empty data directory.',
    ...databases.flatMap((d) => [`CREATE DATABASE IF NOT EXISTS \`${d}\` CHARACTER SET utf8mb4;`, `GRANT ALL PRIVILEGES ON \`${d}\`.* TO '${username}'@'%';`]),
    '',
  ].join('\n');
}
