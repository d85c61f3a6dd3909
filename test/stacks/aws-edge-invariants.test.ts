/**
 * Edge invariants of the default AWS stacks (issue 11, edge findings): trust policies of service
 * roles, where vended logs go, log retention of what AWS services log, and how the HTTP cache is
 * health-checked. Each block checks every default AWS stack of webcluster.yaml, so a construct
 * added later is held to the same rule.
 */
import { Testing } from 'cdktf';
import { ListenerCertificate } from '../../constructs/aws/load-balancer';
import { AwsVmStack } from '../../stacks/aws-vm-stack';
import { SHOPWARE_PROFILE } from '../../stacks/profiles/shopware';
import type { SynthJson } from '../util';
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

  test('every log RDS exports goes to a log group of ours with the stack retention, created before the cluster', () => {
    const retention = flowLogRetention(json);
    for (const [, cluster] of blocksOf(json.resource, 'aws_rds_cluster')) {
      expect(exportLogGroups(json, cluster)).toEqual(
        (cluster.enabled_cloudwatch_logs_exports as string[]).map(() => ({ retention, dependedOn: true })),
      );
    }
  });
});

test('the default AWS stacks export RDS logs (the rule above is not vacuous)', () => {
  const exporting = STACKS.flatMap(({ json }) => blocksOf(json.resource, 'aws_rds_cluster')).filter(
    ([, c]) => ((c.enabled_cloudwatch_logs_exports ?? []) as string[]).length > 0,
  );
  expect(exporting.length).toBeGreaterThan(0);
});

test("the stack's logRetentionDays reaches the log groups of the RDS log exports", () => {
  const app = Testing.app();
  const stack = new AwsVmStack(app, 'shop', {
    profile: SHOPWARE_PROFILE,
    region: 'eu-central-1',
    domain: 'shop.example.com',
    certificate: ListenerCertificate.fromArn('arn:aws:acm:eu-central-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666'),
    logRetentionDays: 731,
  });
  const json = JSON.parse(Testing.synth(stack)) as SynthJson;
  const [[, cluster]] = blocksOf(json.resource, 'aws_rds_cluster');
  expect(exportLogGroups(json, cluster)).toEqual([1, 2, 3].map(() => ({ retention: 731, dependedOn: true })));
});

/** Retention of the VPC flow logs: the stack's logRetentionDays. */
function flowLogRetention(json: SynthJson): unknown {
  const flowLogs = blocksOf(json.resource, 'aws_cloudwatch_log_group').filter(([, g]) => String(g.name).endsWith('/vpc-flow-logs'));
  expect(flowLogs).toHaveLength(1);
  return flowLogs[0][1].retention_in_days;
}

/** For each log the cluster exports: the retention of our group `/aws/rds/cluster/<id>/<log>`, and whether the cluster depends on it. */
function exportLogGroups(json: SynthJson, cluster: Record<string, unknown>): { retention: unknown; dependedOn: boolean }[] {
  const groups = blocksOf(json.resource, 'aws_cloudwatch_log_group');
  const dependsOn = (cluster.depends_on ?? []) as string[];
  return ((cluster.enabled_cloudwatch_logs_exports ?? []) as string[]).map((log) => {
    const group = groups.find(([, g]) => g.name === `/aws/rds/cluster/${String(cluster.cluster_identifier)}/${log}`);
    return { retention: group?.[1].retention_in_days, dependedOn: group !== undefined && dependsOn.includes(`aws_cloudwatch_log_group.${group[0]}`) };
  });
}
