/**
 * eZ Platform 3.x / Ibexa DXP 4.x on AWS VMs: {@link EZPLATFORM_APP} with PHP-FPM and nginx on Amazon
 * Linux 2023, the DFS share on EFS, the TLS persistence cache pool, and the Varnish and Solr tiers.
 */
import * as path from 'path';
import { renderTemplateFile } from '../../../constructs/core/template';
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
import { nginxPhpConf, type NginxPhpOptions, PHP_VM_PACKAGES, phpFpmBootCommands, phpVmLogFiles, writeFile } from './php-vm';

const APP_DIR = '/var/www/app';
/** The templates of the files the hosts get (also in dist/ and lib/, scripts/copy-assets.js). */
const ASSETS_DIR = path.join(__dirname, 'assets');

/**
 * nginx on the VMs (replaces /etc/nginx/nginx.conf). The DFS rewrite of seed 002 and Ibexa's
 * clustering guide comes before anything that serves files from disk: with DFS, image variations
 * exist only on the NFS share and in the metadata database, so `/var/<site>/storage/images/...`
 * must reach `index.php`, which serves them through the IO handlers; otherwise a node answers 404
 * for the (missing) local file. Apache equivalent, for images.app built on Apache:
 *   RewriteRule ^/var/([^/]+/)?storage/images(-versioned)?/.* /index.php [L]
 */
export const EZPLATFORM_NGINX_OPTIONS: NginxPhpOptions = {
  title: 'nginx for Ibexa DXP, rendered by webcluster (stacks/profiles/ezplatform.ts)',
  appDir: APP_DIR,
  rules: [
    '# DFS cluster: image requests go to index.php (seed 002); keep this before any static-file rule.',
    'rewrite "^/var/([^/]+/)?storage/images(-versioned)?/(.*)" "/index.php" break;',
  ],
};

/**
 * Symfony configuration written into the release on the VMs (after `config/packages/ibexa.yaml`, which
 * imports `cache_pool/cache.redis.yaml`): the cache pool takes the whole URL from `CACHE_DSN`. Ibexa's
 * own file prefixes `redis://`, which cannot speak TLS, and ElastiCache requires TLS (`rediss://`).
 * The text is `assets/ibexa-cache-redis-tls.yaml`.
 */
export function ibexaCacheRedisTlsYaml(): string {
  return renderTemplateFile(path.join(ASSETS_DIR, 'ibexa-cache-redis-tls.yaml'));
}
/** Where the VMs put {@link ibexaCacheRedisTlsYaml} in each release, relative to the release. */
export const IBEXA_CACHE_REDIS_TLS_PATH = 'config/packages/prod/webcluster_cache_redis_tls.yaml';
/** Where the VMs keep {@link ibexaCacheRedisTlsYaml} for the release hook. */
const IBEXA_CACHE_REDIS_TLS_HOST_PATH = '/etc/webcluster/webcluster_cache_redis_tls.yaml';

/**
 * The Ibexa scripts of the hosts (`assets/ibexa-*.sh`), by their path on the host: the one-shot setup
 * on the admin host (webcluster-setup.service, as the app user, every boot: idempotent), the
 * cluster's only cron runner (admin host) and the Messenger consumer (systemd restarts it when the
 * limits make it exit).
 */
export function ibexaVmScripts(): Record<string, string> {
  const values = { appDir: APP_DIR, consoleOptions: CONSOLE_OPTIONS, workerArgs: WORKER_ARGS.join(' ') };
  const script = (name: string): string => renderTemplateFile(path.join(ASSETS_DIR, `ibexa-${name}.sh`), values);
  return {
    '/usr/local/bin/webcluster-ibexa-setup': script('setup'),
    '/usr/local/bin/webcluster-ibexa-cron': script('cron'),
    '/usr/local/bin/webcluster-ibexa-worker': script('worker'),
  };
}

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
      writeFile(IBEXA_CACHE_REDIS_TLS_HOST_PATH, ibexaCacheRedisTlsYaml(), '0644'),
      // Aurora requires TLS (require_secure_transport): trust the RDS CA bundle.
      'curl -fsSL https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem -o /etc/webcluster/rds-ca.pem',
      ...phpFpmBootCommands(['memory_limit = 512M', 'upload_max_filesize = 100M', 'post_max_size = 100M']),
      // nginx with the DFS image rewrite (see EZPLATFORM_NGINX_OPTIONS).
      writeFile('/etc/nginx/nginx.conf', nginxPhpConf(EZPLATFORM_NGINX_OPTIONS), '0644'),
      writeFile('/etc/webcluster/ibexa-dfs-schema.sql', DFS_SCHEMA_SQL, '0644'),
      ...Object.entries(ibexaVmScripts()).map(([file, text]) => writeFile(file, text, '0755')),
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
