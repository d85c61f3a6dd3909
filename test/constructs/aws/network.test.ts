import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { Network } from '../../../constructs/aws/network';
import { makeStack, resourcesOf, synthJson, synthTextAndJson } from '../../util';

describe('Network', () => {
  test('defaults: three zones, three tiers, NAT per zone, S3 endpoint, flow logs', () => {
    // GIVEN
    const stack = makeStack();
    // WHEN
    new Network(stack, 'Network', { namePrefix: 'shop', region: 'eu-central-1' });
    // THEN
    const { text: synth, json } = synthTextAndJson(stack);
    expect(synth).toHaveResourceWithProperties(Vpc, { cidr_block: '10.0.0.0/16', enable_dns_hostnames: true });
    expect(synth).toHaveResourceWithProperties(Subnet, { cidr_block: '10.0.0.0/24', availability_zone: 'eu-central-1a' });
    expect(synth).toHaveResourceWithProperties(Subnet, { cidr_block: '10.0.16.0/20', availability_zone: 'eu-central-1a' });
    expect(synth).toHaveResourceWithProperties(Subnet, { cidr_block: '10.0.10.0/24', availability_zone: 'eu-central-1c' });
    expect(synth).toHaveResourceWithProperties(VpcEndpoint, { vpc_endpoint_type: 'Gateway', service_name: 'com.amazonaws.eu-central-1.s3' });
    expect(synth).toHaveResourceWithProperties(FlowLog, { traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' });
    expect(resourcesOf(json, 'aws_subnet')).toHaveLength(9);
    expect(resourcesOf(json, 'aws_nat_gateway')).toHaveLength(3);
    expect(resourcesOf(json, 'aws_cloudwatch_log_group')[0]).toMatchObject({ retention_in_days: 365 });
  });

  test('the flow-log role trusts only flow logs of its own account and region (aws:SourceAccount, aws:SourceArn)', () => {
    // GIVEN
    const stack = makeStack();
    // WHEN
    new Network(stack, 'Network', { namePrefix: 'shop', region: 'eu-central-1' });
    // THEN
    const json = synthJson(stack);
    const account = Object.keys(json.data?.aws_caller_identity ?? {});
    const partition = Object.keys(json.data?.aws_partition ?? {});
    expect(account).toHaveLength(1);
    expect(partition).toHaveLength(1);
    const trust = JSON.parse(String(resourcesOf(json, 'aws_iam_role')[0].assume_role_policy)) as { Statement: Record<string, unknown>[] };
    expect(trust.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': `\${data.aws_caller_identity.${account[0]}.account_id}` },
          ArnLike: {
            'aws:SourceArn': `arn:\${data.aws_partition.${partition[0]}.partition}:ec2:eu-central-1:\${data.aws_caller_identity.${account[0]}.account_id}:vpc-flow-log/*`,
          },
        },
      },
    ]);
  });

  test('public subnets do not assign public IPs and data subnets have no internet route', () => {
    const stack = makeStack();
    new Network(stack, 'Network', { namePrefix: 'shop', region: 'eu-central-1' });
    const json = synthJson(stack);
    const publicSubnets = resourcesOf(json, 'aws_subnet').filter((s) => (s.tags as Record<string, string>).Tier === 'public');
    expect(publicSubnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
    const routes = resourcesOf(json, 'aws_route');
    // one IGW route for the public table, one NAT route per zone, none for the data table
    expect(routes).toHaveLength(4);
    expect(routes.filter((r) => String(r.route_table_id).includes('DataRouteTable'))).toHaveLength(0);
  });

  test('single NAT gateway routes every zone through zone 1', () => {
    const stack = makeStack();
    new Network(stack, 'Network', { namePrefix: 'shop', region: 'eu-central-1', natGateways: 'single' });
    const { text, json } = synthTextAndJson(stack);
    expect(resourcesOf(json, 'aws_nat_gateway')).toHaveLength(1);
    const natRoutes = resourcesOf(json, 'aws_route').filter((r) => r.nat_gateway_id);
    expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(1);
    expect(text).toHaveResourceWithProperties(NatGateway, { tags: { Name: 'shop-eu-central-1a' } });
  });

  test('fails when fewer than two zones are given', () => {
    const stack = makeStack();
    expect(() => new Network(stack, 'Network', { namePrefix: 'shop', region: 'eu-central-1', availabilityZones: ['eu-central-1a'] })).toThrow(
      /availabilityZones: got 1 zone\(s\) \[eu-central-1a\]; allowed: 2 to 6/,
    );
  });

  test('fails on duplicate zones', () => {
    const stack = makeStack();
    expect(
      () => new Network(stack, 'Network', { namePrefix: 'shop', region: 'eu-central-1', availabilityZones: ['eu-central-1a', 'eu-central-1a'] }),
    ).toThrow(/got duplicates/);
  });

  test('fails on zones of another region', () => {
    const stack = makeStack();
    expect(
      () => new Network(stack, 'Network', { namePrefix: 'shop', region: 'eu-central-1', availabilityZones: ['us-east-1a', 'us-east-1b'] }),
    ).toThrow(/allowed: zones of region eu-central-1/);
  });

  test('fails on a VPC block outside /16-/18', () => {
    const stack = makeStack();
    expect(() => new Network(stack, 'Network', { namePrefix: 'shop', region: 'eu-central-1', vpcCidr: '10.0.0.0/24' })).toThrow(
      /vpcCidr: got '10.0.0.0\/24'; allowed: an IPv4 block with prefix \/16 to \/18/,
    );
  });
});
