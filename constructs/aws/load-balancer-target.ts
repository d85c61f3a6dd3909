/**
 * The targets of a LoadBalancer: the target group a tier's hosts register with, and the options of its
 * health check, stickiness and path routing.
 */
import type { IConnectable } from '../core/connections';

/** Cookie-based session stickiness. */
export interface StickinessOptions {
  /**
   * Name of the application's own session cookie to follow; the load balancer then uses an
   * application cookie (`app_cookie`). WebSocket apps such as Steedos need this.
   * @default - a load-balancer-generated cookie (`lb_cookie`)
   */
  readonly cookieName?: string;
  /**
   * How long a client stays pinned, in seconds (1 to 604800).
   * @default 86400
   */
  readonly durationSec?: number;
}

/** Health check and routing of one target group. */
export interface TargetOptions {
  /** Port the hosts listen on. @default 80 */
  readonly port?: number;
  /** HTTP path that answers 200 when a host is healthy. @default '/' */
  readonly healthCheckPath?: string;
  /** Stickiness. @default - none */
  readonly stickiness?: StickinessOptions;
}

/** Options of a path-routed target. */
export interface PathTargetOptions extends TargetOptions {
  /** Path patterns routed to this target, e.g. `['/admin', '/admin/*']`. */
  readonly pathPatterns: string[];
  /** Rule priority, 1 to 49999; this target uses it and the next one (for the deny rule). */
  readonly priority: number;
  /**
   * Client address blocks allowed to use these paths; together with `pathPatterns` at most 5
   * values (an ALB rule limit). Other clients get 403 for these paths; an empty list denies
   * everyone (reach the host through Session Manager port forwarding instead).
   * @default - any client the load balancer admits
   */
  readonly sourceCidrs?: string[];
}

/** A target group hosts register with. */
export interface LoadBalancerTarget {
  /**
   * The load balancer routing to it (this ALB, or another load balancer such as an internal NLB);
   * the hosts open their port to its connections.
   */
  readonly loadBalancer: IConnectable;
  /** Target group ARN. */
  readonly targetGroupArn: string;
  /** Port the hosts listen on. */
  readonly port: number;
  /**
   * Path the target group's health check requests (the hosts must answer it with 200).
   * @default - not known (a target group created elsewhere)
   */
  readonly healthCheckPath?: string;
}
