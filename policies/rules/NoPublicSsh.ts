/**
 * WC-AWS-008: SSH is never open to the whole internet.
 */
import type { IConstruct } from 'constructs';
import { coversPort, ingressOf } from '../private/ingress';
import type { Compliance, PolicyRule } from '../rule';

const SSH_PORT = 22;

function check(node: IConstruct): Compliance {
  const entries = ingressOf(node);
  if (entries === undefined || entries.length === 0) return 'not-applicable';
  return entries.some((e) => e.worldOpen && coversPort(e, SSH_PORT)) ? 'non-compliant' : 'compliant';
}

/** No ingress from 0.0.0.0/0 or ::/0 covers tcp/22. */
export const NoPublicSsh: PolicyRule = {
  id: 'WC-AWS-008',
  name: 'NoPublicSsh',
  level: 'error',
  info: 'SSH (tcp/22) is open to 0.0.0.0/0 or ::/0 (directly or through an all-ports/all-protocols rule).',
  explanation:
    'An SSH port open to the internet is brute-forced within minutes of creation. Use Session Manager (no inbound port at ' +
    'all), or AdminServer.allowSshAccessFrom(Peer.ipv4(<office or VPN block>)) for a /16 or narrower block.',
  check,
};
