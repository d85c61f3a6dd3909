/**
 * Network: a VPC over N availability zones with public, private-app and isolated-data subnet tiers.
 */
import type { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { Construct } from 'constructs';
// Loaded for its effect: cdktf's per-token stack traces off before this construct creates a token.
import '../core/cdktf';
import { parseIpv4Cidr } from '../core/cidr';
import { validate } from '../core/validation-error';
import { createFlowLogs } from './private/network-flow-logs';
import { createZone, type Zone } from './private/network-zone';
import type { IEncryptionKey } from './encryption-key';

/** What the AWS constructs need to know about the network they are placed in. */
export interface IAwsNetwork {
  /** Prefix for resource names, e.g. `shopware-prod`. */
  readonly namePrefix: string;
  /** AWS region. */
  readonly region: string;
  /** VPC id. @attribute */
  readonly vpcId: string;
  /** VPC IPv4 CIDR block. */
  readonly vpcCidr: string;
  /** Availability zones, one subnet of each tier per zone. */
  readonly availabilityZones: readonly string[];
  /** Public subnets (load balancer, NAT gateways), one per zone. */
  readonly publicSubnetIds: readonly string[];
  /** Private subnets with outbound internet through NAT (app, admin), one per zone. */
  readonly appSubnetIds: readonly string[];
  /** Isolated subnets without any internet route (databases, caches, file systems), one per zone. */
  readonly dataSubnetIds: readonly string[];
}

/** How many NAT gateways the network gets. */
export type NatGatewayMode = 'per-az' | 'single';

/** Properties of a {@link Network}. */
export interface NetworkProps {
  /** Prefix for resource names, e.g. `shopware-prod`. */
  readonly namePrefix: string;
  /** AWS region, e.g. `eu-central-1`. */
  readonly region: string;
  /**
   * Availability zones to use; at least 2, at most 6.
   * @default - the first three zones of the region (`<region>a`, `<region>b`, `<region>c`)
   */
  readonly availabilityZones?: string[];
  /**
   * VPC IPv4 block, prefix /16 to /18. Public and data subnets get prefix+8, app subnets prefix+4.
   * @default '10.0.0.0/16'
   */
  readonly vpcCidr?: string;
  /**
   * One NAT gateway per zone (survives the loss of a zone) or a single one (cheaper, not zone-redundant).
   * @default 'per-az'
   */
  readonly natGateways?: NatGatewayMode;
  /**
   * Retention of the VPC flow logs, in days.
   * @default 365
   */
  readonly flowLogRetentionDays?: number;
  /**
   * Customer-managed KMS key of the flow-log group (its key policy must let CloudWatch Logs use it, as EncryptionKey's does).
   * @default - AWS-managed keys
   */
  readonly encryptionKey?: IEncryptionKey;
}

/**
 * A VPC with three subnet tiers in every zone, an internet gateway, NAT gateways, an S3 gateway
 * endpoint for the private tiers, flow logs of all traffic to CloudWatch Logs, and the default
 * security group stripped of all rules.
 *
 * @resource aws_vpc
 */
export class Network extends Construct implements IAwsNetwork {
  /** The VPC resource. */
  public readonly resource: Vpc;
  public readonly namePrefix: string;
  public readonly region: string;
  public readonly vpcId: string;
  public readonly vpcCidr: string;
  public readonly availabilityZones: readonly string[];
  public readonly publicSubnetIds: readonly string[];
  public readonly appSubnetIds: readonly string[];
  public readonly dataSubnetIds: readonly string[];
  /** NAT mode in use. */
  public readonly natGateways: NatGatewayMode;
  /** Log group receiving the flow logs. */
  public readonly flowLogGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const azs = props.availabilityZones ?? ['a', 'b', 'c'].map((s) => `${props.region}${s}`);
    const vpcCidr = props.vpcCidr ?? '10.0.0.0/16';
    const parsed = parseIpv4Cidr(vpcCidr);
    const retention = props.flowLogRetentionDays ?? 365;
    validate(this, [
      {
        failed: azs.length < 2 || azs.length > 6,
        message: () =>
          `availabilityZones: got ${azs.length} zone(s) [${azs.join(', ')}]; allowed: 2 to 6 distinct zones; fix: list at least two zones of ${props.region} for high availability`,
      },
      {
        failed: new Set(azs).size !== azs.length,
        message: () => `availabilityZones: got duplicates in [${azs.join(', ')}]; allowed: distinct zones; fix: list each zone once`,
      },
      {
        failed: azs.some((z) => !z.startsWith(props.region)),
        message: () =>
          `availabilityZones: got [${azs.join(', ')}]; allowed: zones of region ${props.region}; fix: use zone names that start with '${props.region}'`,
      },
      {
        failed: !parsed || parsed.prefix < 16 || parsed.prefix > 18,
        message: () =>
          `vpcCidr: got '${vpcCidr}'; allowed: an IPv4 block with prefix /16 to /18 and zero host bits; fix: use e.g. '10.0.0.0/16'`,
      },
    ]);

    this.namePrefix = props.namePrefix;
    this.region = props.region;
    this.availabilityZones = azs;
    this.vpcCidr = vpcCidr;
    this.natGateways = props.natGateways ?? 'per-az';

    this.resource = new Vpc(this, 'Resource', {
      cidrBlock: vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: props.namePrefix },
    });
    this.vpcId = this.resource.id;

    new DefaultSecurityGroup(this, 'DefaultSecurityGroup', {
      vpcId: this.vpcId,
      tags: { Name: `${props.namePrefix}-default-unused` },
    });

    const igw = new InternetGateway(this, 'InternetGateway', {
      vpcId: this.vpcId,
      tags: { Name: props.namePrefix },
    });

    const publicRt = new RouteTable(this, 'PublicRouteTable', {
      vpcId: this.vpcId,
      tags: { Name: `${props.namePrefix}-public` },
    });
    new Route(this, 'PublicDefaultRoute', {
      routeTableId: publicRt.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: igw.id,
    });
    const dataRt = new RouteTable(this, 'DataRouteTable', {
      vpcId: this.vpcId,
      tags: { Name: `${props.namePrefix}-data` },
    });

    const zoneContext = {
      namePrefix: props.namePrefix,
      vpcId: this.vpcId,
      vpcCidr,
      natGateways: this.natGateways,
      internetGateway: igw,
      publicRouteTable: publicRt,
      dataRouteTable: dataRt,
    };
    const zones: Zone[] = [];
    azs.forEach((az, i) => zones.push(createZone(this, i, az, zoneContext, zones[0]?.natGateway)));
    this.publicSubnetIds = zones.map((z) => z.publicSubnet.id);
    this.appSubnetIds = zones.map((z) => z.appSubnet.id);
    this.dataSubnetIds = zones.map((z) => z.dataSubnet.id);

    new VpcEndpoint(this, 'S3Endpoint', {
      vpcId: this.vpcId,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: [...zones.map((z) => z.appRouteTable.id), dataRt.id],
      tags: { Name: `${props.namePrefix}-s3` },
    });

    this.flowLogGroup = createFlowLogs(this, {
      namePrefix: props.namePrefix,
      region: props.region,
      vpcId: this.vpcId,
      retentionDays: retention,
      encryptionKey: props.encryptionKey,
    });
  }
}
