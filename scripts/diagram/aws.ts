/**
 * The AWS reader of the architecture diagrams (scripts/diagram.ts): zones and subnet tiers, the
 * security-group rules as they will be synthesized, and the IAM grants between roles.
 */
import type { IConstruct } from 'constructs';
import { TerraformStack, Tokenization } from '../../constructs/core/cdktf';
import type { TfElement } from '../../policies/private/terraform';
import { addLink, addressesIn, external, portText, RESOLVER, topLevel, type Graph } from './model';

function count(n: number, noun: string): string {
  return n === 1 ? noun : `${n}× ${noun}`;
}

/** Headline resource types in node labels; everything else is detail. */
const AWS_HEADLINES: Readonly<Record<string, string>> = {
  aws_lb: 'load balancer',
  aws_wafv2_web_acl: 'WAF web ACL',
  aws_autoscaling_group: 'Auto Scaling group',
  aws_instance: 'EC2 instance',
  aws_rds_cluster: 'Aurora cluster',
  aws_rds_cluster_instance: 'Aurora instance',
  aws_db_instance: 'RDS instance',
  aws_elasticache_replication_group: 'ElastiCache replication group',
  aws_docdb_cluster: 'DocumentDB cluster',
  aws_docdb_cluster_instance: 'DocumentDB instance',
  aws_opensearch_domain: 'OpenSearch domain',
  aws_s3_bucket: 'S3 bucket',
  aws_cloudfront_distribution: 'CloudFront distribution',
  aws_efs_file_system: 'EFS file system',
  aws_cloudwatch_log_group: 'log group',
  aws_ecs_service: 'ECS service',
  aws_lambda_function: 'Lambda function',
};

const SUBNET_TIERS = [
  { key: 'publicSubnetIds', name: 'public' },
  { key: 'appSubnetIds', name: 'app' },
  { key: 'dataSubnetIds', name: 'data' },
] as const;

interface AwsNetworkLike {
  readonly region: string;
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  readonly publicSubnetIds: readonly string[];
  readonly appSubnetIds: readonly string[];
  readonly dataSubnetIds: readonly string[];
}

function isAwsNetwork(c: IConstruct): c is IConstruct & AwsNetworkLike {
  const n = c as unknown as Record<string, unknown>;
  return Array.isArray(n.availabilityZones) && Array.isArray(n.appSubnetIds) && Array.isArray(n.dataSubnetIds) && Array.isArray(n.publicSubnetIds);
}

function zoneLetter(zone: string, region: string): string {
  return zone.startsWith(region) ? zone.slice(region.length) : zone;
}

/** A subnet of the stack's networks: its tier and zone (name and letter). */
interface SubnetPlace {
  readonly tier: string;
  readonly zone: string;
  readonly letter: string;
}

/** The stack's first network, and every subnet of its networks by address. */
interface Placement {
  readonly network: (IConstruct & AwsNetworkLike) | undefined;
  readonly subnets: ReadonlyMap<string, SubnetPlace>;
}

/** Zones and subnet tiers of the networks in `stack`. */
function placementOf(stack: TerraformStack): Placement {
  const networks = stack.node.findAll().filter(isAwsNetwork);
  const subnets = new Map<string, SubnetPlace>();
  for (const n of networks) {
    for (const t of SUBNET_TIERS) {
      n[t.key].forEach((id, i) => {
        for (const address of addressesIn(Tokenization.resolve(id, { scope: stack, resolver: RESOLVER }))) {
          subnets.set(address, { tier: t.name, zone: n.availabilityZones[i], letter: zoneLetter(n.availabilityZones[i], n.region) });
        }
      });
    }
  }
  return { network: networks[0], subnets };
}

/** Zone letters, sorted, each once. */
function letters(zones: Iterable<string>): string {
  return [...new Set(zones)].sort().join(', ');
}

/** Node facts: headline resources (with their zones) and the subnet tiers used. */
function addFacts(g: Graph, resources: readonly TfElement[], ownerOf: ReadonlyMap<string, string>, placement: Placement): void {
  const { network, subnets } = placement;
  const zonesOf = (r: TfElement): string[] => {
    const fromSubnets = addressesIn(r.attrs)
      .map((a) => subnets.get(a)?.letter)
      .filter((z): z is string => z !== undefined);
    const az = r.attrs.availability_zone;
    const literal = typeof az === 'string' && network && !az.includes('${') ? [zoneLetter(az, network.region)] : [];
    return [...fromSubnets, ...literal];
  };
  for (const role of g.roles.values()) {
    const own = resources.filter((r) => ownerOf.get(r.address) === role.id);
    for (const [type, noun] of Object.entries(AWS_HEADLINES)) {
      const list = own.filter((r) => r.type === type);
      if (list.length === 0 || (type === 'aws_cloudwatch_log_group' && role.tier !== 'ops')) continue;
      const zones = list.flatMap(zonesOf);
      const kind = type === 'aws_lb' && typeof list[0].attrs.load_balancer_type === 'string' ? `${String(list[0].attrs.load_balancer_type).toUpperCase() === 'NETWORK' ? 'NLB' : 'ALB'}` : noun;
      role.facts.push(`${count(list.length, kind)}${zones.length > 0 ? ` in ${letters(zones)}` : ''}`);
    }
    const used = new Map<string, Set<string>>();
    for (const r of own) {
      for (const a of addressesIn(r.attrs)) {
        const s = subnets.get(a);
        if (s) used.set(s.tier, (used.get(s.tier) ?? new Set()).add(s.letter));
      }
    }
    const subnetText = [...used.entries()].map(([tier, zs]) => `${tier} subnets ${letters(zs)}`).join('; ');
    if (subnetText) role.facts.push(subnetText);
    role.outside = network !== undefined && subnetText === '';
    role.place = subnetText || 'regional service, no subnet';
  }
}

/** Security-group rules: ingress from a role or an address block, and egress not already drawn as ingress. */
function addSecurityGroupLinks(g: Graph, resources: readonly TfElement[], ownerOf: ReadonlyMap<string, string>): void {
  const groupOwner = (ref: unknown): string | undefined => {
    const address = addressesIn(ref).find((a) => a.startsWith('aws_security_group.'));
    return address ? ownerOf.get(address) : undefined;
  };
  const ingressPairs = new Set<string>();
  for (const r of resources.filter((x) => x.type === 'aws_vpc_security_group_ingress_rule')) {
    const to = groupOwner(r.attrs.security_group_id);
    if (!to || !g.roles.has(to)) continue;
    const what = portText(r.attrs.ip_protocol, r.attrs.from_port, r.attrs.to_port);
    const description = String(r.attrs.description ?? '');
    const fromRole = groupOwner(r.attrs.referenced_security_group_id);
    if (fromRole) {
      ingressPairs.add(`${fromRole}>${to}>${what}`);
      if (g.roles.has(fromRole)) addLink(g, { from: fromRole, to, what, description, kind: 'network' });
      continue;
    }
    for (const cidr of [r.attrs.cidr_ipv4, r.attrs.cidr_ipv6, r.attrs.prefix_list_id]) {
      if (typeof cidr === 'string') addLink(g, { from: external(g, 'in', cidr), to, what, description, kind: 'network' });
    }
  }
  for (const r of resources.filter((x) => x.type === 'aws_vpc_security_group_egress_rule')) {
    const from = groupOwner(r.attrs.security_group_id);
    if (!from || !g.roles.has(from)) continue;
    const what = portText(r.attrs.ip_protocol, r.attrs.from_port, r.attrs.to_port);
    const description = String(r.attrs.description ?? '');
    const toRole = groupOwner(r.attrs.referenced_security_group_id);
    if (toRole) {
      if (!ingressPairs.has(`${from}>${toRole}>${what}`) && g.roles.has(toRole)) addLink(g, { from, to: toRole, what, description, kind: 'network' });
      continue;
    }
    for (const cidr of [r.attrs.cidr_ipv4, r.attrs.cidr_ipv6, r.attrs.prefix_list_id]) {
      if (typeof cidr === 'string') addLink(g, { from, to: external(g, 'out', cidr, cidr === '0.0.0.0/0' ? 'Internet, AWS APIs 0.0.0.0/0' : undefined), what, description, kind: 'network' });
    }
  }
}

/** IAM grants: role policies of one role naming resources of another; returns the actions by `from | to`. */
function addIamGrants(g: Graph, resources: readonly TfElement[], ownerOf: ReadonlyMap<string, string>): Map<string, Set<string>> {
  const grants = new Map<string, Set<string>>();
  for (const r of resources.filter((x) => x.type === 'aws_iam_role_policy' || x.type === 'aws_iam_policy')) {
    const from = ownerOf.get(r.address);
    if (!from || !g.roles.has(from)) continue;
    for (const s of statementsOf(r.attrs.policy)) {
      if (s.Effect !== 'Allow') continue;
      const targets = new Set(
        ([] as unknown[])
          .concat(s.Resource ?? [])
          .flatMap((res) => addressesIn(res))
          .map((a) => ownerOf.get(a))
          .filter((o): o is string => o !== undefined && o !== from),
      );
      const services = [...new Set(([] as unknown[]).concat(s.Action ?? []).map((a) => String(a).split(':')[0]))].sort().join(', ');
      for (const to of targets) {
        const key = `${from} | ${to}`;
        for (const a of ([] as unknown[]).concat(s.Action ?? [])) grants.set(key, (grants.get(key) ?? new Set<string>()).add(String(a)));
        if (g.roles.has(to)) addLink(g, { from, to, what: `IAM ${services}`, description: String(s.Sid ?? ''), kind: 'iam' });
      }
    }
  }
  return grants;
}

/** Adds the AWS facts, rules, grants and zones of `g`'s stack to it. */
export function awsGraph(g: Graph, resources: TfElement[]): Graph {
  const stack = g.stack;
  const ownerOf = new Map<string, string>();
  for (const r of resources) {
    const top = topLevel(stack, r.node);
    if (top) ownerOf.set(r.address, top.node.id);
  }
  const placement = placementOf(stack);
  const network = placement.network;
  addFacts(g, resources, ownerOf, placement);
  addSecurityGroupLinks(g, resources, ownerOf);
  const grants = addIamGrants(g, resources, ownerOf);

  const zoneList = network ? network.availabilityZones.map((z) => `${zoneLetter(z, network.region)} = ${z}`).join(', ') : 'none';
  g.intro.push(
    network
      ? `AWS, region ${network.region}, VPC ${network.vpcCidr}, ${network.availabilityZones.length} availability zones (${zoneList}): every zone has a public, an app and a data subnet.`
      : 'AWS.',
    'Solid arrows are security-group rules (source → destination, protocol/port); dotted arrows are IAM grants (role policy → the resources it names). Zone letters in the boxes are where the resources are placed.',
  );
  g.frame = network ? `VPC ${network.vpcCidr} · ${network.region}` : 'AWS';
  g.outsideTitle = 'Regional services, outside the VPC';
  if (grants.size > 0) {
    g.tables.push(['| IAM grant from | To the resources of | Actions |', '|---|---|---|', ...[...grants.entries()].map(([key, actions]) => `| ${key} | ${[...actions].join(', ')} |`)].join('\n'));
  }
  return g;
}

interface Statement {
  readonly Sid?: unknown;
  readonly Effect?: unknown;
  readonly Action?: unknown;
  readonly Resource?: unknown;
}

function statementsOf(policy: unknown): Statement[] {
  if (typeof policy !== 'string') return [];
  try {
    const doc = JSON.parse(policy) as { Statement?: unknown };
    const list = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
    return list.filter((s): s is Statement => typeof s === 'object' && s !== null);
  } catch {
    return [];
  }
}
