/**
 * Ingress permissions of security groups, from every way Terraform can express them: standalone
 * `aws_vpc_security_group_ingress_rule`, legacy `aws_security_group_rule`, and inline `ingress` blocks.
 */
import type { IConstruct } from 'constructs';
import { blocks, numberOf, referenced, refersTo, resourceOf, resourcesOfType, stringsOf, type TfElement } from './terraform';

/** Address blocks that mean "anyone on the internet". */
const WORLD = new Set(['0.0.0.0/0', '::/0']);

/** One ingress permission. */
export interface IngressEntry {
  /** Whether the source is 0.0.0.0/0 or ::/0. */
  readonly worldOpen: boolean;
  /** Whether every protocol (and so every port) is allowed. */
  readonly allProtocols: boolean;
  /** Protocol name or number as written (`tcp`, `6`, `-1`, ...). */
  readonly protocol: string;
  /** First port; undefined when not given or not a number. */
  readonly fromPort?: number;
  /** Last port; undefined when not given or not a number. */
  readonly toPort?: number;
  /** The security group the permission belongs to: a resource of this stack, or the raw id/reference. */
  readonly securityGroup: TfElement | string | undefined;
}

const INGRESS_TYPES = ['aws_vpc_security_group_ingress_rule', 'aws_security_group_rule', 'aws_security_group', 'aws_default_security_group'];

/** The ingress permissions `node` defines, or undefined when it defines none (not a security group resource). */
export function ingressOf(node: IConstruct): IngressEntry[] | undefined {
  const r = resourceOf(node, ...INGRESS_TYPES);
  if (!r) return undefined;
  const group = (value: unknown): TfElement | string | undefined =>
    referenced(node, value, 'aws_security_group') ?? (typeof value === 'string' ? value : undefined);
  const entry = (cidrs: string[], protocol: unknown, from: unknown, to: unknown, sg: TfElement | string | undefined): IngressEntry => {
    const p = String(protocol ?? '-1').toLowerCase();
    return {
      worldOpen: cidrs.some((c) => WORLD.has(c)),
      allProtocols: p === '-1' || p === 'all',
      protocol: p,
      fromPort: numberOf(from),
      toPort: numberOf(to),
      securityGroup: sg,
    };
  };
  switch (r.type) {
    case 'aws_vpc_security_group_ingress_rule':
      return [entry(stringsOf(r.attrs.cidr_ipv4).concat(stringsOf(r.attrs.cidr_ipv6)), r.attrs.ip_protocol, r.attrs.from_port, r.attrs.to_port, group(r.attrs.security_group_id))];
    case 'aws_security_group_rule':
      if (r.attrs.type !== 'ingress') return [];
      return [
        entry(stringsOf(r.attrs.cidr_blocks).concat(stringsOf(r.attrs.ipv6_cidr_blocks)), r.attrs.protocol, r.attrs.from_port, r.attrs.to_port, group(r.attrs.security_group_id)),
      ];
    default:
      return blocks(r.attrs.ingress).map((i) =>
        entry(stringsOf(i.cidr_blocks).concat(stringsOf(i.ipv6_cidr_blocks)), i.protocol, i.from_port, i.to_port, r),
      );
  }
}

/** Whether the entry allows TCP traffic to `port`. */
export function coversPort(e: IngressEntry, port: number): boolean {
  if (e.allProtocols) return true;
  if (e.protocol !== 'tcp' && e.protocol !== '6') return false;
  if (e.fromPort === undefined || e.toPort === undefined) return false;
  return e.fromPort <= port && port <= e.toPort;
}

/** Whether the security group is attached to a load balancer (`aws_lb`/`aws_alb`) of this stack. */
export function isLoadBalancerGroup(scope: IConstruct, sg: TfElement | string | undefined): boolean {
  if (sg === undefined) return false;
  return ['aws_lb', 'aws_alb'].some((type) =>
    resourcesOfType(scope, type).some((lb) =>
      stringsOf(lb.attrs.security_groups).some((ref) => (typeof sg === 'string' ? ref === sg : refersTo(ref, sg))),
    ),
  );
}
