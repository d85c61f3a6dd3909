/**
 * StandaloneRuntime: workloads as plain containers on one Docker engine (local socket or ssh://).
 */
import { Container, ContainerConfig } from '@cdktf/provider-docker/lib/container';
import { Network } from '@cdktf/provider-docker/lib/network';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Construct } from 'constructs';
import { Lazy } from '../core/cdktf';
import { cpuShares } from './container-resources';
import type { IDockerNetwork } from './docker-connections';
import { goDuration } from './private/duration';
import type { IContainerRuntime, IRenderedWorkload, WorkloadHealthcheck, WorkloadSecurity, WorkloadSpec } from './runtime';

/**
 * Capabilities every container drops, in the form the engine reports them back (`CAP_` prefix):
 * Docker normalises `NET_RAW` to `CAP_NET_RAW`, so the short form would plan a replacement of every
 * container after each apply.
 */
export const DROPPED_CAPABILITIES: readonly string[] = ['CAP_NET_RAW'];

/** Seconds Terraform waits for a container to become healthy. */
function waitTimeout(spec: WorkloadSpec): number {
  const h = spec.healthcheck;
  return h ? h.startPeriodSec + (h.intervalSec + h.timeoutSec) * (h.retries + 1) + 30 : 60;
}

/** Docker's `KEY=value` environment list, sorted for stable plans; secrets as variable references. */
export function envList(spec: WorkloadSpec): string[] {
  const plain = Object.entries(spec.environment).map(([k, v]) => `${k}=${v}`);
  const secret = Object.entries(spec.secrets).map(([k, s]) => `${k}=${s.secret.value}`);
  return [...plain, ...secret].sort();
}


/** Containers on one engine: `<name>-1..N` per workload, bridge networks, local volumes. */
export class StandaloneRuntime implements IContainerRuntime {
  public readonly mode = 'standalone' as const;
  public readonly nodes = 1;
  public readonly supportsLoopbackPorts = true;
  public readonly backendAddressing = 'per-container' as const;

  public network(scope: Construct, id: string, options: { name: string; internal: boolean; labels: Readonly<Record<string, string>> }): IDockerNetwork {
    const net = new Network(scope, id, {
      name: options.name,
      driver: 'bridge',
      internal: options.internal,
      labels: labelList(options.labels),
    });
    return { networkName: net.name, networkId: net.id, internal: options.internal };
  }

  public volume(scope: Construct, id: string, options: { name: string; labels: Readonly<Record<string, string>>; preventDestroy: boolean }): string {
    const volume = new Volume(scope, id, {
      name: options.name,
      labels: labelList(options.labels),
      lifecycle: { preventDestroy: options.preventDestroy },
    });
    return volume.name;
  }

  public workload(scope: Construct, spec: WorkloadSpec): IRenderedWorkload {
    const containers = Array.from({ length: spec.replicas }, (_, i) => {
      const name = `${spec.name}-${i + 1}`;
      return new Container(scope, `Container${i + 1}`, {
        ...containerConfig(spec, name),
        restart: 'unless-stopped',
        mustRun: true,
        wait: spec.healthcheck !== undefined,
        waitTimeout: waitTimeout(spec),
      });
    });
    return { backendHosts: containers.map((c) => c.name), resources: containers };
  }

  public task(scope: Construct, spec: WorkloadSpec): IRenderedWorkload {
    const container = new Container(scope, 'Task', {
      ...containerConfig(spec, spec.name),
      restart: 'no',
      mustRun: false,
      attach: true,
      logs: true,
      lifecycle: {
        postcondition: [
          {
            condition: '${self.exit_code == 0}',
            errorMessage: `one-shot task ${spec.name} failed; read its output with: docker logs ${spec.name}`,
          },
        ],
      },
    });
    return { backendHosts: [], resources: [container] };
  }
}

/** The container arguments common to long-running workloads and one-shot tasks. */
function containerConfig(spec: WorkloadSpec, name: string): ContainerConfig {
  const h = spec.healthcheck;
  return {
    name,
    image: spec.image.imageId,
    entrypoint: spec.entrypoint ? [...spec.entrypoint] : undefined,
    command: spec.command ? [...spec.command] : undefined,
    env: envList(spec),
    networksAdvanced: Lazy.anyValue({
      produce: () => spec.networks().map((n) => ({ name: n.networkName, aliases: [...spec.aliases] })),
    }),
    volumes: spec.volumes.map((v) => ({ ...(v.bind ? { hostPath: v.volumeName } : { volumeName: v.volumeName }), containerPath: v.containerPath, readOnly: v.readOnly ?? false })),
    upload: spec.files.map((f) => ({ file: f.path, content: f.content, ...(f.executable ? { executable: true } : {}) })),
    healthcheck: h ? healthcheckConfig(h) : undefined,
    ports: spec.ports.map((p) => ({ internal: p.containerPort, external: p.hostPort, ip: p.hostIp, protocol: 'tcp' })),
    logDriver: spec.logging.driver,
    logOpts: { ...spec.logging.options },
    labels: labelList({ ...spec.labels, 'webcluster.role': spec.role, ...replacingLabels(spec.security) }),
    destroyGraceSeconds: spec.stopGraceSec,
    // No swap beyond the limit (memory_swap = memory): the engine reads back what is written here,
    // where an unset memory_swap reads back as twice the memory and plans a change after each apply.
    // An engine without swap limit support stores -1 whatever it is given, so -1 is written there.
    memory: spec.resources.memoryMb,
    memorySwap: spec.swapLimit ? spec.resources.memoryMb : -1,
    // A weight, not a cap: `cpus` would read back as nano-CPUs and plan a change after each apply.
    cpuShares: cpuShares(spec.resources.cpus),
    capabilities: { drop: [...DROPPED_CAPABILITIES] },
    securityOpts: ['no-new-privileges:true'],
    ...securityConfig(spec.security),
    dependsOn: spec.dependsOn.flatMap((d) => [...d.resources]),
  };
}

/** Mount options of scratch tmpfs directories: no executables, no set-uid, no devices. */
export const TMPFS_OPTIONS = 'rw,noexec,nosuid,nodev';

/**
 * The tmpfs options for a workload: owned by its user (the engine mounts tmpfs owned by root,
 * where a server running as another user could not create its socket).
 */
function tmpfsOptions(user: string | undefined): string {
  if (user === undefined) return TMPFS_OPTIONS;
  const [uid, gid = uid] = user.split(':');
  return `${TMPFS_OPTIONS},uid=${uid},gid=${gid}`;
}

/**
 * Labels that carry `init` and `tmpfs`: the provider can neither update those two on a container
 * nor replaces it when they change, so without a label (labels replace the container) a change
 * would never reach the engine and every plan would show it again.
 */
function replacingLabels(s: WorkloadSecurity): Record<string, string> {
  const tmpfs = s.tmpfs ?? [];
  return {
    ...(s.init ? { 'webcluster.init': 'true' } : {}),
    ...(tmpfs.length > 0 ? { 'webcluster.tmpfs': [...tmpfs].sort().join(',') } : {}),
  };
}

/** A workload's hardening as container arguments; unset fields are left out (the image's defaults). */
function securityConfig(s: WorkloadSecurity): Partial<ContainerConfig> {
  const tmpfs = s.tmpfs ?? [];
  return {
    ...(s.user !== undefined ? { user: s.user } : {}),
    ...(s.readOnlyRootfs ? { readOnly: true } : {}),
    ...(tmpfs.length > 0 ? { tmpfs: Object.fromEntries(tmpfs.map((path) => [path, tmpfsOptions(s.user)])) } : {}),
    ...(s.init ? { init: true } : {}),
    ...(s.nofile !== undefined ? { ulimit: [{ name: 'nofile', soft: s.nofile, hard: s.nofile }] } : {}),
  };
}

/**
 * A health check in the provider's form, durations written the way the provider reads them back
 * (`duration`: {@link goDuration} for containers, `goShortDuration` for services).
 */
export function healthcheckConfig(
  h: WorkloadHealthcheck,
  duration: (seconds: number) => string = goDuration,
): { test: string[]; interval: string; timeout: string; retries: number; startPeriod: string } {
  return { test: [...h.test], interval: duration(h.intervalSec), timeout: duration(h.timeoutSec), retries: h.retries, startPeriod: duration(h.startPeriodSec) };
}

/** Docker labels in the provider's list form, sorted. */
export function labelList(labels: Readonly<Record<string, string>>): { label: string; value: string }[] {
  return Object.keys(labels)
    .sort()
    .map((label) => ({ label, value: labels[label] }));
}
