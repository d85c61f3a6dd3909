/**
 * DockerCluster: the context every Docker role construct is placed in: the runtime (standalone
 * engine or Swarm), the frontend and internal backend networks, naming, labels and log routing.
 */
import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import { validate } from '../core/validation-error';
import { DEFAULT_HOST_MEMORY_MB, HOST_RESERVE_MB } from './container-resources';
import { pinsToChosenNodes } from './swarm-placement';
import type { IDockerNetwork } from './docker-connections';
import type { IContainerRuntime, ImageHandle, LogTarget } from './runtime';
import { StandaloneRuntime } from './standalone-runtime';

/** Properties of a {@link DockerCluster}. */
export interface DockerClusterProps {
  /** Prefix of container, service, network and volume names, e.g. `shop`. */
  readonly namePrefix: string;
  /**
   * How workloads run: `new StandaloneRuntime()` (containers on one engine) or `new SwarmRuntime()`.
   * @default new StandaloneRuntime()
   */
  readonly runtime?: IContainerRuntime;
  /**
   * Labels on every network, volume, container and service.
   * @default {}
   */
  readonly labels?: Record<string, string>;
  /**
   * Whether stateful volumes refuse `terraform destroy` (`prevent_destroy`).
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * Memory of the engine's host (on Swarm: of each node) in MiB. The memory reservations of the
   * long-running workloads must fit it, less 1024 MiB for the OS, the engine and the page cache;
   * synthesis fails otherwise.
   * @default 8192
   */
  readonly hostMemoryMb?: number;
  /**
   * Open-files limit (`nofile`, soft and hard) of the servers that hold many connections and files
   * (MariaDB, Valkey), 1024 to 1048576. The engine's own hard limit must be at least this, or the
   * containers do not start (Docker's systemd unit sets 1048576). Standalone only (see
   * `WorkloadSecurity.nofile`).
   * @default 65536
   */
  readonly serverOpenFiles?: number;
  /**
   * Whether the engine's kernel limits swap (standalone): containers then get no swap beyond their
   * memory limit. Set false where `docker info` warns "No swap limit support" (cgroup v1 without
   * swap accounting): the engine stores -1 there whatever it is given, so -1 is written and the
   * next plan stays empty.
   * @default true
   */
  readonly swapLimit?: boolean;
}

/** The memory one long-running workload sets aside. */
export interface MemoryReservation {
  /** Copies (of a global service: one per node). */
  readonly copies: number;
  /** A global service: one copy on every node its placement admits. */
  readonly perNode: boolean;
  /** Reservation of each copy, MiB. */
  readonly reservationMb: number;
  /** Swarm placement constraints. */
  readonly placement: readonly string[];
}

/**
 * Two networks: `frontend` (load balancer to app and admin) and `backend`, which is `internal` (no
 * route out of the engine or swarm): data stores attach only there. Workloads join further networks
 * through the connections model. Log routing starts as json-file with rotation; a LogShipping
 * construct replaces it with its own target.
 */
export class DockerCluster extends Construct {
  /** Name prefix. */
  public readonly namePrefix: string;
  /** The runtime. */
  public readonly runtime: IContainerRuntime;
  /** Load balancer ↔ app/admin network. */
  public readonly frontend: IDockerNetwork;
  /** Internal network of the data stores. */
  public readonly backend: IDockerNetwork;
  /** Common labels. */
  public readonly labels: Readonly<Record<string, string>>;
  /** Whether stateful volumes are protected. */
  public readonly preventDestroy: boolean;
  /** Memory of the host (each Swarm node), MiB. */
  public readonly hostMemoryMb: number;
  /** Open-files limit of MariaDB and Valkey. */
  public readonly serverOpenFiles: number;
  /** Whether containers get no swap beyond their memory limit. */
  public readonly swapLimit: boolean;
  private readonly reservations = new Map<Construct, MemoryReservation>();
  private readonly images = new Map<string, ImageHandle>();
  private imageScope?: Construct;
  private logTarget: LogTarget = {
    driver: 'json-file',
    options: { 'max-size': '10m', 'max-file': '5' },
  };

  constructor(scope: Construct, id: string, props: DockerClusterProps) {
    super(scope, id);
    validate(this, [
      {
        failed: !/^[a-z][a-z0-9-]{1,30}$/.test(props.namePrefix),
        message: () =>
          `namePrefix: got '${props.namePrefix}'; allowed: 2-31 lowercase letters, digits and '-', starting with a letter; fix: use e.g. 'shop'`,
      },
      {
        failed: props.hostMemoryMb !== undefined && (!Number.isInteger(props.hostMemoryMb) || props.hostMemoryMb < 2048 || props.hostMemoryMb > 4194304),
        message: () => `hostMemoryMb: got ${props.hostMemoryMb}; allowed: an integer from 2048 to 4194304 (MiB); fix: give the memory of the Docker host, e.g. 8192 for 8 GiB`,
      },
      {
        failed: props.serverOpenFiles !== undefined && (!Number.isInteger(props.serverOpenFiles) || props.serverOpenFiles < 1024 || props.serverOpenFiles > 1048576),
        message: () => `serverOpenFiles: got ${props.serverOpenFiles}; allowed: an integer from 1024 to 1048576, at most the engine's own hard limit; fix: use 65536, or what 'ulimit -Hn' of the engine allows`,
      },
      {
        failed: props.runtime !== undefined && (!Number.isInteger(props.runtime.nodes) || props.runtime.nodes < 1 || props.runtime.nodes > 100),
        message: () =>
          `runtime.nodes: got ${props.runtime?.nodes} on a ${props.runtime?.mode} runtime; allowed: an integer from 1 to 100 (the nodes of the swarm); fix: give the number of nodes 'docker node ls' lists`,
      },
    ]);
    this.hostMemoryMb = props.hostMemoryMb ?? DEFAULT_HOST_MEMORY_MB;
    this.serverOpenFiles = props.serverOpenFiles ?? 65536;
    this.swapLimit = props.swapLimit ?? true;
    this.node.addValidation({ validate: () => this.fitProblems() });
    this.namePrefix = props.namePrefix;
    this.runtime = props.runtime ?? new StandaloneRuntime();
    this.labels = { 'webcluster.cluster': props.namePrefix, ...(props.labels ?? {}) };
    this.preventDestroy = props.preventDestroy ?? true;
    this.frontend = this.runtime.network(this, 'FrontendNetwork', { name: `${props.namePrefix}-frontend`, internal: false, labels: this.labels });
    this.backend = this.runtime.network(this, 'BackendNetwork', { name: `${props.namePrefix}-backend`, internal: true, labels: this.labels });
  }

  /** Where container logs go; read by every workload when it is rendered. */
  public get logging(): LogTarget {
    return this.logTarget;
  }

  /** Routes the logs of workloads created from now on (LogShipping calls this; create it first). */
  public routeLogs(target: LogTarget): void {
    this.logTarget = target;
  }

  /**
   * The image of a pinned reference: one `docker_image` per reference, shared by every workload
   * that runs it, kept locally on destroy (images may have been built on the host).
   */
  public image(ref: string): ImageHandle {
    const known = this.images.get(ref);
    if (known) return known;
    this.imageScope ??= new Construct(this, 'Images');
    const image = new Image(this.imageScope, ref.replace(/[^A-Za-z0-9]+/g, '-'), { name: ref, keepLocally: true });
    const handle = { ref, imageId: image.imageId, name: image.name };
    this.images.set(ref, handle);
    return handle;
  }

  /**
   * Records the memory a long-running workload sets aside (Workload calls this), for the check
   * that the reservations fit the host.
   */
  public reserve(workload: Construct, reservation: MemoryReservation): void {
    this.reservations.set(workload, reservation);
  }

  /**
   * Memory reserved by the long-running workloads, MiB (a global service once per node of the
   * swarm, the most it can run).
   */
  public get reservedMemoryMb(): number {
    return this.sumOf([...this.reservations.entries()]);
  }

  /**
   * The reservations must fit: all of them the swarm's nodes (one host on a standalone engine), and
   * those pinned to one node (the data stores on the data node) that node, each less what the OS
   * and the engine need.
   */
  private fitProblems(): string[] {
    const perHost = this.hostMemoryMb - HOST_RESERVE_MB;
    const nodes = this.runtime.nodes;
    const all = [...this.reservations.entries()];
    const pinned = new Map<string, [Construct, MemoryReservation][]>();
    for (const entry of all) {
      if (nodes === 1 || !pinsToChosenNodes(entry[1].placement)) continue;
      const key = [...entry[1].placement].sort().join(' && ');
      pinned.set(key, [...(pinned.get(key) ?? []), entry]);
    }
    const checks: { entries: [Construct, MemoryReservation][]; available: number; where: string }[] = [
      { entries: all, available: perHost * nodes, where: nodes === 1 ? `on a host of hostMemoryMb ${this.hostMemoryMb}` : `on ${nodes} nodes of hostMemoryMb ${this.hostMemoryMb}` },
      ...[...pinned].map(([key, entries]) => ({ entries, available: perHost, where: `on the one node of ${key}, of hostMemoryMb ${this.hostMemoryMb}` })),
    ];
    return checks.flatMap(({ entries, available, where }) => {
      const reserved = this.sumOf(entries, entries !== all);
      if (reserved <= available) return [];
      const largest = entries
        .map(([w, r]) => ({ name: w.node.path.slice(w.node.scopes[1]?.node.path.length ?? 0).replace(/^\//, ''), copies: this.copiesOf(r, entries !== all), r }))
        .map((e) => ({ ...e, mb: e.copies * e.r.reservationMb }))
        .sort((a, b) => b.mb - a.mb)
        .slice(0, 4)
        .map((e) => `${e.name} ${e.copies > 1 ? `${e.copies}×${e.r.reservationMb}` : e.mb}`);
      return [
        `resources: the memory reservations add up to ${reserved} MiB (largest: ${largest.join(', ')}); allowed: at most ${available} MiB ${where} (less ${HOST_RESERVE_MB} MiB per host for the OS and the engine); fix: lower resources.<role>.memoryMb or reservationMb, run fewer replicas, or raise hostMemoryMb if the host has more memory`,
      ];
    });
  }

  /** Copies a reservation places: on one node a global service runs once. */
  private copiesOf(r: MemoryReservation, oneNode: boolean): number {
    return r.perNode ? (oneNode ? 1 : this.runtime.nodes) : r.copies;
  }

  private sumOf(entries: readonly [Construct, MemoryReservation][], oneNode = false): number {
    return entries.reduce((sum, [, r]) => sum + this.copiesOf(r, oneNode) * r.reservationMb, 0);
  }

  /** A further network `<prefix>-<name>`, e.g. an internal one that joins just two workloads. */
  public addNetwork(scope: Construct, id: string, name: string, internal: boolean): IDockerNetwork {
    return this.runtime.network(scope, id, { name: `${this.namePrefix}-${name}`, internal, labels: this.labels });
  }

  /** A named volume `<prefix>-<name>`; protected unless the cluster allows destroy. */
  public addVolume(scope: Construct, id: string, name: string, stateful: boolean): string {
    return this.runtime.volume(scope, id, {
      name: `${this.namePrefix}-${name}`,
      labels: this.labels,
      preventDestroy: stateful && this.preventDestroy,
    });
  }
}
