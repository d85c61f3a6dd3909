/**
 * What the Docker data stores (RedisCluster, DatabaseCluster, SharedStorage) share: the debug-port
 * and placement props, their validation, and small naming helpers.
 */
import type { ValidationRule } from '../../core/validation-error';
import type { DockerCluster } from '../docker-cluster';
import type { PublishedPort } from '../runtime';
import { constraintList, malformedConstraints, pinsToChosenNodes } from '../swarm-placement';

/** The only host address a data store may publish a port on. */
export const LOOPBACK = '127.0.0.1';

/** Where stateful stores run on Swarm unless told otherwise. */
export const DEFAULT_STATEFUL_PLACEMENT: readonly string[] = ['node.role == manager'];

/** Properties every Docker data store takes. */
export interface DockerDataStoreProps {
  /** The cluster: runtime, the internal backend network the store listens on, naming, volumes. */
  readonly cluster: DockerCluster;
  /**
   * Host port that publishes the store's port on 127.0.0.1 for debugging (standalone engines only;
   * Swarm cannot publish on the loopback address alone, so a debug port is refused there).
   * @default - none; the store is reachable only on the internal backend network
   */
  readonly debugPort?: number;
  /**
   * Host address of the debug port. Only `127.0.0.1` is accepted; the prop exists so that a
   * configuration asking for another address fails loudly instead of exposing the store.
   * @default '127.0.0.1'
   */
  readonly debugHostIp?: string;
  /**
   * Swarm placement constraints of the workloads that keep state on a named volume. A local named
   * volume lives on one node, so a stateful task must always come back to the same node. The default
   * keeps it on the manager, which pins it to one node only on a one-node swarm; on a swarm of
   * several nodes (`SwarmRuntime` `nodes` > 1) it is refused: pin the store by node label, host name
   * or node id instead (e.g. `['node.labels.webcluster.data == true']`, with exactly one node
   * labelled, or `['node.hostname == data-1']`). Ignored on a standalone engine.
   * @default ['node.role == manager']
   */
  readonly placement?: string[];
}

/**
 * Validation rules for the debug port and the placement of a store. `portCount` is the number of
 * consecutive host ports the debug port starts (one per data class for Redis); `stateful` says
 * whether any of the store's workloads keeps a volume (and so needs a placement on Swarm).
 */
export function dataStoreRules(props: DockerDataStoreProps, portCount: number, stateful = true): ValidationRule[] {
  const runtime = props.cluster.runtime;
  const hostIp = props.debugHostIp ?? LOOPBACK;
  const port = props.debugPort;
  const placement = props.placement ?? [...DEFAULT_STATEFUL_PLACEMENT];
  const badConstraints = malformedConstraints(placement);
  const maxPort = 65535 - (portCount - 1);
  return [
    {
      failed: hostIp !== LOOPBACK,
      message: () =>
        `debugHostIp: got '${hostIp}'; allowed: ${LOOPBACK} only, a data store must not publish on ${hostIp}; fix: use ${LOOPBACK} or remove the debug port`,
    },
    {
      failed: port !== undefined && !runtime.supportsLoopbackPorts,
      message: () =>
        `debugPort: got ${port} on a ${runtime.mode} runtime; allowed: a debug port on a standalone engine only (Swarm publishes on every address of every node); fix: remove the debug port for ${runtime.mode}`,
    },
    {
      failed: port !== undefined && (!Number.isInteger(port) || port < 1024 || port > maxPort),
      message: () =>
        `debugPort: got ${port}; allowed: an integer from 1024 to ${maxPort}${portCount > 1 ? ` (the store uses ${portCount} consecutive ports from it)` : ''}; fix: pick a free unprivileged port such as 16379`,
    },
    {
      failed: badConstraints.length > 0,
      message: () =>
        `placement: got ${constraintList(badConstraints)}; allowed: Swarm constraints '<attribute> == <value>' or '<attribute> != <value>'; fix: use e.g. 'node.hostname == data-1'`,
    },
    {
      failed: stateful && placement.length === 0 && runtime.mode === 'swarm',
      message: () =>
        `placement: got [] on a swarm runtime; allowed: at least one constraint, a store's named volume lives on one node; fix: pin the store to one node, e.g. ['node.hostname == data-1']`,
    },
    {
      failed: stateful && placement.length > 0 && runtime.mode === 'swarm' && runtime.nodes > 1 && !pinsToChosenNodes(placement),
      message: () =>
        `placement: got ${constraintList(placement)} on a swarm of ${runtime.nodes} nodes; allowed: a constraint that pins the store to the node holding its volume (node.labels.<key> ==, node.hostname == or node.id ==), or a new task on another node starts with an empty volume; fix: label that one node (docker node update --label-add webcluster.data=true <node>) and use ['node.labels.webcluster.data == true']`,
    },
  ];
}

/** The placement of a stateful store's workloads. */
export function statefulPlacement(props: DockerDataStoreProps): string[] {
  return [...(props.placement ?? DEFAULT_STATEFUL_PLACEMENT)];
}

/** The debug port mapping of one workload, or none when no debug port was asked for. */
export function debugPorts(props: DockerDataStoreProps, containerPort: number, offset = 0): PublishedPort[] {
  return props.debugPort === undefined ? [] : [{ containerPort, hostPort: props.debugPort + offset, hostIp: LOOPBACK }];
}

/** Start of the Terraform variable names of a cluster's secrets: the name prefix with `_` for `-`. */
export function variablePrefix(cluster: DockerCluster): string {
  return cluster.namePrefix.replace(/-/g, '_');
}
