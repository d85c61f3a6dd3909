/**
 * The validation rules of the Docker LoadBalancer: its props (addresses, ports, ACME, stickiness,
 * ingress, swarm placement) and each target added with `addTarget`.
 */
import { isIpv4Cidr } from '../../core/cidr';
import { Token } from '../../core/cdktf';
import type { ValidationRule } from '../../core/validation-error';
import { constraintList, malformedConstraints, pinsToChosenNodes } from '../swarm-placement';
import type { TraefikRoute } from './traefik-config';

/** The load balancer's props with their defaults applied, as the rules read them. */
export interface LoadBalancerSettings {
  /** Host name routes answer to, as given. */
  readonly domain?: string;
  /** Let's Encrypt contact, as given. */
  readonly acmeEmail?: string;
  /** Host address the ports are published on. */
  readonly listenAddress: string;
  /** Host port of HTTP. */
  readonly httpPort: number;
  /** Host port of HTTPS. */
  readonly httpsPort: number;
  /** Idle timeout of client connections, seconds. */
  readonly idleTimeoutSec: number;
  /** Whether HTTPS with Let's Encrypt is on. */
  readonly tlsEnabled: boolean;
  /** Whether the runtime is a swarm. */
  readonly swarm: boolean;
  /** Nodes of the runtime. */
  readonly nodes: number;
  /** Sticky cookie name, when stickiness is on. */
  readonly cookieName?: string;
  /** Client address blocks admitted. */
  readonly ingress: readonly string[];
  /** Swarm placement (undefined on a standalone engine or when not given). */
  readonly placement?: { readonly mode: string; readonly constraints: readonly string[] };
}

/** The rules of the load balancer's props, in priority order. */
export function loadBalancerRules(s: LoadBalancerSettings): ValidationRule[] {
  const { swarm, nodes, cookieName, ingress, placement } = s;
  const badCidr = ingress.find((c) => !isIpv4Cidr(c));
  const constraints = placement?.constraints ?? [];
  return [
    {
      failed: s.domain !== undefined && !isHostName(s.domain),
      message: () => `domain: got '${s.domain}'; allowed: a lowercase DNS host name; fix: use e.g. 'shop.example.com'`,
    },
    {
      failed: !isIpv4Address(s.listenAddress),
      message: () => `listenAddress: got '${s.listenAddress}'; allowed: an IPv4 address of the host; fix: use '0.0.0.0' (all addresses) or '127.0.0.1' (this host only)`,
    },
    {
      failed: swarm && s.listenAddress !== '0.0.0.0',
      message: () =>
        `listenAddress: got '${s.listenAddress}' on a swarm runtime; allowed: '0.0.0.0' (Swarm publishes a port on every address of the node); fix: remove listenAddress or use mode standalone`,
    },
    {
      failed: !isPort(s.httpPort),
      message: () => `httpPort: got ${s.httpPort}; allowed: 1 to 65535; fix: use 80 or a free port of the host`,
    },
    {
      failed: !isPort(s.httpsPort),
      message: () => `httpsPort: got ${s.httpsPort}; allowed: 1 to 65535; fix: use 443 or a free port of the host`,
    },
    {
      failed: s.tlsEnabled && s.httpsPort === s.httpPort,
      message: () => `httpsPort: got ${s.httpsPort}, the same as httpPort; allowed: two different host ports; fix: use 80 and 443`,
    },
    {
      failed: s.acmeEmail !== undefined && !/^[^\s@"'`$]+@[^\s@"'`$]+\.[^\s@"'`$]+$/.test(s.acmeEmail),
      message: () => `acmeEmail: got '${s.acmeEmail}'; allowed: an e-mail address; fix: set the contact Let's Encrypt writes to`,
    },
    {
      failed: s.tlsEnabled && s.domain === undefined,
      message: () => `acmeEmail: got '${s.acmeEmail}' without a domain; allowed: HTTPS only for a named host (Let's Encrypt certifies host names); fix: set domain`,
    },
    {
      failed: cookieName !== undefined && !/^[A-Za-z0-9_.-]{1,128}$/.test(cookieName),
      message: () => `stickiness.cookieName: got '${cookieName}'; allowed: 1-128 letters, digits, '_', '.', '-'; fix: use e.g. 'webcluster_lb'`,
    },
    {
      failed: cookieName !== undefined && swarm,
      message: () =>
        `stickiness: got a sticky cookie on a swarm runtime; allowed: stickiness on standalone only (Swarm publishes a service through one virtual IP, so Traefik cannot pin a client to a replica); fix: use mode standalone or turn stickiness off`,
    },
    {
      failed: ingress.length === 0,
      message: () => `ingressCidrs: got []; allowed: one or more IPv4 CIDR blocks; fix: list who may reach the site, e.g. 0.0.0.0/0`,
    },
    {
      failed: badCidr !== undefined,
      message: () => `ingressCidrs: got '${badCidr}'; allowed: IPv4 CIDR blocks with zero host bits; fix: write it like 203.0.113.0/24`,
    },
    {
      failed: !Number.isInteger(s.idleTimeoutSec) || s.idleTimeoutSec < 1 || s.idleTimeoutSec > 3600,
      message: () => `idleTimeoutSec: got ${s.idleTimeoutSec}; allowed: 1 to 3600; fix: pick a value in range (WebSockets: 3600)`,
    },
    {
      failed: placement !== undefined && placement.mode !== 'global' && placement.mode !== 'pinned',
      message: () => `swarmPlacement.mode: got '${placement?.mode}'; allowed: 'global' or 'pinned'; fix: use 'global' (a Traefik on every edge node) or 'pinned' (one Traefik)`,
    },
    {
      failed: malformedConstraints(constraints).length > 0,
      message: () =>
        `swarmPlacement.constraints: got ${constraintList(malformedConstraints(constraints))}; allowed: Swarm constraints '<attribute> == <value>' or '<attribute> != <value>'; fix: use e.g. 'node.labels.webcluster.edge == true'`,
    },
    {
      failed: swarm && nodes > 1 && constraints.length === 0,
      message: () =>
        `${placement ? 'swarmPlacement.constraints: got []' : 'swarmPlacement: got nothing'} on a swarm of ${nodes} nodes; allowed: constraints that select the edge node(s) (Traefik publishes its ports in host mode: only the nodes running it answer, and DNS must point at them); fix: label the edge nodes (docker node update --label-add webcluster.edge=true <node>) and use { mode: 'global', constraints: ['node.labels.webcluster.edge == true'] }`,
    },
    {
      failed: placement?.mode === 'pinned' && nodes > 1 && constraints.length > 0 && !pinsToChosenNodes(constraints),
      message: () =>
        `swarmPlacement.constraints: got ${constraintList(constraints)} with mode pinned on a swarm of ${nodes} nodes; allowed: a constraint that selects the one edge node (node.labels.<key> ==, node.hostname == or node.id ==), or Traefik moves to a node DNS does not point at; fix: label the edge node (docker node update --label-add webcluster.edge=true <node>) and use ['node.labels.webcluster.edge == true']`,
    },
  ];
}

/** One target being added, with its defaults applied. */
export interface TargetSettings {
  /** Router and service name. */
  readonly id: string;
  /** Backend port. */
  readonly port: number;
  /** Health check path. */
  readonly healthCheckPath: string;
  /** Path prefixes; empty for the catch-all route. */
  readonly prefixes: readonly string[];
  /** Whether no prefixes were given (the catch-all route). */
  readonly catchAll: boolean;
  /** Router priority in effect. */
  readonly priority: number;
  /** The priority as given, if any. */
  readonly explicitPriority?: number;
  /** Client address blocks allowed on the route, as given. */
  readonly sources?: readonly string[];
  /** Backend host names. */
  readonly hosts: readonly string[];
  /** Whether the workload listens on a network. */
  readonly listens: boolean;
}

/** The rules of one target, checked against the routes added before it, in priority order. */
export function targetRules(t: TargetSettings, routes: readonly TraefikRoute[], swarm: boolean): ValidationRule[] {
  const { id, prefixes, catchAll, priority, sources, hosts } = t;
  const where = `addTarget('${id}')`;
  const badPrefix = prefixes.find((p) => !isUrlPath(p));
  const takenPrefix = prefixes.find((p) => routes.some((r) => r.pathPrefixes.includes(p)));
  const badSource = (sources ?? []).find((c) => !isIpv4Cidr(c));
  const samePriority = routes.find((r) => r.priority === priority);
  return [
    {
      failed: !/^[a-z][a-z0-9-]{0,40}$/.test(id),
      message: () => `${where}: id got '${id}'; allowed: lowercase letters, digits and '-', starting with a letter; fix: use e.g. 'app' or 'admin'`,
    },
    {
      failed: routes.some((r) => r.name === id),
      message: () => `${where}: id got '${id}', which is already a target; allowed: one target per id; fix: pick another id`,
    },
    {
      failed: !isPort(t.port),
      message: () => `${where}.port: got ${t.port}; allowed: 1 to 65535; fix: use the port the container's web server listens on`,
    },
    {
      failed: !isUrlPath(t.healthCheckPath),
      message: () => `${where}.healthCheckPath: got '${t.healthCheckPath}'; allowed: an absolute path of letters, digits and . _ ~ % / -; fix: start it with '/', e.g. '/health'`,
    },
    {
      failed: !catchAll && prefixes.length === 0,
      message: () => `${where}.pathPrefixes: got []; allowed: one or more prefixes, or none given for the catch-all route; fix: list the paths or leave pathPrefixes out`,
    },
    {
      failed: badPrefix !== undefined,
      message: () => `${where}.pathPrefixes: got '${badPrefix}'; allowed: absolute paths starting with '/' (letters, digits and . _ ~ % / -); fix: write it like '/admin'`,
    },
    {
      failed: takenPrefix !== undefined,
      message: () => `${where}.pathPrefixes: got '${takenPrefix}', which another target already routes; allowed: each prefix once; fix: remove it from one target`,
    },
    {
      failed: catchAll && routes.some((r) => r.pathPrefixes.length === 0),
      message: () =>
        `${where}.pathPrefixes: got none (the catch-all route), but target '${routes.find((r) => r.pathPrefixes.length === 0)?.name}' already takes every other path; allowed: one catch-all target; fix: give this target pathPrefixes`,
    },
    {
      failed: !Number.isInteger(priority) || priority < 1 || priority > 1000000,
      message: () => `${where}.priority: got ${priority}; allowed: an integer 1 to 1000000; fix: pick a value in range`,
    },
    {
      failed: t.explicitPriority !== undefined && samePriority !== undefined,
      message: () => `${where}.priority: got ${priority}, which target '${samePriority?.name}' already uses; allowed: a priority no other target has; fix: pick another priority`,
    },
    {
      failed: badSource !== undefined,
      message: () => `${where}.sourceCidrs: got '${badSource}'; allowed: IPv4 CIDR blocks with zero host bits; fix: write it like 203.0.113.0/24`,
    },
    {
      failed: hosts.length === 0,
      message: () => `${where}.workload: got a workload without backend hosts; allowed: a long-running workload (not a one-shot task); fix: pass the app or admin workload`,
    },
    {
      // The Swarm config's data is encoded here, where Terraform references cannot be resolved.
      failed: swarm && hosts.some((h) => Token.isUnresolved(h)),
      message: () => `${where}.workload: got backend hosts only known at apply time on a swarm runtime; allowed: service names known at synth time; fix: pass a Workload`,
    },
    {
      failed: !t.listens,
      message: () => `${where}.workload: got a workload that listens on no network; allowed: a workload with a listen network; fix: give it listenNetwork: cluster.frontend`,
    },
  ];
}

/** Warnings about settings that work but need something outside the stack. */
export function loadBalancerWarnings(s: LoadBalancerSettings): string[] {
  const warnings: string[] = [];
  if (s.tlsEnabled && s.placement?.mode === 'global' && s.nodes > 1) {
    warnings.push(
      `acmeEmail with swarmPlacement mode global: every edge node's Traefik asks Let's Encrypt for its own certificate, and a challenge may reach another edge node, which does not know it; label one edge node, use mode pinned, or terminate TLS in front of the edge nodes`,
    );
  }
  if (s.tlsEnabled && s.httpPort !== 80) {
    warnings.push(
      `httpPort ${s.httpPort} with acmeEmail: Let's Encrypt's HTTP challenge connects to port 80; forward port 80 of the public address to ${s.httpPort}`,
    );
  }
  return warnings;
}

function isPort(p: number): boolean {
  return Number.isInteger(p) && p >= 1 && p <= 65535;
}

function isIpv4Address(a: string): boolean {
  return /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(a);
}

function isHostName(h: string): boolean {
  return h.length <= 253 && /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(h);
}

/** An absolute URL path safe inside a Traefik rule and a Terraform string (no backticks, no `${`). */
function isUrlPath(p: string): boolean {
  return /^\/[A-Za-z0-9._~%/-]*$/.test(p);
}
