/**
 * CloudWatchLogSink: the default {@link ILogSink}, shipping host logs to CloudWatch Logs with the
 * Amazon CloudWatch agent.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { Construct } from 'constructs';
// Loaded for its effect: cdktf's per-token stack traces off before this construct creates a token.
import '../core/cdktf';
import { pascalCase } from '../core/names';
import type { ILogSink, LogSinkBinding, LogSinkContext } from './log-sink';
import type { PolicyStatement } from './private/iam';

/** Path of the CloudWatch agent's control script on Amazon Linux. */
const AGENT_CTL = '/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl';

/**
 * One CloudWatch log group per role, named `/webcluster/<namePrefix>/<role>` with the shipping's
 * retention; one log stream per instance (`{instance_id}`), timestamps in UTC. Hosts run the
 * amazon-cloudwatch-agent, which fetches its configuration from SSM.
 *
 * Not a construct itself: {@link LogShipping} binds it into its own scope (construct IDs are the
 * roles in PascalCase under `Sink`).
 *
 * @resource aws_cloudwatch_log_group
 */
export class CloudWatchLogSink implements ILogSink {
  public readonly name = 'cloudwatch';

  public bind(scope: Construct, ctx: LogSinkContext): LogSinkBinding {
    const destinations: Record<string, string> = {};
    const collectList: Record<string, string>[] = [];
    const groupArns: string[] = [];
    for (const source of ctx.roles) {
      const logGroupName = `/webcluster/${ctx.namePrefix}/${source.role}`;
      const group = new CloudwatchLogGroup(scope, pascalCase(source.role), {
        name: logGroupName,
        retentionInDays: ctx.retentionDays,
        ...(ctx.encryptionKey ? { kmsKeyId: ctx.encryptionKey.keyArn } : {}),
      });
      destinations[source.role] = logGroupName;
      for (const file of source.files) {
        collectList.push({
          file_path: file,
          log_group_name: logGroupName,
          log_stream_name: '{instance_id}',
          timezone: 'UTC',
        });
      }
      groupArns.push(`${group.arn}:*`);
    }
    const iamStatements: PolicyStatement[] = [
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: groupArns,
      },
    ];
    const agentConfigJson = JSON.stringify({ logs: { logs_collected: { files: { collect_list: collectList } } } });
    return {
      destinations,
      agentConfigJson,
      iamStatements,
      installCommands: (parameterName: string) => [
        'dnf install -y amazon-cloudwatch-agent',
        `${AGENT_CTL} -a fetch-config -m ec2 -s -c ssm:${parameterName}`,
      ],
    };
  }
}
