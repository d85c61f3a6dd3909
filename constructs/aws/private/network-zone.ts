/**
 * One availability zone of a Network: its public, app and data subnets, their route tables, and the
 * NAT gateway the app subnet routes out through.
 */
import { Eip } from '@cdktf/provider-aws/lib/eip';
import type { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Construct } from 'constructs';
import { cidrSubnet } from '../../core/cidr';

/** What every zone of the network shares. */
export interface ZoneContext {
  /** Prefix for resource names. */
  readonly namePrefix: string;
  readonly vpcId: string;
  readonly vpcCidr: string;
  /** Whether every zone gets its own NAT gateway, or the first zone's serves all. */
  readonly natGateways: 'per-az' | 'single';
  readonly internetGateway: InternetGateway;
  /** Route table of every public subnet (default route to the internet gateway). */
  readonly publicRouteTable: RouteTable;
  /** Route table of every data subnet (no route out). */
  readonly dataRouteTable: RouteTable;
}

/** The subnets and routing of one zone. */
export interface Zone {
  readonly publicSubnet: Subnet;
  readonly appSubnet: Subnet;
  readonly dataSubnet: Subnet;
  /** Route table of the app subnet (default route through the NAT gateway). */
  readonly appRouteTable: RouteTable;
  /** The NAT gateway the app subnet routes through. */
  readonly natGateway: NatGateway;
}

/**
 * Zone `index` (construct `Zone<index + 1>`) in `az`: public and data subnets of prefix+8, the app subnet
 * of prefix+4; a NAT gateway of its own in per-az mode or in the first zone, else the first zone's
 * (`firstZoneNat`).
 */
export function createZone(scope: Construct, index: number, az: string, ctx: ZoneContext, firstZoneNat?: NatGateway): Zone {
  const { namePrefix, vpcId, vpcCidr } = ctx;
  const zone = new Construct(scope, `Zone${index + 1}`);
  const pub = new Subnet(zone, 'PublicSubnet', {
    vpcId,
    availabilityZone: az,
    cidrBlock: cidrSubnet(vpcCidr, 8, index),
    mapPublicIpOnLaunch: false,
    tags: { Name: `${namePrefix}-public-${az}`, Tier: 'public' },
  });
  const app = new Subnet(zone, 'AppSubnet', {
    vpcId,
    availabilityZone: az,
    cidrBlock: cidrSubnet(vpcCidr, 4, index + 1),
    tags: { Name: `${namePrefix}-app-${az}`, Tier: 'app' },
  });
  const data = new Subnet(zone, 'DataSubnet', {
    vpcId,
    availabilityZone: az,
    cidrBlock: cidrSubnet(vpcCidr, 8, 8 + index),
    tags: { Name: `${namePrefix}-data-${az}`, Tier: 'data' },
  });
  new RouteTableAssociation(zone, 'PublicRouteTableAssociation', { subnetId: pub.id, routeTableId: ctx.publicRouteTable.id });
  new RouteTableAssociation(zone, 'DataRouteTableAssociation', { subnetId: data.id, routeTableId: ctx.dataRouteTable.id });

  let nat = firstZoneNat;
  if (ctx.natGateways === 'per-az' || index === 0) {
    const eip = new Eip(zone, 'NatEip', { domain: 'vpc', tags: { Name: `${namePrefix}-nat-${az}` } });
    nat = new NatGateway(zone, 'NatGateway', {
      allocationId: eip.allocationId,
      subnetId: pub.id,
      tags: { Name: `${namePrefix}-${az}` },
      dependsOn: [ctx.internetGateway],
    });
  }
  if (nat === undefined) throw new Error(`Zone${index + 1}: no NAT gateway to route through (the first zone's is missing)`);
  const appRt = new RouteTable(zone, 'AppRouteTable', {
    vpcId,
    tags: { Name: `${namePrefix}-app-${az}` },
  });
  new Route(zone, 'AppDefaultRoute', {
    routeTableId: appRt.id,
    destinationCidrBlock: '0.0.0.0/0',
    natGatewayId: nat.id,
  });
  new RouteTableAssociation(zone, 'AppRouteTableAssociation', { subnetId: app.id, routeTableId: appRt.id });
  return { publicSubnet: pub, appSubnet: app, dataSubnet: data, appRouteTable: appRt, natGateway: nat };
}
