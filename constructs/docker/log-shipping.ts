/**
 * LogShipping (Docker): Fluent Bit receiving every container's logs through Docker's fluentd log
 * driver on a standalone engine, with routes rendered by our code; json-file with rotation on Swarm.
 */
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { ILogShipping } from '../core/roles';
import { validate, ValidationError } from '../core/validation-error';
import type { DockerCluster } from './docker-cluster';
import type { DockerSecret } from './docker-secret';
import type { LogTarget } from './runtime';
import { ContainerResources, DEFAULT_RESOURCES } from './container-resources';
import { Workload } from './workload';

/** One Fluent Bit output and the records it takes. */
export interface FluentBitOutput {
  /** Tag pattern of the records (Fluent Bit `match`, `*` as wildcard), e.g. `docker.shop-app-*` or `*`. */
  readonly match: string;
  /** Output plugin, e.g. `stdout`, `loki`, `es`, `s3`, `forward`. */
  readonly name: string;
  /**
   * Plugin options, e.g. `{ host: 'loki.example.com', port: '3100' }`. Write secrets as
   * `${ENV_NAME}` and supply them through {@link LogShippingProps.secrets}.
   */
  readonly options: Record<string, string>;
}

/** Properties of a {@link LogShipping}. */
export interface LogShippingProps {
  /** The cluster whose workloads' logs are shipped (create LogShipping before the other roles). */
  readonly cluster: DockerCluster;
  /**
   * Fluent Bit image, pinned by tag or digest.
   * @default 'fluent/fluent-bit:3.2.4'
   */
  readonly image?: string;
  /**
   * Image with a statically linked `/bin/busybox`. Fluent Bit's image is distroless (no shell, no
   * HTTP client), so a one-shot task copies BusyBox into a volume that Fluent Bit mounts read-only,
   * and the health check runs its `wget` against Fluent Bit's `/api/v1/health`.
   * @default 'busybox:1.37.0-musl'
   */
  readonly healthcheckToolImage?: string;
  /**
   * Where the records go; every container's records carry the tag `docker.<container name>`.
   * Only on a standalone engine (Fluent Bit does not run on Swarm yet, so outputs are refused there).
   * @default [{ match: '*', name: 'stdout', options: { format: 'json_lines' } }]: Fluent Bit's own log
   */
  readonly outputs?: FluentBitOutput[];
  /**
   * Secrets for output options, as environment variables of the Fluent Bit container (names in
   * capitals, referenced as `${NAME}` in options).
   * @default {}
   */
  readonly secrets?: Record<string, DockerSecret>;
  /**
   * Host port (on 127.0.0.1) the Docker engine sends logs to, Fluent Bit's `forward` input.
   * @default 24224
   */
  readonly forwardPort?: number;
  /**
   * Size in MiB at which json-file logs rotate (Swarm, and Fluent Bit's own log).
   * @default 10
   */
  readonly jsonFileMaxSizeMb?: number;
  /**
   * Rotated json-file logs kept per container (Swarm, and Fluent Bit's own log).
   * @default 5
   */
  readonly jsonFileMaxFiles?: number;
  /**
   * Memory limit, memory reservation and CPUs of the Fluent Bit container.
   * @default { memoryMb: 128, cpus: 0.25 }
   */
  readonly resources?: ContainerResources;
}

/** Default Fluent Bit image. */
export const DEFAULT_FLUENT_BIT_IMAGE = 'fluent/fluent-bit:3.2.4';
/** Default image of the health check's tool: BusyBox, statically linked. */
export const DEFAULT_BUSYBOX_IMAGE = 'busybox:1.37.0-musl';
/** Where Fluent Bit mounts the tools volume (read-only). */
const TOOLS_DIR = '/webcluster-tools';
/** Where the one-shot task mounts it. */
const TOOLS_TARGET = '/tools';
/** Where the rendered configuration is placed in the container. */
const CONFIG_PATH = '/fluent-bit/etc/fluent-bit.yaml';
/** Port of Fluent Bit's HTTP server (health endpoint `/api/v1/health`), not published. */
const HTTP_PORT = 2020;
/** Default output: everything to Fluent Bit's own stdout, one JSON record per line. */
const DEFAULT_OUTPUTS: readonly FluentBitOutput[] = [{ match: '*', name: 'stdout', options: { format: 'json_lines' } }];
/** Option keys the construct sets itself. */
const RESERVED_OPTIONS = ['name', 'match', 'match_regex'];

/**
 * Log shipping on Docker. Workloads read {@link DockerCluster.logging} when they are created, so
 * create LogShipping before the other roles: only workloads created after it use its log driver.
 *
 * On a standalone engine (`runtime.supportsLoopbackPorts`) one Fluent Bit container
 * `<prefix>-fluent-bit-1` runs with a configuration rendered here (YAML format, uploaded to
 * `/fluent-bit/etc/fluent-bit.yaml`): the `forward` input on 24224, published on 127.0.0.1 only,
 * and the configured outputs. The cluster's log driver becomes `fluentd` pointing at
 * `127.0.0.1:<forwardPort>` (asynchronous, so containers start while Fluent Bit is down; the engine's
 * local cache keeps `docker logs` working) with the tag `docker.<container name>`. Fluent Bit's own
 * log stays json-file with rotation. No Docker socket is mounted. Fluent Bit's HTTP server answers
 * `/api/v1/health` on port 2020 inside the container (not published), with `health_check` on: 500
 * once outputs keep failing. The image is distroless (no shell, no HTTP client), so a one-shot task
 * `<prefix>-fluent-bit-tools` first copies a static BusyBox into the volume
 * `<prefix>-fluent-bit-tools`, mounted read-only at `/webcluster-tools`, and the health check is
 * `/webcluster-tools/busybox wget` of that endpoint.
 *
 * On Swarm the engine's log driver would have to reach a Fluent Bit on every node through a
 * published port, which Swarm publishes on every address. Tailing the `*-json.log` files under
 * `/var/lib/docker/containers` instead needs a read-only bind mount and one Fluent Bit per node
 * (global mode), which the runtime does not offer yet. So on Swarm no Fluent Bit runs and
 * logs stay json-file with rotation (`docker service logs <name>`).
 *
 * @resource docker_container
 */
export class LogShipping extends Construct implements ILogShipping {
  public readonly sinkName: string;
  /** Where workloads created after this construct send their logs. */
  public readonly logTarget: LogTarget;
  /** The outputs in use (none on Swarm). */
  public readonly outputs: readonly FluentBitOutput[];
  /** The Fluent Bit workload (standalone engines only). */
  public readonly workload?: Workload;
  /** The rendered Fluent Bit configuration (standalone engines only). */
  public readonly config?: string;
  /** Fluent Bit image in use. */
  public readonly image: string;
  private readonly namePrefix: string;

  constructor(scope: Construct, id: string, props: LogShippingProps) {
    super(scope, id);
    const cluster = props.cluster;
    const runtime = cluster.runtime;
    const onEngine = runtime.supportsLoopbackPorts;
    const outputs = props.outputs ?? DEFAULT_OUTPUTS;
    const secrets = props.secrets ?? {};
    const forwardPort = props.forwardPort ?? 24224;
    const maxSizeMb = props.jsonFileMaxSizeMb ?? 10;
    const maxFiles = props.jsonFileMaxFiles ?? 5;
    const list = (xs: readonly string[]): string => `[${xs.map((x) => `'${x}'`).join(', ')}]`;
    const badNames = outputs.map((o) => o.name).filter((n) => !/^[a-z][a-z0-9_]*$/.test(n));
    const badMatches = outputs.map((o) => o.match).filter((m) => !/^[A-Za-z0-9_.*-]+$/.test(m));
    const badKeys = outputs.flatMap((o) => Object.keys(o.options)).filter((k) => !/^[A-Za-z][A-Za-z0-9_.]*$/.test(k) || RESERVED_OPTIONS.includes(k.toLowerCase()));
    const badEnv = Object.keys(secrets).filter((k) => !/^[A-Z_][A-Z0-9_]*$/.test(k));
    validate(this, [
      {
        failed: outputs.length === 0,
        message: () => "outputs: got []; allowed: at least one output; fix: add e.g. { match: '*', name: 'stdout', options: {} }",
      },
      {
        failed: badNames.length > 0,
        message: () => `outputs[].name: got ${list(badNames)}; allowed: Fluent Bit output plugin names (lowercase letters, digits, '_'); fix: use e.g. 'loki' or 'es'`,
      },
      {
        failed: badMatches.length > 0,
        message: () => `outputs[].match: got ${list(badMatches)}; allowed: tag patterns of letters, digits, '.', '_', '-' and '*'; fix: use e.g. 'docker.*'`,
      },
      {
        failed: badKeys.length > 0,
        message: () =>
          `outputs[].options: got key(s) ${list(badKeys)}; allowed: plugin option names (letters, digits, '_', '.') other than name, match and match_regex; fix: set the plugin in 'name' and the tag pattern in 'match'`,
      },
      {
        failed: badEnv.length > 0,
        message: () => `secrets: got variable name(s) ${list(badEnv)}; allowed: capital letters, digits and '_'; fix: use e.g. 'LOKI_PASSWORD'`,
      },
      {
        failed: !Number.isInteger(forwardPort) || forwardPort < 1024 || forwardPort > 65535,
        message: () => `forwardPort: got ${forwardPort}; allowed: an integer from 1024 to 65535; fix: use the default 24224 or another free port`,
      },
      {
        failed: !Number.isInteger(maxSizeMb) || maxSizeMb < 1 || maxSizeMb > 1024,
        message: () => `jsonFileMaxSizeMb: got ${maxSizeMb}; allowed: an integer from 1 to 1024; fix: use e.g. 10`,
      },
      {
        failed: !Number.isInteger(maxFiles) || maxFiles < 1 || maxFiles > 100,
        message: () => `jsonFileMaxFiles: got ${maxFiles}; allowed: an integer from 1 to 100; fix: use e.g. 5`,
      },
      {
        failed: !onEngine && (props.outputs !== undefined || Object.keys(secrets).length > 0),
        message: () =>
          `outputs: got Fluent Bit outputs on a ${runtime.mode} runtime; allowed: outputs on a standalone engine only (on Swarm logs stay json-file until the runtime offers bind mounts and global services); fix: drop outputs and secrets for ${runtime.mode}`,
      },
    ]);

    this.namePrefix = cluster.namePrefix;
    this.image = props.image ?? DEFAULT_FLUENT_BIT_IMAGE;
    const jsonFile: LogTarget = { driver: 'json-file', options: { 'max-size': `${maxSizeMb}m`, 'max-file': String(maxFiles) } };
    cluster.routeLogs(jsonFile);

    if (!onEngine) {
      this.sinkName = 'json-file';
      this.outputs = [];
      this.logTarget = jsonFile;
      return;
    }

    this.sinkName = 'fluent-bit';
    this.outputs = outputs.map((o) => ({ match: o.match, name: o.name, options: { ...o.options } }));
    this.config = renderConfig(this.outputs);
    const resources = props.resources ?? DEFAULT_RESOURCES.logs;
    const toolsVolume = cluster.addVolume(this, 'ToolsVolume', 'fluent-bit-tools', false);
    const tools = new Workload(this, 'Tools', {
      cluster,
      name: 'fluent-bit-tools',
      role: 'logging-tools',
      image: props.healthcheckToolImage ?? DEFAULT_BUSYBOX_IMAGE,
      // Copy, then rename: a running health check may be executing the old file.
      command: ['sh', '-c', `cp /bin/busybox ${TOOLS_TARGET}/busybox.new && mv -f ${TOOLS_TARGET}/busybox.new ${TOOLS_TARGET}/busybox`],
      volumes: [{ volumeName: toolsVolume, containerPath: TOOLS_TARGET }],
      resources,
      oneShot: true,
    });
    this.workload = new Workload(this, 'FluentBit', {
      cluster,
      name: 'fluent-bit',
      role: 'logging',
      image: this.image,
      // The binary first, as in the image's own CMD (its entrypoint is the same binary).
      command: ['/fluent-bit/bin/fluent-bit', '-c', CONFIG_PATH],
      secrets: Object.fromEntries(Object.entries(secrets).map(([name, secret]) => [name, { secret }])),
      files: [{ path: CONFIG_PATH, content: this.config }],
      ports: [{ containerPort: 24224, hostPort: forwardPort, hostIp: '127.0.0.1' }],
      volumes: [{ volumeName: toolsVolume, containerPath: TOOLS_DIR, readOnly: true }],
      healthcheck: {
        test: ['CMD', `${TOOLS_DIR}/busybox`, 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${HTTP_PORT}/api/v1/health`],
        intervalSec: 10,
        timeoutSec: 5,
        retries: 3,
        startPeriodSec: 10,
      },
      dependsOn: [tools],
      resources,
    });
    this.logTarget = {
      driver: 'fluentd',
      options: {
        'fluentd-address': `127.0.0.1:${forwardPort}`,
        'fluentd-async': 'true',
        tag: 'docker.{{.Name}}',
      },
    };
    cluster.routeLogs(this.logTarget);
  }

  /**
   * Where the logs of one workload (by its name in the cluster, e.g. `app` or `redis-sessions`) go:
   * the Fluent Bit outputs whose `match` takes its tag, or json-file on Swarm. Throws for a name
   * that is not a workload name, or when no output takes the workload's records.
   */
  public destinationFor(role: string): string {
    if (!/^[a-z][a-z0-9-]{0,40}$/.test(role)) {
      throw new ValidationError(`role: got '${role}'; allowed: a workload name (lowercase letters, digits and '-'); fix: use e.g. 'app'`, this);
    }
    const name = `${this.namePrefix}-${role}`;
    if (this.outputs.length === 0) return `json-file on the node (docker service logs ${name})`;
    const tags = [`docker.${name}-1`, `docker.${name}`];
    const taken = this.outputs.filter((o) => tags.some((t) => tagMatches(o.match, t)));
    if (taken.length === 0) {
      throw new ValidationError(
        `role: got '${role}' whose records (tag docker.${name}-<n>) no output takes; allowed: roles matched by an output; fix: add an output with match 'docker.${name}-*' or '*'`,
        this,
      );
    }
    return `fluent-bit ${taken.map((o) => `${o.name} (match '${o.match}')`).join(', ')} for tag docker.${name}-<n>`;
  }
}

/** Fluent Bit's tag matching: `*` matches any run of characters, everything else itself. */
function tagMatches(pattern: string, tag: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&')).join('.*')}$`);
  return re.test(tag);
}

/**
 * The YAML configuration. `${NAME}` in option values is left to Fluent Bit (environment variables),
 * so it is escaped from Terraform's interpolation as `$${NAME}`.
 */
function renderConfig(outputs: readonly FluentBitOutput[]): string {
  const doc = {
    service: {
      flush: 1,
      log_level: 'info',
      http_server: 'on',
      http_listen: '0.0.0.0',
      http_port: HTTP_PORT,
      health_check: 'on',
    },
    pipeline: {
      inputs: [{ name: 'forward', listen: '0.0.0.0', port: 24224 }],
      outputs: outputs.map((o) => ({ name: o.name, match: o.match, ...o.options })),
    },
  };
  return stringify(doc).replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, '$$$${$1}').replace(/%\{/g, '%%{');
}
