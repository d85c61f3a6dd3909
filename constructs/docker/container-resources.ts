/**
 * Memory and CPU of containers: the limits every long-running container and service gets, the
 * memory set aside for it, and the derived sizes of the programs inside (Redis `maxmemory`, the
 * InnoDB buffer pool, Varnish's cache, the Solr heap, MongoDB's WiredTiger cache).
 */
import type { RedisDataClass } from '../core/roles';
import type { ValidationRule } from '../core/validation-error';

/** Memory and CPU of one copy of a workload. */
export interface ContainerResources {
  /**
   * Memory limit in MiB (16 to 1048576). The kernel ends a process of the container that goes
   * beyond it, inside the container only; there is no swap beyond it.
   */
  readonly memoryMb: number;
  /**
   * Memory set aside for the container in MiB (at most `memoryMb`). Swarm places a task only on a
   * node with this much unreserved memory; the cluster checks that the reservations fit the host.
   * @default - `memoryMb` for data stores (their memory is never overcommitted), half of it for others
   */
  readonly reservationMb?: number;
  /**
   * CPUs (0.01 to 64). On a standalone engine this is the container's CPU weight under contention
   * (`cpu_shares` = cpus × 1024; an idle host lets any container use every CPU); on Swarm it is a
   * hard limit.
   */
  readonly cpus: number;
}

/** {@link ContainerResources} with the reservation filled in. */
export interface ResolvedResources {
  /** Memory limit, MiB. */
  readonly memoryMb: number;
  /** Memory reservation, MiB. */
  readonly reservationMb: number;
  /** CPUs. */
  readonly cpus: number;
}

/** Memory kept free on every host for the OS, the Docker engine and the page cache, in MiB. */
export const HOST_RESERVE_MB = 1024;

/** Host memory the defaults are sized for, in MiB. */
export const DEFAULT_HOST_MEMORY_MB = 8192;

/** Fills in the reservation: the whole limit for a data store, half of it (whole MiB) otherwise. */
export function resolveResources(resources: ContainerResources, dataStore: boolean): ResolvedResources {
  return {
    memoryMb: resources.memoryMb,
    reservationMb: resources.reservationMb ?? (dataStore ? resources.memoryMb : Math.floor(resources.memoryMb / 2)),
    cpus: resources.cpus,
  };
}

/** `cpu_shares` of a standalone container: Docker's default weight 1024 per CPU. */
export function cpuShares(cpus: number): number {
  return Math.max(2, Math.round(cpus * 1024));
}

/** A whole number of MiB: `fraction` of the limit, at least `min`. */
export function memoryShare(resources: ResolvedResources, fraction: number, min: number): number {
  return Math.max(min, Math.floor(resources.memoryMb * fraction));
}

/**
 * Validation rules of one resources value; `field` is how the user wrote it (e.g. `resources` or
 * `workerResources`).
 */
export function resourceRules(field: string, resources: ContainerResources, minMemoryMb = 16): ValidationRule[] {
  const { memoryMb, reservationMb, cpus } = resources;
  return [
    {
      failed: !Number.isInteger(memoryMb) || memoryMb < minMemoryMb || memoryMb > 1048576,
      message: () => `${field}.memoryMb: got ${memoryMb}; allowed: an integer from ${minMemoryMb} to 1048576 (MiB); fix: give the container's memory limit in MiB, e.g. 512`,
    },
    {
      failed: reservationMb !== undefined && (!Number.isInteger(reservationMb) || reservationMb < 0 || reservationMb > memoryMb),
      message: () => `${field}.reservationMb: got ${reservationMb}; allowed: an integer from 0 to memoryMb (${memoryMb}); fix: reserve at most the limit, or leave reservationMb out`,
    },
    {
      failed: typeof cpus !== 'number' || !Number.isFinite(cpus) || cpus < 0.01 || cpus > 64,
      message: () => `${field}.cpus: got ${cpus}; allowed: a number from 0.01 to 64; fix: use e.g. 0.5 or 2`,
    },
  ];
}

/**
 * Default resources of every role, sized so that each app's default stack reserves less than the
 * 7 GiB an 8 GiB host leaves to containers (Shopware about 5 GiB, Ibexa about 6.2 GiB).
 */
export const DEFAULT_RESOURCES = {
  /** Traefik. */
  loadBalancer: { memoryMb: 256, cpus: 1 },
  /** Each app container (PHP-FPM or Node.js). */
  app: { memoryMb: 1024, cpus: 1 },
  /** Each queue worker. */
  worker: { memoryMb: 512, cpus: 0.5 },
  /** The scheduler. */
  scheduler: { memoryMb: 256, cpus: 0.25 },
  /** The admin container. */
  admin: { memoryMb: 768, cpus: 0.5 },
  /** Each MariaDB server (InnoDB buffer pool: half of it). */
  database: { memoryMb: 1024, cpus: 1 },
  /** The Redis of each data class (`maxmemory`: 75 % of it without persistence, 60 % with). */
  redis: {
    cache: { memoryMb: 512, cpus: 0.5 },
    sessions: { memoryMb: 256, cpus: 0.5 },
    critical: { memoryMb: 256, cpus: 0.25 },
    queue: { memoryMb: 512, cpus: 0.5 },
  },
  /** MinIO. */
  storage: { memoryMb: 512, cpus: 0.5 },
  /** Fluent Bit. */
  logs: { memoryMb: 128, cpus: 0.25 },
  /** Varnish (cache storage: half of it). */
  httpCache: { memoryMb: 512, cpus: 0.5 },
  /** Solr (Java heap: half of it). */
  search: { memoryMb: 1536, cpus: 1 },
  /** Each MongoDB member (WiredTiger cache: half of what exceeds 1 GiB, at least 256 MiB). */
  documentDatabase: { memoryMb: 768, cpus: 0.5 },
  /** Each backup job and S3 uploader (idle between backups). */
  backup: { memoryMb: 256, reservationMb: 64, cpus: 0.25 },
  /** One-shot helper tasks: load balancer routes, bucket set-up, replica-set set-up. */
  task: { memoryMb: 128, cpus: 0.5 },
} as const;

/**
 * The resources of every role of a Docker cluster (the `resources:` block of webcluster.yaml), by
 * the role names of {@link DEFAULT_RESOURCES}; each role left out gets its default.
 */
export type DockerRoleResources = {
  readonly [R in Exclude<keyof typeof DEFAULT_RESOURCES, 'redis' | 'task'>]?: ContainerResources;
} & {
  /** The Redis of each data class. */
  readonly redis?: Partial<Record<RedisDataClass, ContainerResources>>;
};
