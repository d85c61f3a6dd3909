/**
 * The node groups of an HttpCache: one Auto Scaling group of exactly one instance per cache node, so
 * every node has its own number (tag) and stable name.
 */
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import type { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Construct } from 'constructs';
import { Fn } from '../../core/cdktf';
import { NODE_TAG } from './cache-node-host';
import { launchBeforeTerminate } from './launch-before-terminate';

/**
 * Seconds a new node gets before its load balancer health check counts (the groups' grace period
 * and the instance warmup of refreshes): boot, Docker install, registering its name (retried for
 * up to 5 minutes while Route 53 settles) and the image pull.
 */
const NODE_BOOT_SEC = 600;

/** What the groups share. */
export interface NodeGroupsOptions {
  /** `<namePrefix>-<id>` of the cache. */
  readonly prefix: string;
  /** Subnets the nodes go into, round robin. */
  readonly subnetIds: readonly string[];
  readonly nodes: number;
  /** Target group the nodes register with. */
  readonly targetGroupArn: string;
  readonly launchTemplate: LaunchTemplate;
}

/** `Node<n>` constructs in `scope`, each with its group (`Resource`), in node order. */
export function createNodeGroups(scope: Construct, o: NodeGroupsOptions): AutoscalingGroup[] {
  return Array.from({ length: o.nodes }, (_, i) => {
    const node = new Construct(scope, `Node${i + 1}`);
    return new AutoscalingGroup(node, 'Resource', {
      namePrefix: `${o.prefix}-${i + 1}-`,
      minSize: 1,
      maxSize: 1,
      desiredCapacity: 1,
      vpcZoneIdentifier: [o.subnetIds[i % o.subnetIds.length]],
      targetGroupArns: [o.targetGroupArn],
      healthCheckType: 'ELB',
      healthCheckGracePeriod: NODE_BOOT_SEC,
      launchTemplate: { id: o.launchTemplate.id, version: Fn.tostring(o.launchTemplate.latestVersion) },
      // A replacement starts, registers its name and warms up before the old node goes.
      ...launchBeforeTerminate(NODE_BOOT_SEC),
      tag: [
        { key: 'Name', value: `${o.prefix}-${i + 1}`, propagateAtLaunch: true },
        { key: NODE_TAG, value: String(i + 1), propagateAtLaunch: true },
      ],
    });
  });
}
