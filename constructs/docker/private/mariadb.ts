/**
 * MariaDB settings of the Docker DatabaseCluster: the server parameters given as props, their
 * validation with the other props, and the init SQL of the further databases.
 */
import type { ValidationRule } from '../../core/validation-error';
import type { DockerCluster } from '../docker-cluster';
import type { WorkloadSecurity } from '../runtime';
import { type ContainerResources, resourceRules } from '../container-resources';
import { dataStoreRules, type DockerDataStoreProps } from './data-store';

/** Parameters this construct sets itself. */
const RESERVED_PARAMETERS = ['server-id', 'log-bin', 'log-basename', 'read-only', 'port', 'datadir'];
/** User the replica connects to the primary as. */
export const REPLICATION_USER = 'replicator';

/** One server parameter given in props: its name as written, as a `mariadbd` flag, and its value. */
export interface ServerParameter {
  /** The name as the props give it, e.g. `max_allowed_packet`. */
  readonly name: string;
  /** The name with `-` for `_`, lowercase. */
  readonly flag: string;
  /** The value as given. */
  readonly value: string;
}

/** The parameters of `props.parameters`, in the order given. */
export function serverParameters(parameters: Record<string, string> | undefined): ServerParameter[] {
  return Object.entries(parameters ?? {}).map(([name, value]) => ({ name, flag: name.replace(/_/g, '-').toLowerCase(), value }));
}

/** The database's props with their defaults applied, as the rules read them. */
export interface DatabaseSettings {
  /** The props every data store takes (debug port, placement). */
  readonly props: DockerDataStoreProps;
  /** Name of the application database. */
  readonly databaseName: string;
  /** Application user. */
  readonly username: string;
  /** The server parameters given in props. */
  readonly extra: readonly ServerParameter[];
  /** Further databases of the application user. */
  readonly additional: readonly string[];
  /** Memory and CPUs of each server. */
  readonly resources: ContainerResources;
}

/** The rules of a database's props, in priority order. */
export function databaseRules(s: DatabaseSettings): ValidationRule[] {
  const { props, databaseName, username, extra, additional, resources } = s;
  const badNames = extra.filter((p) => !/^[A-Za-z][A-Za-z0-9_-]*$/.test(p.name)).map((p) => p.name);
  const reserved = extra.filter((p) => RESERVED_PARAMETERS.includes(p.flag)).map((p) => p.name);
  const badValues = extra.filter((p) => p.value.trim() === '' || /[\r\n]/.test(p.value)).map((p) => p.name);
  const list = (xs: readonly string[]): string => `[${xs.map((x) => `'${x}'`).join(', ')}]`;
  // An explicit buffer pool (bytes, or with K, M or G) must fit the container's memory limit.
  const bufferPool = extra.find((p) => p.flag === 'innodb-buffer-pool-size');
  const poolMatch = bufferPool ? /^(\d+)([KMG]?)$/i.exec(bufferPool.value.trim()) : null;
  const bufferPoolMb = poolMatch ? (Number(poolMatch[1]) * 1024 ** 'BKMG'.indexOf(poolMatch[2].toUpperCase() || 'B')) / 1024 ** 2 : undefined;
  const badAdditional = additional.filter((d) => !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(d) || d === databaseName || additional.indexOf(d) !== additional.lastIndexOf(d));
  return [
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
  ];
}

/**
 * MariaDB as the image's `mysql` user (999:999, which owns the data directory; the image's
 * entrypoint skips its chown and privilege drop). On a standalone engine the root filesystem is
 * read-only, with the socket directory and temporary files on tmpfs owned by that user, unless init
 * files are copied in; on Swarm, whose tmpfs mounts are root's (the provider cannot set their
 * options), the root filesystem stays writable for the socket.
 */
export function serverSecurity(cluster: DockerCluster, withoutFiles: boolean): WorkloadSecurity {
  const readOnly = withoutFiles && cluster.runtime.mode === 'standalone';
  return { user: '999:999', nofile: cluster.serverOpenFiles, ...(readOnly ? { readOnlyRootfs: true, tmpfs: ['/run/mysqld', '/tmp'] } : {}) };
}

/** The init SQL creating the further databases (names are validated, so no quoting beyond backticks is needed). */
export function additionalDatabasesSql(databases: readonly string[], username: string): string {
  return [
    '-- Further databases of the application user, rendered by webcluster (DatabaseCluster.additionalDatabases).',
    '-- The image runs this file once, when it initialises an empty data directory.',
    ...databases.flatMap((d) => [`CREATE DATABASE IF NOT EXISTS \`${d}\` CHARACTER SET utf8mb4;`, `GRANT ALL PRIVILEGES ON \`${d}\`.* TO '${username}'@'%';`]),
    '',
  ].join('\n');
}
