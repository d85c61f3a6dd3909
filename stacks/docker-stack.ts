/**
 * DockerStack: the container cluster of an app profile on Docker (one engine or a swarm), composed
 * of the seven Docker constructs.
 */
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import type { Construct } from 'constructs';
import { Fn, TerraformOutput, TerraformStack } from '../constructs/core/cdktf';
import type { RedisDataClass } from '../constructs/core/roles';
import { validate, type ValidationRule } from '../constructs/core/validation-error';
import { AdminServer } from '../constructs/docker/admin-server';
import { AppServerGroup } from '../constructs/docker/app-server-group';
import { BackupTarget, DataBackup, defaultBackupTarget } from '../constructs/docker/data-backup';
import type { DockerRoleResources } from '../constructs/docker/container-resources';
import { DatabaseCluster } from '../constructs/docker/database-cluster';
import { DockerCluster } from '../constructs/docker/docker-cluster';
import { DockerConnections } from '../constructs/docker/docker-connections';
import { DockerSecret } from '../constructs/docker/docker-secret';
import { LoadBalancer, type LoadBalancerSwarmPlacement } from '../constructs/docker/load-balancer';
import { LogShipping } from '../constructs/docker/log-shipping';
import { RedisCluster } from '../constructs/docker/redis-cluster';
import type { IContainerRuntime, WorkloadSecret } from '../constructs/docker/runtime';
import { SharedStorage } from '../constructs/docker/shared-storage';
import { StandaloneRuntime } from '../constructs/docker/standalone-runtime';
import { dataNodeLabelHint, edgeNodeLabelHint, NODE_LABEL_KEY_ALLOWED, nodeLabelConstraint, nodeLabelKeyProblem, type NodeLabelHint } from '../constructs/docker/swarm-placement';
import { SwarmEndpointMode, SwarmRuntime } from '../constructs/docker/swarm-runtime';
import { addStateBackend, StateBackendConfig } from './terraform-settings';
import type { ContainerAppProfile } from './docker/container-profile';
import type { AppProfile, ClusterEndpoints } from './profiles/app-profile';

/** How the stack's workloads run. */
export type DockerMode = 'standalone' | 'swarm';

const RUNTIMES: Readonly<Record<DockerMode, (props: DockerStackProps) => IContainerRuntime>> = {
  standalone: () => new StandaloneRuntime(),
  swarm: (props) => new SwarmRuntime({ endpointMode: props.endpointMode, nodes: props.swarm?.nodes }),
};

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

/** Backups of a {@link DockerStack}'s data stores ({@link DataBackup}). */
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

/** Properties of a {@link DockerStack}. */
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

/** Host ports of the data stores when `debugPorts` is on (127.0.0.1 only). */
const DEBUG_PORTS = { database: 13306, redis: 16379, minio: 19000 } as const;

/**
 * The container cluster: Traefik in front of app replicas, queue workers, one scheduler and a
 * one-shot migration task; an admin container behind `/admin`; one Valkey per data class; MariaDB
 * (optionally with a replica); MinIO with its buckets; Fluent Bit for logs. Data stores sit on the
 * internal backend network only. Secrets are sensitive Terraform variables (`TF_VAR_<name>`).
 */
export class DockerStack extends TerraformStack {
  public readonly cluster: DockerCluster;
  public readonly logs: LogShipping;
  public readonly loadBalancer: LoadBalancer;
  public readonly redis: RedisCluster;
  /** The relational database, when the profile has one. */
  public readonly database?: DatabaseCluster;
  public readonly storage: SharedStorage;
  public readonly appServers: AppServerGroup;
  public readonly admin: AdminServer;
  /** The backups of the data stores, unless turned off. */
  public readonly backup?: DataBackup;

  constructor(scope: Construct, id: string, props: DockerStackProps) {
    super(scope, id);
    const profile = props.profile;
    const images = props.images ?? {};
    const debug = props.debugPorts ?? false;
    validate(this, swarmLayoutRules(props));
    const swarm = props.swarm;
    // Where stateful services run on Swarm: on the labelled data node, else the stores' default.
    const dataPlacement = swarm?.dataNodeLabel === undefined ? undefined : [nodeLabelConstraint(swarm.dataNodeLabel)];
    const lbPlacement: LoadBalancerSwarmPlacement | undefined =
      swarm?.edgeNodeLabel === undefined ? undefined : { mode: swarm.loadBalancer ?? 'global', constraints: [nodeLabelConstraint(swarm.edgeNodeLabel)] };
    addStateBackend(this, id, props.stateBackend ?? { type: 'local' });
    new DockerProvider(this, 'docker', { host: props.dockerHost ?? 'unix:///var/run/docker.sock' });

    this.cluster = new DockerCluster(this, 'Cluster', {
      namePrefix: id,
      runtime: RUNTIMES[props.mode ?? 'standalone'](props),
      labels: { 'webcluster.app': profile.name, ...(props.labels ?? {}) },
      preventDestroy: !(props.allowDestroy ?? false),
      hostMemoryMb: props.hostMemoryMb,
      serverOpenFiles: props.serverOpenFiles,
      swapLimit: props.swapLimit,
    });
    const resources = props.resources ?? {};
    const cluster = this.cluster;
    // First, so every workload created after it logs through it.
    this.logs = new LogShipping(this, 'Logs', { cluster, image: images.fluentBit, healthcheckToolImage: images.busybox, resources: resources.logs });

    this.loadBalancer = new LoadBalancer(this, 'LoadBalancer', {
      cluster,
      image: images.traefik,
      domain: props.domain,
      listenAddress: props.listenAddress,
      httpPort: props.httpPort,
      acmeEmail: props.acmeEmail,
      ingressCidrs: props.ingressCidrs,
      stickiness: profile.stickyCookie ? { cookieName: profile.stickyCookie } : undefined,
      resources: resources.loadBalancer,
      swarmPlacement: lbPlacement,
    });

    this.redis = new RedisCluster(this, 'Redis', {
      cluster,
      dataClasses: profile.redisDataClasses,
      image: images.valkey,
      debugPort: debug ? DEBUG_PORTS.redis : undefined,
      resources: resources.redis,
      placement: dataPlacement,
    });
    const db = profile.database
      ? new DatabaseCluster(this, 'Database', {
          cluster,
          image: images.mariadb,
          databaseName: profile.database.name,
          parameters: profile.database.parameters,
          additionalDatabases: profile.database.additionalDatabases,
          replica: props.databaseReplica,
          debugPort: debug ? DEBUG_PORTS.database : undefined,
          resources: resources.database,
          placement: dataPlacement,
        })
      : undefined;
    this.database = db;
    this.storage = new SharedStorage(this, 'Storage', {
      cluster,
      image: images.minio,
      clientImage: images.s3Client,
      buckets: profile.buckets,
      posixShares: profile.posixShares,
      debugPort: debug ? DEBUG_PORTS.minio : undefined,
      resources: resources.storage,
      placement: dataPlacement,
    });

    const appSecret = new DockerSecret(this, 'AppSecret', {
      variableName: `${id.replace(/-/g, '_')}_${profile.appSecretVariable.toLowerCase()}`,
      description: `${profile.appSecretVariable} shared by every container of ${id}`,
    });
    const endpoints = this.endpoints(props, profile);

    const tiers = (profile.tiers ?? []).map((tier) =>
      tier.docker({ scope: this, dataScope: this, cluster, loadBalancer: this.loadBalancer, appPort: profile.container.port, resources, dataPlacement }),
    );
    const environment = {
      ...Object.assign({}, ...tiers.map((t) => t.environment)),
      ...profile.environment(endpoints),
      ...profile.container.environment(endpoints),
      ...Object.fromEntries(
        Object.entries(db && profile.database ? profile.database.urlTemplates(endpoints) : {}).map(([name, template]) => [
          name,
          template.replace('{username}', db?.username ?? '').replace('{password}', db ? Fn.urlencode(db.passwordSecret.value) : ''),
        ]),
      ),
    };
    const secrets = {
      ...Object.assign({}, ...tiers.map((t) => t.secrets)),
      [profile.appSecretVariable]: { secret: appSecret },
      AWS_ACCESS_KEY_ID: { secret: this.storage.accessKeySecret },
      AWS_SECRET_ACCESS_KEY: { secret: this.storage.secretKeySecret },
    };
    // POSIX shares and the tiers' volumes, mounted into every app and admin container.
    const volumes = [
      ...this.storage.posixVolumes.map((v) => ({ volumeName: v.volumeName, containerPath: v.path })),
      ...tiers.flatMap((t) => t.volumes ?? []),
    ];
    // The buckets must exist (init task done) before the app starts.
    const dataStores = [...(db ? [db.workload] : []), ...this.redis.workloads, this.storage.workload, this.storage.initTask, ...tiers.flatMap((t) => t.dependsOn)];

    this.appServers = new AppServerGroup(this, 'AppServers', {
      cluster,
      loadBalancer: this.loadBalancer,
      port: profile.container.port,
      healthCheckPath: profile.healthCheckPath,
      image: images.app ?? profile.container.defaultImage,
      replicas: props.appReplicas,
      environment,
      secrets,
      // A profile without queue workers (empty command) gets none, whatever the environment asks for.
      workerCommand: profile.container.workerCommand.length > 0 ? profile.container.workerCommand : undefined,
      workers: profile.container.workerCommand.length > 0 ? props.workers : 0,
      schedulerCommand: profile.container.schedulerCommand,
      schedulerProcess: profile.container.schedulerProcess,
      initCommand: profile.container.initCommand,
      dependsOn: dataStores,
      volumes,
      // A tier in front of the app (an HTTP cache) takes the catch-all route and forwards to the app.
      loadBalancerRoute: !tiers.some((t) => t.takesAppRoute === true),
      resources: resources.app,
      workerResources: resources.worker,
      schedulerResources: resources.scheduler,
    });
    this.admin = new AdminServer(this, 'Admin', {
      cluster,
      loadBalancer: this.loadBalancer,
      port: profile.container.port,
      healthCheckPath: profile.healthCheckPath,
      pathPrefixes: profile.adminPathPatterns.filter((p) => !p.includes('*')),
      adminCidrs: props.adminCidrs,
      image: images.app ?? profile.container.defaultImage,
      environment,
      secrets,
      dependsOn: [...dataStores, ...this.appServers.initTasks],
      volumes,
      resources: resources.admin,
    });

    for (const client of [this.appServers, this.admin]) {
      db?.connections.allowDefaultPortFrom(client);
      this.redis.connections.allowDefaultPortFrom(client);
      this.storage.connections.allowDefaultPortFrom(client);
    }
    this.servePublicFiles();
    for (const tier of tiers) tier.connect({ app: this.appServers, admin: this.admin });
    if (props.backup !== false) {
      const backup = props.backup ?? {};
      this.backup = new DataBackup(this, 'Backup', {
        cluster,
        resources: props.resources?.backup,
        target: backup.target ?? defaultBackupTarget(id, props.mode ?? 'standalone'),
        intervalHours: backup.intervalHours,
        at: backup.at,
        keep: backup.keep,
        database: db,
        redis: this.redis,
        storage: this.storage,
        documentDatabase: tiers.find((t) => t.documentDatabase)?.documentDatabase,
      });
      new TerraformOutput(this, 'backup_jobs', {
        value: this.backup.jobs.map((j) => j.workloadName),
        description: 'Backup jobs (docker exec <container> webcluster-backup now|list; webcluster-restore <file>)',
      });
    }
    this.outputs(endpoints);
    // The app's environment contract; the secret part holds variable references, so it is sensitive.
    new TerraformOutput(this, 'app_environment', {
      value: environment,
      description: 'Environment of the app, worker, scheduler and admin containers',
      sensitive: true,
    });
    new TerraformOutput(this, 'app_secret_environment', {
      value: Object.fromEntries(Object.entries(secrets as Record<string, WorkloadSecret>).map(([name, s]) => [name, s.secret.value])),
      description: 'Secret environment variables of the app containers',
      sensitive: true,
    });
  }

  /**
   * Browsers fetch public files (media, thumbnails, theme, bundles, sitemap) through the load
   * balancer: `/<public bucket>/...` goes to MinIO, path-style. Traefik and MinIO meet on their own
   * internal `files` network, so the load balancer never joins the backend network of the databases.
   */
  private servePublicFiles(): void {
    const publicBucket = this.storage.buckets.find((b) => b.publicRead);
    if (!publicBucket) return;
    const files = this.cluster.addNetwork(this, 'FilesNetwork', 'files', true);
    this.storage.workload.connections.join(files);
    this.loadBalancer.addTarget('public-files', {
      workload: { backendHosts: this.storage.workload.backendHosts, connections: new DockerConnections(this.storage.workload, files) },
      port: this.storage.endpoint.port,
      healthCheckPath: '/minio/health/live',
      pathPrefixes: [`/${publicBucket.bucketName}`],
    });
  }

  private endpoints(props: DockerStackProps, profile: AppProfile): ClusterEndpoints {
    const scheme = props.acmeEmail ? 'https' : 'http';
    const port = props.httpPort ?? 80;
    const siteUrl = scheme === 'http' && port !== 80 ? `http://${props.domain}:${port}` : `${scheme}://${props.domain}`;
    const hosts = (c: RedisDataClass): string => `${this.redis.endpoint(c).hostname}:${this.redis.endpoint(c).port}`;
    return {
      siteUrl,
      trustedProxyCidr: 'REMOTE_ADDR',
      redisScheme: 'redis',
      redisUrls: Object.fromEntries(profile.redisDataClasses.map((c) => [c, this.redis.url(c)])) as Partial<Record<RedisDataClass, string>>,
      redisHosts: Object.fromEntries(profile.redisDataClasses.map((c) => [c, hosts(c)])) as Partial<Record<RedisDataClass, string>>,
      database: this.database && { writerHost: this.database.writerEndpoint.hostname, readerHost: this.database.readerEndpoint.hostname, name: this.database.databaseName },
      bucketNames: Object.fromEntries(this.storage.buckets.map((b) => [b.id, b.bucketName])),
      region: 'us-east-1',
      s3Endpoint: this.storage.s3Url,
      publicFilesUrl: `${siteUrl}/${this.storage.buckets.find((b) => b.publicRead)?.bucketName ?? ''}`,
    };
  }

  private outputs(endpoints: ClusterEndpoints): void {
    const out = (id: string, value: string, description: string): void => {
      new TerraformOutput(this, id, { value, description });
    };
    out('site_url', endpoints.siteUrl, 'URL of the site (through the load balancer)');
    out('admin_container', this.admin.serverId, 'Admin container/service (docker exec -it <name> sh)');
    if (endpoints.database) out('database_host', endpoints.database.writerHost, 'Database host on the backend network');
    out('s3_endpoint', endpoints.s3Endpoint ?? '', 'S3 endpoint (MinIO) on the backend network');
    for (const b of this.storage.buckets) out(`bucket_${b.id}`, b.bucketName, `Bucket of ${b.folders.join(', ')}`);
  }
}

/** The swarm layout's rules: Swarm only, label keys in Docker's format, both labels on a swarm of several nodes. */
function swarmLayoutRules(props: DockerStackProps): ValidationRule[] {
  const swarm = props.swarm;
  const mode = props.mode ?? 'standalone';
  const nodes = swarm?.nodes ?? 1;
  const labels: [string, string | undefined, NodeLabelHint, string][] = [
    ['dataNodeLabel', swarm?.dataNodeLabel, dataNodeLabelHint(nodes), 'webcluster.data'],
    ['edgeNodeLabel', swarm?.edgeNodeLabel, edgeNodeLabelHint(nodes), 'webcluster.edge'],
  ];
  return [
    {
      failed: swarm !== undefined && mode !== 'swarm',
      message: () => `swarm: got a swarm layout with mode '${mode}'; allowed: a swarm layout only with mode 'swarm'; fix: remove swarm, or set mode: 'swarm'`,
    },
    ...labels.flatMap(([field, key, hint, example]) => [
      {
        failed: key !== undefined && nodeLabelKeyProblem(key) !== undefined,
        message: () => `swarm.${field}: got '${key}' (${nodeLabelKeyProblem(key ?? '')}); allowed: ${NODE_LABEL_KEY_ALLOWED}; fix: use e.g. '${example}'`,
      },
      {
        failed: key === undefined && nodes > 1,
        message: () => `swarm.${field}: got nothing; allowed: ${hint.allowed}; fix: ${hint.fix}`,
      },
    ]),
  ];
}
