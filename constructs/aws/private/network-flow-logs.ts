/**
 * The VPC flow logs of a Network: all traffic to a CloudWatch Logs group, through a role only this
 * account's flow logs in this region may assume.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { Construct } from 'constructs';
import type { IEncryptionKey } from '../encryption-key';
import { assumeRolePolicy, fitNamePrefix, IAM_ROLE_NAME_PREFIX_MAX, policyDocument, sourceConditions } from './iam';

/** Where the flow logs of a VPC go. */
export interface FlowLogsSpec {
  /** Prefix for resource names. */
  readonly namePrefix: string;
  readonly region: string;
  readonly vpcId: string;
  /** Retention of the log group, in days. */
  readonly retentionDays: number;
  /** Key of the log group. */
  readonly encryptionKey?: IEncryptionKey;
}

/**
 * The log group (`FlowLogGroup`), the role that writes to it (`Account`, `Partition`, `FlowLogRole`,
 * `FlowLogPolicy`) and the flow log of all traffic (`FlowLog`, 60-second aggregation); returns the log group.
 */
export function createFlowLogs(scope: Construct, spec: FlowLogsSpec): CloudwatchLogGroup {
  const group = new CloudwatchLogGroup(scope, 'FlowLogGroup', {
    name: `/webcluster/${spec.namePrefix}/vpc-flow-logs`,
    retentionInDays: spec.retentionDays,
    ...(spec.encryptionKey ? { kmsKeyId: spec.encryptionKey.keyArn } : {}),
  });
  // Only flow logs of this account and region may use the role (the confused-deputy conditions
  // the VPC docs recommend; the flow log's id is unknown before it exists, hence the wildcard).
  const account = new DataAwsCallerIdentity(scope, 'Account').accountId;
  const partition = new DataAwsPartition(scope, 'Partition').partition;
  const flowRole = new IamRole(scope, 'FlowLogRole', {
    namePrefix: fitNamePrefix(`${spec.namePrefix}-flowlogs-`, IAM_ROLE_NAME_PREFIX_MAX),
    assumeRolePolicy: assumeRolePolicy(
      'vpc-flow-logs.amazonaws.com',
      sourceConditions(account, `arn:${partition}:ec2:${spec.region}:${account}:vpc-flow-log/*`),
    ),
  });
  new IamRolePolicy(scope, 'FlowLogPolicy', {
    role: flowRole.id,
    policy: policyDocument([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: `${group.arn}:*`,
      },
    ]),
  });
  new FlowLog(scope, 'FlowLog', {
    vpcId: spec.vpcId,
    trafficType: 'ALL',
    logDestinationType: 'cloud-watch-logs',
    logDestination: group.arn,
    iamRoleArn: flowRole.arn,
    maxAggregationInterval: 60,
  });
  return group;
}
