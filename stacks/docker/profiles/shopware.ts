/**
 * Shopware 6 on Docker: {@link SHOPWARE_APP} in Shopware's FrankenPHP base image.
 */
import type { ClusterEndpoints } from '../../profiles/app-profile';
import { SHOPWARE_APP } from '../../profiles/shopware';
import type { ContainerAppProfile } from '../container-profile';

/**
 * Shopware 6.6/6.7 as containers: workers consuming `async low_priority failed` with time and memory
 * limits, one scheduler container, the deployment helper as the init task.
 */
export const SHOPWARE_CONTAINER_PROFILE: ContainerAppProfile = {
  ...SHOPWARE_APP,
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
};
