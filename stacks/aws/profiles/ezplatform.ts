/**
 * eZ Platform 3.x / Ibexa DXP 4.x on AWS VMs: {@link EZPLATFORM_APP} with PHP-FPM and nginx on Amazon
 * Linux 2023, the DFS share on EFS, the TLS persistence cache pool, and the Varnish and Solr tiers.
 */
import {
  EZPLATFORM_APP,
  IBEXA_CONSOLE_OPTIONS as CONSOLE_OPTIONS,
  IBEXA_DFS_SCHEMA_SQL as DFS_SCHEMA_SQL,
  IBEXA_SESSION_HANDLER as SESSION_HANDLER,
  IBEXA_VARNISH_OPTIONS,
  IBEXA_WORKER_ARGS as WORKER_ARGS,
} from '../../profiles/ezplatform';
import { SOLR_AWS_TIER } from '../tiers/solr';
import { varnishAwsTier } from '../tiers/varnish';
import type { VmAppProfile } from '../vm-profile';
import { nginxPhpConf, PHP_VM_PACKAGES, phpFpmBootCommands, phpVmLogFiles, writeFile } from './php-vm';

const APP_DIR = '/var/www/app';

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
const WORKER_SCRIPT = [
  '#!/bin/bash',
  '# Ibexa Messenger worker (background tasks); restarted by systemd when its time or memory limit ends it.',
  'exec >>/var/log/webcluster/worker.log 2>&1',
  `cd ${APP_DIR}`,
  `exec /usr/bin/php bin/console ${CONSOLE_OPTIONS} ${WORKER_ARGS.join(' ')}`,
  '',
].join('\n');

/**
 * eZ Platform 3.x / Ibexa DXP 4.6 on AWS VMs: Varnish cache nodes behind the ALB, Solr on its own
 * host, ElastiCache, Aurora MySQL, the DFS share on EFS.
 */
export const EZPLATFORM_VM_PROFILE: VmAppProfile = {
  ...EZPLATFORM_APP,
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
  tiers: [varnishAwsTier(IBEXA_VARNISH_OPTIONS), SOLR_AWS_TIER],
};
