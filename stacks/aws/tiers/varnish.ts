/**
 * The `varnish` tier on AWS: cache nodes behind the ALB, in front of the app hosts.
 */
import { HttpCache } from '../../../constructs/aws/http-cache';
import { VARNISH_TIER_BASE, VARNISH_TIER_ID, varnishAppHealthCheckPath, varnishPurgeEnvironment, type VarnishTierOptions } from '../../tiers/varnish';
import type { AwsAppClients, AwsTier, AwsTierBinding, AwsTierContext } from '../vm-profile';

/**
 * A tier named `varnish`: {@link HttpCache} in front of the app. The cache nodes take the ALB's
 * default target, whose health check requests Varnish's own health path
 * (`defaultTargetHealthCheckPath`); the app hosts register with the cache's internal load balancer
 * instead (`appTarget`), which checks the app. `/admin` still goes straight to the admin host.
 *
 * The app gets `HTTPCACHE_PURGE_TYPE=varnish` and `HTTPCACHE_PURGE_SERVER` with every cache node;
 * no invalidate token is needed, because purges are limited to the app networks (VCL ACL, and the
 * security group rules `connect()` grants to the app and admin hosts only).
 */
export function varnishAwsTier(options: VarnishTierOptions = {}): AwsTier {
  return {
    ...VARNISH_TIER_BASE,
    aws(ctx: AwsTierContext): AwsTierBinding {
      const cache = new HttpCache(ctx.scope, VARNISH_TIER_ID, {
        network: ctx.network,
        target: ctx.loadBalancer.appTarget,
        appPort: ctx.appPort,
        appHealthCheckPath: varnishAppHealthCheckPath(options),
        deletionProtection: ctx.protect,
        encryptionKey: ctx.encryptionKey,
      });
      return {
        environment: varnishPurgeEnvironment(ctx.scope, cache.purgeHosts, cache.port),
        secretEnvironment: {},
        appTarget: cache.appTarget,
        connect(clients: AwsAppClients): void {
          for (const host of [clients.app, clients.admin]) cache.connections.allowDefaultPortFrom(host, `Purge from ${host.node.id}`);
        },
      };
    },
  };
}

/** The `varnish` tier with its defaults (the app's health at `/`). */
export const VARNISH_AWS_TIER: AwsTier = varnishAwsTier();
