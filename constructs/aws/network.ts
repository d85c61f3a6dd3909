/**
 * Network: a VPC over N availability zones with public, private-app and isolated-data subnet tiers.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { Construct } from 'constructs';
import { cidrSubnet, parseIpv4Cidr } from '../core/cidr';
import { validate } from '../core/validation-error';
import { assumeRolePolicy, fitNamePrefix, IAM_ROLE_NAME_PREFIX_MAX, policyDocument, sourceConditions } from './private/iam';
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

    const publicIds: string[] = [];
    const appIds: string[] = [];
    const dataIds: string[] = [];
    const appRts: RouteTable[] = [];
    const nats: NatGateway[] = [];

    azs.forEach((az, i) => {
      const zone = new Construct(this, `Zone${i + 1}`);
      const pub = new Subnet(zone, 'PublicSubnet', {
        vpcId: this.vpcId,
        availabilityZone: az,
        cidrBlock: cidrSubnet(vpcCidr, 8, i),
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.namePrefix}-public-${az}`, Tier: 'public' },
      });
      const app = new Subnet(zone, 'AppSubnet', {
        vpcId: this.vpcId,
        availabilityZone: az,
        cidrBlock: cidrSubnet(vpcCidr, 4, i + 1),
        tags: { Name: `${props.namePrefix}-app-${az}`, Tier: 'app' },
      });
      const data = new Subnet(zone, 'DataSubnet', {
        vpcId: this.vpcId,
        availabilityZone: az,
        cidrBlock: cidrSubnet(vpcCidr, 8, 8 + i),
        tags: { Name: `${props.namePrefix}-data-${az}`, Tier: 'data' },
      });
      publicIds.push(pub.id);
      appIds.push(app.id);
      dataIds.push(data.id);
      new RouteTableAssociation(zone, 'PublicRouteTableAssociation', { subnetId: pub.id, routeTableId: publicRt.id });
      new RouteTableAssociation(zone, 'DataRouteTableAssociation', { subnetId: data.id, routeTableId: dataRt.id });

      if (this.natGateways === 'per-az' || i === 0) {
        const eip = new Eip(zone, 'NatEip', { domain: 'vpc', tags: { Name: `${props.namePrefix}-nat-${az}` } });
        nats.push(
          new NatGateway(zone, 'NatGateway', {
            allocationId: eip.allocationId,
            subnetId: pub.id,
            tags: { Name: `${props.namePrefix}-${az}` },
            dependsOn: [igw],
          }),
        );
      }
      const appRt = new RouteTable(zone, 'AppRouteTable', {
        vpcId: this.vpcId,
        tags: { Name: `${props.namePrefix}-app-${az}` },
      });
      new Route(zone, 'AppDefaultRoute', {
        routeTableId: appRt.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: nats[this.natGateways === 'per-az' ? i : 0].id,
      });
      new RouteTableAssociation(zone, 'AppRouteTableAssociation', { subnetId: app.id, routeTableId: appRt.id });
      appRts.push(appRt);
    });
    this.publicSubnetIds = publicIds;
    this.appSubnetIds = appIds;
    this.dataSubnetIds = dataIds;

    new VpcEndpoint(this, 'S3Endpoint', {
      vpcId: this.vpcId,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: [...appRts.map((rt) => rt.id), dataRt.id],
      tags: { Name: `${props.namePrefix}-s3` },
    });

    this.flowLogGroup = new CloudwatchLogGroup(this, 'FlowLogGroup', {
      name: `/webcluster/${props.namePrefix}/vpc-flow-logs`,
      retentionInDays: retention,
      ...(props.encryptionKey ? { kmsKeyId: props.encryptionKey.keyArn } : {}),
    });
    // Only flow logs of this account and region may use the role (the confused-deputy conditions
    // the VPC docs recommend; the flow log's id is unknown before it exists, hence the wildcard).
    const account = new DataAwsCallerIdentity(this, 'Account').accountId;
    const partition = new DataAwsPartition(this, 'Partition').partition;
    const flowRole = new IamRole(this, 'FlowLogRole', {
      namePrefix: fitNamePrefix(`${props.namePrefix}-flowlogs-`, IAM_ROLE_NAME_PREFIX_MAX),
      assumeRolePolicy: assumeRolePolicy(
        'vpc-flow-logs.amazonaws.com',
        sourceConditions(account, `arn:${partition}:ec2:${props.region}:${account}:vpc-flow-log/*`),
      ),
    });
    new IamRolePolicy(this, 'FlowLogPolicy', {
      role: flowRole.id,
      policy: policyDocument([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          Resource: `${this.flowLogGroup.arn}:*`,
        },
      ]),
    });
    new FlowLog(this, 'FlowLog', {
      vpcId: this.vpcId,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: this.flowLogGroup.arn,
      iamRoleArn: flowRole.arn,
      maxAggregationInterval: 60,
    });
  }
}
