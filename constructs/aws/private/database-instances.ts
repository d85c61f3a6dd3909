/**
 * The instances of a DatabaseCluster: the writer in the first zone, the readers round-robin over the
 * other zones, all with Performance Insights and enhanced monitoring through one monitoring role.
 */
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import type { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import type { Construct } from 'constructs';
import type { IEncryptionKey } from '../encryption-key';
import { assumeRolePolicy } from './iam';

/** What the instances of a cluster are made of. */
export interface DatabaseInstancesSpec {
  /** The cluster they belong to. */
  readonly cluster: RdsCluster;
  /** Its identifier, the prefix of the instance identifiers. */
  readonly clusterId: string;
  /** The cluster's subnet group. */
  readonly subnetGroup: DbSubnetGroup;
  /** Instance class of every instance. */
  readonly instanceClass: string;
  /** Zones of the network: the writer goes into the first, the readers into the others. */
  readonly availabilityZones: readonly string[];
  /** Number of readers. */
  readonly readers: number;
  /** Who moves the cluster to new minor versions. */
  readonly minorVersionUpgrades: 'automatic' | 'terraform';
  /** Key of the Performance Insights data. */
  readonly encryptionKey?: IEncryptionKey;
}

/**
 * The monitoring role (`MonitoringRole`, `MonitoringRolePolicy`), then the writer (`Writer`) and the
 * readers (`Reader1`, ...; each depends on the writer, failover priority by position).
 */
export function createDatabaseInstances(scope: Construct, spec: DatabaseInstancesSpec): { writer: RdsClusterInstance; readers: RdsClusterInstance[] } {
  const { clusterId, availabilityZones: azs } = spec;
  // Enhanced monitoring (OS metrics every 60 s) through the AWS-managed monitoring role policy.
  const monitoringRole = new IamRole(scope, 'MonitoringRole', {
    namePrefix: `${clusterId.slice(0, 20)}-rds-mon-`,
    assumeRolePolicy: assumeRolePolicy('monitoring.rds.amazonaws.com'),
  });
  new IamRolePolicyAttachment(scope, 'MonitoringRolePolicy', {
    role: monitoringRole.name,
    policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole',
  });
  const instance = (instanceId: string, identifier: string, az: string, tier: number, dependsOn?: RdsClusterInstance[]) =>
    new RdsClusterInstance(scope, instanceId, {
      identifier,
      clusterIdentifier: spec.cluster.id,
      engine: spec.cluster.engine,
      // No engine_version: Aurora instances run the cluster's version, upgraded through the cluster.
      instanceClass: spec.instanceClass,
      dbSubnetGroupName: spec.subnetGroup.name,
      availabilityZone: az,
      promotionTier: tier,
      publiclyAccessible: false,
      autoMinorVersionUpgrade: spec.minorVersionUpgrades === 'automatic',
      performanceInsightsEnabled: true,
      ...(spec.encryptionKey ? { performanceInsightsKmsKeyId: spec.encryptionKey.keyArn } : {}),
      monitoringInterval: 60,
      monitoringRoleArn: monitoringRole.arn,
      applyImmediately: false,
      tags: { Name: identifier },
      ...(dependsOn ? { dependsOn } : {}),
    });
  const writer = instance('Writer', `${clusterId}-writer`, azs[0], 0);
  const readerAzs = azs.slice(1);
  const readers = Array.from({ length: spec.readers }, (_, i) =>
    instance(`Reader${i + 1}`, `${clusterId}-reader-${i + 1}`, readerAzs[i % readerAzs.length], Math.min(i + 1, 15), [writer]),
  );
  return { writer, readers };
}
