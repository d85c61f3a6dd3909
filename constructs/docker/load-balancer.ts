/**
 * LoadBalancer (Docker): Traefik in front of the app and admin containers, configured only through
 * its file provider with a configuration our code renders (no Docker socket, no dashboard).
 */
import { Construct } from 'constructs';
import { Annotations, Lazy } from '../core/cdktf';
import { Port } from '../core/port';
import type { ILoadBalancer } from '../core/roles';
import { validate } from '../core/validation-error';
import type { DockerCluster } from './docker-cluster';
import type { DockerConnections } from './docker-connections';
import { LoadBalancerSettings, loadBalancerRules, loadBalancerWarnings, targetRules } from './private/load-balancer-rules';
import { ACME_DIR, DYNAMIC_CONFIG_PATH, renderTraefikDynamicConfig, ROUTES_DIR, TraefikRoute, traefikStaticArgs } from './private/traefik-config';
import type { IRenderedWorkload, PublishedPort, WorkloadFile } from './runtime';
import { ContainerResources, DEFAULT_RESOURCES } from './container-resources';
import { Workload } from './workload';

/** `nobody:nogroup`, the user Traefik runs as without ACME. */
const NOBODY = '65534:65534';

/** Default Traefik image. */
export const DEFAULT_TRAEFIK_IMAGE = 'traefik:v3.3.5';

/** Cookie-based session stickiness. */
export interface LoadBalancerStickiness {
  /**
   * Name of the cookie Traefik sets to pin a client to one container of the catch-all target;
   * path targets with several containers use `<cookieName>_<target id>`.
   * @default 'webcluster_lb'
   */
  readonly cookieName?: string;
}

/** What the load balancer forwards to: a workload's hosts, and its network membership. */
export interface ILoadBalancerBackend {
  /** Host names of the copies (containers, or the Swarm service name). */
  readonly backendHosts: readonly string[];
  /** Network membership; the load balancer is granted access through it. */
  readonly connections: DockerConnections;
  /**
   * The rendered workload (a {@link Workload} has it): the routes are written only once its
   * containers are up.
   * @default - no ordering
   */
  readonly rendered?: IRenderedWorkload;
}

/** Options of {@link LoadBalancer.addTarget}. */
export interface LoadBalancerTargetOptions {
  /** The workload receiving the requests (a {@link Workload} listening on the frontend network). */
  readonly workload: ILoadBalancerBackend;
  /** Port the workload's web server listens on in the container. */
  readonly port: number;
  /** HTTP path that answers 2xx/3xx when a container is healthy. */
  readonly healthCheckPath: string;
  /**
   * Path prefixes routed to this target, e.g. `['/admin']`.
   * @default - every path no other target claims (the catch-all route)
   */
  readonly pathPrefixes?: string[];
  /**
   * Router priority (1 to 1000000); higher wins.
   * @default - 1 for the catch-all route, otherwise 100 plus the length of the longest prefix
   */
  readonly priority?: number;
  /**
   * Client address blocks allowed on this route; others get 403. An empty list denies everyone.
   * @default - any client the load balancer admits
   */
  readonly sourceCidrs?: string[];
}

/** A route added with {@link LoadBalancer.addTarget}. */
export interface LoadBalancerTarget {
  /** Router and service name in Traefik's configuration. */
  readonly id: string;
  /** Backend port. */
  readonly port: number;
  /** Router priority in effect. */
  readonly priority: number;
  /** Path prefixes; empty for the catch-all route. */
  readonly pathPrefixes: readonly string[];
  /** Backend server URLs. */
  readonly serverUrls: readonly string[];
}

/** Where Traefik runs on a swarm. */
export interface LoadBalancerSwarmPlacement {
  /**
   * `global`: one Traefik on every node the constraints admit (e.g. every node labelled as an edge
   * node); each answers on its own host ports, so DNS lists all of them. `pinned`: one Traefik on the
   * node the constraints select (label exactly one node); DNS points at that node.
   */
  readonly mode: 'global' | 'pinned';
  /** Placement constraints selecting the edge node(s), e.g. `['node.labels.webcluster.edge == true']`. */
  readonly constraints: string[];
}

/** Properties of a {@link LoadBalancer}. */
export interface LoadBalancerProps {
  /** The cluster; Traefik runs on its frontend network. */
  readonly cluster: DockerCluster;
  /**
   * Traefik image, pinned.
   * @default 'traefik:v3.3.5'
   */
  readonly image?: string;
  /**
   * Host name routes answer to (router rule `Host(...)`); required for HTTPS.
   * @default - any host
   */
  readonly domain?: string;
  /**
   * Host IPv4 address 80 (and 443) are published on. Swarm publishes on every address, so there it
   * must stay 0.0.0.0.
   * @default '0.0.0.0'
   */
  readonly listenAddress?: string;
  /**
   * Host port of plain HTTP (Let's Encrypt's HTTP challenge needs it reachable as port 80).
   * @default 80
   */
  readonly httpPort?: number;
  /**
   * Host port of HTTPS; published only with `acmeEmail`.
   * @default 443
   */
  readonly httpsPort?: number;
  /**
   * Contact for Let's Encrypt; enables HTTPS on 443 with certificates from the HTTP-01 challenge
   * (stored on a protected named volume) and redirects HTTP to HTTPS.
   * @default - plain HTTP only (terminate TLS in front of the host)
   */
  readonly acmeEmail?: string;
  /**
   * Sticky sessions by cookie (standalone runtime only: a Swarm service is reached through one
   * virtual IP, so Traefik cannot pin a client to a replica).
   * @default - none
   */
  readonly stickiness?: LoadBalancerStickiness;
  /**
   * Who may use the site; anything else adds an ipAllowList middleware to every router (clients
   * outside get 403).
   * @default ['0.0.0.0/0']
   */
  readonly ingressCidrs?: string[];
  /**
   * Idle timeout of client connections in seconds (1 to 3600); raise it for WebSockets.
   * @default 60
   */
  readonly idleTimeoutSec?: number;
  /**
   * Swarm: where Traefik runs. Its ports are published in host mode, so only the nodes running it
   * answer and DNS must point at them: `{ mode: 'global', constraints:
   * ['node.labels.webcluster.edge == true'] }` runs one Traefik on every labelled edge node,
   * `{ mode: 'pinned', constraints: [...] }` one Traefik on the node the constraints select.
   * Required on a swarm of several nodes. Ignored on a standalone engine.
   * @default - one Traefik on any node (only on a one-node swarm)
   */
  readonly swarmPlacement?: LoadBalancerSwarmPlacement;
  /**
   * Memory limit, memory reservation and CPUs of the Traefik container.
   * @default { memoryMb: 256, cpus: 1 }
   */
  readonly resources?: ContainerResources;
}

/**
 * One Traefik container (or Swarm service) on the frontend network. Its static configuration is
 * command-line arguments; its routes are a YAML file rendered by {@link addTarget} calls. On a
 * standalone engine a one-shot task `<prefix>-traefik-routes` writes that file onto a volume that
 * Traefik's file provider watches, so adding a route or a backend container reloads Traefik without
 * replacing it (no downtime on a scale-up); on Swarm the file is a Swarm config. No Docker socket
 * is mounted, no API or dashboard is enabled, and only the HTTP port (plus HTTPS with ACME) is
 * published. Every route health-checks its
 * backend containers; `/ping` on the unpublished port 8080 is the container's own health check.
 *
 * On Swarm the ports are published in `host` mode (the routing mesh would hide client addresses
 * from the allow lists and from the app), so only the nodes running Traefik answer: `swarmPlacement`
 * picks them (one Traefik per edge node, or one pinned to a node). Updates stop the old task first,
 * since two tasks cannot bind the same host port.
 *
 * @resource docker_container
 */
export class LoadBalancer extends Construct implements ILoadBalancer {
  /** The Traefik workload. */
  public readonly workload: Workload;
  /**
   * Standalone engines: the one-shot task that writes the routes onto the volume Traefik watches
   * (it re-runs when the routes change; Traefik keeps running). Undefined on Swarm.
   */
  public readonly routesTask?: Workload;
  /** Network membership of Traefik. */
  public readonly connections: DockerConnections;
  /** The domain, or the listen address when no domain is set. @attribute */
  public readonly dnsName: string;
  /** Host address the ports are published on. */
  public readonly listenAddress: string;
  /** Host port of HTTP. */
  public readonly httpPort: number;
  /** Host port of HTTPS (published only when `tlsEnabled`). */
  public readonly httpsPort: number;
  /** Idle timeout of client connections, seconds. */
  public readonly idleTimeoutSec: number;
  /** Whether HTTPS with Let's Encrypt is on. */
  public readonly tlsEnabled: boolean;
  /** Sticky cookie name, when stickiness is on. */
  public readonly stickyCookieName?: string;
  /** Where Traefik runs on a swarm, as given; undefined on a standalone engine (or when not given). */
  public readonly swarmPlacement?: LoadBalancerSwarmPlacement;
  private readonly domain?: string;
  private readonly swarm: boolean;
  private readonly ingressCidrs?: readonly string[];
  private readonly routes: TraefikRoute[] = [];
  private readonly targetList: LoadBalancerTarget[] = [];

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const cluster = props.cluster;
    const swarm = cluster.runtime.mode === 'swarm';
    this.swarm = swarm;
    this.listenAddress = props.listenAddress ?? '0.0.0.0';
    this.httpPort = props.httpPort ?? 80;
    this.httpsPort = props.httpsPort ?? 443;
    this.idleTimeoutSec = props.idleTimeoutSec ?? 60;
    this.tlsEnabled = props.acmeEmail !== undefined;
    this.domain = props.domain;
    const cookieName = props.stickiness ? (props.stickiness.cookieName ?? 'webcluster_lb') : undefined;
    const ingress = props.ingressCidrs ?? ['0.0.0.0/0'];
    const placement = swarm ? props.swarmPlacement : undefined;
    const constraints = placement?.constraints ?? [];
    const nodes = cluster.runtime.nodes;
    const settings: LoadBalancerSettings = {
      domain: props.domain,
      acmeEmail: props.acmeEmail,
      listenAddress: this.listenAddress,
      httpPort: this.httpPort,
      httpsPort: this.httpsPort,
      idleTimeoutSec: this.idleTimeoutSec,
      tlsEnabled: this.tlsEnabled,
      swarm,
      nodes,
      cookieName,
      ingress,
      placement,
    };
    validate(this, loadBalancerRules(settings));
    for (const warning of loadBalancerWarnings(settings)) Annotations.of(this).addWarning(warning);
    this.stickyCookieName = cookieName;
    this.swarmPlacement = placement;
    this.ingressCidrs = ingress.length === 1 && ingress[0] === '0.0.0.0/0' ? undefined : [...ingress];
    this.dnsName = props.domain ?? this.listenAddress;

    // Swarm: host mode, so Traefik sees client addresses (the routing mesh would replace them and
    // defeat the allow lists); `swarmPlacement` picks the node(s) that answer.
    const port = (containerPort: number, hostPort: number): PublishedPort => ({ containerPort, hostPort, hostIp: this.listenAddress, publishMode: 'host' });
    const ports: PublishedPort[] = [port(80, this.httpPort)];
    if (this.tlsEnabled) ports.push(port(443, this.httpsPort));
    const image = props.image ?? DEFAULT_TRAEFIK_IMAGE;
    // Rendered at synth time, after every addTarget() call.
    const routes = { path: DYNAMIC_CONFIG_PATH, content: Lazy.stringValue({ produce: () => this.renderConfig() }) };
    // Standalone: the routes live on a volume that Traefik watches and a one-shot task writes, so a
    // route change (e.g. more app containers) re-runs the task instead of replacing Traefik. Swarm:
    // a Swarm config (immutable; a change rolls the service).
    const routesVolume = swarm ? undefined : cluster.addVolume(this, 'RoutesVolume', 'traefik-routes', false);
    this.routesTask = routesVolume ? this.addRoutesTask(cluster, image, routes, routesVolume) : undefined;
    this.workload = new Workload(this, 'Traefik', {
      cluster,
      name: 'traefik',
      role: 'load-balancer',
      image,
      command: traefikStaticArgs({
        acmeEmail: props.acmeEmail,
        httpsPort: this.httpsPort,
        idleTimeoutSec: this.idleTimeoutSec,
        routes: routesVolume ? { directory: ROUTES_DIR } : { file: DYNAMIC_CONFIG_PATH },
        connectionPerRequest: cluster.runtime.backendAddressing === 'dns-round-robin',
      }),
      listenNetwork: cluster.frontend,
      defaultPort: Port.tcp(80),
      ports,
      files: swarm ? [routes] : [],
      volumes: [
        ...(routesVolume ? [{ volumeName: routesVolume, containerPath: ROUTES_DIR, readOnly: true }] : []),
        ...(this.tlsEnabled ? [{ volumeName: cluster.addVolume(this, 'AcmeVolume', 'traefik-acme', true), containerPath: ACME_DIR }] : []),
      ],
      healthcheck: { test: ['CMD', 'traefik', 'healthcheck', '--ping'], intervalSec: 10, timeoutSec: 5, retries: 3, startPeriodSec: 10 },
      placement: constraints,
      global: placement?.mode === 'global',
      resources: props.resources ?? DEFAULT_RESOURCES.loadBalancer,
      // Unprivileged, on a read-only root filesystem (the engine lets containers bind ports below
      // 1024 without root). With ACME, Traefik keeps root: it writes acme.json onto a new named
      // volume, which the engine creates owned by root.
      security: { user: this.tlsEnabled ? undefined : NOBODY, readOnlyRootfs: true },
      // Host ports (and the ACME volume) allow one copy at a time: Swarm updates stop the old task first.
      stateful: swarm || this.tlsEnabled,
      // The first routes are on the volume before Traefik starts.
      dependsOn: this.routesTask ? [this.routesTask] : [],
    });
    this.connections = this.workload.connections;

    this.node.addValidation({
      validate: () =>
        this.routes.length === 0 ? [`${this.node.path}: no target; fix: call addTarget() (AppServerGroup and AdminServer do) or remove the load balancer`] : [],
    });
  }

  /** The one-shot task that writes the routes onto the volume Traefik watches (standalone engines). */
  private addRoutesTask(cluster: DockerCluster, image: string, routes: WorkloadFile, routesVolume: string): Workload {
    return new Workload(this, 'Routes', {
      cluster,
      name: 'traefik-routes',
      role: 'load-balancer-routes',
      image,
      // Written to a temporary name and renamed, so Traefik never reads half a file.
      entrypoint: ['/bin/sh', '-c'],
      command: [`set -eu; cp ${DYNAMIC_CONFIG_PATH} ${ROUTES_DIR}/.routes.yml.tmp; mv ${ROUTES_DIR}/.routes.yml.tmp ${ROUTES_DIR}/routes.yml`],
      files: [routes],
      volumes: [{ volumeName: routesVolume, containerPath: ROUTES_DIR }],
      resources: DEFAULT_RESOURCES.task,
      oneShot: true,
    });
  }

  /** The routes added so far. */
  public get targets(): readonly LoadBalancerTarget[] {
    return this.targetList;
  }

  /**
   * Routes requests to a workload: a router (path prefixes, or every other path; priority; allow
   * lists) and a service listing one `http://<host>:<port>` server per container, health-checked
   * every 10 seconds and, when stickiness is on and there are several containers, sticky. Grants the
   * load balancer access to the workload's network.
   */
  public addTarget(id: string, options: LoadBalancerTargetOptions): LoadBalancerTarget {
    const prefixes = options.pathPrefixes ?? [];
    const catchAll = options.pathPrefixes === undefined;
    const priority = options.priority ?? (catchAll ? 1 : 100 + Math.max(...prefixes.map((p) => p.length)));
    const sources = options.sourceCidrs;
    const hosts = options.workload.backendHosts;
    validate(
      this,
      targetRules(
        {
          id,
          prefixes,
          catchAll,
          priority,
          sources,
          hosts,
          port: options.port,
          healthCheckPath: options.healthCheckPath,
          explicitPriority: options.priority,
          listens: options.workload.connections.listenNetwork !== undefined,
        },
        this.routes,
        this.swarm,
      ),
    );
    options.workload.connections.allowFrom(this, Port.tcp(options.port), `HTTP from the load balancer (${id})`);
    const rendered = options.workload.rendered;
    if (this.routesTask && rendered) this.routesTask.addDependency({ rendered });
    const route: TraefikRoute = {
      name: id,
      serverUrls: hosts.map((h) => `http://${h}:${options.port}`),
      healthCheckPath: options.healthCheckPath,
      pathPrefixes: [...prefixes],
      priority,
      sourceCidrs: sources === undefined ? undefined : [...sources],
    };
    this.routes.push(route);
    const target: LoadBalancerTarget = { id, port: options.port, priority, pathPrefixes: route.pathPrefixes, serverUrls: route.serverUrls };
    this.targetList.push(target);
    return target;
  }

  /** Traefik's dynamic configuration (YAML) with the targets added so far. */
  public renderConfig(): string {
    return renderTraefikDynamicConfig({
      owner: this.node.path,
      domain: this.domain,
      tls: this.tlsEnabled,
      ingressCidrs: this.ingressCidrs,
      stickyCookieName: this.stickyCookieName,
      routes: this.routes,
    });
  }
}
