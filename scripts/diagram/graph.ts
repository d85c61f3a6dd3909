/**
 * The graph of one stack (scripts/diagram.ts): its roles, read from the construct tree, and the access
 * rules the AWS or Docker reader finds between them.
 */
import type { IConstruct } from 'constructs';
import { TerraformResource, TerraformStack } from '../../constructs/core/cdktf';
import { resourceOf, type TfElement } from '../../policies/private/terraform';
import { awsGraph } from './aws';
import { dockerGraph, isWorkload } from './docker';
import { has, type Graph, type RoleNode, type TierId } from './model';

/** The tier a role contract puts a construct in; undefined when it implements none. */
function contractTier(c: IConstruct): TierId | undefined {
  if (has(c, 'dnsName') || has(c, 'purgeHosts')) return 'lb';
  if (has(c, 'groupName')) return 'app';
  if (has(c, 'serverId')) return 'admin';
  if (has(c, 'writerEndpoint') || has(c, 'dataClasses') || has(c, 'buckets') || has(c, 'replicaSetName')) return 'data';
  // Log shipping and backups (DataBackup's schedule).
  if (has(c, 'sinkName') || has(c, 'intervalHours')) return 'ops';
  return undefined;
}

function resourcesOf(scope: IConstruct): TfElement[] {
  return scope.node
    .findAll()
    .map((c) => resourceOf(c))
    .filter((r): r is TfElement => r !== undefined);
}

/** The roles of `stack` and the rules between them. */
export function graphOf(stack: TerraformStack): Graph {
  const roles = new Map<string, RoleNode>();
  for (const c of stack.node.children) {
    const tier = contractTier(c);
    const participates = c.node.findAll().some((d) => isWorkload(d) || (TerraformResource.isTerraformResource(d) && d.terraformResourceType === 'aws_security_group'));
    if (tier === undefined && !participates) continue;
    roles.set(c.node.id, { id: c.node.id, construct: c, tier: tier ?? 'data', className: c.constructor.name, facts: [], outside: false, place: '' });
  }
  const resources = resourcesOf(stack);
  const graph: Graph = { stack, roles, externals: new Map(), links: [], intro: [], frame: '', outsideTitle: '', tables: [] };
  const isAws = resources.some((r) => r.type.startsWith('aws_'));
  const isDocker = resources.some((r) => r.type.startsWith('docker_'));
  const result = isAws ? awsGraph(graph, resources) : isDocker ? dockerGraph(graph, resources) : graph;
  if (result.frame === '') result.frame = `Stack ${stack.node.id}`;
  // Roles that implement no contract: data when they are only ever servers, else app.
  for (const role of roles.values()) {
    if (contractTier(role.construct) === undefined && result.links.some((l) => l.kind === 'network' && l.from === role.id && roles.has(l.to))) role.tier = 'app';
  }
  return result;
}
