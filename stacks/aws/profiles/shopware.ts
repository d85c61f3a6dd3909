/**
 * Shopware 6 on AWS VMs: {@link SHOPWARE_APP} with PHP-FPM and nginx on Amazon Linux 2023.
 */
import type { ClusterEndpoints } from '../../profiles/app-profile';
import { SHOPWARE_APP } from '../../profiles/shopware';
import type { VmAppProfile } from '../vm-profile';
import { nginxPhpConf, type NginxPhpOptions, PHP_VM_PACKAGES, phpFpmBootCommands, phpVmLogFiles, writeFile } from './php-vm';

const APP_DIR = '/var/www/app';
const CONSOLE = `/usr/bin/php ${APP_DIR}/bin/console`;

/** nginx in front of PHP-FPM for Shopware's front controller (public/index.php). */
/** The nginx configuration of the VMs (`/etc/nginx/nginx.conf`). */
export const SHOPWARE_NGINX_OPTIONS: NginxPhpOptions = { title: 'nginx for Shopware 6, rendered by webcluster (stacks/profiles/shopware.ts)', appDir: APP_DIR };

/**
 * Shopware 6.6/6.7 on AWS VMs: Aurora MySQL, ElastiCache, S3, workers consuming
 * `async low_priority failed` with time and memory limits, one scheduler on the admin host.
 */
export const SHOPWARE_VM_PROFILE: VmAppProfile = {
  ...SHOPWARE_APP,
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
      writeFile('/etc/nginx/nginx.conf', nginxPhpConf(SHOPWARE_NGINX_OPTIONS), '0644'),
      'install -d -o webapp -g webapp /var/log/webcluster',
    ],
    environment: () => ({ DATABASE_SSL_CA: '/etc/webcluster/rds-ca.pem' }),
  },
};
