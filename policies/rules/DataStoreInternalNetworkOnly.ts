/**
 * WC-DKR-002: data-store containers are only attached to internal networks.
 */
import type { IConstruct } from 'constructs';
import { imageOf, isDataStoreImage, isInternalNetwork, networksOf, workloadOf } from '../private/docker';
import type { Compliance, PolicyRule } from '../rule';

function check(node: IConstruct): Compliance {
  const w = workloadOf(node);
  if (!w) return 'not-applicable';
  const image = imageOf(w);
  if (image === undefined || !isDataStoreImage(image)) return 'not-applicable';
  const networks = networksOf(w);
  if (networks.length === 0) {
    // No explicit network: a container joins the default bridge (not internal) unless networking is off.
    return w.kind === 'container' && w.spec.network_mode === 'none' ? 'compliant' : 'non-compliant';
  }
  if (w.kind === 'container' && typeof w.spec.network_mode === 'string' && w.spec.network_mode === 'host') return 'non-compliant';
  return networks.every((n) => isInternalNetwork(node, n)) ? 'compliant' : 'non-compliant';
}

/** Redis/Valkey, MySQL/MariaDB, PostgreSQL, MongoDB, MinIO, ... containers and services only on `internal` docker_networks. */
export const DataStoreInternalNetworkOnly: PolicyRule = {
  id: 'WC-DKR-002',
  name: 'DataStoreInternalNetworkOnly',
  level: 'error',
  info: 'The data-store container is attached to a network that is not an internal docker_network of this stack (or to the default bridge/host network).',
  explanation:
    'A data store on a non-internal network can reach the internet (exfiltration, pulling tools) and is reachable from every ' +
    'container on that network, including the public-facing load balancer. Attach data stores only to an internal network ' +
    '(docker_network internal = true) shared with the app containers; DockerCluster.backend is such a network.',
  check,
};
