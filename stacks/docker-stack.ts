/**
 * DockerStack: the container cluster of an app profile on Docker (one engine or a swarm), composed
 * of the seven Docker constructs.
 */
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import type { Construct } from 'constructs';
import { Fn, TerraformOutput, TerraformStack } from '../constructs/core/cdktf';
import { validate } from '../constructs/core/validation-error';
import { AdminServer } from '../constructs/docker/admin-server';
import { AppServerGroup } from '../constructs/docker/app-server-group';
import { DataBackup, defaultBackupTarget } from '../constructs/docker/data-backup';
import { DatabaseCluster } from '../constructs/docker/database-cluster';
import { DockerCluster } from '../constructs/docker/docker-cluster';
import { DockerConnections } from '../constructs/docker/docker-connections';
import { DockerSecret } from '../constructs/docker/docker-secret';
import { LoadBalancer } from '../constructs/docker/load-balancer';
import { LogShipping } from '../constructs/docker/log-shipping';
import { RedisCluster } from '../constructs/docker/redis-cluster';
import type { IContainerRuntime, WorkloadSecret } from '../constructs/docker/runtime';
import { SharedStorage } from '../constructs/docker/shared-storage';
import { StandaloneRuntime } from '../constructs/docker/standalone-runtime';
import { SwarmRuntime } from '../constructs/docker/swarm-runtime';
import {
  addAppContractOutputs,
  connectClients,
  CONTRACT_ORDER,
  databaseUrls,
  dataStoreEndpoints,
  fillDatabaseUrl,
  mergeParts,
  secretReferences,
} from './app-contract';
import type { DockerMode, DockerStackProps } from './docker-stack-props';
import type { ClusterEndpoints } from './profiles/app-profile';
import { addStateBackend } from './state-backend';
import { swarmLayoutRules, swarmPlacements } from './swarm-layout';
import type { DockerTierBinding } from './docker/container-profile';

export type { DockerImages, DockerMode, DockerStackBackup, DockerStackProps, DockerSwarmLayout } from './docker-stack-props';

const RUNTIMES: Readonly<Record<DockerMode, (props: DockerStackProps) => IContainerRuntime>> = {
  standalone: () => new StandaloneRuntime(),
  swarm: (props) => new SwarmRuntime({ endpointMode: props.endpointMode, nodes: props.swarm?.nodes }),
};

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
    validate(this, swarmLayoutRules(props));
    const placements = swarmPlacements(props.swarm);
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
      swarmPlacement: placements.loadBalancer,
    });
    const stores = addDataStores(this, cluster, props, placements.data);
    this.redis = stores.redis;
    const db = stores.database;
    this.database = db;
    this.storage = stores.storage;

    const appSecret = new DockerSecret(this, 'AppSecret', {
      variableName: `${id.replace(/-/g, '_')}_${profile.appSecretVariable.toLowerCase()}`,
      description: `${profile.appSecretVariable} shared by every container of ${id}`,
    });
    const endpoints = this.endpoints(props);

    const tiers = (profile.tiers ?? []).map((tier) =>
      tier.docker({ scope: this, dataScope: this, cluster, loadBalancer: this.loadBalancer, appPort: profile.container.port, resources, dataPlacement: placements.data }),
    );
    const environment = mergeParts(CONTRACT_ORDER.docker.environment, {
      tiers: tiers.map((t) => t.environment),
      profile: profile.environment(endpoints),
      runtime: profile.container.environment(endpoints),
      databaseUrls: databaseUrls(profile, endpoints, (template) => fillDatabaseUrl(template, db?.username ?? '', db ? Fn.urlencode(db.passwordSecret.value) : '')),
    });
    const secrets: Record<string, WorkloadSecret> = mergeParts(CONTRACT_ORDER.docker.secretEnvironment, {
      tiers: tiers.map((t) => t.secrets),
      appSecret: { [profile.appSecretVariable]: { secret: appSecret } },
      storageCredentials: { AWS_ACCESS_KEY_ID: { secret: this.storage.accessKeySecret }, AWS_SECRET_ACCESS_KEY: { secret: this.storage.secretKeySecret } },
    });
    const clients = this.addClients(props, tiers, environment, secrets);
    this.appServers = clients.appServers;
    this.admin = clients.admin;

    connectClients([this.appServers, this.admin], [{ store: db }, { store: this.redis }, { store: this.storage }]);
    this.servePublicFiles();
    for (const tier of tiers) tier.connect({ app: this.appServers, admin: this.admin });
    if (props.backup !== false) this.backup = this.addBackup(id, props, tiers);
    this.outputs(endpoints);
    // The app's environment contract; the secret part holds variable references, so it is sensitive.
    addAppContractOutputs(this, {
      environment,
      secretEnvironment: secretReferences(secrets, (s) => s.secret.value),
      environmentDescription: 'Environment of the app, worker, scheduler and admin containers',
      secretEnvironmentDescription: 'Secret environment variables of the app containers',
      sensitive: true,
    });
  }

  /** The app tier and the admin container, with the app's environment, waiting for the data stores. */
  private addClients(
    props: DockerStackProps,
    tiers: readonly DockerTierBinding[],
    environment: Record<string, string>,
    secrets: Record<string, WorkloadSecret>,
  ): { appServers: AppServerGroup; admin: AdminServer } {
    const { profile, images = {}, resources = {} } = props;
    const { cluster, loadBalancer, storage } = this;
    // POSIX shares and the tiers' volumes, mounted into every app and admin container.
    const volumes = [...storage.posixVolumes.map((v) => ({ volumeName: v.volumeName, containerPath: v.path })), ...tiers.flatMap((t) => t.volumes ?? [])];
    // The buckets must exist (init task done) before the app starts.
    const dataStores = [...(this.database ? [this.database.workload] : []), ...this.redis.workloads, storage.workload, storage.initTask, ...tiers.flatMap((t) => t.dependsOn)];

    const appServers = new AppServerGroup(this, 'AppServers', {
      cluster,
      loadBalancer,
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
    const admin = new AdminServer(this, 'Admin', {
      cluster,
      loadBalancer,
      port: profile.container.port,
      healthCheckPath: profile.healthCheckPath,
      pathPrefixes: profile.adminPathPatterns.filter((p) => !p.includes('*')),
      adminCidrs: props.adminCidrs,
      image: images.app ?? profile.container.defaultImage,
      environment,
      secrets,
      dependsOn: [...dataStores, ...appServers.initTasks],
      volumes,
      resources: resources.admin,
    });
    return { appServers, admin };
  }

  /** The backups of the data stores (database, durable Redis classes, buckets, the tiers' document database) and their output. */
  private addBackup(id: string, props: DockerStackProps, tiers: readonly DockerTierBinding[]): DataBackup {
    const backup = props.backup || {};
    const dataBackup = new DataBackup(this, 'Backup', {
      cluster: this.cluster,
      resources: props.resources?.backup,
      target: backup.target ?? defaultBackupTarget(id, props.mode ?? 'standalone'),
      intervalHours: backup.intervalHours,
      at: backup.at,
      keep: backup.keep,
      database: this.database,
      redis: this.redis,
      storage: this.storage,
      documentDatabase: tiers.find((t) => t.documentDatabase)?.documentDatabase,
    });
    new TerraformOutput(this, 'backup_jobs', {
      value: dataBackup.jobs.map((j) => j.workloadName),
      description: 'Backup jobs (docker exec <container> webcluster-backup now|list; webcluster-restore <file>)',
    });
    return dataBackup;
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

  private endpoints(props: DockerStackProps): ClusterEndpoints {
    const scheme = props.acmeEmail ? 'https' : 'http';
    const port = props.httpPort ?? 80;
    const siteUrl = scheme === 'http' && port !== 80 ? `http://${props.domain}:${port}` : `${scheme}://${props.domain}`;
    return {
      siteUrl,
      trustedProxyCidr: 'REMOTE_ADDR',
      redisScheme: 'redis',
      ...dataStoreEndpoints(props.profile, { redis: this.redis, database: this.database, storage: this.storage }),
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

/** The data stores: one Valkey per data class, MariaDB when the profile has a database, MinIO with its buckets. */
function addDataStores(
  stack: DockerStack,
  cluster: DockerCluster,
  props: DockerStackProps,
  placement: string[] | undefined,
): { redis: RedisCluster; database?: DatabaseCluster; storage: SharedStorage } {
  const { profile, images = {}, resources = {} } = props;
  const debug = props.debugPorts ?? false;
  const redis = new RedisCluster(stack, 'Redis', {
    cluster,
    dataClasses: profile.redisDataClasses,
    image: images.valkey,
    debugPort: debug ? DEBUG_PORTS.redis : undefined,
    resources: resources.redis,
    placement,
  });
  const database = profile.database
    ? new DatabaseCluster(stack, 'Database', {
        cluster,
        image: images.mariadb,
        databaseName: profile.database.name,
        parameters: profile.database.parameters,
        additionalDatabases: profile.database.additionalDatabases,
        replica: props.databaseReplica,
        debugPort: debug ? DEBUG_PORTS.database : undefined,
        resources: resources.database,
        placement,
      })
    : undefined;
  const storage = new SharedStorage(stack, 'Storage', {
    cluster,
    image: images.minio,
    clientImage: images.s3Client,
    buckets: profile.buckets,
    posixShares: profile.posixShares,
    debugPort: debug ? DEBUG_PORTS.minio : undefined,
    resources: resources.storage,
    placement,
  });
  return { redis, database, storage };
}
