/**
 * The `varnish` tier, what every backend shares: a shared HTTP cache (Varnish) in front of the app,
 * as eZ Platform / Ibexa DXP clusters need it. The backends' halves: stacks/aws/tiers/varnish.ts
 * (cache nodes behind the ALB) and stacks/docker/tiers/varnish.ts (a container behind Traefik).
 */
import type { Construct } from 'constructs';
import { TerraformOutput } from '../../constructs/core/cdktf';
import { VARNISH_HEALTH_PATH } from '../../constructs/core/vcl';

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
export const VARNISH_TIER_ID = 'HttpCache';

/** The tier's name and the health path of the load balancer's default target, which the cache takes. */
export const VARNISH_TIER_BASE = { name: 'varnish', defaultTargetHealthCheckPath: VARNISH_HEALTH_PATH } as const;

/** The app's health path of {@link VarnishTierOptions}, with its default. */
export function varnishAppHealthCheckPath(options: VarnishTierOptions): string {
  return options.appHealthCheckPath ?? '/';
}

/**
 * The environment Ibexa reads (HTTPCACHE_PURGE_SERVER takes several servers comma-separated, see
 * docs/apps/ezplatform.md), and the stack's output naming them.
 */
export function varnishPurgeEnvironment(scope: Construct, purgeHosts: readonly string[], port: number): Record<string, string> {
  const purgeServers = purgeHosts.map((h) => `http://${h}:${port}`).join(',');
  new TerraformOutput(scope, 'http_cache_purge_servers', {
    value: purgeServers,
    description: 'Varnish nodes the app purges (HTTPCACHE_PURGE_SERVER, comma-separated)',
  });
  return { HTTPCACHE_PURGE_TYPE: 'varnish', HTTPCACHE_PURGE_SERVER: purgeServers };
}
