/**
 * AdminServer (Docker): the admin container behind the load balancer's `/admin` route, and the
 * place one-shot setup/migration tasks can run from.
 */
import { Construct } from 'constructs';
import { isIpv4Cidr } from '../core/cidr';
import { Port } from '../core/port';
import type { IAdminServer } from '../core/roles';
import { validate } from '../core/validation-error';
import { httpCheckRules, httpHealthcheck } from './app-server-group';
import { ContainerResources, DEFAULT_RESOURCES, resourceRules } from './container-resources';
import type { DockerCluster } from './docker-cluster';
import type { DockerConnections } from './docker-connections';
import type { LoadBalancer, LoadBalancerTarget } from './load-balancer';
import { CompositeConnections } from './private/composite-connections';
import type { WorkloadHealthcheck, WorkloadSecret, WorkloadVolume } from './runtime';
import { Workload } from './workload';

/** Properties of an {@link AdminServer}. */
export interface AdminServerProps {
  /** The cluster; the admin container listens on its frontend network. */
  readonly cluster: DockerCluster;
  /** Load balancer; the admin container becomes its target for `pathPrefixes`. */
  readonly loadBalancer: LoadBalancer;
  /** Port the app's web server listens on in the container. */
  readonly port: number;
  /** HTTP path that answers 2xx when the container is healthy. */
  readonly healthCheckPath: string;
  /** Image (the app image), pinned by tag or digest. */
  readonly image: string;
  /**
   * Name within the cluster (`<prefix>-<name>`); also the load balancer target id.
   * @default 'admin'
   */
  readonly name?: string;
  /**
   * Path prefixes routed to the admin container.
   * @default ['/admin']
   */
  readonly pathPrefixes?: string[];
  /**
   * Client address blocks allowed on the admin paths; others get 403 (they do not fall through to
   * the app). An empty list denies everyone (use `docker exec` instead).
   * @default - any client the load balancer admits
   */
  readonly adminCidrs?: string[];
  /**
   * Router priority of the admin route (1 to 1000000).
   * @default - 100 plus the length of the longest prefix
   */
  readonly priority?: number;
  /**
   * Command of the admin container.
   * @default - the image's command
   */
  readonly command?: string[];
  /**
   * One-shot, idempotent setup/migration command run as a task before the admin container starts
   * (use it here instead of the app group's `initCommand`, not both).
   * @default - no init task
   */
  readonly initCommand?: string[];
  /**
   * Plain environment; never secrets.
   * @default {}
   */
  readonly environment?: Record<string, string>;
  /**
   * Secret environment.
   * @default {}
   */
  readonly secrets?: Record<string, WorkloadSecret>;
  /**
   * Health check of the admin container.
   * @default - GET healthCheckPath on 127.0.0.1:port with wget or curl every 10 s (timeout 5 s, 3 retries, 60 s start period)
   */
  readonly healthcheck?: WorkloadHealthcheck;
  /**
   * Workloads the admin container (and its init task) wait for: data stores, the app group's init tasks.
   * @default []
   */
  readonly dependsOn?: Workload[];
  /**
   * Named volumes.
   * @default []
   */
  readonly volumes?: WorkloadVolume[];
  /**
   * Memory limit, memory reservation and CPUs of the admin container (and its init task).
   * @default { memoryMb: 768, cpus: 0.5 }
   */
  readonly resources?: ContainerResources;
}

/**
 * One admin container (one Swarm replica) of the app image behind the `/admin` route, optionally
 * restricted to admin networks, with an optional one-shot init task it starts after. Operators run
 * console commands in it (`docker exec -it <serverId> sh` on a standalone engine).
 *
 * @resource docker_container
 */
export class AdminServer extends Construct implements IAdminServer {
  /** Network membership of the admin container and its init task. */
  public readonly connections: DockerConnections;
  /** Container name (standalone) or service name (Swarm) of the admin workload. @attribute */
  public readonly serverId: string;
  /** The admin workload. */
  public readonly adminWorkload: Workload;
  /** The one-shot init task, when `initCommand` is set. */
  public readonly initTask?: Workload;
  /** The one-shot tasks (empty or the init task). */
  public readonly initTasks: readonly Workload[];
  /** The load balancer route. */
  public readonly target: LoadBalancerTarget;

  constructor(scope: Construct, id: string, props: AdminServerProps) {
    super(scope, id);
    const name = props.name ?? 'admin';
    const prefixes = props.pathPrefixes ?? ['/admin'];
    const badCidr = (props.adminCidrs ?? []).find((c) => !isIpv4Cidr(c));
    const resources = props.resources ?? DEFAULT_RESOURCES.admin;
    validate(this, [
      {
        failed: !/^[a-z][a-z0-9-]{0,30}$/.test(name),
        message: () => `name: got '${name}'; allowed: lowercase letters, digits and '-', starting with a letter; fix: use e.g. 'admin'`,
      },
      {
        failed: prefixes.length === 0,
        message: () => `pathPrefixes: got []; allowed: one or more path prefixes; fix: leave it out for ['/admin']`,
      },
      {
        failed: badCidr !== undefined,
        message: () => `adminCidrs: got '${badCidr}'; allowed: IPv4 CIDR blocks with zero host bits; fix: write your office or VPN range like 203.0.113.0/24`,
      },
      {
        failed: props.command !== undefined && props.command.length === 0,
        message: () => `command: got []; allowed: a command as a list of arguments; fix: leave command out for the image's command`,
      },
      {
        failed: props.initCommand !== undefined && props.initCommand.length === 0,
        message: () => `initCommand: got []; allowed: a command as a list of arguments; fix: leave initCommand out or give e.g. ['vendor/bin/shopware-deployment-helper', 'run']`,
      },
      ...httpCheckRules(props.port, props.healthCheckPath),
      ...resourceRules('resources', resources),
    ]);
    const cluster = props.cluster;
    const common = {
      cluster,
      resources,
      security: { init: true },
      image: props.image,
      environment: props.environment ?? {},
      secrets: props.secrets ?? {},
      volumes: props.volumes ?? [],
    };
    const stores = props.dependsOn ?? [];
    this.initTask = props.initCommand
      ? new Workload(this, 'Init', { ...common, name: `${name}-init`, role: 'init', command: props.initCommand, oneShot: true, dependsOn: stores })
      : undefined;
    this.initTasks = this.initTask ? [this.initTask] : [];
    this.adminWorkload = new Workload(this, 'Admin', {
      ...common,
      name,
      role: 'admin',
      command: props.command,
      replicas: 1,
      listenNetwork: cluster.frontend,
      defaultPort: Port.tcp(props.port),
      healthcheck: props.healthcheck ?? httpHealthcheck(props.port, props.healthCheckPath),
      dependsOn: [...stores, ...this.initTasks],
    });
    this.serverId = this.adminWorkload.backendHosts[0];
    this.connections = new CompositeConnections(
      this,
      cluster.frontend,
      Port.tcp(props.port),
      [this.adminWorkload, ...this.initTasks].map((w) => w.connections),
    );
    this.target = props.loadBalancer.addTarget(name, {
      workload: this.adminWorkload,
      port: props.port,
      healthCheckPath: props.healthCheckPath,
      pathPrefixes: prefixes,
      priority: props.priority,
      sourceCidrs: props.adminCidrs,
    });
  }
}
