/**
 * The cluster parameters of a DatabaseCluster: the secure baseline every cluster gets, merged with the
 * app's own, and the cluster parameter group that carries them.
 */
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import type { Construct } from 'constructs';

/** Cluster parameter group family of Aurora MySQL 3. */
export const PARAMETER_GROUP_FAMILY = 'aurora-mysql8.0';

/** Parameters every cluster gets; `props.parameters` is merged over them. */
const BASELINE_PARAMETERS: Readonly<Record<string, string>> = {
  require_secure_transport: 'ON',
  character_set_server: 'utf8mb4',
  collation_server: 'utf8mb4_unicode_ci',
  // Fill the exported audit and slow-query logs.
  slow_query_log: '1',
  long_query_time: '2',
  server_audit_logging: '1',
  server_audit_events: 'CONNECT,QUERY_DCL,QUERY_DDL',
};

/** The baseline with `extra` merged over it, sorted by name. */
export function mergedParameters(extra: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const merged: Record<string, string> = { ...BASELINE_PARAMETERS, ...extra };
  return Object.fromEntries(Object.keys(merged).sort().map((k) => [k, merged[k]]));
}

/** The cluster parameter group `ParameterGroup` of `clusterId` (applied at the next reboot, replaced before destroyed). */
export function clusterParameterGroup(scope: Construct, clusterId: string, parameters: Readonly<Record<string, string>>): RdsClusterParameterGroup {
  return new RdsClusterParameterGroup(scope, 'ParameterGroup', {
    namePrefix: `${clusterId}-`,
    family: PARAMETER_GROUP_FAMILY,
    description: `Cluster parameters of ${clusterId}`,
    parameter: Object.entries(parameters).map(([name, value]) => ({ name, value, applyMethod: 'pending-reboot' })),
    lifecycle: { createBeforeDestroy: true },
  });
}
