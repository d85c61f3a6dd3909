/**
 * eZ Platform 3.x / Ibexa DXP 4.x on Docker: {@link EZPLATFORM_APP} in your project image, the DFS
 * share on a named volume, and the Varnish and Solr tiers.
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
import type { ContainerAppProfile } from '../container-profile';
import { SOLR_DOCKER_TIER } from '../tiers/solr';
import { varnishDockerTier } from '../tiers/varnish';

/** The templates of the scripts the containers run (also in dist/ and lib/, scripts/copy-assets.js). */
const ASSETS_DIR = path.join(__dirname, 'assets');

/**
 * The init task of the containers (`sh -c`): permissions, Solr config source, DFS table, migrations,
 * cache. The text is `assets/ibexa-init.sh` without its final line break.
 */
export function ibexaContainerInitScript(): string {
  return renderTemplateFile(path.join(ASSETS_DIR, 'ibexa-init.sh'), { consoleOptions: CONSOLE_OPTIONS, dfsSchemaSql: DFS_SCHEMA_SQL }).replace(/\n$/, '');
}

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
    initCommand: ['sh', '-c', ibexaContainerInitScript()],
    environment: () => ({
      DATABASE_VERSION: 'mariadb-11.4.4',
      SESSION_HANDLER_ID: SESSION_HANDLER,
    }),
  },
  tiers: [varnishDockerTier(IBEXA_VARNISH_OPTIONS), SOLR_DOCKER_TIER],
};
