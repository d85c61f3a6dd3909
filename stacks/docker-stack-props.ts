/**
 * The properties of a `DockerStack`: {@link DockerStackProps}, the swarm
 * layout, image overrides and backups.
 */
import type { BackupTarget } from '../constructs/docker/data-backup';
import type { DockerRoleResources } from '../constructs/docker/container-resources';
import type { SwarmEndpointMode } from '../constructs/docker/swarm-runtime';
import type { ContainerAppProfile } from './docker/container-profile';
import type { StateBackendConfig } from './state-backend';

/** How the stack's workloads run. */
export type DockerMode = 'standalone' | 'swarm';

/** The swarm a stack runs on: how many nodes, which node holds the data, which nodes answer HTTP. */
export interface DockerSwarmLayout {
  /**
   * Nodes in the swarm, 1 to 100. With more than one, `dataNodeLabel` and `edgeNodeLabel` are
   * required.
   * @default 1
   */
  readonly nodes?: number;
  /**
   * Node label key of the data node, e.g. `webcluster.data`: every stateful service (MariaDB, the
   * durable Redis classes, MinIO, Solr, MongoDB) gets the constraint `node.labels.<key> == true`,
   * so it always starts on the node that holds its volume. Label exactly one node
   * (`docker node update --label-add webcluster.data=true <node>`).
   * @default - stateful services run on the manager (`node.role == manager`; one-node swarms only)
   */
  readonly dataNodeLabel?: string;
  /**
   * Node label key of the edge node(s), e.g. `webcluster.edge`: Traefik gets the constraint
   * `node.labels.<key> == true`, so the nodes DNS points at are the ones that answer.
   * @default - one Traefik on any node (one-node swarms only)
   */
  readonly edgeNodeLabel?: string;
  /**
   * With `edgeNodeLabel`: `global` runs one Traefik on every labelled edge node (list them all in
   * DNS), `pinned` one Traefik on the labelled node (label exactly one).
   * @default 'global'
   */
  readonly loadBalancer?: 'global' | 'pinned';
}

/** Image overrides; every one pinned by tag or digest. */
export interface DockerImages {
  /** The app image (your project image). @default - the profile's vendor base image */
  readonly app?: string;
  /** @default - LoadBalancer's default Traefik image */
  readonly traefik?: string;
  /** @default - RedisCluster's default Valkey image */
  readonly valkey?: string;
  /** @default - DatabaseCluster's default MariaDB image */
  readonly mariadb?: string;
  /** @default - SharedStorage's default MinIO image */
  readonly minio?: string;
  /** Image of the bucket set-up task (`/bin/sh` and curl >= 7.75). @default - SharedStorage's default curl image */
  readonly s3Client?: string;
  /** @default - LogShipping's default Fluent Bit image */
  readonly fluentBit?: string;
  /** Static BusyBox for Fluent Bit's health check (`/bin/busybox`). @default - LogShipping's default BusyBox image */
  readonly busybox?: string;
}

/** Backups of a `DockerStack`'s data stores (`DataBackup`). */
export interface DockerStackBackup {
  /**
   * Where backups go.
   * @default - standalone: `{ hostPath: '/var/backups/webcluster/<stack name>' }`; swarm: `{ volume: 'backups' }` (named volumes on the data node)
   */
  readonly target?: BackupTarget;
  /**
   * Hours between backups (1 to 168).
   * @default 24
   */
  readonly intervalHours?: number;
  /**
   * UTC time `HH:MM` the schedule is anchored at (`intervalHours` must divide 24).
   * @default - every `intervalHours` after the last backup
   */
  readonly at?: string;
  /**
   * Backups kept per store (1 to 365).
   * @default 7
   */
  readonly keep?: number;
}

/** Properties of a `DockerStack`. */
export interface DockerStackProps {
  /** The application to run. */
  readonly profile: ContainerAppProfile;
  /** Public host name of the site. */
  readonly domain: string;
  /**
   * Docker daemon address.
   * @default 'unix:///var/run/docker.sock'
   */
  readonly dockerHost?: string;
  /**
   * Containers on one engine, or services on a swarm.
   * @default 'standalone'
   */
  readonly mode?: DockerMode;
  /**
   * Swarm only: how clients reach a service, through a virtual IP (`vip`, load-balanced by IPVS in
   * the nodes' kernels) or by DNS round robin over its tasks (`dnsrr`, for kernels without IPVS).
   * @default 'vip'
   */
  readonly endpointMode?: SwarmEndpointMode;
  /**
   * Swarm only: the nodes of the swarm, and the node labels that pin the stateful services to the
   * data node and the load balancer to the edge node(s).
   * @default - a one-node swarm: stateful services on the manager, one Traefik on any node
   */
  readonly swarm?: DockerSwarmLayout;
  /**
   * Host address the load balancer publishes on.
   * @default '0.0.0.0'
   */
  readonly listenAddress?: string;
  /**
   * Host port of plain HTTP.
   * @default 80
   */
  readonly httpPort?: number;
  /**
   * Contact for Let's Encrypt; enables HTTPS on 443.
   * @default - plain HTTP only (terminate TLS in front of the host)
   */
  readonly acmeEmail?: string;
  /**
   * Who may reach the site.
   * @default ['0.0.0.0/0']
   */
  readonly ingressCidrs?: string[];
  /**
   * Who may reach the admin paths; others get 403.
   * @default - anyone
   */
  readonly adminCidrs?: string[];
  /**
   * App containers.
   * @default 2
   */
  readonly appReplicas?: number;
  /**
   * Queue-worker containers.
   * @default 2
   */
  readonly workers?: number;
  /**
   * Add a database read replica.
   * @default false
   */
  readonly databaseReplica?: boolean;
  /**
   * Publish data-store ports on 127.0.0.1 (standalone only) for debugging.
   * @default false
   */
  readonly debugPorts?: boolean;
  /** Image overrides. @default {} */
  readonly images?: DockerImages;
  /**
   * Allow `terraform destroy` of data volumes.
   * @default false
   */
  readonly allowDestroy?: boolean;
  /** State backend. @default { type: 'local' } */
  readonly stateBackend?: StateBackendConfig;
  /** Labels on every container, service, network and volume. @default {} */
  readonly labels?: Record<string, string>;
  /**
   * Backups of the data stores (database, durable Redis classes, buckets, document database);
   * `false` for none.
   * @default - daily, the newest 7 kept, in /var/backups/webcluster/<stack name> on the host
   */
  readonly backup?: DockerStackBackup | false;
  /**
   * Memory limit, memory reservation and CPUs of each role.
   * @default {} (every role at its default size, see DEFAULT_RESOURCES)
   */
  readonly resources?: DockerRoleResources;
  /**
   * Memory of the Docker host (Swarm: of each node) in MiB; synthesis fails when the roles'
   * memory reservations do not fit it (less 1024 MiB for the OS and the engine).
   * @default 8192
   */
  readonly hostMemoryMb?: number;
  /**
   * Open-files limit of MariaDB and Valkey (standalone); at most the engine's own hard limit.
   * @default 65536
   */
  readonly serverOpenFiles?: number;
  /**
   * Whether the engine limits swap; false where `docker info` warns "No swap limit support".
   * @default true
   */
  readonly swapLimit?: boolean;
}
