/**
 * Shopware 6 profile: cluster settings from Shopware's cluster setup guide and the seed's folder table.
 */
import type { AppProfile, ClusterEndpoints } from './app-profile';
import { nginxPhpConf, PHP_VM_PACKAGES, phpFpmBootCommands, phpVmLogFiles, writeFile } from './php-vm';

const APP_DIR = '/var/www/app';
const CONSOLE = `/usr/bin/php ${APP_DIR}/bin/console`;

/** nginx in front of PHP-FPM for Shopware's front controller (public/index.php). */
const NGINX_CONF = nginxPhpConf({ title: 'nginx for Shopware 6, rendered by webcluster (stacks/profiles/shopware.ts)', appDir: APP_DIR });

/**
 * Shopware 6.6/6.7 on a cluster: shared Redis per data class, Aurora MySQL with Shopware's
 * server presets, public and private S3 buckets for the folders the seed marks as external,
 * workers consuming `async low_priority failed` with time and memory limits, one scheduler on
 * the admin host, `/admin` routed to the admin host.
 */
export const SHOPWARE_PROFILE: AppProfile = {
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
  logFiles: phpVmLogFiles(APP_DIR),
  vm: {
    packages: [...PHP_VM_PACKAGES],
    systemServices: ['php-fpm', 'nginx'],
    port: 80,
    workerCommand: `${CONSOLE} messenger:consume async low_priority failed --time-limit=300 --memory-limit=512M`,
    schedulerCommand: `${CONSOLE} scheduled-task:run --time-limit=300 --memory-limit=512M`,
    setupCommand: `${APP_DIR}/vendor/bin/shopware-deployment-helper run`,
    bootCommands: (e: ClusterEndpoints) => [
      // Aurora requires TLS (require_secure_transport): trust the RDS CA bundle.
      'curl -fsSL https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem -o /etc/webcluster/rds-ca.pem',
      // PHP-FPM as the app user with phpredis; PHP sessions in the sessions Redis (TLS), shared by every node.
      ...phpFpmBootCommands([
        'session.save_handler = redis',
        `session.save_path = "tls://${e.redisHosts.sessions}?database=0"`,
        'memory_limit = 512M',
        'upload_max_filesize = 100M',
        'post_max_size = 100M',
      ]),
      writeFile('/etc/nginx/nginx.conf', NGINX_CONF, '0644'),
      'install -d -o webapp -g webapp /var/log/webcluster',
    ],
    environment: () => ({ DATABASE_SSL_CA: '/etc/webcluster/rds-ca.pem' }),
  },
  container: {
    // The official base image holds no Shopware: set images.app to your project image built FROM it.
    defaultImage: 'ghcr.io/shopware/docker-base:8.3-frankenphp',
    port: 8000,
    workerCommand: ['php', 'bin/console', 'messenger:consume', 'async', 'low_priority', 'failed', '--time-limit=300', '--memory-limit=512M'],
    schedulerCommand: ['php', 'bin/console', 'scheduled-task:run', '--time-limit=300', '--memory-limit=512M'],
    initCommand: ['vendor/bin/shopware-deployment-helper', 'run'],
    environment: (e: ClusterEndpoints) => ({
      // The image's PHP reads these (shopware/docker README): sessions in the sessions Redis.
      PHP_SESSION_HANDLER: 'redis',
      PHP_SESSION_SAVE_PATH: `tcp://${e.redisHosts.sessions ?? ''}?database=0`,
      SHOPWARE_S3_ENDPOINT: e.s3Endpoint ?? '',
      SHOPWARE_S3_USE_PATH_STYLE_ENDPOINT: '1',
    }),
  },
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
