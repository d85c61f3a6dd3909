/**
 * AwsVmStack: the traditional VM cluster of an app profile on AWS, composed of the seven constructs.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import type { Construct } from 'constructs';
import { AdminServer } from '../constructs/aws/admin-server';
import { AppServerGroup } from '../constructs/aws/app-server-group';
import type { HostWorkload, SecretEnvironmentVariable } from '../constructs/aws/host-workload';
import { DatabaseCluster } from '../constructs/aws/database-cluster';
import { EncryptionKey, type IEncryptionKey } from '../constructs/aws/encryption-key';
import { LoadBalancer, type LoadBalancerTarget } from '../constructs/aws/load-balancer';
import { LogShipping } from '../constructs/aws/log-shipping';
import { Network } from '../constructs/aws/network';
import { RedisCluster } from '../constructs/aws/redis-cluster';
import { SharedStorage } from '../constructs/aws/shared-storage';
import { TerraformOutput, TerraformStack } from '../constructs/core/cdktf';
import { Peer } from '../constructs/core/peer';
import { validate, ValidationError } from '../constructs/core/validation-error';
import { secretAccess } from '../constructs/aws/private/iam';
import {
  addAppContractOutputs,
  connectClients,
  CONTRACT_ORDER,
  databaseUrls,
  dataStoreEndpoints,
  defaultTargetRule,
  defaultTargetTier,
  mergeParts,
  secretReferences,
} from './app-contract';
import type { AwsVmCluster, AwsVmScopes, AwsVmSplitStacks, AwsVmStackProps } from './aws-vm-stack-props';
import { addAwsVmOutputs } from './aws-vm-outputs';
import type { VmAppProfile } from './aws/vm-profile';
import type { ClusterEndpoints } from './profiles/app-profile';
import { RELEASE_OUTPUTS } from './release-outputs';
import { addStateBackend, SPLIT_PARTS, splitStateBackend } from './state-backend';
import type { AwsTierBinding } from './aws/vm-profile';

export { RELEASE_OUTPUTS } from './release-outputs';
export { addStateBackend, SPLIT_PARTS, splitStateBackend } from './state-backend';
export type { SplitPart, StateBackendConfig } from './state-backend';
export type { AwsVmCluster, AwsVmScopes, AwsVmSplitStacks, AwsVmStackProps } from './aws-vm-stack-props';

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

/** The parts of a VM cluster built before the app: the network and everything stateful. */
interface AwsVmDataParts {
  readonly encryptionKey?: IEncryptionKey;
  readonly network: Network;
  readonly logs: LogShipping;
  readonly loadBalancer: LoadBalancer;
  /** The load balancer's `/admin` target. */
  readonly adminTarget: LoadBalancerTarget;
  readonly redis: RedisCluster;
  readonly database?: DatabaseCluster;
  readonly storage: SharedStorage;
  readonly appSecret: SecretsmanagerSecret;
}

/**
 * Builds the VM cluster into `scopes` (see {@link AwsVmScopes}); `id` is the environment name, the
 * prefix of resource names. Every construct keeps its ID whatever the scopes, so one stack and the
 * split stacks have the same Terraform addresses.
 */
export function buildAwsVmCluster(scopes: AwsVmScopes, id: string, props: AwsVmStackProps): AwsVmCluster {
  const profile = props.profile;
  const protect = !(props.allowDestroy ?? false);
  const data = addAwsVmDataParts(scopes, id, props);
  const { encryptionKey, network, logs, loadBalancer, redis, database: db, storage, appSecret } = data;

  const endpoints: ClusterEndpoints = {
    siteUrl: `https://${props.domain}`,
    trustedProxyCidr: network.vpcCidr,
    redisScheme: 'rediss',
    ...dataStoreEndpoints(profile, { redis, database: db, storage }),
    region: props.region,
    publicFilesUrl: storage.cdnDomainName
      ? `https://${storage.cdnDomainName}`
      : `https://${storage.buckets.find((b) => b.publicRead)?.regionalDomainName ?? ''}`,
  };
  const tiers = (profile.tiers ?? []).map((tier) =>
    tier.aws({ scope: scopes.app, dataScope: scopes.data, namePrefix: id, network, loadBalancer, logs, protect, appPort: profile.vm.port, encryptionKey }),
  );
  validate(scopes.app, [defaultTargetRule(profile.tiers ?? [], tiers.map((t) => t.appTarget !== undefined), 'appTarget')]);
  const secretEnvironment: Record<string, SecretEnvironmentVariable> = mergeParts(CONTRACT_ORDER.aws.secretEnvironment, {
    tiers: tiers.map((t) => t.secretEnvironment),
    // The app's own least-privilege user, never the master user (RDS rotates its password weekly).
    databaseUrls: databaseUrls(profile, endpoints, (template) => ({ secretArn: db?.appUserSecretArn ?? '', template })),
    appSecret: { [profile.appSecretVariable]: { secretArn: appSecret.arn } },
  });
  const releaseBucket = releaseBucketOf(scopes.app, profile, storage);
  const workload = {
    packages: profile.vm.packages,
    environment: mergeParts(CONTRACT_ORDER.aws.environment, {
      profile: profile.environment(endpoints),
      runtime: profile.vm.environment(endpoints),
      tiers: tiers.map((t) => t.environment),
    }),
    secretEnvironment,
    bootCommands: [...storage.mountCommands(), ...profile.vm.bootCommands(endpoints)],
    systemServices: profile.vm.systemServices,
    requiredMounts: storage.posixMounts.map((m) => m.path),
    release: { bucketName: releaseBucket.bucketName, hook: profile.vm.releaseHook },
  };
  const { appServers, admin } = addAwsVmHosts(scopes, props, data, tiers, workload);

  connectClients(
    [appServers, admin],
    [
      { store: redis, label: 'Redis' },
      { store: db, label: 'MySQL' },
      { store: storage.fileSystemId ? storage : undefined, label: 'NFS' },
      { grant: (host) => storage.grantReadWrite(host) },
      { grant: (host) => db?.grantAppUserRead(host) },
      { grant: (host) => host.grantPrincipal.addToPolicy(secretAccess('ReadAppSecret', appSecret.arn)) },
    ],
  );
  for (const tier of tiers) tier.connect({ app: appServers, admin });

  const cluster: AwsVmCluster = { network, loadBalancer, appServers, admin, redis, database: db, storage, logs };
  addAwsVmOutputs(scopes, cluster, endpoints);
  // What `npm run release` needs: where releases go (the data stack, split), which hosts to roll.
  new TerraformOutput(scopes.data, RELEASE_OUTPUTS.bucket, { value: releaseBucket.bucketName, description: 'Bucket of the releases: releases/<id>.tar.gz and releases/current (npm run release)' });
  // The app's environment contract: plain values, and where each secret value is read from at boot.
  // Split, it holds values the app stack reads from the data stack's state, which Terraform treats as sensitive.
  addAppContractOutputs(scopes.app, {
    environment: workload.environment,
    secretEnvironment: secretReferences(secretEnvironment, (s) => s.secretArn),
    environmentDescription: 'Environment of the app, worker and admin processes (no secrets)',
    secretEnvironmentDescription: 'Secret environment variables and the Secrets Manager ARN each is read from on the hosts at boot',
    sensitive: scopes.app !== scopes.data,
  });
  return cluster;
}

/** The network (in the network scope) and the stateful parts, in the data scope. */
function addAwsVmDataParts(scopes: AwsVmScopes, id: string, props: AwsVmStackProps): AwsVmDataParts {
  const profile = props.profile;
  const protect = !(props.allowDestroy ?? false);
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
  const frontTier = defaultTargetTier(profile.tiers ?? []);
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

  const database = profile.database
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
  return { encryptionKey, network, logs, loadBalancer, adminTarget, redis, database, storage, appSecret };
}

/** The app servers and the admin host, in the app scope, running `workload`. */
function addAwsVmHosts(
  scopes: AwsVmScopes,
  props: AwsVmStackProps,
  data: AwsVmDataParts,
  tiers: readonly AwsTierBinding[],
  workload: HostWorkload,
): { appServers: AppServerGroup; admin: AdminServer } {
  const profile = props.profile;
  const { network, loadBalancer, database: db, storage, logs, encryptionKey } = data;
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
    target: data.adminTarget,
    workload,
    setupCommand: profile.vm.setupCommand,
    schedulerCommand: profile.vm.schedulerCommand,
    generatedSecretArns: [data.appSecret.arn],
    instanceType: props.admin?.instanceType,
    logShipping: logs,
    encryptionKey,
    provisioning: db ? [db.appUserProvisioning()] : [],
    dependsOn: bootDependencies,
  });
  if (db) db.grantAppUserProvisioning(admin);
  for (const cidr of props.sshCidrs ?? []) admin.allowSshAccessFrom(Peer.ipv4(cidr));
  return { appServers, admin };
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
