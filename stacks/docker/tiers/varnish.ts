/**
 * The `varnish` tier on Docker: a container behind Traefik, in front of the app containers.
 */
import { ValidationError } from '../../../constructs/core/validation-error';
import { HttpCache } from '../../../constructs/docker/http-cache';
import { VARNISH_TIER_BASE, VARNISH_TIER_ID, varnishAppHealthCheckPath, varnishPurgeEnvironment, type VarnishTierOptions } from '../../tiers/varnish';
import type { DockerAppClients, DockerTier, DockerTierBinding, DockerTierContext } from '../container-profile';

/** Name of the app workload of the Docker stack (AppServerGroup's default), a DNS alias of every app container. */
const DOCKER_APP_NAME = 'app';

/**
 * A tier named `varnish`: {@link HttpCache} in front of the app. Varnish takes Traefik's catch-all
 * route (`takesAppRoute`) and reaches the app containers by their alias `app` on the cache network.
 *
 * The app gets `HTTPCACHE_PURGE_TYPE=varnish` and `HTTPCACHE_PURGE_SERVER` with every cache node;
 * no invalidate token is needed, because purges are limited to the app networks (VCL ACL, and the
 * network membership `connect()` grants to the app and admin containers only).
 */
export function varnishDockerTier(options: VarnishTierOptions = {}): DockerTier {
  return {
    ...VARNISH_TIER_BASE,
    docker(ctx: DockerTierContext): DockerTierBinding {
      const cache = new HttpCache(ctx.scope, VARNISH_TIER_ID, {
        cluster: ctx.cluster,
        loadBalancer: ctx.loadBalancer,
        backend: { hostname: DOCKER_APP_NAME, port: ctx.appPort },
        backendProbePath: varnishAppHealthCheckPath(options),
        resources: ctx.resources.httpCache,
      });
      return {
        environment: varnishPurgeEnvironment(ctx.scope, cache.purgeHosts, cache.port),
        secrets: {},
        dependsOn: [],
        takesAppRoute: true,
        connect(clients: DockerAppClients): void {
          const expected = `${ctx.cluster.namePrefix}-${DOCKER_APP_NAME}`;
          if (clients.app.groupName !== expected) {
            throw new ValidationError(
              `app: got an app group named '${clients.app.groupName}'; allowed: '${expected}' (Varnish reaches the app by its alias '${DOCKER_APP_NAME}'); fix: keep AppServerGroup's default name`,
              cache,
            );
          }
          for (const client of [clients.app, clients.admin]) cache.connections.allowDefaultPortFrom(client, 'purge and backend fetches');
        },
      };
    },
  };
}

/** The `varnish` tier with its defaults (the app's health at `/`). */
export const VARNISH_DOCKER_TIER: DockerTier = varnishDockerTier();
