/**
 * AwsVmStack: the traditional VM cluster of an app profile on AWS, composed of the seven constructs.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import type { Construct } from 'constructs';
import { AdminServer } from '../constructs/aws/admin-server';
import { AppServerGroup } from '../constructs/aws/app-server-group';
import type { SecretEnvironmentVariable } from '../constructs/aws/host-workload';
import { DatabaseCluster } from '../constructs/aws/database-cluster';
import { EncryptionKey } from '../constructs/aws/encryption-key';
import { ListenerCertificate, LoadBalancer } from '../constructs/aws/load-balancer';
import { LogShipping } from '../constructs/aws/log-shipping';
import { NatGatewayMode, Network } from '../constructs/aws/network';
import { RedisCluster } from '../constructs/aws/redis-cluster';
import { SharedStorage } from '../constructs/aws/shared-storage';
import { TerraformOutput, TerraformStack } from '../constructs/core/cdktf';
import { Peer } from '../constructs/core/peer';
import { validate, ValidationError } from '../constructs/core/validation-error';
import type { RedisDataClass } from '../constructs/core/roles';
import type { VmAppProfile } from './aws/vm-profile';
import type { ClusterEndpoints } from './profiles/app-profile';
import { addStateBackend, StateBackendConfig } from './terraform-settings';
import { secretAccess } from '../constructs/aws/private/iam';
import { RELEASE_OUTPUTS } from './release-outputs';

export { RELEASE_OUTPUTS } from './release-outputs';

export { addStateBackend } from './terraform-settings';
export type { StateBackendConfig } from './terraform-settings';

/** Properties of an {@link AwsVmStack}. */
export interface AwsVmStackProps {
  /** The application to run. */
  readonly profile: VmAppProfile;
  /** AWS region. */
  readonly region: string;
  /**
   * Availability zones, 2 to 6.
   * @default - `<region>a`, `<region>b`, `<region>c`
   */
  readonly availabilityZones?: string[];
  /**
   * VPC address block, prefix /16 to /18.
   * @default '10.0.0.0/16'
   */
  readonly vpcCidr?: string;
  /**
   * NAT gateways: one per zone, or a single one for cost.
   * @default 'per-az'
   */
  readonly natGateways?: NatGatewayMode;
  /** Public host name of the site, e.g. `shop.example.com`. */
  readonly domain: string;
  /** Certificate of the HTTPS listener. */
  readonly certificate: ListenerCertificate;
  /**
   * Who may reach the site on 80/443.
   * @default ['0.0.0.0/0']
   */
  readonly ingressCidrs?: string[];
  /**
   * Who may use the admin paths through the load balancer; others get 403, and an empty list
   * closes them to everyone (use Session Manager port forwarding to the admin host).
   * @default - anyone the load balancer admits
   */
  readonly adminCidrs?: string[];
  /**
   * Address blocks allowed to SSH to the admin host (Session Manager needs none).
   * @default []
   */
  readonly sshCidrs?: string[];
  /** App tier sizes. @default - AppServerGroup defaults (m7i.large, 2 to 6 hosts) */
  readonly app?: { readonly instanceType?: string; readonly minCapacity?: number; readonly maxCapacity?: number; readonly desiredCapacity?: number };
  /** Queue-worker processes per app host. @default 2 */
  readonly workersPerHost?: number;
  /** Admin host size. @default - AdminServer defaults (t3.medium) */
  readonly admin?: { readonly instanceType?: string };
  /** Database sizes. @default - DatabaseCluster defaults (db.r7g.large, 1 reader) */
  readonly database?: { readonly instanceClass?: string; readonly readers?: number };
  /** Redis sizes. @default - RedisCluster defaults (cache.r7g.large, 1 replica) */
  readonly redis?: { readonly nodeType?: string; readonly replicasPerClass?: number };
  /**
   * Retention in days of the stack's CloudWatch log groups (host logs, VPC flow logs, the database's
   * exported logs); one of the values CloudWatch Logs accepts.
   * @default 365
   */
  readonly logRetentionDays?: number;
  /** Serve public files through CloudFront. @default false */
  readonly cdn?: boolean;
  /**
   * Allow Terraform to destroy stateful resources (databases, session Redis, buckets): turns off
   * `prevent_destroy` and deletion protection. For dev/test environments only.
   * @default false
   */
  readonly allowDestroy?: boolean;
  /**
   * Customer-managed KMS key of the data: `'create'` (one key per environment, `alias/<env>/data`,
   * with rotation and `prevent_destroy`) or the ARN of a key of yours whose policy allows what
   * {@link EncryptionKey}'s does. Used by Aurora (storage, Performance Insights, the master secret),
   * ElastiCache, EFS, the buckets (except a CloudFront origin), EBS volumes, log groups and secrets.
   * Set it when the environment is created: switching an existing one replaces its data stores.
   * @default - AWS-managed keys
   */
  readonly encryptionKey?: 'create' | string;
  /** State backend. @default { type: 'local' } */
  readonly stateBackend?: StateBackendConfig;
  /** Tags on every resource (through the provider's default_tags). @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * Where the parts of a VM cluster go. In one stack ({@link AwsVmStack}) all three are that stack; split
 * ({@link addAwsVmSplitStacks}) each is its own stack, and the app stack depends on the data stack,
 * which depends on the network stack.
 */
export interface AwsVmScopes {
  /** The VPC (Network). */
  readonly network: Construct;
  /**
   * Everything stateful and what it is tied to: log shipping, the load balancer (its access-log
   * bucket), Redis, the database, shared storage, the app secret and the tiers' data stores.
   */
  readonly data: Construct;
  /** The stateless hosts: app servers, admin host, the tiers' stateless parts (an HTTP cache), the app's outputs. */
  readonly app: Construct;
}

/** The constructs of a VM cluster, wherever they were put. */
export interface AwsVmCluster {
  /** The VPC. */
  readonly network: Network;
  /** The internet-facing load balancer. */
  readonly loadBalancer: LoadBalancer;
  /** The app servers. */
  readonly appServers: AppServerGroup;
  /** The admin host. */
  readonly admin: AdminServer;
  /** Redis, one per data class. */
  readonly redis: RedisCluster;
  /** The relational database, when the profile has one. */
  readonly database?: DatabaseCluster;
  /** Shared storage. */
  readonly storage: SharedStorage;
  /** Log shipping. */
  readonly logs: LogShipping;
}

function addAwsProvider(stack: TerraformStack, environment: string, props: AwsVmStackProps): void {
  new AwsProvider(stack, 'aws', {
    region: props.region,
    defaultTags: [
      {
        tags: {
          ...(props.tags ?? {}),
          'webcluster:environment': environment,
          'webcluster:app': props.profile.name,
          'webcluster:managed-by': 'cdktf',
        },
      },
    ],
  });
}

/**
 * The VM cluster: VPC, ALB (`/admin` to the admin host), auto-scaled app hosts running the web
 * server and queue workers, the admin host running setup and the single scheduler, one Redis per
 * data class, Aurora MySQL, shared S3 buckets and CloudWatch log shipping. Construct IDs are part
 * of the contract: renaming one replaces its resources.
 */
export class AwsVmStack extends TerraformStack {
  public readonly network: Network;
  public readonly loadBalancer: LoadBalancer;
  public readonly appServers: AppServerGroup;
  public readonly admin: AdminServer;
  public readonly redis: RedisCluster;
  /** The relational database, when the profile has one. */
  public readonly database?: DatabaseCluster;
  public readonly storage: SharedStorage;
  public readonly logs: LogShipping;

  constructor(scope: Construct, id: string, props: AwsVmStackProps) {
    super(scope, id);
    addStateBackend(this, id, props.stateBackend ?? { type: 'local' });
    addAwsProvider(this, id, props);
    const cluster = buildAwsVmCluster({ network: this, data: this, app: this }, id, props);
    this.network = cluster.network;
    this.loadBalancer = cluster.loadBalancer;
    this.appServers = cluster.appServers;
    this.admin = cluster.admin;
    this.redis = cluster.redis;
    this.database = cluster.database;
    this.storage = cluster.storage;
    this.logs = cluster.logs;
  }
}

/** The three stacks of a split VM environment. */
export interface AwsVmSplitStacks {
  /** `<env>-network`: the VPC. */
  readonly network: TerraformStack;
  /** `<env>-data`: everything stateful (see {@link AwsVmScopes.data}); depends on the network stack. */
  readonly data: TerraformStack;
  /** `<env>-app`: the stateless hosts; depends on the data and network stacks. */
  readonly app: TerraformStack;
  /** The constructs. */
  readonly cluster: AwsVmCluster;
}

/** Parts of a split environment, in deployment order. */
export const SPLIT_PARTS = ['network', 'data', 'app'] as const;
/** One part of a split environment. */
export type SplitPart = (typeof SPLIT_PARTS)[number];

/**
 * The state backend of one part of a split environment: the local state file is named after the
 * stack; an S3 key `<dir>/terraform.tfstate` becomes `<dir>/<part>/terraform.tfstate`.
 */
export function splitStateBackend(backend: StateBackendConfig, part: SplitPart): StateBackendConfig {
  if (backend.type === 'local') return backend;
  const slash = backend.key.lastIndexOf('/');
  const key = slash < 0 ? `${part}/${backend.key}` : `${backend.key.slice(0, slash)}/${part}/${backend.key.slice(slash + 1)}`;
  return { ...backend, key };
}

/**
 * The VM cluster of environment `name` as three stacks, `<name>-network`, `<name>-data` and
 * `<name>-app`, with their own provider and state, connected by cdktf cross-stack references
 * (outputs of the producing stack, `terraform_remote_state` in the consuming one). Resource names
 * and construct IDs are those of {@link AwsVmStack}; `cdktf diff <name>-app` plans no stateful resource.
 */
export function addAwsVmSplitStacks(scope: Construct, name: string, props: AwsVmStackProps): AwsVmSplitStacks {
  const backend = props.stateBackend ?? { type: 'local' };
  const [network, data, app] = SPLIT_PARTS.map((part) => {
    const stack = new TerraformStack(scope, `${name}-${part}`);
    addStateBackend(stack, `${name}-${part}`, splitStateBackend(backend, part));
    addAwsProvider(stack, name, props);
    return stack;
  });
  // Explicit before any construct exists: security-group rules between stacks go to the dependent stack.
  data.addDependency(network);
  app.addDependency(data);
  app.addDependency(network);
  const cluster = buildAwsVmCluster({ network, data, app }, name, props);
  return { network, data, app, cluster };
}

/**
 * Builds the VM cluster into `scopes` (see {@link AwsVmScopes}); `id` is the environment name, the
 * prefix of resource names. Every construct keeps its ID whatever the scopes, so one stack and the
 * split stacks have the same Terraform addresses.
 */
export function buildAwsVmCluster(scopes: AwsVmScopes, id: string, props: AwsVmStackProps): AwsVmCluster {
  const profile = props.profile;
  const protect = !(props.allowDestroy ?? false);
  const split = scopes.app !== scopes.data;

  // In the network scope: every other part refers to it, and split stacks depend on the network stack.
  const encryptionKey =
    props.encryptionKey === undefined
      ? undefined
      : props.encryptionKey === 'create'
        ? new EncryptionKey(scopes.network, 'EncryptionKey', { namePrefix: id, region: props.region, preventDestroy: protect })
        : EncryptionKey.fromArn(scopes.network, 'EncryptionKey', props.encryptionKey);
  const network = new Network(scopes.network, 'Network', {
    namePrefix: id,
    region: props.region,
    availabilityZones: props.availabilityZones,
    vpcCidr: props.vpcCidr,
    natGateways: props.natGateways,
    flowLogRetentionDays: props.logRetentionDays,
    encryptionKey,
  });

  const logs = new LogShipping(scopes.data, 'Logs', {
    namePrefix: id,
    retentionDays: props.logRetentionDays,
    sources: Object.entries(profile.logFiles).map(([role, files]) => ({ role, files })),
    encryptionKey,
  });

  // A tier in front of the app (an HTTP cache) takes the default target: the target checks the tier's own health path.
  const frontTier = (profile.tiers ?? []).find((t) => t.defaultTargetHealthCheckPath !== undefined);
  const loadBalancer = new LoadBalancer(scopes.data, 'LoadBalancer', {
    network,
    certificate: props.certificate,
    ingressCidrs: props.ingressCidrs,
    appTarget: {
      port: profile.vm.port,
      healthCheckPath: frontTier?.defaultTargetHealthCheckPath ?? profile.healthCheckPath,
      // The ALB names its own stickiness cookie (AWSALB); the profile's name is the one Traefik sets,
      // not a cookie of the app, so an app_cookie rule on it would never pin anyone.
      stickiness: profile.stickyCookie ? {} : undefined,
    },
    deletionProtection: protect,
  });
  const adminTarget = loadBalancer.addPathTarget('Admin', {
    pathPatterns: profile.adminPathPatterns,
    priority: 10,
    port: profile.vm.port,
    healthCheckPath: profile.healthCheckPath,
    sourceCidrs: props.adminCidrs,
  });

  const redis = new RedisCluster(scopes.data, 'Redis', {
    network,
    dataClasses: profile.redisDataClasses,
    nodeType: props.redis?.nodeType,
    replicasPerClass: props.redis?.replicasPerClass,
    preventDestroy: protect,
    encryptionKey,
  });

  const db = profile.database
    ? new DatabaseCluster(scopes.data, 'Database', {
        network,
        databaseName: profile.database.name,
        instanceClass: props.database?.instanceClass,
        readers: props.database?.readers,
        parameters: profile.database.parameters,
        appUser: { databases: profile.database.additionalDatabases },
        logRetentionDays: props.logRetentionDays,
        preventDestroy: protect,
        deletionProtection: protect,
        encryptionKey,
      })
    : undefined;

  const storage = new SharedStorage(scopes.data, 'Storage', {
    network,
    buckets: profile.buckets,
    // Mounted on every app and admin host by the boot commands (mountCommands below).
    posixShares: profile.posixShares,
    cdn: props.cdn,
    preventDestroy: protect,
    encryptionKey,
  });

  const appSecret = new SecretsmanagerSecret(scopes.data, 'AppSecret', {
    namePrefix: `${id}/${profile.appSecretVariable.toLowerCase()}-`,
    description: `${profile.appSecretVariable} shared by every node of ${id}; generated once by the admin host`,
    recoveryWindowInDays: 30,
    ...(encryptionKey ? { kmsKeyId: encryptionKey.keyArn } : {}),
  });

  const endpoints: ClusterEndpoints = {
    siteUrl: `https://${props.domain}`,
    trustedProxyCidr: network.vpcCidr,
    redisScheme: 'rediss',
    redisUrls: Object.fromEntries(profile.redisDataClasses.map((c) => [c, redis.url(c)])) as Partial<Record<RedisDataClass, string>>,
    redisHosts: Object.fromEntries(
      profile.redisDataClasses.map((c) => [c, `${redis.endpoint(c).hostname}:${redis.endpoint(c).port}`]),
    ) as Partial<Record<RedisDataClass, string>>,
    database: db && { writerHost: db.writerEndpoint.hostname, readerHost: db.readerEndpoint.hostname, name: db.databaseName },
    bucketNames: Object.fromEntries(storage.buckets.map((b) => [b.id, b.bucketName])),
    region: props.region,
    publicFilesUrl: storage.cdnDomainName
      ? `https://${storage.cdnDomainName}`
      : `https://${storage.buckets.find((b) => b.publicRead)?.regionalDomainName ?? ''}`,
  };
  const tiers = (profile.tiers ?? []).map((tier) =>
    tier.aws({ scope: scopes.app, dataScope: scopes.data, namePrefix: id, network, loadBalancer, logs, protect, appPort: profile.vm.port, encryptionKey }),
  );
  // The tier that takes the default target must be the one whose health path it checks.
  const declaring = (profile.tiers ?? []).filter((t) => t.defaultTargetHealthCheckPath !== undefined).map((t) => t.name);
  const taking = (profile.tiers ?? []).filter((_, i) => tiers[i].appTarget !== undefined).map((t) => t.name);
  validate(scopes.app, [
    {
      failed: taking.length > 1 || taking.join() !== declaring.join(),
      message: () =>
        `profile.tiers: got [${taking.join(', ')}] taking the load balancer's default target (appTarget) and [${declaring.join(', ')}] declaring its health check path (defaultTargetHealthCheckPath); allowed: at most one tier, doing both; fix: set defaultTargetHealthCheckPath on the tier that returns appTarget, to a path the tier answers itself`,
    },
  ]);
  const secretEnvironment = {
    ...Object.assign({}, ...tiers.map((t) => t.secretEnvironment)),
    ...Object.fromEntries(
      Object.entries(db && profile.database ? profile.database.urlTemplates(endpoints) : {}).map(([name, template]) => [
        name,
        // The app's own least-privilege user, never the master user (RDS rotates its password weekly).
        { secretArn: db?.appUserSecretArn ?? '', template },
      ]),
    ),
    [profile.appSecretVariable]: { secretArn: appSecret.arn },
  };
  const releaseBucket = releaseBucketOf(scopes.app, profile, storage);
  const workload = {
    packages: profile.vm.packages,
    environment: { ...profile.environment(endpoints), ...profile.vm.environment(endpoints), ...Object.assign({}, ...tiers.map((t) => t.environment)) },
    secretEnvironment,
    bootCommands: [...storage.mountCommands(), ...profile.vm.bootCommands(endpoints)],
    systemServices: profile.vm.systemServices,
    requiredMounts: storage.posixMounts.map((m) => m.path),
    release: { bucketName: releaseBucket.bucketName, hook: profile.vm.releaseHook },
  };
  // A first boot needs the writer (setup, the database user) and the EFS mount targets. Split, the
  // data stack is applied before the app stack, which is the same order.
  const bootDependencies = sameStack(scopes.app, [...(db ? [db.writerInstance] : []), ...storage.mountTargets]);

  const appServers = new AppServerGroup(scopes.app, 'AppServers', {
    network,
    // A tier in front of the app (an HTTP cache) takes the load balancer's default target and hands
    // the app hosts its own target to register with.
    target: tiers.find((t) => t.appTarget !== undefined)?.appTarget ?? loadBalancer.appTarget,
    workload,
    // A profile without queue workers (empty command) gets none, whatever the environment asks for.
    workerCommand: profile.vm.workerCommand || undefined,
    workersPerHost: profile.vm.workerCommand ? props.workersPerHost : 0,
    instanceType: props.app?.instanceType,
    minCapacity: props.app?.minCapacity,
    maxCapacity: props.app?.maxCapacity,
    desiredCapacity: props.app?.desiredCapacity,
    logShipping: logs,
    encryptionKey,
    dependsOn: bootDependencies,
  });

  const admin = new AdminServer(scopes.app, 'Admin', {
    network,
    target: adminTarget,
    workload,
    setupCommand: profile.vm.setupCommand,
    schedulerCommand: profile.vm.schedulerCommand,
    generatedSecretArns: [appSecret.arn],
    instanceType: props.admin?.instanceType,
    logShipping: logs,
    encryptionKey,
    provisioning: db ? [db.appUserProvisioning()] : [],
    dependsOn: bootDependencies,
  });
  if (db) db.grantAppUserProvisioning(admin);
  for (const cidr of props.sshCidrs ?? []) admin.allowSshAccessFrom(Peer.ipv4(cidr));

  for (const host of [appServers, admin]) {
    redis.connections.allowDefaultPortFrom(host, `Redis from ${host.node.id}`);
    db?.connections.allowDefaultPortFrom(host, `MySQL from ${host.node.id}`);
    if (storage.fileSystemId) storage.connections.allowDefaultPortFrom(host, `NFS from ${host.node.id}`);
    storage.grantReadWrite(host);
    db?.grantAppUserRead(host);
    host.grantPrincipal.addToPolicy(secretAccess('ReadAppSecret', appSecret.arn));
  }

  for (const tier of tiers) tier.connect({ app: appServers, admin });

  const cluster: AwsVmCluster = { network, loadBalancer, appServers, admin, redis, database: db, storage, logs };
  outputs(scopes, cluster, endpoints);
  // What `npm run release` needs: where releases go (the data stack, split), which hosts to roll.
  new TerraformOutput(scopes.data, RELEASE_OUTPUTS.bucket, { value: releaseBucket.bucketName, description: 'Bucket of the releases: releases/<id>.tar.gz and releases/current (npm run release)' });
  // The app's environment contract: plain values, and where each secret value is read from at boot.
  // Split, it holds values the app stack reads from the data stack's state, which Terraform treats as sensitive.
  new TerraformOutput(scopes.app, 'app_environment', {
    value: workload.environment,
    description: 'Environment of the app, worker and admin processes (no secrets)',
    ...(split ? { sensitive: true } : {}),
  });
  new TerraformOutput(scopes.app, 'app_secret_environment', {
    value: Object.fromEntries(Object.entries(secretEnvironment as Record<string, SecretEnvironmentVariable>).map(([name, s]) => [name, s.secretArn])),
    description: 'Secret environment variables and the Secrets Manager ARN each is read from on the hosts at boot',
    ...(split ? { sensitive: true } : {}),
  });
  return cluster;
}


/** The bucket the hosts install releases from: the profile's `vm.releaseBucket`, or its first private bucket. */
function releaseBucketOf(scope: Construct, profile: VmAppProfile, storage: SharedStorage): SharedStorage['buckets'][number] {
  const wanted = profile.vm.releaseBucket ?? profile.buckets.find((b) => !b.publicRead)?.id;
  const bucket = storage.buckets.find((b) => b.id === wanted);
  if (bucket === undefined) {
    throw new ValidationError(
      `profile.vm.releaseBucket: got '${wanted ?? '(none)'}'; allowed: the id of one of the profile's buckets (${profile.buckets.map((b) => b.id).join(', ')}), best a private one; fix: set vm.releaseBucket or add a private bucket`,
      scope,
    );
  }
  return bucket;
}

/** The constructs of `candidates` in the same stack as `scope` (Terraform dependencies cannot cross stacks). */
function sameStack<T extends Construct>(scope: Construct, candidates: T[]): T[] {
  const stack = TerraformStack.of(scope);
  return candidates.filter((c) => TerraformStack.of(c) === stack);
}

/** The stack outputs, each in the scope of the construct it describes. */
function outputs(scopes: AwsVmScopes, c: AwsVmCluster, endpoints: ClusterEndpoints): void {
  const out = (scope: Construct, id: string, value: string, description: string): void => {
    new TerraformOutput(scope, id, { value, description });
  };
  out(scopes.app, 'site_url', endpoints.siteUrl, 'Public URL of the site');
  out(scopes.data, 'load_balancer_dns_name', c.loadBalancer.dnsName, 'DNS name of the load balancer (CNAME/alias target)');
  out(scopes.app, RELEASE_OUTPUTS.adminInstance, c.admin.serverId, 'Instance id of the admin host (aws ssm start-session --target <id>)');
  out(scopes.app, RELEASE_OUTPUTS.appGroup, c.appServers.groupName, 'Auto Scaling group of the app hosts');
  if (c.database) {
    out(scopes.data, 'database_writer_endpoint', c.database.writerEndpoint.hostname, 'Aurora writer endpoint (DATABASE_URL host)');
    out(scopes.data, 'database_reader_endpoint', c.database.readerEndpoint.hostname, 'Aurora reader endpoint (DATABASE_REPLICA_0_URL host)');
    out(scopes.data, 'database_master_secret_arn', c.database.masterUserSecretArn, 'Secrets Manager ARN of the AWS-managed master credentials (administration only)');
    out(scopes.data, 'database_app_user_secret_arn', c.database.appUserSecretArn, "Secrets Manager ARN of the app's database user (created by the admin host)");
  }
  for (const cls of c.redis.dataClasses) {
    out(scopes.data, `redis_${cls}_endpoint`, c.redis.endpoint(cls).hostname, `Primary endpoint of the ${cls} Redis`);
  }
  for (const b of c.storage.buckets) {
    out(scopes.data, `bucket_${b.id}`, b.bucketName, `Bucket of ${b.folders.join(', ')}`);
  }
  if (c.storage.cdnDomainName) out(scopes.data, 'cdn_domain_name', c.storage.cdnDomainName, 'CloudFront domain of public files');
}
