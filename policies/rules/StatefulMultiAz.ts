/**
 * WC-AWS-011: stateful services survive the loss of one availability zone.
 */
import type { IConstruct } from 'constructs';
import { isTrue, numberOf, refersTo, resourceOf, resourcesOfType, type TfElement } from '../private/terraform';
import type { Compliance, PolicyRule } from '../rule';

/** Instances of an Aurora cluster defined in this stack (counting `count`). */
function clusterInstances(cluster: TfElement): number {
  return resourcesOfType(cluster.node, 'aws_rds_cluster_instance')
    .filter((i) => refersTo(i.attrs.cluster_identifier, cluster, [cluster.attrs.cluster_identifier]))
    .reduce((n, i) => n + (numberOf(i.attrs.count) ?? 1), 0);
}

function replicationGroupCompliance(group: TfElement): Compliance {
  const nodes = numberOf(group.attrs.num_cache_clusters);
  const replicas = numberOf(group.attrs.replicas_per_node_group);
  const hasReplica = (nodes !== undefined && nodes >= 2) || (replicas !== undefined && replicas >= 1);
  return isTrue(group.attrs.multi_az_enabled) && isTrue(group.attrs.automatic_failover_enabled) && hasReplica ? 'compliant' : 'non-compliant';
}

function check(node: IConstruct): Compliance {
  const r = resourceOf(node, 'aws_rds_cluster', 'aws_db_instance', 'aws_elasticache_replication_group', 'aws_efs_file_system');
  if (!r) return 'not-applicable';
  switch (r.type) {
    case 'aws_rds_cluster':
      if (r.attrs.engine_mode === 'serverless') return 'not-applicable';
      // Multi-AZ DB clusters (non-Aurora) declare their instance class on the cluster and always run three instances.
      if (r.attrs.db_cluster_instance_class !== undefined) return 'compliant';
      return clusterInstances(r) >= 2 ? 'compliant' : 'non-compliant';
    case 'aws_db_instance':
      if (r.attrs.replicate_source_db !== undefined) return 'not-applicable';
      return isTrue(r.attrs.multi_az) ? 'compliant' : 'non-compliant';
    case 'aws_elasticache_replication_group':
      return replicationGroupCompliance(r);
    default:
      return r.attrs.availability_zone_name === undefined ? 'compliant' : 'non-compliant';
  }
}

/** Aurora with a reader, Multi-AZ RDS, ElastiCache with a replica and automatic failover, Regional EFS. */
export const StatefulMultiAz: PolicyRule = {
  id: 'WC-AWS-011',
  name: 'StatefulMultiAz',
  level: 'warning',
  info: 'The stateful service has no standby in another zone (Aurora needs a reader, RDS multi_az, ElastiCache a replica with multi_az_enabled and automatic_failover_enabled, EFS Regional).',
  explanation:
    'A zone outage or a failed primary then takes the shop down until AWS replaces the node, and the cache or database ' +
    'may come back empty. Keep at least one Aurora reader (the failover target), one ElastiCache replica with Multi-AZ ' +
    'and automatic failover, and Regional EFS. A warning, not an error: a dev environment may trade availability for cost.',
  check,
};
