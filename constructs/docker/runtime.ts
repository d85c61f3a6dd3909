/**
 * The container runtime a Docker cluster renders its workloads with: standalone containers on one
 * engine, or Swarm services. Role constructs describe workloads once; the runtime decides which
 * Terraform resources express them.
 */
import type { Construct } from 'constructs';
import type { ITerraformDependable } from '../core/cdktf';
import type { IDockerNetwork } from './docker-connections';
import type { ResolvedResources } from './container-resources';
import type { DockerSecret } from './docker-secret';

/** An image the engine holds. */
export interface ImageHandle {
  /** The pinned reference, e.g. `valkey/valkey:8.0.2`. */
  readonly ref: string;
  /** Image id (containers use it, so a new pull replaces them). @attribute */
  readonly imageId: string;
  /** Reference as a token of the image resource (services use it). @attribute */
  readonly name: string;
}

/** A file placed into a container (rendered by our code, e.g. Traefik's dynamic configuration). */
export interface WorkloadFile {
  /** Absolute path in the container. */
  readonly path: string;
  /** File content. */
  readonly content: string;
  /**
   * Whether the file is a program (mode 0555 instead of 0444), e.g. a command for `docker exec`.
   * @default false
   */
  readonly executable?: boolean;
}

/** A named volume (or, with `bind`, a directory of the host) mounted into a container. */
export interface WorkloadVolume {
  /** Volume name, or with `bind` the absolute path of a directory on the host. */
  readonly volumeName: string;
  /**
   * Bind-mount the host directory `volumeName` instead of a named volume (a standalone engine creates
   * a missing directory; on Swarm it must exist on the node the task runs on).
   * @default false
   */
  readonly bind?: boolean;
  /** Mount path in the container. */
  readonly containerPath: string;
  /** Mount read-only. */
  readonly readOnly?: boolean;
}

/** An environment variable whose value is a secret. */
export interface WorkloadSecret {
  /** The secret. */
  readonly secret: DockerSecret;
  /**
   * Variable that takes a file path instead (`MARIADB_PASSWORD_FILE`); Swarm runtimes then mount the
   * secret as a file and set this variable, so the value is not in the service's environment.
   * @default - the value is passed in the variable itself
   */
  readonly fileVariable?: string;
}

/**
 * Hardening of a workload's containers beyond what every container gets (no `NET_RAW`,
 * `no-new-privileges`): each only where the image allows it.
 */
export interface WorkloadSecurity {
  /**
   * User the process runs as, `<uid>:<gid>` (numeric, so the engine reads back what was written).
   * @default - the image's user
   */
  readonly user?: string;
  /**
   * Mount the root filesystem read-only; the process writes only to its volumes and to `tmpfs`.
   * Files rendered into the container (`files`) need a writable root filesystem on a standalone
   * engine (the engine copies them in before the start), so the two are refused together there.
   * @default false
   */
  readonly readOnlyRootfs?: boolean;
  /**
   * Scratch directories mounted as tmpfs (in memory, counted against the memory limit), e.g. the
   * socket directory of a read-only MariaDB.
   * @default []
   */
  readonly tmpfs?: readonly string[];
  /**
   * Run an init process as PID 1 that reaps the zombies of a process that spawns children and
   * forwards signals. Standalone only: the provider has no such attribute for Swarm services.
   * @default false
   */
  readonly init?: boolean;
  /**
   * Open-files limit (soft and hard) for servers that hold many connections and files. Standalone
   * only: the provider has no ulimits for Swarm services (set `default-ulimits` in the nodes'
   * daemon.json instead).
   * @default - the engine's default
   */
  readonly nofile?: number;
}

/** Container health check. */
export interface WorkloadHealthcheck {
  /** Command, in Docker's form (`['CMD', 'redis-cli', 'ping']` or `['CMD-SHELL', '...']`). */
  readonly test: string[];
  /** Seconds between checks. */
  readonly intervalSec: number;
  /** Seconds before a check counts as failed. */
  readonly timeoutSec: number;
  /** Failures before the container is unhealthy. */
  readonly retries: number;
  /** Seconds after start during which failures do not count. */
  readonly startPeriodSec: number;
}

/** A port published on the engine's host. */
export interface PublishedPort {
  /** Port inside the container. */
  readonly containerPort: number;
  /** Port on the host. */
  readonly hostPort: number;
  /** Host address to bind (`127.0.0.1` for loopback only). */
  readonly hostIp: string;
  /**
   * Swarm only: `ingress` (routing mesh: every node answers, client addresses are replaced) or
   * `host` (only the node running the task answers, client addresses are kept, one task per node).
   * @default 'ingress'
   */
  readonly publishMode?: 'ingress' | 'host';
}

/** Where container logs go. */
export interface LogTarget {
  /** Docker log driver. */
  readonly driver: string;
  /** Driver options. */
  readonly options: Readonly<Record<string, string>>;
}

/** Everything a runtime needs to render one workload. */
export interface WorkloadSpec {
  /** Base name of containers/services, e.g. `shop-app`. */
  readonly name: string;
  /** Role label, e.g. `app`, `worker`, `database`. */
  readonly role: string;
  /** The image (one `docker_image` per reference and cluster). */
  readonly image: ImageHandle;
  /** Entrypoint override. */
  readonly entrypoint?: readonly string[];
  /** Command (arguments of the entrypoint) override. */
  readonly command?: readonly string[];
  /** Plain environment. */
  readonly environment: Readonly<Record<string, string>>;
  /** Secret environment. */
  readonly secrets: Readonly<Record<string, WorkloadSecret>>;
  /** Number of copies (standalone: containers `<name>-1..N`; swarm: service replicas). */
  readonly replicas: number;
  /**
   * Swarm: one task on every node the placement admits (global mode) instead of `replicas` copies.
   * Standalone engines run one container.
   * @default false
   */
  readonly global?: boolean;
  /** Networks to attach, resolved at synth time (after every access rule was granted). */
  readonly networks: () => readonly IDockerNetwork[];
  /** DNS aliases on every network. */
  readonly aliases: readonly string[];
  /** Named volumes. */
  readonly volumes: readonly WorkloadVolume[];
  /** Files rendered into the container. */
  readonly files: readonly WorkloadFile[];
  /** Health check. */
  readonly healthcheck?: WorkloadHealthcheck;
  /** Published ports. */
  readonly ports: readonly PublishedPort[];
  /** Where logs go. */
  readonly logging: LogTarget;
  /** Workloads that must be running (and healthy, if they have a health check) first. */
  readonly dependsOn: readonly IRenderedWorkload[];
  /** Swarm placement constraints, e.g. `node.role == manager`. */
  readonly placement: readonly string[];
  /** Labels on containers/services. */
  readonly labels: Readonly<Record<string, string>>;
  /** Seconds to let the process stop before it is killed. */
  readonly stopGraceSec: number;
  /**
   * Holds state on a volume: never run two copies at once (Swarm updates stop the old task first).
   */
  readonly stateful: boolean;
  /** Memory limit and reservation and CPUs of each copy. */
  readonly resources: ResolvedResources;
  /** Hardening of the containers. */
  readonly security: WorkloadSecurity;
  /**
   * Whether the engine limits swap (standalone): the limit is then the whole memory, else swap is
   * left unlimited as the engine reports it (-1).
   */
  readonly swapLimit: boolean;
}

/** What a rendered workload offers to others. */
export interface IRenderedWorkload {
  /** Addresses of the individual copies as the load balancer should list them (`host`, no port). */
  readonly backendHosts: readonly string[];
  /** The Terraform resources, for `depends_on`. */
  readonly resources: readonly ITerraformDependable[];
}

/** Renders workloads, one-shot tasks, networks and volumes for one kind of Docker engine. */
export interface IContainerRuntime {
  /** `standalone` or `swarm`. */
  readonly mode: 'standalone' | 'swarm';
  /** Nodes workloads can be scheduled on: 1 for a standalone engine, the swarm's nodes on Swarm. */
  readonly nodes: number;
  /**
   * Whether a port can be published on the host's loopback address only. Swarm cannot bind a
   * published port to one address, so loopback-only ports (debug ports, the local log intake) are
   * not available there.
   */
  readonly supportsLoopbackPorts: boolean;
  /**
   * What a workload's backend host name reaches: one container each (`per-container`, standalone),
   * a virtual IP that balances connections over the copies (`virtual-ip`, Swarm vip), or DNS that
   * answers with every copy's address in turn (`dns-round-robin`, Swarm dnsrr). With DNS round
   * robin a client balances only when it opens new connections (and so resolves again).
   */
  readonly backendAddressing: 'per-container' | 'virtual-ip' | 'dns-round-robin';
  /** Creates a network. */
  network(scope: Construct, id: string, options: { readonly name: string; readonly internal: boolean; readonly labels: Readonly<Record<string, string>> }): IDockerNetwork;
  /** Creates a named volume. */
  volume(scope: Construct, id: string, options: { readonly name: string; readonly labels: Readonly<Record<string, string>>; readonly preventDestroy: boolean }): string;
  /** Renders a long-running workload. */
  workload(scope: Construct, spec: WorkloadSpec): IRenderedWorkload;
  /**
   * Renders a one-shot task that must exit 0 before its dependents start (migrations, bucket
   * initialisation). `replicas` is ignored.
   */
  task(scope: Construct, spec: WorkloadSpec): IRenderedWorkload;
}
