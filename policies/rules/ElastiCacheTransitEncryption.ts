/**
 * WC-AWS-002: ElastiCache requires TLS.
 */
import type { IConstruct } from 'constructs';
import { isTrue, resourceOf } from '../private/terraform';
import type { Compliance, PolicyRule } from '../rule';

function check(node: IConstruct): Compliance {
  const r = resourceOf(node, 'aws_elasticache_replication_group', 'aws_elasticache_cluster');
  if (!r) return 'not-applicable';
  // A single cluster inside a replication group inherits the group's settings.
  if (r.type === 'aws_elasticache_cluster' && r.attrs.replication_group_id !== undefined) return 'not-applicable';
  if (r.type === 'aws_elasticache_cluster' && r.attrs.engine === 'memcached') {
    return isTrue(r.attrs.transit_encryption_enabled) ? 'compliant' : 'non-compliant';
  }
  return isTrue(r.attrs.transit_encryption_enabled) && r.attrs.transit_encryption_mode !== 'preferred' ? 'compliant' : 'non-compliant';
}

/** ElastiCache encrypts in transit and does not accept plain connections. */
export const ElastiCacheTransitEncryption: PolicyRule = {
  id: 'WC-AWS-002',
  name: 'ElastiCacheTransitEncryption',
  level: 'error',
  info: "The ElastiCache group does not require TLS (transit_encryption_enabled true, transit_encryption_mode 'required').",
  explanation:
    'Sessions, carts and queue messages cross the VPC between hosts and the cache; without TLS anyone on the network path can ' +
    "read or change them. transit_encryption_mode 'preferred' still accepts plain connections and is only meant for a migration. " +
    "Set transit_encryption_enabled = true and transit_encryption_mode = 'required', and connect with rediss://.",
  check,
};
