/**
 * Shopware 6 profile, what it needs on every backend: cluster settings from Shopware's cluster setup
 * guide and the seed's folder table. The backends' halves: stacks/aws/profiles/shopware.ts
 * (`SHOPWARE_VM_PROFILE`), stacks/docker/profiles/shopware.ts (`SHOPWARE_CONTAINER_PROFILE`).
 */
import type { AppProfile, ClusterEndpoints } from './app-profile';

/**
 * Shopware 6.6/6.7 on a cluster: shared Redis per data class, Aurora MySQL / MariaDB with Shopware's
 * server presets, public and private buckets for the folders the seed marks as external, `/admin`
 * routed to the admin host.
 */
export const SHOPWARE_APP: AppProfile = {
  name: 'shopware',
  healthCheckPath: '/api/_info/health-check',
  adminPathPatterns: ['/admin', '/admin/*'],
  redisDataClasses: ['cache', 'sessions', 'critical', 'queue'],
  database: {
    name: 'shopware',
    parameters: {
      group_concat_max_len: '320000',
      sql_mode: 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION',
      max_allowed_packet: '67108864',
      log_bin_trust_function_creators: '1',
    },
    urlTemplates: (e: ClusterEndpoints) => ({
      DATABASE_URL: `mysql://{username}:{password}@${e.database?.writerHost}:3306/${e.database?.name}`,
      DATABASE_REPLICA_0_URL: `mysql://{username}:{password}@${e.database?.readerHost}:3306/${e.database?.name}`,
    }),
  },
  buckets: [
    { id: 'public', folders: ['public/theme', 'public/media', 'public/thumbnail', 'public/bundles', 'public/sitemap'], publicRead: true },
    { id: 'private', folders: ['files'], publicRead: false },
  ],
  stickyCookie: undefined,
  appSecretVariable: 'APP_SECRET',
  environment: (e: ClusterEndpoints) => ({
    APP_ENV: 'prod',
    APP_URL: e.siteUrl,
    APP_URL_CHECK_DISABLED: '1',
    COMPOSER_PLUGIN_LOADER: '1',
    BLUE_GREEN_DEPLOYMENT: '0',
    SQL_SET_DEFAULT_SESSION_VARIABLES: '0',
    SYMFONY_TRUSTED_PROXIES: e.trustedProxyCidr,
    SHOPWARE_HTTP_CACHE_ENABLED: '1',
    REDIS_CACHE_URL: e.redisUrls.cache ?? '',
    REDIS_SESSION_URL: e.redisUrls.sessions ?? '',
    REDIS_CART_URL: e.redisUrls.critical ?? '',
    REDIS_NUMBER_RANGE_URL: e.redisUrls.critical ?? '',
    LOCK_DSN: e.redisUrls.critical ?? '',
    MESSENGER_TRANSPORT_DSN: `${e.redisScheme}://${e.redisHosts.queue ?? ''}/messages/symfony?auto_setup=true&stream_max_entries=0`,
    SHOPWARE_S3_REGION: e.region,
    SHOPWARE_S3_PUBLIC_BUCKET: e.bucketNames.public,
    SHOPWARE_S3_PRIVATE_BUCKET: e.bucketNames.private,
    SHOPWARE_S3_PUBLIC_URL: e.publicFilesUrl,
  }),
};
