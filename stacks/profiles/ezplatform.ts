/**
 * eZ Platform 3.x / Ibexa DXP 4.x profile, what it needs on every backend: the cluster setup of the
 * seeds (eZ Platform "Clustering") and of Ibexa's clustering, persistence cache, sessions, HTTP cache
 * and Solr guides. The backends' halves: stacks/aws/profiles/ezplatform.ts (`EZPLATFORM_VM_PROFILE`),
 * stacks/docker/profiles/ezplatform.ts (`EZPLATFORM_CONTAINER_PROFILE`).
 */
import type { VarnishTierOptions } from '../tiers/varnish';
import type { AppProfile, ClusterEndpoints } from './app-profile';

/** The NFS (EFS / named volume) mount of DFS binary files: outside the release directory, same path everywhere. */
export const IBEXA_DFS_PATH = '/var/www/shared/dfs';
/** Health check: the REST API root answers 200 to anonymous GETs once the kernel, routing and config load. */
export const IBEXA_HEALTH_CHECK_PATH = '/api/ibexa/v2/';
/** Main and DFS metadata databases (separate, as Ibexa recommends for production). */
const DATABASE = 'ibexa';
const DFS_DATABASE = 'ibexa_dfs';
/** Ibexa's documented collation (`.env` of the skeleton). */
const COLLATION = 'utf8mb4_unicode_520_ci';
/** Ibexa 4.x native PHP session handler (reads the phpredis save path from SESSION_SAVE_PATH). */
export const IBEXA_SESSION_HANDLER = 'Ibexa\\Bundle\\Core\\Session\\Handler\\NativeSessionHandler';
/** Options of every `bin/console` call. */
export const IBEXA_CONSOLE_OPTIONS = '--no-interaction --env=prod';
/** Ibexa Messenger consumer (`bin/console` arguments); the runtime restarts it when the limits make it exit. */
export const IBEXA_WORKER_ARGS: readonly string[] = ['messenger:consume', 'ibexa.messenger.transport', '--bus=ibexa.messenger.bus', '--time-limit=300', '--memory-limit=512M'];

/**
 * The DFS metadata table (Ibexa clustering guide, MySQL), idempotent: the installer creates it only
 * in the main database.
 */
export const IBEXA_DFS_SCHEMA_SQL = [
  'CREATE TABLE IF NOT EXISTS ibexa_dfs_file (',
  "name text NOT NULL, name_trunk text NOT NULL, name_hash varchar(34) NOT NULL DEFAULT '',",
  "datatype varchar(255) NOT NULL DEFAULT 'application/octet-stream', scope varchar(25) NOT NULL DEFAULT '',",
  'size bigint unsigned NOT NULL DEFAULT 0, mtime int NOT NULL DEFAULT 0, expired tinyint(1) NOT NULL DEFAULT 0, status tinyint(1) NOT NULL DEFAULT 0,',
  'PRIMARY KEY (name_hash), KEY ibexa_dfs_file_name (name(191)), KEY ibexa_dfs_file_name_trunk (name_trunk(191)),',
  'KEY ibexa_dfs_file_mtime (mtime), KEY ibexa_dfs_file_expired_name (expired, name(191))',
  ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
].join(' ');

/** The Varnish tier in front of the app: its probe / internal health check requests Ibexa's health path. */
export const IBEXA_VARNISH_OPTIONS: VarnishTierOptions = { appHealthCheckPath: IBEXA_HEALTH_CHECK_PATH };

/**
 * eZ Platform 3.x / Ibexa DXP 4.6 on a cluster: Varnish in front of the app (purges from the app
 * nodes only) and Solr (the backends' tiers, in that order), one Redis for the persistence cache
 * (`volatile-lru`) and one for sessions, MySQL/MariaDB with a separate DFS metadata database, and the
 * DFS binary files on an NFS share (EFS / a named volume) mounted at {@link IBEXA_DFS_PATH} on every
 * app and admin node.
 */
export const EZPLATFORM_APP: AppProfile = {
  name: 'ezplatform',
  healthCheckPath: IBEXA_HEALTH_CHECK_PATH,
  adminPathPatterns: ['/admin', '/admin/*'],
  // One instance each: the eviction policy is per instance, and Ibexa wants sessions apart from the cache.
  redisDataClasses: ['cache', 'sessions'],
  database: {
    name: DATABASE,
    parameters: { max_allowed_packet: '67108864' },
    additionalDatabases: [DFS_DATABASE],
    urlTemplates: (e: ClusterEndpoints) => ({
      DATABASE_URL: `mysql://{username}:{password}@${e.database?.writerHost}:3306/${DATABASE}?charset=utf8mb4`,
      DFS_DATABASE_URL: `mysql://{username}:{password}@${e.database?.writerHost}:3306/${DFS_DATABASE}?charset=utf8mb4`,
    }),
  },
  // Binary files live on the DFS share; the bucket holds the releases the VMs boot from.
  buckets: [{ id: 'private', folders: ['releases'], publicRead: false }],
  posixShares: [{ id: 'dfs', path: IBEXA_DFS_PATH }],
  stickyCookie: undefined,
  appSecretVariable: 'APP_SECRET',
  environment: (e: ClusterEndpoints) => ({
    APP_ENV: 'prod',
    // Varnish is the HTTP cache; Symfony's reverse proxy is not allowed in a cluster.
    APP_HTTP_CACHE: '0',
    // The app is reachable only through the cache and load balancers of the cluster.
    TRUSTED_PROXIES: e.trustedProxyCidr,
    CACHE_POOL: 'cache.redis',
    // With TLS (AWS) the whole rediss:// URL, read as it is by the cache pool the VMs configure
    // (stacks/aws/profiles/assets/ibexa-cache-redis-tls.yaml); without (Docker) host only, as Ibexa's
    // cache.redis.yaml adds redis://.
    CACHE_DSN: e.redisScheme === 'rediss' ? `rediss://${e.redisHosts.cache ?? ''}/0` : `${e.redisHosts.cache ?? ''}/0`,
    // phpredis save path, not a redis:// URL.
    SESSION_SAVE_PATH: `${e.redisScheme === 'rediss' ? 'tls' : 'tcp'}://${e.redisHosts.sessions ?? ''}`,
    DATABASE_DRIVER: 'pdo_mysql',
    DATABASE_PLATFORM: 'mysql',
    DATABASE_HOST: e.database?.writerHost ?? '',
    DATABASE_PORT: '3306',
    DATABASE_NAME: DATABASE,
    DATABASE_CHARSET: 'utf8mb4',
    DATABASE_COLLATION: COLLATION,
    BINARY_DATA_HANDLER: 'dfs',
    DFS_NFS_PATH: IBEXA_DFS_PATH,
    DFS_DATABASE_DRIVER: 'pdo_mysql',
    DFS_DATABASE_CHARSET: 'utf8mb4',
    DFS_DATABASE_COLLATION: COLLATION,
  }),
};
