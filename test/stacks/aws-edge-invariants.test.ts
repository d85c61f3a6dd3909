/**
 * Edge invariants of the default AWS stacks (issue 11, edge findings): trust policies of service
 * roles, where vended logs go, log retention of what AWS services log, and how the HTTP cache is
 * health-checked. Each block checks every default AWS stack of webcluster.yaml, so a construct
 * added later is held to the same rule.
 */
import { blocksOf, synthDefaultStacks } from './default-stacks';

interface TrustStatement {
  readonly Principal?: { readonly Service?: string };
  readonly Condition?: Record<string, Record<string, string>>;
}

const STACKS = synthDefaultStacks('aws');

test('the default configuration has the three AWS stacks', () => {
  expect(STACKS.map((s) => s.name).sort()).toEqual(['ezplatform-aws', 'shopware-aws', 'steedos-aws']);
});

describe.each(STACKS)('$name', ({ json }) => {
  test('the VPC flow-log role trusts flow logs of this account only (aws:SourceAccount and aws:SourceArn of vpc-flow-log/*)', () => {
    const [[identity]] = blocksOf(json.data, 'aws_caller_identity');
    const [[partition]] = blocksOf(json.data, 'aws_partition');
    const account = `\${data.aws_caller_identity.${identity}.account_id}`;
    const flowLogRoles = blocksOf(json.resource, 'aws_iam_role')
      .map(([, role]) => JSON.parse(String(role.assume_role_policy)) as { Statement: TrustStatement[] })
      .flatMap((policy) => policy.Statement)
      .filter((s) => s.Principal?.Service === 'vpc-flow-logs.amazonaws.com');
    expect(flowLogRoles).toHaveLength(1);
    expect(flowLogRoles[0].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': `arn:\${data.aws_partition.${partition}.partition}:ec2:eu-central-1:${account}:vpc-flow-log/*` },
    });
  });

  test('every log group an AWS service delivers logs to (ElastiCache log delivery) is under /aws/vendedlogs/', () => {
    const groups = Object.fromEntries(blocksOf(json.resource, 'aws_cloudwatch_log_group'));
    const destinations = blocksOf(json.resource, 'aws_elasticache_replication_group').flatMap(([, group]) =>
      ((group.log_delivery_configuration ?? []) as { destination_type: string; destination: string }[]).filter((d) => d.destination_type === 'cloudwatch-logs'),
    );
    expect(destinations.length).toBeGreaterThan(0);
    for (const { destination } of destinations) {
      const group = /^\$\{aws_cloudwatch_log_group\.([A-Za-z0-9_-]+)\.name\}$/.exec(destination)?.[1];
      expect({ destination, name: group === undefined ? undefined : groups[group]?.name }).toEqual({
        destination,
        name: expect.stringMatching(/^\/aws\/vendedlogs\//),
      });
    }
  });
});
