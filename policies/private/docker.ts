/**
 * Reading Docker containers and Swarm services for the Docker rules: their image, networks, published
 * ports and mounts, whether they are a container (`docker_container`) or a service (`docker_service`).
 */
import type { IConstruct } from 'constructs';
import { type Attrs, block, blocks, isTrue, isUnresolved, referenced, resourceOf, resourcesOfType, type TfElement } from './terraform';

/** Repository names (last path segment, without tag) of images that hold data. */
const DATA_STORE_IMAGES = new Set([
  'redis',
  'redis-stack',
  'redis-stack-server',
  'valkey',
  'keydb',
  'mysql',
  'mysql-server',
  'mariadb',
  'percona',
  'percona-server',
  'postgres',
  'postgresql',
  'mongo',
  'mongodb',
  'mongodb-community-server',
  'minio',
  'memcached',
  'opensearch',
  'elasticsearch',
]);

/** A container or a Swarm service. */
export interface Workload {
  readonly resource: TfElement;
  readonly kind: 'container' | 'service';
  /** The container spec: the resource itself for containers, `task_spec.container_spec` for services. */
  readonly spec: Attrs;
}

/** The workload view of `node`, when it is a `docker_container` or `docker_service`. */
export function workloadOf(node: IConstruct): Workload | undefined {
  const r = resourceOf(node, 'docker_container', 'docker_service');
  if (!r) return undefined;
  if (r.type === 'docker_container') return { resource: r, kind: 'container', spec: r.attrs };
  return { resource: r, kind: 'service', spec: block(block(r.attrs.task_spec)?.container_spec) ?? {} };
}

/** The image reference a workload runs, followed through a `docker_image` resource; undefined when unknown. */
export function imageOf(w: Workload): string | undefined {
  const image = w.spec.image;
  if (typeof image !== 'string') return undefined;
  if (!isUnresolved(image)) return image;
  const source = referenced(w.resource.node, image, 'docker_image');
  const name = source?.attrs.name;
  return typeof name === 'string' && !isUnresolved(name) ? name : undefined;
}

/** `registry:5000/team/redis:7.4@sha256:...` → `redis`. */
export function repositoryName(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const last = withoutDigest.slice(lastSlash + 1);
  return last.split(':')[0].toLowerCase();
}

/** Whether the image is a known data store (Redis/Valkey, MySQL/MariaDB, PostgreSQL, MongoDB, MinIO, ...). */
export function isDataStoreImage(image: string): boolean {
  return DATA_STORE_IMAGES.has(repositoryName(image));
}

/** Network names (or references) a workload attaches to. */
export function networksOf(w: Workload): string[] {
  const source = w.kind === 'container' ? w.resource.attrs.networks_advanced : block(w.resource.attrs.task_spec)?.networks_advanced;
  return blocks(source)
    .map((n) => n.name)
    .filter((n): n is string => typeof n === 'string');
}

/** Whether a network name or reference is a `docker_network` of this stack with `internal = true`. */
export function isInternalNetwork(scope: IConstruct, nameOrRef: string): boolean {
  const network = isUnresolved(nameOrRef)
    ? referenced(scope, nameOrRef, 'docker_network')
    : resourcesOfType(scope, 'docker_network').find((n) => n.attrs.name === nameOrRef);
  return network !== undefined && isTrue(network.attrs.internal);
}

/** A published port: where it listens on the host. */
export interface PublishedPort {
  /** Host address; `0.0.0.0` when not given (Docker's default). */
  readonly hostIp: string;
  /** Whether it is a Swarm routing-mesh/host port (published on every address of every node). */
  readonly swarm: boolean;
}

/** Ports a workload publishes on the host. */
export function publishedPorts(w: Workload): PublishedPort[] {
  if (w.kind === 'container') {
    return blocks(w.resource.attrs.ports).map((p) => ({ hostIp: typeof p.ip === 'string' && p.ip !== '' ? p.ip : '0.0.0.0', swarm: false }));
  }
  return blocks(block(w.resource.attrs.endpoint_spec)?.ports).map(() => ({ hostIp: '0.0.0.0', swarm: true }));
}

/** A host path mounted into a workload. */
export interface HostMount {
  /** Path on the host. */
  readonly hostPath: string;
  /** Whether the mount is read-only. */
  readonly readOnly: boolean;
}

/** Host paths bind-mounted into a workload (`volumes` with `host_path`, `mounts` of type `bind`). */
export function hostMounts(w: Workload): HostMount[] {
  const fromVolumes = w.kind === 'container' ? blocks(w.spec.volumes) : [];
  return [
    ...fromVolumes
      .filter((v) => typeof v.host_path === 'string')
      .map((v) => ({ hostPath: String(v.host_path), readOnly: isTrue(v.read_only) })),
    ...blocks(w.spec.mounts)
      .filter((m) => m.type === 'bind' && typeof m.source === 'string')
      .map((m) => ({ hostPath: String(m.source), readOnly: isTrue(m.read_only) })),
  ];
}
