/**
 * WC-DKR-003: data-store containers publish no port except on the loopback address.
 */
import type { IConstruct } from 'constructs';
import { imageOf, isDataStoreImage, publishedPorts, workloadOf } from '../private/docker';
import type { Compliance, PolicyRule } from '../rule';

const LOOPBACK = new Set(['127.0.0.1', '::1']);

function check(node: IConstruct): Compliance {
  const w = workloadOf(node);
  if (!w) return 'not-applicable';
  const image = imageOf(w);
  if (image === undefined || !isDataStoreImage(image)) return 'not-applicable';
  return publishedPorts(w).every((p) => !p.swarm && LOOPBACK.has(p.hostIp)) ? 'compliant' : 'non-compliant';
}

/** A data store publishes ports only on 127.0.0.1/::1 of a standalone engine (never on Swarm, which publishes on every node). */
export const DataStoreNoPublishedPorts: PolicyRule = {
  id: 'WC-DKR-003',
  name: 'DataStoreNoPublishedPorts',
  level: 'error',
  info: 'The data-store container publishes a port on a non-loopback address (Docker binds 0.0.0.0 by default; Swarm publishes on every node).',
  explanation:
    'Docker inserts its own iptables rules for published ports, ahead of host firewalls such as ufw, so a port published on ' +
    '0.0.0.0 is reachable from the internet even when the firewall says otherwise. Redis, MySQL and MinIO then face ' +
    'brute force and known exploits. Publish data-store ports only on 127.0.0.1 for debugging (docker.debugPorts), or not at all.',
  check,
};
