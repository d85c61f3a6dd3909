/**
 * The `varnish` tier: a shared HTTP cache (Varnish) in front of the app, as eZ Platform / Ibexa DXP
 * clusters need it, on AWS (cache nodes behind the ALB) and on Docker (a container behind Traefik).
 */
import { HttpCache as AwsHttpCache } from '../../constructs/aws/http-cache';
import { TerraformOutput } from '../../constructs/core/cdktf';
import { ValidationError } from '../../constructs/core/validation-error';
import { VARNISH_HEALTH_PATH } from '../../constructs/core/vcl';
import { HttpCache as DockerHttpCache } from '../../constructs/docker/http-cache';
import type { AwsAppClients, AwsTierBinding, AwsTierContext, DockerAppClients, DockerTierBinding, DockerTierContext, Tier } from './tier';

/** What the cache needs to know about the app. */
export interface VarnishTierOptions {
  /**
   * HTTP path answering 200 on a healthy app node: the health check of the internal load balancer
   * (AWS) and Varnish's probe of the app containers (Docker).
   * @default '/'
   */
  readonly appHealthCheckPath?: string;
}

/** Construct id of the cache in the stack (part of the Terraform addresses). */
const ID = 'HttpCache';
/** Name of the app workload of the Docker stack (AppServerGroup's default), a DNS alias of every app container. */
const DOCKER_APP_NAME = 'app';

/** The environment Ibexa reads (HTTPCACHE_PURGE_SERVER takes several servers comma-separated, see docs/apps/ibexa.md). */
function environment(purgeServers: string): Record<string, string> {
  return { HTTPCACHE_PURGE_TYPE: 'varnish', HTTPCACHE_PURGE_SERVER: purgeServers };
}

/**
 * A tier named `varnish`: {@link AwsHttpCache} / {@link DockerHttpCache} in front of the app.
 *
 * - AWS: the cache nodes take the ALB's default target, whose health check requests Varnish's own
 *   health path (`defaultTargetHealthCheckPath`); the app hosts register with the cache's internal
 *   load balancer instead (`appTarget`), which checks the app. `/admin` still goes straight to the
 *   admin host.
 * - Docker: Varnish takes Traefik's catch-all route (`takesAppRoute`) and reaches the app containers
 *   by their alias `app` on the cache network.
 *
 * The app gets `HTTPCACHE_PURGE_TYPE=varnish` and `HTTPCACHE_PURGE_SERVER` with every cache node;
 * no invalidate token is needed, because purges are limited to the app networks (VCL ACL, and the
 * security group / network membership `connect()` grants to the app and admin nodes only).
 */
export function varnishTier(options: VarnishTierOptions = {}): Tier {
  const healthPath = options.appHealthCheckPath ?? '/';
  return {
    name: 'varnish',
    defaultTargetHealthCheckPath: VARNISH_HEALTH_PATH,
    aws(ctx: AwsTierContext): AwsTierBinding {
      const cache = new AwsHttpCache(ctx.scope, ID, {
        network: ctx.network,
        target: ctx.loadBalancer.appTarget,
        appPort: ctx.appPort,
        appHealthCheckPath: healthPath,
        deletionProtection: ctx.protect,
        encryptionKey: ctx.encryptionKey,
      });
      const purgeServers = cache.purgeHosts.map((h) => `http://${h}:${cache.port}`).join(',');
      output(ctx.scope, purgeServers);
      return {
        environment: environment(purgeServers),
        secretEnvironment: {},
        appTarget: cache.appTarget,
        connect(clients: AwsAppClients): void {
          for (const host of [clients.app, clients.admin]) cache.connections.allowDefaultPortFrom(host, `Purge from ${host.node.id}`);
        },
      };
    },
    docker(ctx: DockerTierContext): DockerTierBinding {
      const cache = new DockerHttpCache(ctx.scope, ID, {
        cluster: ctx.cluster,
        loadBalancer: ctx.loadBalancer,
        backend: { hostname: DOCKER_APP_NAME, port: ctx.appPort },
        backendProbePath: healthPath,
        resources: ctx.resources.httpCache,
      });
      const purgeServers = cache.purgeHosts.map((h) => `http://${h}:${cache.port}`).join(',');
      output(ctx.scope, purgeServers);
      return {
        environment: environment(purgeServers),
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

function output(scope: AwsTierContext['scope'], purgeServers: string): void {
  new TerraformOutput(scope, 'http_cache_purge_servers', {
    value: purgeServers,
    description: 'Varnish nodes the app purges (HTTPCACHE_PURGE_SERVER, comma-separated)',
  });
}

/** The `varnish` tier with its defaults (the app's health at `/`). */
export const VARNISH_TIER: Tier = varnishTier();
