/**
 * Edge invariants of the default AWS stacks (issue 11, edge findings): trust policies of service
 * roles, where vended logs go, log retention of what AWS services log, and how the HTTP cache is
 * health-checked. Each block checks every default AWS stack of webcluster.yaml, so a construct
 * added later is held to the same rule.
 */
import { Testing } from 'cdktf';
import { ListenerCertificate } from '../../constructs/aws/load-balancer';
import { VARNISH_HEALTH_PATH } from '../../constructs/core/vcl';
import { AwsVmStack } from '../../stacks/aws-vm-stack';
import { EZPLATFORM_VM_PROFILE } from '../../stacks/aws/profiles/ezplatform';
import { SHOPWARE_VM_PROFILE } from '../../stacks/aws/profiles/shopware';
import { STEEDOS_VM_PROFILE } from '../../stacks/aws/profiles/steedos';
import type { AwsTier, VmAppProfile } from '../../stacks/aws/vm-profile';
import type { SynthJson } from '../util';
import { blocksOf, synthDefaultStacks } from './default-stacks';

interface TrustStatement {
  readonly Principal?: { readonly Service?: string };
  readonly Condition?: Record<string, Record<string, string>>;
}

const STACKS = synthDefaultStacks('aws');
const CERT_ARN = 'arn:aws:acm:eu-central-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666';

test('the default configuration has the three AWS stacks', () => {
  expect(STACKS.map((s) => s.name).sort()).toEqual(['ezplatform-aws', 'shopware-aws', 'steedos-aws']);
});

const PROFILES: Record<string, VmAppProfile> = { shopware: SHOPWARE_VM_PROFILE, steedos: STEEDOS_VM_PROFILE, ezplatform: EZPLATFORM_VM_PROFILE };

describe.each(STACKS)('$name', ({ app, json }) => {
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
  test('instances behind a load balancer are replaced on its health checks: HTTP cache nodes on Varnish\'s own path, app hosts on the app\'s', () => {
    const targetGroups = Object.fromEntries(blocksOf(json.resource, 'aws_lb_target_group'));
    const checked = blocksOf(json.resource, 'aws_autoscaling_group')
      .filter(([, group]) => ((group.target_group_arns ?? []) as string[]).length > 0)
      .map(([name, group]) => ({
        cache: name.startsWith('HttpCache_'),
        type: group.health_check_type,
        paths: (group.target_group_arns as string[]).map(
          (arn) => (targetGroups[/^\$\{aws_lb_target_group\.([A-Za-z0-9_-]+)\.arn\}$/.exec(arn)?.[1] ?? '']?.health_check as { path?: string })?.path,
        ),
      }));
    expect(checked.length).toBeGreaterThan(0);
    for (const group of checked) {
      expect(group).toEqual({ cache: group.cache, type: 'ELB', paths: [group.cache ? VARNISH_HEALTH_PATH : PROFILES[app].healthCheckPath] });
    }
  });

  test('the HTTPS listener\'s default target checks what takes it: Varnish when the profile has an HTTP cache, else the app', () => {
    const targetGroups = Object.fromEntries(blocksOf(json.resource, 'aws_lb_target_group'));
    const https = blocksOf(json.resource, 'aws_lb_listener').filter(([, l]) => l.port === 443);
    expect(https).toHaveLength(1);
    const [action] = https[0][1].default_action as { target_group_arn: string }[];
    const target = /^\$\{aws_lb_target_group\.([A-Za-z0-9_-]+)\.arn\}$/.exec(action.target_group_arn)?.[1] ?? '';
    const hasCache = blocksOf(json.resource, 'aws_autoscaling_group').some(([name]) => name.startsWith('HttpCache_'));
    expect((targetGroups[target]?.health_check as { path?: string })?.path).toBe(hasCache ? VARNISH_HEALTH_PATH : PROFILES[app].healthCheckPath);
  });
});

test('the default AWS stacks export RDS logs (the rule above is not vacuous)', () => {
  const exporting = STACKS.flatMap(({ json }) => blocksOf(json.resource, 'aws_rds_cluster')).filter(
    ([, c]) => ((c.enabled_cloudwatch_logs_exports ?? []) as string[]).length > 0,
  );
  expect(exporting.length).toBeGreaterThan(0);
});

test('a tier that takes the default target must declare its health check path, and only such a tier may', () => {
  const stackWith = (tiers: VmAppProfile['tiers']) => () =>
    new AwsVmStack(Testing.app(), 'ez', {
      profile: { ...EZPLATFORM_VM_PROFILE, tiers },
      region: 'eu-central-1',
      domain: 'ez.example.com',
      certificate: ListenerCertificate.fromArn(CERT_ARN),
    });
  const [varnish, solr] = EZPLATFORM_VM_PROFILE.tiers ?? [];
  expect(varnish.defaultTargetHealthCheckPath).toBe(VARNISH_HEALTH_PATH);
  // HttpCache itself refuses a target that checks the app through it.
  expect(stackWith([{ ...varnish, defaultTargetHealthCheckPath: undefined }, solr])).toThrow(/HttpCache: target.healthCheckPath: got '\/api\/ibexa\/v2\/'/);
  // Any other tier taking the target without declaring its path, or declaring without taking it.
  const front: AwsTier = { ...solr, name: 'front', aws: (ctx) => ({ ...solr.aws(ctx), appTarget: ctx.loadBalancer.appTarget }) };
  expect(stackWith([front])).toThrow(
    /profile.tiers: got \[front\] taking the load balancer's default target \(appTarget\) and \[\] declaring its health check path .*; fix: set defaultTargetHealthCheckPath on the tier that returns appTarget/,
  );
  expect(stackWith([varnish, { ...solr, defaultTargetHealthCheckPath: '/solr' }])).toThrow(/profile.tiers: got \[varnish\] taking .* and \[varnish, solr\] declaring/);
});

test("the stack's logRetentionDays reaches the log groups of the RDS log exports", () => {
  const app = Testing.app();
  const stack = new AwsVmStack(app, 'shop', {
    profile: SHOPWARE_VM_PROFILE,
    region: 'eu-central-1',
    domain: 'shop.example.com',
    certificate: ListenerCertificate.fromArn(CERT_ARN),
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
