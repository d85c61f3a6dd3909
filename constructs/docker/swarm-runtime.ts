/**
 * SwarmRuntime: workloads as Docker Swarm services with rolling updates and automatic rollback,
 * overlay networks, and files and secrets as Swarm configs and secrets.
 */
import { Config } from '@cdktf/provider-docker/lib/config';
import { Network } from '@cdktf/provider-docker/lib/network';
import { Secret } from '@cdktf/provider-docker/lib/secret';
import { Service } from '@cdktf/provider-docker/lib/service';
import { Construct } from 'constructs';
import { Fn, Lazy, TerraformLocal } from '../core/cdktf';
import type { IDockerNetwork } from './docker-connections';
import { validate } from '../core/validation-error';
import type { IContainerRuntime, IRenderedWorkload, WorkloadSpec } from './runtime';
import { goShortDuration } from './private/duration';
import { healthcheckConfig, labelList, StandaloneRuntime } from './standalone-runtime';

/**
 * Failed tasks tolerated during an update or rollback, written as the provider reads it back (one
 * decimal): "0" would differ from the read-back "0.0" on every plan.
 */
const MAX_FAILURE_RATIO = '0.0';

/** Bytes per MiB. */
const MIB = 1024 * 1024;

/** How clients reach a Swarm service: its virtual IP, or DNS round robin over its tasks. */
export type SwarmEndpointMode = 'vip' | 'dnsrr';

/** Options of a {@link SwarmRuntime}. */
export interface SwarmRuntimeOptions {
  /**
   * `vip`: each service has one virtual IP, load-balanced by IPVS in the nodes' kernels. `dnsrr`:
   * the service name resolves to its tasks' addresses (for kernels without IPVS, where a virtual IP
   * does not route; published ports must then use `host` mode, as the load balancer's do).
   * @default 'vip'
   */
  readonly endpointMode?: SwarmEndpointMode;
  /**
   * Nodes in the swarm (1 to 100). With more than one, every stateful store must be pinned to the
   * node that holds its volume (a node label, host name or node id), and the load balancer to its
   * edge node(s): the stores and the load balancer refuse the default placement.
   * @default 1
   */
  readonly nodes?: number;
}

/**
 * Services on a Swarm: replicated (or global) mode, placement constraints, `start-first` updates that roll back
 * on failure (`stop-first` for stateful services, which must never run twice), overlay networks
 * (attachable, so one-shot tasks can join them), Swarm configs for rendered files and Swarm secrets
 * mounted as files. One-shot tasks run as containers on the manager the provider talks to.
 */
export class SwarmRuntime implements IContainerRuntime {
  public readonly mode = 'swarm' as const;
  public readonly supportsLoopbackPorts = false;
  /** The endpoint mode of every service. */
  public readonly endpointMode: SwarmEndpointMode;
  /** Nodes in the swarm (validated by the cluster: an integer from 1 to 100). */
  public readonly nodes: number;
  public readonly backendAddressing: 'virtual-ip' | 'dns-round-robin';
  private readonly tasks = new StandaloneRuntime();

  constructor(options: SwarmRuntimeOptions = {}) {
    this.endpointMode = options.endpointMode ?? 'vip';
    this.nodes = options.nodes ?? 1;
    this.backendAddressing = this.endpointMode === 'vip' ? 'virtual-ip' : 'dns-round-robin';
  }

  public network(scope: Construct, id: string, options: { name: string; internal: boolean; labels: Readonly<Record<string, string>> }): IDockerNetwork {
    const net = new Network(scope, id, {
      name: options.name,
      driver: 'overlay',
      attachable: true,
      internal: options.internal,
      labels: labelList(options.labels),
    });
    return { networkName: net.name, networkId: net.id, internal: options.internal };
  }

  public volume(scope: Construct, id: string, options: { name: string; labels: Readonly<Record<string, string>>; preventDestroy: boolean }): string {
    return this.tasks.volume(scope, id, options);
  }

  public workload(scope: Construct, spec: WorkloadSpec): IRenderedWorkload {
    const h = spec.healthcheck;
    const ingress = spec.ports.find((p) => (p.publishMode ?? 'ingress') === 'ingress');
    validate(scope, [
      {
        // Docker refuses it: the routing mesh needs a virtual IP.
        failed: this.endpointMode === 'dnsrr' && ingress !== undefined,
        message: () =>
          `ports: got port ${ingress?.hostPort} in ingress mode with endpoint mode dnsrr; allowed: host-mode ports with dnsrr (the routing mesh needs a virtual IP); fix: publish it with publishMode 'host' or use endpoint mode vip`,
      },
    ]);
    const configs = spec.files.map((f, i) => {
      // Swarm configs are immutable: the name carries a hash of the content, and the new one exists
      // before the old one goes, so the service update can switch over. The content sits in a local
      // so that lazily rendered files (Traefik's routes) and references resolve inside Terraform.
      const content = new TerraformLocal(scope, `Config${i + 1}Content`, f.content).asString;
      const config = new Config(scope, `Config${i + 1}`, {
        name: `${spec.name}-${Fn.substr(Fn.sha256(content), 0, 12)}`,
        data: Fn.base64encode(content),
        lifecycle: { createBeforeDestroy: true },
      });
      return { configId: config.id, configName: config.name, fileName: f.path, ...(f.executable ? { fileMode: 0o555 } : {}) };
    });
    const plainEnv: Record<string, string> = { ...spec.environment };
    const secrets = Object.entries(spec.secrets)
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([variable, s]) => {
        if (!s.fileVariable) {
          plainEnv[variable] = s.secret.value;
          return [];
        }
        const secret = new Secret(scope, `Secret${s.secret.variableName}`, {
          // Secrets are immutable too; a short hash of the value names each version. The variable
          // name already carries the cluster prefix (Swarm allows 64 characters).
          name: `${s.secret.variableName.replace(/_/g, '-')}-${Fn.substr(Fn.sha256(s.secret.value), 0, 8)}`,
          data: Fn.base64encode(s.secret.value),
          lifecycle: { createBeforeDestroy: true },
        });
        const fileName = `/run/secrets/${s.secret.variableName}`;
        plainEnv[s.fileVariable] = fileName;
        return [{ secretId: secret.id, secretName: secret.name, fileName }];
      });
    const service = new Service(scope, 'Service', {
      name: spec.name,
      labels: labelList({ ...spec.labels, 'webcluster.role': spec.role }),
      mode: spec.global ? { global: true } : { replicated: { replicas: spec.replicas } },
      taskSpec: {
        containerSpec: {
          image: spec.image.name,
          // A service's `command` is the entrypoint; `args` are what a container calls the command.
          command: spec.entrypoint ? [...spec.entrypoint] : undefined,
          args: spec.command ? [...spec.command] : undefined,
          env: plainEnv,
          healthcheck: h ? healthcheckConfig(h, goShortDuration) : undefined,
          mounts: [
            ...spec.volumes.map((v) => ({ target: v.containerPath, source: v.volumeName, type: v.bind ? 'bind' : 'volume', readOnly: v.readOnly ?? false })),
            // No tmpfs_options: the provider 3.6.2 reads size_bytes as int64 from an int and fails.
            ...(spec.security.tmpfs ?? []).map((target) => ({ target, type: 'tmpfs', readOnly: false })),
          ],
          user: spec.security.user,
          readOnly: spec.security.readOnlyRootfs ? true : undefined,
          configs,
          secrets,
          labels: labelList({ 'webcluster.role': spec.role }),
          stopGracePeriod: goShortDuration(spec.stopGraceSec),
        },
        networksAdvanced: Lazy.anyValue({
          // By id: the engine reports a service's networks by id, and a name would plan a replacement.
          produce: () => spec.networks().map((n) => ({ name: n.networkId, aliases: [...spec.aliases] })),
        }),
        resources: {
          limits: { memoryBytes: spec.resources.memoryMb * MIB, nanoCpus: Math.round(spec.resources.cpus * 1e9) },
          reservation: { memoryBytes: spec.resources.reservationMb * MIB },
        },
        placement: spec.placement.length > 0 ? { constraints: [...spec.placement] } : undefined,
        restartPolicy: { condition: 'any', delay: goShortDuration(5), maxAttempts: 0, window: goShortDuration(30) },
        logDriver: { name: spec.logging.driver, options: { ...spec.logging.options } },
      },
      updateConfig: {
        parallelism: 1,
        delay: goShortDuration(10),
        failureAction: 'rollback',
        monitor: goShortDuration(30),
        maxFailureRatio: MAX_FAILURE_RATIO,
        order: spec.stateful ? 'stop-first' : 'start-first',
      },
      rollbackConfig: {
        parallelism: 1,
        delay: goShortDuration(5),
        failureAction: 'pause',
        monitor: goShortDuration(30),
        maxFailureRatio: MAX_FAILURE_RATIO,
        order: spec.stateful ? 'stop-first' : 'start-first',
      },
      endpointSpec:
        spec.ports.length > 0 || this.endpointMode !== 'vip'
          ? {
              mode: this.endpointMode,
              ports:
                spec.ports.length > 0
                  ? spec.ports.map((p) => ({
                      targetPort: p.containerPort,
                      publishedPort: p.hostPort,
                      protocol: 'tcp',
                      publishMode: p.publishMode ?? 'ingress',
                    }))
                  : undefined,
            }
          : undefined,
      // The provider refuses converge_config on a global service (it conflicts with mode.0.global).
      convergeConfig: spec.global ? undefined : { delay: goShortDuration(7), timeout: goShortDuration(300) },
      dependsOn: spec.dependsOn.flatMap((d) => [...d.resources]),
    });
    return { backendHosts: [spec.name], resources: [service] };
  }

  public task(scope: Construct, spec: WorkloadSpec): IRenderedWorkload {
    return this.tasks.task(scope, spec);
  }
}
