/**
 * The internal Network Load Balancer an HttpCache forwards misses to: the app hosts register with its
 * target group, so Varnish has one stable name in front of them.
 */
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Construct } from 'constructs';
import { Port } from '../../core/port';
import type { LoadBalancerTarget } from '../load-balancer';
import type { IAwsNetwork } from '../network';
import { SecurityGroup } from '../security-group';

/** What the internal load balancer needs. */
export interface CacheBackendOptions {
  readonly network: IAwsNetwork;
  /** `<namePrefix>-<id>` of the cache (the load balancer's Name tag). */
  readonly prefix: string;
  /** Security group of the cache nodes (the only clients). */
  readonly cacheNodes: SecurityGroup;
  /** Port of the app hosts' web server. */
  readonly appPort: number;
  /** Health check path on the app hosts. */
  readonly healthPath: string;
  readonly deletionProtection: boolean;
}

/** The internal load balancer and the target the app hosts register with. */
export interface CacheBackend {
  readonly loadBalancer: Lb;
  readonly appTarget: LoadBalancerTarget;
}

/** A `Backend` construct in `scope` with the security group, the NLB, its target group and its TCP listener. */
export function createCacheBackend(scope: Construct, o: CacheBackendOptions): CacheBackend {
  const net = o.network;
  const backend = new Construct(scope, 'Backend');
  const backendSg = new SecurityGroup(backend, 'SecurityGroup', {
    network: net,
    description: `Internal load balancer from the HTTP cache to the app hosts of ${net.namePrefix}`,
    defaultPort: Port.tcp(o.appPort),
  });
  backendSg.allowFrom(o.cacheNodes, Port.tcp(o.appPort), 'HTTP from the cache nodes');
  const loadBalancer = new Lb(backend, 'Resource', {
    namePrefix: 'wc-',
    loadBalancerType: 'network',
    internal: true,
    subnets: [...net.appSubnetIds],
    securityGroups: [backendSg.securityGroupId],
    enableCrossZoneLoadBalancing: true,
    enableDeletionProtection: o.deletionProtection,
    tags: { Name: `${o.prefix}-backend` },
  });
  const appTargetGroup = new LbTargetGroup(backend, 'TargetGroup', {
    namePrefix: 'wc-',
    port: o.appPort,
    protocol: 'TCP',
    targetType: 'instance',
    vpcId: net.vpcId,
    // The app hosts then see the load balancer's address and admit its security group only.
    preserveClientIp: 'false',
    deregistrationDelay: '60',
    healthCheck: {
      enabled: true,
      protocol: 'HTTP',
      path: o.healthPath,
      matcher: '200',
      interval: 10,
      timeout: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
    },
    lifecycle: { createBeforeDestroy: true },
  });
  new LbListener(backend, 'Listener', {
    loadBalancerArn: loadBalancer.arn,
    port: o.appPort,
    protocol: 'TCP',
    defaultAction: [{ type: 'forward', targetGroupArn: appTargetGroup.arn }],
  });
  return { loadBalancer, appTarget: { loadBalancer: backendSg, targetGroupArn: appTargetGroup.arn, port: o.appPort, healthCheckPath: o.healthPath } };
}
