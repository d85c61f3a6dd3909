/**
 * What every PHP app (Shopware, Ibexa) needs on an Amazon Linux 2023 host: PHP-FPM and nginx from the
 * distribution, phpredis built with pecl (AL2023 has no package), PHP-FPM running as the app user with
 * the environment systemd gives it, and an nginx server for a Symfony front controller.
 */
import * as path from 'path';
import { renderTemplateFile } from '../../../constructs/core/template';

/** The templates of the files the hosts get (also in dist/ and lib/, scripts/copy-assets.js). */
const ASSETS_DIR = path.join(__dirname, 'assets');

/** Amazon Linux 2023 packages of a PHP 8.3 app host (phpredis build tools included). */
export const PHP_VM_PACKAGES: readonly string[] = [
  'nginx',
  'php8.3-fpm',
  'php8.3-cli',
  'php8.3-mysqlnd',
  'php8.3-pdo',
  'php8.3-intl',
  'php8.3-gd',
  'php8.3-xml',
  'php8.3-mbstring',
  'php8.3-opcache',
  'php8.3-sodium',
  'php8.3-bcmath',
  'php8.3-zip',
  // phpredis (sessions and caches) is built with pecl: Amazon Linux 2023 has no package.
  'php8.3-devel',
  'php-pear',
  'gcc',
  'make',
];

/** Log files of a PHP app host per role (the app's own logs, nginx/PHP-FPM, worker, admin units). */
export function phpVmLogFiles(appDir: string): Record<string, string[]> {
  return {
    app: [`${appDir}/var/log/*.log`],
    webserver: ['/var/log/nginx/access.log', '/var/log/nginx/error.log', '/var/log/php-fpm/www-error.log'],
    worker: ['/var/log/webcluster/worker.log'],
    // The app's own log files go to the app group on every host (admin included).
    admin: ['/var/log/webcluster/setup.log', '/var/log/webcluster/scheduler.log'],
  };
}

/** A boot command that writes `content` to `path` (base64 on the command line: no quoting issues). */
export function writeFile(path: string, content: string, mode: string, owner = 'root'): string {
  return `echo '${Buffer.from(content).toString('base64')}' | base64 -d > ${path} && chmod ${mode} ${path} && chown ${owner} ${path}`;
}

/** Options of {@link nginxPhpConf}. */
export interface NginxPhpOptions {
  /** First comment line: which profile rendered the file. */
  readonly title: string;
  /** App directory; the document root is its `public/`. */
  readonly appDir: string;
  /**
   * Server-level rules placed before the locations (e.g. Ibexa's DFS image rewrite).
   * @default []
   */
  readonly rules?: readonly string[];
}

/**
 * nginx for a Symfony front controller: static files from `public/`, everything else through
 * `index.php` on PHP-FPM's socket; no other PHP file is ever executed (`assets/nginx-php.conf`).
 */
export function nginxPhpConf(options: NginxPhpOptions): string {
  return renderTemplateFile(path.join(ASSETS_DIR, 'nginx-php.conf'), {
    title: options.title,
    appDir: options.appDir,
    // Server level, inside `server { }`.
    rules: (options.rules ?? []).map((r) => `        ${r}`),
  });
}

/**
 * Boot commands that make PHP-FPM serve the app: phpredis, PHP settings, PHP-FPM as the app user
 * keeping the environment systemd gives it (`clear_env` would drop DATABASE_URL and the rest), and
 * nginx allowed to read the app's files.
 */
export function phpFpmBootCommands(phpIni: readonly string[], appUser = 'webapp'): string[] {
  return [
    "php -m | grep -qx redis || { printf '\\n' | pecl install redis && echo 'extension=redis.so' > /etc/php.d/50-redis.ini; }",
    `printf '%s\\n' ${phpIni.map((l) => `'${l}'`).join(' ')} > /etc/php.d/90-webcluster.ini`,
    `sed -i -e 's/^user = .*/user = ${appUser}/' -e 's/^group = .*/group = ${appUser}/' -e 's/^;\\?clear_env = .*/clear_env = no/' /etc/php-fpm.d/www.conf`,
    `usermod -a -G ${appUser} nginx`,
  ];
}
