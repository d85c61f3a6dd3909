/**
 * Tiers: optional parts of an app profile beyond the seven roles (a document database, a shared
 * HTTP cache, a search service). What every backend's tier has in common is here; each backend
 * extends it with the method that builds the tier there (stacks/aws/vm-profile.ts: `AwsTier`;
 * stacks/docker/container-profile.ts: `DockerTier`). The stacks bind every tier of the profile
 * before the app tier exists (to collect environment and start order) and connect it once the app
 * and admin exist (network access, grants). This file imports neither backend
 * (test/architecture.test.ts).
 */

/** An optional part of a profile, on any backend. */
export interface TierBase {
  /** Name, e.g. `mongodb`. */
  readonly name: string;
  /**
   * For a tier that takes the load balancer's default target and forwards to the app itself (an
   * HTTP cache in front of the app): the path that target's health check requests, one the tier
   * answers itself, so an app outage does not mark the tier's nodes unhealthy. Declared on the tier,
   * not its binding, because the load balancer and its default target exist before tiers are bound.
   * The AWS stack gives it to the ALB's default target group; on Docker such a tier adds its own
   * catch-all route, with its own health check.
   * @default - the tier does not take the default target
   */
  readonly defaultTargetHealthCheckPath?: string;
}
