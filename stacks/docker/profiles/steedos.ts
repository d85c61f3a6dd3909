/**
 * Steedos on Docker: {@link STEEDOS_APP} in the all-in-one image, a MongoDB replica set of containers
 * and the secrets every replica must share.
 */
import { DockerSecret } from '../../../constructs/docker/docker-secret';
import { STEEDOS_APP, STEEDOS_MONGODB_OPTIONS } from '../../profiles/steedos';
import type { ContainerAppProfile, DockerTier, DockerTierBinding, DockerTierContext } from '../container-profile';
import { mongoDbDockerTier } from '../tiers/mongodb';

/** Port of the all-in-one image's nginx (its `PORT`, default 80; the seed routes Traefik to 80). */
const CONTAINER_PORT = 80;

/** The `mongodb` tier of Steedos on Docker (see {@link STEEDOS_MONGODB_OPTIONS}). */
export const STEEDOS_MONGODB_DOCKER_TIER: DockerTier = mongoDbDockerTier(STEEDOS_MONGODB_OPTIONS);

/**
 * Secrets every replica must share besides `STEEDOS_TENANT_TOKEN_SECRET` (the profile's app
 * secret), as sensitive variables: the field-encryption password and salt (the image otherwise
 * generates them per container into `/steedos-storage/configuration/docker.env`, so data encrypted by
 * one replica would be unreadable on another) and the 3.x server's `B6_JWT_SECRET`. (On AWS
 * `steedos-start` derives them on every host from the token secret.)
 */
export const STEEDOS_SECRETS_DOCKER_TIER: DockerTier = {
  name: 'steedos-secrets',
  docker(ctx: DockerTierContext): DockerTierBinding {
    const prefix = ctx.cluster.namePrefix.replace(/-/g, '_');
    const secret = (id: string, variable: string, what: string): DockerSecret =>
      new DockerSecret(ctx.scope, id, { variableName: `${prefix}_${variable}`, description: `${what} shared by every Steedos container of ${ctx.cluster.namePrefix}` });
    return {
      environment: {},
      secrets: {
        STEEDOS_ENCRYPTION_PASSWORD: { secret: secret('SteedosEncryptionPassword', 'steedos_encryption_password', 'Field-encryption password') },
        STEEDOS_ENCRYPTION_SALT: { secret: secret('SteedosEncryptionSalt', 'steedos_encryption_salt', 'Field-encryption salt') },
        B6_JWT_SECRET: { secret: secret('SteedosJwtSecret', 'steedos_b6_jwt_secret', 'JWT signing secret of the Steedos 3 server') },
      },
      dependsOn: [],
      connect: () => undefined,
    };
  },
};

/** Steedos as containers: app replicas behind Traefik with the sticky cookie, the cron process in the scheduler container. */
export const STEEDOS_CONTAINER_PROFILE: ContainerAppProfile = {
  ...STEEDOS_APP,
  container: {
    // The seed's image (Enterprise Edition; without STEEDOS_LICENSE it runs as Community Edition).
    defaultImage: 'steedos/steedos-enterprise:3.0',
    port: CONTAINER_PORT,
    workerCommand: [],
    // The image's entrypoint prepares the container and then runs this instead of its CMD
    // (supervisord), with STEEDOS_CRON=true for the Steedos process it starts.
    schedulerCommand: ['/bin/bash', '-c', 'export STEEDOS_CRON=true; exec /usr/bin/supervisord -n'],
    // After the exec, supervisord (which restarts the Steedos process it runs) is what the health check finds.
    schedulerProcess: '/usr/bin/supervisord -n',
    // Fails (and keeps the app from starting) unless MONGO_URL reaches a replica set with the app user.
    initCommand: ['steedosctl', 'check-replica-set'],
    environment: () => ({}),
  },
  tiers: [STEEDOS_MONGODB_DOCKER_TIER, STEEDOS_SECRETS_DOCKER_TIER],
};
