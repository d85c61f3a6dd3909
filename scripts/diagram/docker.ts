/**
 * The Docker reader of the architecture diagrams (scripts/diagram.ts): workloads and their networks, the
 * rules recorded by the connections model, the load balancer's routes and the published ports.
 */
import type { IConstruct } from 'constructs';
import { TerraformStack, Tokenization } from '../../constructs/core/cdktf';
import type { TfElement } from '../../policies/private/terraform';
import { addLink, addressesIn, external, has, portText, RESOLVER, topLevel, type Graph } from './model';

export function isWorkload(c: IConstruct): c is IConstruct & { workloadName: string; replicas: number; connections: DockerConnectionsLike } {
  const w = c as unknown as Record<string, unknown>;
  return typeof w.workloadName === 'string' && typeof w.replicas === 'number' && has(c, 'connections');
}

interface DockerNetworkLike {
  readonly networkName: string;
  readonly internal: boolean;
}

interface DockerConnectionsLike {
  readonly rules: readonly { from: string; to: string; port: { toString(): string }; description: string }[];
  readonly networks: readonly DockerNetworkLike[];
}

function dockerConnectionsOf(c: IConstruct): DockerConnectionsLike | undefined {
  if (!has(c, 'connections')) return undefined;
  const conn = (c as unknown as { connections: unknown }).connections as Partial<DockerConnectionsLike>;
  return Array.isArray(conn.rules) && Array.isArray(conn.networks) ? (conn as DockerConnectionsLike) : undefined;
}

/** Top-level id of a construct path (`<stack>/<Role>/...`). */
function roleOfPath(stack: TerraformStack, p: string): string | undefined {
  const parts = p.split('/');
  const i = parts.indexOf(stack.node.id);
  return i >= 0 && i + 1 < parts.length ? parts[i + 1] : undefined;
}

/** `tcp-443` (Port.toString) → `tcp/443`. */
function portOf(port: { toString(): string }): string {
  const [protocol, from, to] = port.toString().split('-');
  return portText(protocol, from, to ?? from);
}

/** Adds the Docker facts, rules and networks of `g`'s stack to it. */
export function dockerGraph(g: Graph, resources: TfElement[]): Graph {
  const stack = g.stack;
  const prefix = `${stack.node.id}-`;
  const short = (name: string): string => (name.startsWith(prefix) ? name.slice(prefix.length) : name);
  const workloads = stack.node.findAll().filter(isWorkload);
  // Network names are references to docker_network resources until synthesis: read the resource's name.
  const networkName = (n: DockerNetworkLike): string => {
    const resolved = Tokenization.resolve(n.networkName, { scope: stack, resolver: RESOLVER }) as unknown;
    const address = addressesIn(resolved)[0];
    const named = address ? resources.find((r) => r.address === address)?.attrs.name : resolved;
    return short(typeof named === 'string' ? named : String(resolved));
  };
  const networkMembers = new Map<string, { internal: boolean; roles: Set<string> }>();

  for (const role of g.roles.values()) {
    const own = workloads.filter((w) => topLevel(stack, w) === role.construct);
    if (own.length > 0) role.facts.push(own.map((w) => `${short(w.workloadName)}${w.replicas > 1 ? ` ×${w.replicas}` : ''}`).join(' · '));
    const nets = new Map<string, boolean>();
    for (const w of own) for (const n of w.connections.networks) nets.set(networkName(n), n.internal);
    role.place = nets.size > 0 ? `networks ${[...nets.keys()].sort().join(', ')}` : 'no network';
    if (nets.size > 0) role.facts.push(role.place);
    for (const [name, internal] of nets) {
      const entry = networkMembers.get(name) ?? { internal, roles: new Set<string>() };
      entry.roles.add(role.id);
      networkMembers.set(name, entry);
    }
  }

  // Rules recorded by the connections model (one DockerConnections may be shared by a group).
  const seen = new Set<DockerConnectionsLike>();
  for (const c of stack.node.findAll()) {
    const conn = dockerConnectionsOf(c);
    if (!conn || seen.has(conn)) continue;
    seen.add(conn);
    for (const rule of conn.rules) {
      const from = roleOfPath(stack, rule.from);
      const to = roleOfPath(stack, rule.to);
      if (from && to && g.roles.has(from) && g.roles.has(to)) addLink(g, { from, to, what: portOf(rule.port), description: rule.description, kind: 'network' });
    }
  }

  // Load balancer routes: server URLs → the workload listing that host.
  for (const role of g.roles.values()) {
    const targets = (role.construct as unknown as { targets?: unknown }).targets;
    if (!Array.isArray(targets)) continue;
    for (const t of targets as { id?: string; port?: number; pathPrefixes?: string[]; serverUrls?: string[] }[]) {
      for (const url of t.serverUrls ?? []) {
        const host = /^[a-z]+:\/\/([^:/]+)/.exec(url)?.[1];
        const target = workloads.find((w) => ((w as unknown as { backendHosts?: string[] }).backendHosts ?? []).includes(host ?? ''));
        const to = target && topLevel(stack, target)?.node.id;
        if (to && g.roles.has(to)) {
          const route = t.pathPrefixes && t.pathPrefixes.length > 0 ? t.pathPrefixes.join(', ') : 'every other path';
          addLink(g, { from: role.id, to, what: `tcp/${t.port}`, description: `route ${t.id}: ${route}`, kind: 'network' });
        }
      }
    }
  }

  // Published ports.
  for (const r of resources) {
    const role = topLevel(stack, r.node)?.node.id;
    if (!role || !g.roles.has(role)) continue;
    const ports =
      r.type === 'docker_container'
        ? blocksOf(r.attrs.ports).map((p) => ({ host: typeof p.ip === 'string' && p.ip !== '' ? p.ip : '0.0.0.0', published: p.external ?? p.internal, target: p.internal, protocol: p.protocol }))
        : r.type === 'docker_service'
          ? blocksOf(blocksOf(r.attrs.endpoint_spec)[0]?.ports).map((p) => ({ host: '0.0.0.0', published: p.published_port, target: p.target_port, protocol: p.protocol }))
          : [];
    for (const p of ports) {
      const source = p.host === '127.0.0.1' ? external(g, 'in', 'localhost', 'this host 127.0.0.1') : external(g, 'in', p.host === '0.0.0.0' ? '0.0.0.0/0' : p.host, p.host === '0.0.0.0' ? 'Clients (published on every address)' : p.host);
      addLink(g, { from: source, to: role, what: portText(p.protocol ?? 'tcp', p.published, p.published), description: `published port ${String(p.published)} → ${String(p.target)}`, kind: 'network' });
    }
  }

  const mode = stack.node
    .findAll()
    .map((c) => (c as unknown as { runtime?: { mode?: unknown } }).runtime?.mode)
    .find((m): m is string => typeof m === 'string');
  const engine = mode === 'swarm' ? 'Docker Swarm (services)' : 'Docker engine (containers)';
  g.intro.push(
    `${engine}. Access is network membership: a client joins the network its server listens on; Docker networks do not filter ports, the port is the one the client uses. Internal networks have no route out of the ${mode === 'swarm' ? 'swarm' : 'engine'}.`,
    'Arrows are the rules recorded by `connections` (client → server), the load balancer routes and the published ports.',
  );
  g.frame = engine;
  g.tables.push(
    [
      '| Network | Internal | Members |',
      '|---|---|---|',
      ...[...networkMembers.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, n]) => `| ${name} | ${n.internal ? 'yes' : 'no'} | ${[...n.roles].join(', ')} |`),
    ].join('\n'),
  );
  return g;
}

function blocksOf(value: unknown): Record<string, unknown>[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.filter((b): b is Record<string, unknown> => typeof b === 'object' && b !== null && !Array.isArray(b));
}
