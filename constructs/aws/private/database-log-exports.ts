/**
 * The logs a DatabaseCluster exports to CloudWatch Logs, and the log groups that receive them.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { Construct } from 'constructs';
import { pascalCase } from '../../core/names';
import type { IEncryptionKey } from '../encryption-key';

/** Logs the cluster exports to CloudWatch Logs. */
export const LOG_EXPORTS = ['audit', 'error', 'slowquery'] as const;

/** The log groups RDS exports the cluster's logs to (`/aws/rds/cluster/<id>/<log>`), with a retention. */
export function exportLogGroups(scope: Construct, clusterId: string, retentionDays: number, key?: IEncryptionKey): CloudwatchLogGroup[] {
  return LOG_EXPORTS.map(
    (log) =>
      new CloudwatchLogGroup(scope, `${pascalCase(log)}LogGroup`, {
        name: `/aws/rds/cluster/${clusterId}/${log}`,
        retentionInDays: retentionDays,
        ...(key ? { kmsKeyId: key.keyArn } : {}),
      }),
  );
}
