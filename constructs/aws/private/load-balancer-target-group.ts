/**
 * The target groups of a LoadBalancer: HTTP, instance targets, a health check every 15 s, optional
 * cookie stickiness.
 */
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import type { Construct } from 'constructs';
import { validate } from '../../core/validation-error';
import type { TargetOptions } from '../load-balancer-target';

/** Whether `n` is a finite number from `min` to `max`. */
export function inRange(n: number, min: number, max: number): boolean {
  return Number.isFinite(n) && n >= min && n <= max;
}

/** A target group `id` in `scope` for `options` (validated first), in the VPC `vpcId`. */
export function createTargetGroup(scope: Construct, id: string, options: TargetOptions, vpcId: string, deregistrationDelaySec: number): LbTargetGroup {
  const port = options.port ?? 80;
  const stick = options.stickiness;
  const duration = stick?.durationSec ?? 86400;
  validate(scope, [
    {
      failed: !Number.isInteger(port) || !inRange(port, 1, 65535),
      message: () => `port: got ${port}; allowed: 1 to 65535; fix: use the port the hosts' web server listens on`,
    },
    {
      failed: !(options.healthCheckPath ?? '/').startsWith('/'),
      message: () => `healthCheckPath: got '${options.healthCheckPath}'; allowed: an absolute path; fix: start it with '/'`,
    },
    {
      failed: stick !== undefined && !inRange(duration, 1, 604800),
      message: () => `stickiness.durationSec: got ${duration}; allowed: 1 to 604800; fix: pick a value in range`,
    },
    {
      failed: stick?.cookieName !== undefined && !/^[A-Za-z0-9_.-]{1,128}$/.test(stick.cookieName),
      message: () =>
        `stickiness.cookieName: got '${stick?.cookieName}'; allowed: 1-128 letters, digits, '_', '.', '-'; fix: use the app's session cookie name`,
    },
  ]);
  return new LbTargetGroup(scope, id, {
    namePrefix: 'wc-',
    port,
    protocol: 'HTTP',
    targetType: 'instance',
    vpcId,
    deregistrationDelay: String(deregistrationDelaySec),
    healthCheck: {
      enabled: true,
      path: options.healthCheckPath ?? '/',
      protocol: 'HTTP',
      matcher: '200',
      interval: 15,
      timeout: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
    },
    stickiness: stick
      ? {
          enabled: true,
          type: stick.cookieName ? 'app_cookie' : 'lb_cookie',
          cookieName: stick.cookieName,
          cookieDuration: duration,
        }
      : { enabled: false, type: 'lb_cookie' },
    lifecycle: { createBeforeDestroy: true },
  });
}
