/**
 * AppServerGroup (Docker): app replicas behind the load balancer, queue-worker containers, exactly
 * one scheduled-task container and a one-shot init/migration task that must succeed first.
 */
import { Construct } from 'constructs';
import { Port } from '../core/port';
import type { IAppServerGroup } from '../core/roles';
import { validate, ValidationRule } from '../core/validation-error';
import { ContainerResources, DEFAULT_RESOURCES, resourceRules } from './container-resources';
import type { DockerCluster } from './docker-cluster';
import type { DockerConnections } from './docker-connections';
import type { LoadBalancer, LoadBalancerTarget } from './load-balancer';
import { CompositeConnections } from './private/composite-connections';
import { defaultProcessText, processCheckFile, processHealthcheck } from './private/process-check';
import type { WorkloadHealthcheck, WorkloadSecret, WorkloadVolume } from './runtime';
import { Workload } from './workload';

/** Properties of an {@link AppServerGroup}. */
export interface AppServerGroupProps {
  /** The cluster; the app listens on its frontend network. */
  readonly cluster: DockerCluster;
  /** Load balancer; the app becomes its catch-all target (unless `loadBalancerRoute` is false). */
  readonly loadBalancer: LoadBalancer;
  /**
   * Whether the app adds the load balancer's catch-all route. Set it to false when something in
   * front of the app (an HTTP cache) takes that route and forwards to the app itself.
   * @default true
   */
  readonly loadBalancerRoute?: boolean;
  /** Port the app's web server listens on in the container. */
  readonly port: number;
  /** HTTP path that answers 2xx when the app is healthy (load balancer and container health check). */
  readonly healthCheckPath: string;
  /** App image (your project image), pinned by tag or digest; workers, scheduler and init run it too. */
  readonly image: string;
  /**
   * Name within the cluster: workloads are `<name>`, `<name>-worker`, `<name>-scheduler` and
   * `<name>-init`; also the load balancer target id.
   * @default 'app'
   */
  readonly name?: string;
  /**
   * App containers (1 to 50).
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Command of the app containers.
   * @default - the image's command
   */
  readonly command?: string[];
  /**
   * Plain environment of every container of the group; never secrets.
   * @default {}
   */
  readonly environment?: Record<string, string>;
  /**
   * Secret environment of every container of the group.
   * @default {}
   */
  readonly secrets?: Record<string, WorkloadSecret>;
  /**
   * Queue-consumer command of the worker containers (restarted when it exits, so time and memory
   * limits in the command are fine).
   * @default - no worker containers
   */
  readonly workerCommand?: string[];
  /**
   * Text the workers' health check looks for in the command lines of their processes: healthy
   * while such a process runs and is neither stopped nor a zombie.
   * @default - the worker command's arguments joined by spaces (the command itself when it has none)
   */
  readonly workerProcess?: string;
  /**
   * Worker containers (0 to 50).
   * @default 2 when `workerCommand` is set, else 0
   */
  readonly workers?: number;
  /**
   * Command of the cluster's only scheduled-task container (Shopware: `scheduled-task:run`),
   * restarted when it exits; never two copies, also not during a Swarm update.
   * @default - no scheduler container
   */
  readonly schedulerCommand?: string[];
  /**
   * Text the scheduler's health check looks for in the command lines of its processes; set it when
   * the command hands over to another program (`exec supervisord -n`).
   * @default - the scheduler command's arguments joined by spaces (the command itself when it has none)
   */
  readonly schedulerProcess?: string;
  /**
   * One-shot, idempotent setup/migration command; app, workers and scheduler start only after it
   * exited 0.
   * @default - no init task
   */
  readonly initCommand?: string[];
  /**
   * Health check of the app containers.
   * @default - GET healthCheckPath on 127.0.0.1:port with wget or curl every 10 s (timeout 5 s, 3 retries, 60 s start period)
   */
  readonly healthcheck?: WorkloadHealthcheck;
  /**
   * Data stores every container of the group waits for (healthy, where they have a health check).
   * @default []
   */
  readonly dependsOn?: Workload[];
  /**
   * Named volumes mounted into every container of the group.
   * @default []
   */
  readonly volumes?: WorkloadVolume[];
  /**
   * Memory limit, memory reservation and CPUs of each app container (and of the init task).
   * @default { memoryMb: 1024, cpus: 1 }
   */
  readonly resources?: ContainerResources;
  /**
   * Memory limit, memory reservation and CPUs of each queue worker.
   * @default { memoryMb: 512, cpus: 0.5 }
   */
  readonly workerResources?: ContainerResources;
  /**
   * Memory limit, memory reservation and CPUs of the scheduler.
   * @default { memoryMb: 256, cpus: 0.25 }
   */
  readonly schedulerResources?: ContainerResources;
}

/**
 * The app tier as workloads of one image: `replicas` app containers (the load balancer's catch-all
 * target, health-checked, restarted unless stopped; a replicated service with start-first rolling
 * updates on Swarm), `workers` queue consumers, exactly one scheduler (stop-first on Swarm, so never
 * two) and a one-shot init task that app, workers and scheduler depend on. Workers depend on the
 * app and the scheduler on both, so a new image goes init (migrations) → app → workers → scheduler:
 * on Swarm every service rolls that way in one apply; on a standalone engine `npm run release`
 * applies the steps one by one (release/docker-release.ts), an app container at a time.
 *
 * The scheduler lives here, not on the admin server as in the AWS layout, because the container
 * setup of the Shopware docs runs it as its own "scheduled task container" next to app and workers.
 *
 * `connections` stands for the whole group: a data store that grants it access
 * (`db.connections.allowDefaultPortFrom(group)`) is reachable from every container of the group.
 *
 * @resource docker_container
 */
export class AppServerGroup extends Construct implements IAppServerGroup {
  /** Network membership of every workload of the group. */
  public readonly connections: DockerConnections;
  /** Name of the app workload (`<prefix>-<name>`). @attribute */
  public readonly groupName: string;
  /** The app containers. */
  public readonly appWorkload: Workload;
  /** The queue workers, when there are any. */
  public readonly workerWorkload?: Workload;
  /** The single scheduler, when `schedulerCommand` is set. */
  public readonly schedulerWorkload?: Workload;
  /** The one-shot init task, when `initCommand` is set. */
  public readonly initTask?: Workload;
  /** The one-shot tasks (empty or the init task); other workloads of the stack may depend on them. */
  public readonly initTasks: readonly Workload[];
  /** The load balancer route; undefined when `loadBalancerRoute` is false. */
  public readonly target?: LoadBalancerTarget;
  /** App containers (Swarm: replicas). */
  public readonly replicas: number;
  /** Worker containers (Swarm: replicas); 0 without a worker command. */
  public readonly workers: number;

  constructor(scope: Construct, id: string, props: AppServerGroupProps) {
    super(scope, id);
    const name = props.name ?? 'app';
    this.replicas = props.replicas ?? 2;
    this.workers = props.workers ?? (props.workerCommand ? 2 : 0);
    const appResources = props.resources ?? DEFAULT_RESOURCES.app;
    const workerResources = props.workerResources ?? DEFAULT_RESOURCES.worker;
    const schedulerResources = props.schedulerResources ?? DEFAULT_RESOURCES.scheduler;
    validate(this, [
      {
        failed: !/^[a-z][a-z0-9-]{0,30}$/.test(name),
        message: () => `name: got '${name}'; allowed: lowercase letters, digits and '-', starting with a letter; fix: use e.g. 'app'`,
      },
      {
        failed: !Number.isInteger(this.replicas) || this.replicas < 1 || this.replicas > 50,
        message: () => `replicas: got ${this.replicas}; allowed: 1 to 50; fix: run at least one app container (2 for availability)`,
      },
      {
        failed: !Number.isInteger(this.workers) || this.workers < 0 || this.workers > 50,
        message: () => `workers: got ${this.workers}; allowed: 0 to 50; fix: pick a value in range`,
      },
      {
        failed: this.workers > 0 && !props.workerCommand,
        message: () => `workers: got ${this.workers} without a workerCommand; allowed: workers only with a command; fix: set workerCommand or workers: 0`,
      },
      ...commandRules(props),
      ...httpCheckRules(props.port, props.healthCheckPath),
      ...resourceRules('resources', appResources),
      ...resourceRules('workerResources', workerResources),
      ...resourceRules('schedulerResources', schedulerResources),
    ]);
    const cluster = props.cluster;
    const common = {
      cluster,
      image: props.image,
      // An init process reaps what PHP-FPM, shells and cron-like loops leave behind.
      security: { init: true },
      environment: props.environment ?? {},
      secrets: props.secrets ?? {},
      volumes: props.volumes ?? [],
    };
    const stores = props.dependsOn ?? [];

    this.initTask = props.initCommand
      ? new Workload(this, 'Init', { ...common, name: `${name}-init`, role: 'init', command: props.initCommand, resources: appResources, oneShot: true, dependsOn: stores })
      : undefined;
    this.initTasks = this.initTask ? [this.initTask] : [];
    const after = [...stores, ...this.initTasks];

    this.appWorkload = new Workload(this, 'App', {
      ...common,
      name,
      role: 'app',
      command: props.command,
      resources: appResources,
      replicas: this.replicas,
      listenNetwork: cluster.frontend,
      defaultPort: Port.tcp(props.port),
      healthcheck: props.healthcheck ?? httpHealthcheck(props.port, props.healthCheckPath),
      dependsOn: after,
    });
    this.workerWorkload =
      this.workers > 0
        ? new Workload(this, 'Worker', {
            ...common,
            name: `${name}-worker`,
            role: 'worker',
            command: props.workerCommand,
            resources: workerResources,
            replicas: this.workers,
            // A new image rolls init (migrations), app, workers, scheduler, in that order.
            dependsOn: [...after, this.appWorkload],
            files: [processCheckFile()],
            healthcheck: processHealthcheck(props.workerProcess ?? defaultProcessText(props.workerCommand ?? [])),
          })
        : undefined;
    this.schedulerWorkload = props.schedulerCommand
      ? new Workload(this, 'Scheduler', {
          ...common,
          name: `${name}-scheduler`,
          role: 'scheduler',
          command: props.schedulerCommand,
          resources: schedulerResources,
          replicas: 1,
          dependsOn: [...after, this.appWorkload, ...(this.workerWorkload ? [this.workerWorkload] : [])],
          files: [processCheckFile()],
          healthcheck: processHealthcheck(props.schedulerProcess ?? defaultProcessText(props.schedulerCommand)),
          // Never two schedulers: Swarm updates stop the old task before starting the new one.
          stateful: true,
        })
      : undefined;
    this.groupName = this.appWorkload.workloadName;

    const members = [this.appWorkload, this.workerWorkload, this.schedulerWorkload, this.initTask].filter((w): w is Workload => w !== undefined);
    this.connections = new CompositeConnections(
      this,
      cluster.frontend,
      Port.tcp(props.port),
      members.map((w) => w.connections),
    );
    this.target =
      (props.loadBalancerRoute ?? true)
        ? props.loadBalancer.addTarget(name, { workload: this.appWorkload, port: props.port, healthCheckPath: props.healthCheckPath })
        : undefined;
  }
}

/**
 * The default container health check of an HTTP workload: GET `path` on the loopback address with
 * wget (Alpine/BusyBox images) or curl (Debian images).
 */
export function httpHealthcheck(port: number, path: string): WorkloadHealthcheck {
  const url = `http://127.0.0.1:${port}${path}`;
  return {
    test: ['CMD-SHELL', `wget -qO- ${url} >/dev/null || curl -fsS ${url} >/dev/null`],
    intervalSec: 10,
    timeoutSec: 5,
    retries: 3,
    startPeriodSec: 60,
  };
}

/** Port and health-check path rules shared by the app group and the admin server. */
export function httpCheckRules(port: number, healthCheckPath: string): ValidationRule[] {
  return [
    {
      failed: !Number.isInteger(port) || port < 1 || port > 65535,
      message: () => `port: got ${port}; allowed: 1 to 65535; fix: use the port the app's web server listens on in the container`,
    },
    {
      failed: !/^\/[A-Za-z0-9._~%/-]*$/.test(healthCheckPath),
      message: () => `healthCheckPath: got '${healthCheckPath}'; allowed: an absolute path of letters, digits and . _ ~ % / -; fix: start it with '/', e.g. '/health'`,
    },
  ];
}

/** Commands, when given, must not be empty. */
function commandRules(props: AppServerGroupProps): ValidationRule[] {
  const named: [string, string[] | undefined][] = [
    ['command', props.command],
    ['workerCommand', props.workerCommand],
    ['schedulerCommand', props.schedulerCommand],
    ['initCommand', props.initCommand],
  ];
  const processes: [string, string | undefined][] = [
    ['workerProcess', props.workerProcess],
    ['schedulerProcess', props.schedulerProcess],
  ];
  return [
    ...named.map(([field, cmd]) => ({
      failed: cmd !== undefined && cmd.length === 0,
      message: () => `${field}: got []; allowed: a command as a list of arguments; fix: leave ${field} out or give e.g. ['php', 'bin/console', '...']`,
    })),
    // An empty text would match every process, so the health check could never fail.
    ...processes.map(([field, text]) => ({
      failed: text !== undefined && (text.trim() === '' || /[\n\0]/.test(text)),
      message: () => `${field}: got ${JSON.stringify(text)}; allowed: a non-empty part of the process's command line on one line; fix: leave ${field} out or give e.g. 'messenger:consume async'`,
    })),
  ];
}
