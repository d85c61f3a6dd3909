/**
 * Workload: one containerized process group (N copies of one image and command) rendered by the
 * cluster's runtime, with Docker network membership as its connections.
 */
import { Construct } from 'constructs';
import { dependable, TerraformResource } from '../core/cdktf';
import type { IConnectable } from '../core/connections';
import type { Port } from '../core/port';
import { validate, ValidationRule } from '../core/validation-error';
import { ContainerResources, ResolvedResources, resolveResources, resourceRules } from './container-resources';
import { DockerConnections, IDockerNetwork } from './docker-connections';
import type { DockerCluster } from './docker-cluster';
import { imageRefProblem } from '../core/image-ref';
import type { IRenderedWorkload, PublishedPort, WorkloadFile, WorkloadHealthcheck, WorkloadSecret, WorkloadSecurity, WorkloadVolume } from './runtime';

/** Resources of a workload that is given none. */
const DEFAULT_WORKLOAD_RESOURCES: ContainerResources = { memoryMb: 512, cpus: 0.5 };

/** Properties of a {@link Workload}. */
export interface WorkloadProps {
  /** The cluster (runtime, networks, naming, logs). */
  readonly cluster: DockerCluster;
  /** Name within the cluster; containers/services are called `<prefix>-<name>`. */
  readonly name: string;
  /** Role label, e.g. `app`, `worker`, `database`. */
  readonly role: string;
  /** Image reference, pinned by tag or digest. */
  readonly image: string;
  /**
   * Entrypoint (overrides the image's ENTRYPOINT).
   * @default - the image's entrypoint
   */
  readonly entrypoint?: string[];
  /**
   * Command: the arguments of the entrypoint (overrides the image's CMD).
   * @default - the image's command
   */
  readonly command?: string[];
  /**
   * Plain environment; never secrets (use `secrets`).
   * @default {}
   */
  readonly environment?: Record<string, string>;
  /**
   * Environment variables holding secrets.
   * @default {}
   */
  readonly secrets?: Record<string, WorkloadSecret>;
  /**
   * Copies to run (1 to 50).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Swarm: run one task on every node the placement admits (a global service), e.g. a load
   * balancer on each labelled edge node; `replicas` must then stay 1. Standalone engines run one
   * container.
   * @default false
   */
  readonly global?: boolean;
  /**
   * Network clients reach this workload on (clients join it through `connections.allowFrom`).
   * @default - nobody connects to this workload
   */
  readonly listenNetwork?: IDockerNetwork;
  /**
   * Port clients use by default.
   * @default - none
   */
  readonly defaultPort?: Port;
  /**
   * DNS aliases on every network.
   * @default [name]
   */
  readonly aliases?: string[];
  /**
   * Named volumes.
   * @default []
   */
  readonly volumes?: WorkloadVolume[];
  /**
   * Files rendered into the container.
   * @default []
   */
  readonly files?: WorkloadFile[];
  /**
   * Health check; dependents wait until it passes.
   * @default - none (dependents wait only for the start)
   */
  readonly healthcheck?: WorkloadHealthcheck;
  /**
   * Ports published on the host.
   * @default []
   */
  readonly ports?: PublishedPort[];
  /**
   * Workloads that must be up (healthy, where they have a health check) before this one starts.
   * @default []
   */
  readonly dependsOn?: Workload[];
  /**
   * Swarm placement constraints.
   * @default []
   */
  readonly placement?: string[];
  /**
   * Seconds the process gets to stop before it is killed.
   * @default 30
   */
  readonly stopGraceSec?: number;
  /**
   * Whether the workload keeps state on a volume (never two copies at once).
   * @default false
   */
  readonly stateful?: boolean;
  /**
   * Memory limit, memory reservation and CPUs of each copy.
   * @default { memoryMb: 512, cpus: 0.5 }
   */
  readonly resources?: ContainerResources;
  /**
   * Hardening of the containers (user, read-only root filesystem, tmpfs, init, open-files limit).
   * @default {}
   */
  readonly security?: WorkloadSecurity;
  /**
   * Whether the workload is a data store that others depend on: its memory reservation then
   * defaults to its whole limit, so its memory is never overcommitted.
   * @default false
   */
  readonly dataStore?: boolean;
  /**
   * A one-shot task that must exit 0 (before the workloads that depend on it start) instead of a
   * long-running service.
   * @default false
   */
  readonly oneShot?: boolean;
}

/**
 * N copies of one container. On a standalone engine: containers `<prefix>-<name>-1..N` (or
 * `<prefix>-<name>` for a one-shot task); on Swarm: one service with N replicas.
 */
export class Workload extends Construct implements IConnectable {
  /** Network membership. */
  public readonly connections: DockerConnections;
  /** Full name, `<prefix>-<name>`. @attribute */
  public readonly workloadName: string;
  /** Hosts the load balancer lists for this workload. @attribute */
  public readonly backendHosts: readonly string[];
  /** Copies. */
  public readonly replicas: number;
  /** What the runtime rendered. */
  public readonly rendered: IRenderedWorkload;
  /** Memory limit, reservation and CPUs of each copy. */
  public readonly resources: ResolvedResources;

  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id);
    const cluster = props.cluster;
    this.replicas = props.replicas ?? 1;
    const imageProblem = imageRefProblem(props.image);
    const ports = props.ports ?? [];
    const stopGraceSec = props.stopGraceSec ?? 30;
    const resources = props.resources ?? DEFAULT_WORKLOAD_RESOURCES;
    const security = props.security ?? {};
    validate(this, [
      {
        failed: !/^[a-z][a-z0-9-]{0,40}$/.test(props.name),
        message: () => `name: got '${props.name}'; allowed: lowercase letters, digits and '-', starting with a letter; fix: use e.g. 'app'`,
      },
      {
        failed: imageProblem !== undefined,
        message: () => `image: got '${props.image}' (${imageProblem}); allowed: an image pinned by tag or digest; fix: add a version tag, e.g. '${props.image.split(':')[0]}:<version>'`,
      },
      {
        failed: !Number.isInteger(this.replicas) || this.replicas < 1 || this.replicas > 50,
        message: () => `replicas: got ${this.replicas}; allowed: 1 to 50; fix: run at least one copy`,
      },
      {
        failed: props.global === true && this.replicas > 1,
        message: () =>
          `replicas: got ${this.replicas} with global; allowed: 1 with global (a global service runs one task on every node its placement admits); fix: leave replicas out, or turn global off`,
      },
      {
        failed: ports.some((p) => p.hostIp === '127.0.0.1') && !cluster.runtime.supportsLoopbackPorts,
        message: () =>
          `ports: got a 127.0.0.1 port on a ${cluster.runtime.mode} runtime; allowed: loopback-only ports on a standalone engine (Swarm publishes on every address); fix: turn the debug/loopback port off for swarm`,
      },
      ...(['entrypoint', 'command'] as const).map((field) => {
        const empty = (props[field] ?? []).findIndex((arg) => arg === '');
        return {
          failed: empty >= 0,
          message: () =>
            `${field}: got an empty string at index ${empty}; allowed: non-empty arguments (the docker provider refuses empty ones: "values for ${field} may not be empty"); fix: drop the argument or use the program's own spelling of an empty value (e.g. valkey-server's '--save' followed by the next option)`,
        };
      }),
      {
        failed: !Number.isInteger(stopGraceSec) || stopGraceSec < 1 || stopGraceSec > 3600,
        message: () => `stopGraceSec: got ${stopGraceSec}; allowed: 1 to 3600; fix: pick a value in range`,
      },
      ...resourceRules('resources', resources),
      ...securityRules(security, props.files ?? [], cluster.runtime.mode),
    ]);
    this.resources = resolveResources(resources, props.dataStore ?? false);
    this.workloadName = `${cluster.namePrefix}-${props.name}`;
    this.connections = new DockerConnections(this, props.listenNetwork, props.defaultPort);
    const spec = {
      name: this.workloadName,
      role: props.role,
      image: cluster.image(props.image),
      entrypoint: props.entrypoint,
      command: props.command,
      environment: props.environment ?? {},
      secrets: props.secrets ?? {},
      replicas: this.replicas,
      global: props.global ?? false,
      networks: () => this.connections.networks,
      aliases: props.aliases ?? [props.name],
      volumes: props.volumes ?? [],
      files: props.files ?? [],
      healthcheck: props.healthcheck,
      ports,
      logging: cluster.logging,
      dependsOn: (props.dependsOn ?? []).map((d) => d.rendered),
      placement: props.placement ?? [],
      labels: cluster.labels,
      stopGraceSec,
      stateful: props.stateful ?? false,
      resources: this.resources,
      security,
      swapLimit: cluster.swapLimit,
    };
    this.rendered = props.oneShot ? cluster.runtime.task(this, spec) : cluster.runtime.workload(this, spec);
    this.backendHosts = this.rendered.backendHosts;
    if (!props.oneShot) {
      cluster.reserve(this, { copies: this.replicas, perNode: props.global ?? false, reservationMb: this.resources.reservationMb, placement: spec.placement });
    }
  }

  /**
   * Makes this workload's resources wait for another workload's (Terraform `depends_on`), for
   * ordering that is known only after construction, e.g. the load balancer's routes task waiting
   * for the containers its routes list, so a new route never points at a container not yet up.
   */
  public addDependency(other: { readonly rendered: IRenderedWorkload }): void {
    for (const resource of this.rendered.resources) {
      if (!(resource instanceof TerraformResource)) continue;
      const known = new Set(resource.dependsOn ?? []);
      for (const dep of other.rendered.resources) known.add(dependable(dep));
      resource.dependsOn = [...known];
    }
  }
}

/** Hardening that the runtime cannot render, or that contradicts the workload, is refused. */
function securityRules(s: WorkloadSecurity, files: readonly WorkloadFile[], mode: 'standalone' | 'swarm'): ValidationRule[] {
  const badTmpfs = (s.tmpfs ?? []).filter((p) => !/^\/[A-Za-z0-9._/-]+$/.test(p) || p === '/');
  return [
    {
      failed: s.user !== undefined && !/^\d{1,10}(:\d{1,10})?$/.test(s.user),
      message: () => `security.user: got '${s.user}'; allowed: a numeric '<uid>:<gid>' (the engine reports names back as given, ids are stable across images); fix: use e.g. '999:999'`,
    },
    {
      failed: badTmpfs.length > 0,
      message: () => `security.tmpfs: got [${badTmpfs.map((p) => `'${p}'`).join(', ')}]; allowed: absolute paths other than '/'; fix: list scratch directories such as '/tmp'`,
    },
    {
      failed: s.nofile !== undefined && (!Number.isInteger(s.nofile) || s.nofile < 1024 || s.nofile > 1048576),
      message: () => `security.nofile: got ${s.nofile}; allowed: an integer from 1024 to 1048576; fix: use e.g. 65536`,
    },
    {
      failed: mode === 'swarm' && (s.tmpfs ?? []).length > 0 && s.user !== undefined && !/^0(:|$)/.test(s.user),
      message: () =>
        `security.tmpfs: got [${(s.tmpfs ?? []).join(', ')}] with user '${s.user}' on a swarm runtime; allowed: tmpfs for root only on Swarm (it mounts tmpfs owned by root, and the docker provider 3.6.2 cannot set tmpfs options on services); fix: drop tmpfs (and readOnlyRootfs if the process writes there) on Swarm`,
    },
    {
      failed: mode === 'standalone' && s.readOnlyRootfs === true && files.length > 0,
      message: () =>
        `security.readOnlyRootfs: got true with files [${files.map((f) => f.path).join(', ')}] on a standalone engine; allowed: a read-only root filesystem without rendered files (the engine copies them in before the start); fix: drop readOnlyRootfs or ship the files in a volume`,
    },
  ];
}
