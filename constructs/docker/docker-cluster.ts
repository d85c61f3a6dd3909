/**
 * DockerCluster: the context every Docker role construct is placed in: the runtime (standalone
 * engine or Swarm), the frontend and internal backend networks, naming, labels and log routing.
 */
import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import { validate } from '../core/validation-error';
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
        failed: props.runtime !== undefined && (!Number.isInteger(props.runtime.nodes) || props.runtime.nodes < 1 || props.runtime.nodes > 100),
        message: () =>
          `runtime.nodes: got ${props.runtime?.nodes} on a ${props.runtime?.mode} runtime; allowed: an integer from 1 to 100 (the nodes of the swarm); fix: give the number of nodes 'docker node ls' lists`,
      },
    ]);
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
