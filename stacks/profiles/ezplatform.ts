/**
 * eZ Platform 3.x / Ibexa DXP 4.x profile: the cluster setup of the seeds (eZ Platform "Clustering")
 * and of Ibexa's clustering, persistence cache, sessions, HTTP cache and Solr guides.
 */
import { SOLR_TIER } from '../tiers/solr';
import { varnishTier } from '../tiers/varnish';
import { nginxPhpConf, PHP_VM_PACKAGES, phpFpmBootCommands, phpVmLogFiles, writeFile } from './php-vm';
import type { AppProfile, ClusterEndpoints } from './app-profile';

const APP_DIR = '/var/www/app';
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
const SESSION_HANDLER = 'Ibexa\\Bundle\\Core\\Session\\Handler\\NativeSessionHandler';
const CONSOLE_OPTIONS = '--no-interaction --env=prod';

/**
 * The DFS metadata table (Ibexa clustering guide, MySQL), idempotent: the installer creates it only
 * in the main database.
 */
const DFS_SCHEMA_SQL = [
  'CREATE TABLE IF NOT EXISTS ibexa_dfs_file (',
  "name text NOT NULL, name_trunk text NOT NULL, name_hash varchar(34) NOT NULL DEFAULT '',",
  "datatype varchar(255) NOT NULL DEFAULT 'application/octet-stream', scope varchar(25) NOT NULL DEFAULT '',",
  'size bigint unsigned NOT NULL DEFAULT 0, mtime int NOT NULL DEFAULT 0, expired tinyint(1) NOT NULL DEFAULT 0, status tinyint(1) NOT NULL DEFAULT 0,',
  'PRIMARY KEY (name_hash), KEY ibexa_dfs_file_name (name(191)), KEY ibexa_dfs_file_name_trunk (name_trunk(191)),',
  'KEY ibexa_dfs_file_mtime (mtime), KEY ibexa_dfs_file_expired_name (expired, name(191))',
  ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
].join(' ');

/**
 * nginx on the VMs (replaces /etc/nginx/nginx.conf). The DFS rewrite of seed 002 and Ibexa's
 * clustering guide comes before anything that serves files from disk: with DFS, image variations
 * exist only on the NFS share and in the metadata database, so `/var/<site>/storage/images/...`
 * must reach `index.php`, which serves them through the IO handlers; otherwise a node answers 404
 * for the (missing) local file. Apache equivalent, for images.app built on Apache:
 *   RewriteRule ^/var/([^/]+/)?storage/images(-versioned)?/.* /index.php [L]
 */
const NGINX_CONF = nginxPhpConf({
  title: 'nginx for Ibexa DXP, rendered by webcluster (stacks/profiles/ezplatform.ts)',
  appDir: APP_DIR,
  rules: [
    '# DFS cluster: image requests go to index.php (seed 002); keep this before any static-file rule.',
    'rewrite "^/var/([^/]+/)?storage/images(-versioned)?/(.*)" "/index.php" break;',
  ],
});

/**
 * Symfony configuration written into the release on the VMs (after `config/packages/ibexa.yaml`, which
 * imports `cache_pool/cache.redis.yaml`): the cache pool takes the whole URL from `CACHE_DSN`. Ibexa's
 * own file prefixes `redis://`, which cannot speak TLS, and ElastiCache requires TLS (`rediss://`).
 */
export const IBEXA_CACHE_REDIS_TLS_YAML = [
  '# Rendered by webcluster (stacks/profiles/ezplatform.ts); changes here are overwritten at boot.',
  '# ElastiCache requires TLS: the persistence cache takes the whole rediss:// URL from CACHE_DSN.',
  'services:',
  '    cache.redis:',
  '        public: true',
  '        class: Symfony\\Component\\Cache\\Adapter\\RedisTagAwareAdapter',
  '        parent: cache.adapter.redis_tag_aware',
  '        tags:',
  '            - name: cache.pool',
  '              clearer: cache.app_clearer',
  "              provider: '%env(CACHE_DSN)%'",
  "              namespace: '%env(CACHE_NAMESPACE)%'",
  '',
].join('\n');
/** Where the VMs put {@link IBEXA_CACHE_REDIS_TLS_YAML} in each release, relative to the release. */
export const IBEXA_CACHE_REDIS_TLS_PATH = 'config/packages/prod/webcluster_cache_redis_tls.yaml';
/** Where the VMs keep {@link IBEXA_CACHE_REDIS_TLS_YAML} for the release hook. */
const IBEXA_CACHE_REDIS_TLS_HOST_PATH = '/etc/webcluster/webcluster_cache_redis_tls.yaml';

/** One-shot setup on the admin host (webcluster-setup.service, as the app user, every boot): idempotent. */
const SETUP_SCRIPT = [
  '#!/bin/bash',
  '# Ibexa setup of a release on the admin host, rendered by webcluster. Idempotent: it runs at every boot.',
  '# A fresh database needs `php bin/console ibexa:install` once by hand (it is not idempotent) and then',
  '# `php bin/console ibexa:reindex` once the Solr core exists.',
  'set -euo pipefail',
  'exec >>/var/log/webcluster/setup.log 2>&1',
  `cd ${APP_DIR}`,
  `console() { /usr/bin/php bin/console ${CONSOLE_OPTIONS} "$@"; }`,
  'echo "setup started $(date -Is)"',
  '# The DFS metadata database exists (the database-user step creates it and grants it to the app user).',
  'console dbal:run-sql --connection=dfs "$(cat /etc/webcluster/ibexa-dfs-schema.sql)"',
  '# Schema changes of the release.',
  'console doctrine:migrations:migrate --allow-no-migration',
  '# cache:clear leaves the Redis persistence cache alone; entries of the old release must go.',
  'console cache:pool:clear cache.redis',
  'console cache:warmup',
  '# Solr builds its core from the ibexa/solr package of this release.',
  'if [ -n "${SOLR_CONFIG_SOURCE_URI:-}" ]; then',
  '  tar -czf - -C vendor/ibexa/solr . | aws s3 cp --only-show-errors - "$SOLR_CONFIG_SOURCE_URI"',
  'fi',
  'echo "setup done $(date -Is)"',
  '',
].join('\n');

/** The cluster's only cron runner (admin host). */
const CRON_SCRIPT = [
  '#!/bin/bash',
  '# The only Ibexa cron runner of the cluster (admin host): ibexa:cron:run once a minute.',
  'set -uo pipefail',
  'exec >>/var/log/webcluster/scheduler.log 2>&1',
  `cd ${APP_DIR}`,
  'while true; do',
  `  /usr/bin/php bin/console ${CONSOLE_OPTIONS} ibexa:cron:run --quiet || echo "ibexa:cron:run failed at $(date -Is)"`,
  '  sleep 60',
  'done',
  '',
].join('\n');

/** Ibexa Messenger consumer; systemd restarts it when the limits make it exit. */
const WORKER_ARGS = ['messenger:consume', 'ibexa.messenger.transport', '--bus=ibexa.messenger.bus', '--time-limit=300', '--memory-limit=512M'];
const WORKER_SCRIPT = [
  '#!/bin/bash',
  '# Ibexa Messenger worker (background tasks); restarted by systemd when its time or memory limit ends it.',
  'exec >>/var/log/webcluster/worker.log 2>&1',
  `cd ${APP_DIR}`,
  `exec /usr/bin/php bin/console ${CONSOLE_OPTIONS} ${WORKER_ARGS.join(' ')}`,
  '',
].join('\n');

/** The init task of the containers (sh): permissions, Solr config source, DFS table, migrations, cache. */
const CONTAINER_INIT_SCRIPT = [
  'set -e',
  `console() { php bin/console ${CONSOLE_OPTIONS} "$@"; }`,
  '# The DFS volume starts out owned by root; the web server runs as www-data.',
  'chown www-data:www-data "$DFS_NFS_PATH" || echo "cannot chown $DFS_NFS_PATH: make it writable for the web server user in the image"',
  '# Solr builds its core from the ibexa/solr package of this image; .ready comes last.',
  'if [ -n "$SOLR_CONFIG_SOURCE_DIR" ]; then',
  '  rm -rf "$SOLR_CONFIG_SOURCE_DIR"/* "$SOLR_CONFIG_SOURCE_DIR/$SOLR_CONFIG_SOURCE_READY_FILE"',
  '  cp -R vendor/ibexa/solr/. "$SOLR_CONFIG_SOURCE_DIR"/',
  '  touch "$SOLR_CONFIG_SOURCE_DIR/$SOLR_CONFIG_SOURCE_READY_FILE"',
  'fi',
  '# The DFS metadata database exists (MariaDB init file); its table may not.',
  `console dbal:run-sql --connection=dfs "${DFS_SCHEMA_SQL}"`,
  'console doctrine:migrations:migrate --allow-no-migration',
  'console cache:pool:clear cache.redis',
].join('\n');


/**
 * eZ Platform 3.x / Ibexa DXP 4.6 on a cluster: Varnish in front of the app (purges from the app
 * nodes only), Solr, one Redis for the persistence cache (`volatile-lru`) and one for sessions,
 * MySQL/MariaDB with a separate DFS metadata database, and the DFS binary files on an NFS share
 * (EFS / a named volume) mounted at {@link IBEXA_DFS_PATH} on every app and admin node.
 */
export const EZPLATFORM_PROFILE: AppProfile = {
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
  logFiles: phpVmLogFiles(APP_DIR),
  vm: {
    packages: [...PHP_VM_PACKAGES],
    systemServices: ['php-fpm', 'nginx'],
    port: 80,
    workerCommand: '/usr/local/bin/webcluster-ibexa-worker',
    schedulerCommand: '/usr/local/bin/webcluster-ibexa-cron',
    // Not `ibexa:install` (a fresh install, not idempotent): migrations, DFS database, caches, Solr config.
    setupCommand: '/usr/local/bin/webcluster-ibexa-setup',
    // The TLS cache pool goes into each release, and the container is compiled again with it (a
    // release may bring a warmed prod cache).
    releaseHook: [
      'install -d config/packages/prod',
      `install -m 0644 ${IBEXA_CACHE_REDIS_TLS_HOST_PATH} ${IBEXA_CACHE_REDIS_TLS_PATH}`,
      'rm -rf var/cache/prod',
    ].join('\n'),
    bootCommands: () => [
      // ElastiCache requires TLS: the cache pool reads the rediss:// URL of CACHE_DSN as it is (the
      // release hook puts the file into each release).
      writeFile(IBEXA_CACHE_REDIS_TLS_HOST_PATH, IBEXA_CACHE_REDIS_TLS_YAML, '0644'),
      // Aurora requires TLS (require_secure_transport): trust the RDS CA bundle.
      'curl -fsSL https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem -o /etc/webcluster/rds-ca.pem',
      ...phpFpmBootCommands(['memory_limit = 512M', 'upload_max_filesize = 100M', 'post_max_size = 100M']),
      // nginx with the DFS image rewrite (see NGINX_CONF).
      writeFile('/etc/nginx/nginx.conf', NGINX_CONF, '0644'),
      writeFile('/etc/webcluster/ibexa-dfs-schema.sql', DFS_SCHEMA_SQL, '0644'),
      writeFile('/usr/local/bin/webcluster-ibexa-setup', SETUP_SCRIPT, '0755'),
      writeFile('/usr/local/bin/webcluster-ibexa-cron', CRON_SCRIPT, '0755'),
      writeFile('/usr/local/bin/webcluster-ibexa-worker', WORKER_SCRIPT, '0755'),
      'install -d -o webapp -g webapp /var/log/webcluster',
    ],
    environment: () => ({
      DATABASE_SSL_CA: '/etc/webcluster/rds-ca.pem',
      DATABASE_VERSION: '8.0',
      // systemd's EnvironmentFile drops single backslashes.
      SESSION_HANDLER_ID: SESSION_HANDLER.replace(/\\/g, '\\\\'),
    }),
  },
  container: {
    // No supported production image exists (ibexa/docker is "unsupported building blocks"): set
    // images.app to your project image built FROM this one (Apache with Ibexa's vhost, including the
    // DFS image rewrite, and the PHP extensions Ibexa needs, phpredis among them).
    defaultImage: 'php:8.3-apache',
    port: 80,
    workerCommand: ['php', 'bin/console', ...CONSOLE_OPTIONS.split(' '), ...WORKER_ARGS],
    schedulerCommand: ['sh', '-c', `while true; do php bin/console ${CONSOLE_OPTIONS} ibexa:cron:run --quiet; sleep 60; done`],
    initCommand: ['sh', '-c', CONTAINER_INIT_SCRIPT],
    environment: () => ({
      DATABASE_VERSION: 'mariadb-11.4.4',
      SESSION_HANDLER_ID: SESSION_HANDLER,
    }),
  },
  appSecretVariable: 'APP_SECRET',
  environment: (e: ClusterEndpoints) => ({
    APP_ENV: 'prod',
    // Varnish is the HTTP cache; Symfony's reverse proxy is not allowed in a cluster.
    APP_HTTP_CACHE: '0',
    // The app is reachable only through the cache and load balancers of the cluster.
    TRUSTED_PROXIES: e.trustedProxyCidr,
    CACHE_POOL: 'cache.redis',
    // With TLS (AWS) the whole rediss:// URL, read as it is by the cache pool the VMs configure
    // (IBEXA_CACHE_REDIS_TLS_YAML); without (Docker) host only, as Ibexa's cache.redis.yaml adds redis://.
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
  tiers: [varnishTier({ appHealthCheckPath: IBEXA_HEALTH_CHECK_PATH }), SOLR_TIER],
};
