/**
 * eZ Platform 3.x / Ibexa DXP 4.x on Docker: {@link EZPLATFORM_APP} in your project image, the DFS
 * share on a named volume, and the Varnish and Solr tiers.
 */
import {
  EZPLATFORM_APP,
  IBEXA_CONSOLE_OPTIONS as CONSOLE_OPTIONS,
  IBEXA_DFS_SCHEMA_SQL as DFS_SCHEMA_SQL,
  IBEXA_SESSION_HANDLER as SESSION_HANDLER,
  IBEXA_VARNISH_OPTIONS,
  IBEXA_WORKER_ARGS as WORKER_ARGS,
} from '../../profiles/ezplatform';
import type { ContainerAppProfile } from '../container-profile';
import { SOLR_DOCKER_TIER } from '../tiers/solr';
import { varnishDockerTier } from '../tiers/varnish';

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
 * eZ Platform 3.x / Ibexa DXP 4.6 as containers: Varnish behind Traefik, Solr, Redis, MariaDB, the
 * DFS share on a named volume.
 */
export const EZPLATFORM_CONTAINER_PROFILE: ContainerAppProfile = {
  ...EZPLATFORM_APP,
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
  tiers: [varnishDockerTier(IBEXA_VARNISH_OPTIONS), SOLR_DOCKER_TIER],
};
