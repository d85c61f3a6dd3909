/**
 * WC-AWS-007: nothing is open to the whole internet except HTTP/HTTPS on the load balancer.
 */
import type { IConstruct } from 'constructs';
import { ingressOf, isLoadBalancerGroup, type IngressEntry } from '../private/ingress';
import type { Compliance, PolicyRule } from '../rule';

/** Ports the load balancer may open to everyone. */
const PUBLIC_WEB_PORTS = [80, 443];

function allowedWorldOpen(node: IConstruct, e: IngressEntry): boolean {
  const webPort =
    !e.allProtocols && (e.protocol === 'tcp' || e.protocol === '6') && e.fromPort !== undefined && e.fromPort === e.toPort && PUBLIC_WEB_PORTS.includes(e.fromPort);
  return webPort && isLoadBalancerGroup(node, e.securityGroup);
}

function check(node: IConstruct): Compliance {
  const entries = ingressOf(node);
  if (entries === undefined || entries.length === 0) return 'not-applicable';
  return entries.every((e) => !e.worldOpen || allowedWorldOpen(node, e)) ? 'compliant' : 'non-compliant';
}

/** World-open ingress (0.0.0.0/0, ::/0) only for tcp/80 and tcp/443 on a load balancer's security group. */
export const NoWorldOpenIngress: PolicyRule = {
  id: 'WC-AWS-007',
  name: 'NoWorldOpenIngress',
  level: 'error',
  info: 'The security group admits 0.0.0.0/0 or ::/0 on something other than tcp/80 or tcp/443 of a load balancer.',
  explanation:
    'Only the load balancer faces the internet; app hosts, admin host, caches, databases and file systems are reached from ' +
    'security groups inside the VPC. Any other world-open rule exposes a service to scanners and credential stuffing. ' +
    'Connect constructs with connections.allowFrom(otherConstruct, port) or restrict the source to known address blocks.',
  check,
};
