/**
 * WC-DKR-004: the Docker socket is never mounted writable.
 */
import type { IConstruct } from 'constructs';
import { hostMounts, workloadOf } from '../private/docker';
import type { Compliance, PolicyRule } from '../rule';

/** `/var/run/docker.sock`, `/run/docker.sock`, rootless `/run/user/1000/docker.sock`, or a directory holding it. */
function isDockerSocket(hostPath: string): boolean {
  const path = hostPath.replace(/\/+$/, '');
  return /(^|\/)docker\.sock$/.test(path) || path === '/var/run' || path === '/run';
}

function check(node: IConstruct): Compliance {
  const w = workloadOf(node);
  if (!w) return 'not-applicable';
  return hostMounts(w).some((m) => isDockerSocket(m.hostPath) && !m.readOnly) ? 'non-compliant' : 'compliant';
}

/** No container or service bind-mounts the Docker socket (or /run, /var/run) without read_only. */
export const DockerSocketReadOnly: PolicyRule = {
  id: 'WC-DKR-004',
  name: 'DockerSocketReadOnly',
  level: 'error',
  info: 'The Docker socket (or /run, /var/run) is mounted writable into the container.',
  explanation:
    'Whoever can write to the Docker socket controls the engine and so the host (start a privileged container that mounts /). ' +
    'Mount it read_only = true where a container must watch the engine (Traefik). Note that read_only on a socket only stops ' +
    'replacing the file, not API calls through it: prefer a socket proxy that allows only GET requests for containers and ' +
    'networks, and never mount the socket into app or data-store containers.',
  check,
};
