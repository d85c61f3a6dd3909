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
import { ListenerCertificate, LoadBalancer } from '../constructs/aws/load-balancer';
import { LogShipping } from '../constructs/aws/log-shipping';
import { NatGatewayMode, Network } from '../constructs/aws/network';
import { RedisCluster } from '../constructs/aws/redis-cluster';
import { SharedStorage } from '../constructs/aws/shared-storage';
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from '../constructs/core/cdktf';
import { Peer } from '../constructs/core/peer';
import type { RedisDataClass } from '../constructs/core/roles';
import type { AppProfile, ClusterEndpoints } from './profiles/app-profile';

/** Where Terraform keeps the stack's state. */
export type StateBackendConfig =
  | { readonly type: 'local' }
  | {
      readonly type: 's3';
      /** State bucket. */
      readonly bucket: string;
      /** Object key of the state. */
      readonly key: string;
      /** Region of the bucket. */
      readonly region: string;
      /** Server-side encryption of the state object. */
      readonly encrypt: boolean;
      /** S3-native state locking (Terraform >= 1.10). */
      readonly useLockfile: boolean;
    };

/** Properties of an {@link AwsVmStack}. */
export interface AwsVmStackProps {
  /** The application to run. */
  readonly profile: AppProfile;
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
  /** Log retention in days. @default 90 */
  readonly logRetentionDays?: number;
  /** Serve public files through CloudFront. @default false */
  readonly cdn?: boolean;
  /**
   * Allow Terraform to destroy stateful resources (databases, session Redis, buckets): turns off
   * `prevent_destroy` and deletion protection. For dev/test environments only.
   * @default false
   */
  readonly allowDestroy?: boolean;
  /** State backend. @default { type: 'local' } */
  readonly stateBackend?: StateBackendConfig;
  /** Tags on every resource (through the provider's default_tags). @default {} */
  readonly tags?: Record<string, string>;
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
    const profile = props.profile;
    const protect = !(props.allowDestroy ?? false);
    const backend = props.stateBackend ?? { type: 'local' };
    if (backend.type === 's3') {
      const s3 = new S3Backend(this, { bucket: backend.bucket, key: backend.key, region: backend.region, encrypt: backend.encrypt });
      if (backend.useLockfile) s3.addOverride('use_lockfile', true);
    } else {
      // Relative to cdktf.out/stacks/<id>: the state lives at the project root, as cdktf's default,
      // without baking an absolute path into the plan.
      new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    }

    new AwsProvider(this, 'aws', {
      region: props.region,
      defaultTags: [
        {
          tags: {
            ...(props.tags ?? {}),
            'webcluster:environment': id,
            'webcluster:app': profile.name,
            'webcluster:managed-by': 'cdktf',
          },
        },
      ],
    });

    this.network = new Network(this, 'Network', {
      namePrefix: id,
      region: props.region,
      availabilityZones: props.availabilityZones,
      vpcCidr: props.vpcCidr,
      natGateways: props.natGateways,
      flowLogRetentionDays: props.logRetentionDays,
    });
    const network = this.network;

    this.logs = new LogShipping(this, 'Logs', {
      namePrefix: id,
      retentionDays: props.logRetentionDays,
      sources: Object.entries(profile.logFiles).map(([role, files]) => ({ role, files })),
    });

    this.loadBalancer = new LoadBalancer(this, 'LoadBalancer', {
      network,
      certificate: props.certificate,
      ingressCidrs: props.ingressCidrs,
      appTarget: {
        port: profile.vm.port,
        healthCheckPath: profile.healthCheckPath,
        // The ALB names its own stickiness cookie (AWSALB); the profile's name is the one Traefik sets,
        // not a cookie of the app, so an app_cookie rule on it would never pin anyone.
        stickiness: profile.stickyCookie ? {} : undefined,
      },
      deletionProtection: protect,
    });
    const adminTarget = this.loadBalancer.addPathTarget('Admin', {
      pathPatterns: profile.adminPathPatterns,
      priority: 10,
      port: profile.vm.port,
      healthCheckPath: profile.healthCheckPath,
      sourceCidrs: props.adminCidrs,
    });

    this.redis = new RedisCluster(this, 'Redis', {
      network,
      dataClasses: profile.redisDataClasses,
      nodeType: props.redis?.nodeType,
      replicasPerClass: props.redis?.replicasPerClass,
      preventDestroy: protect,
    });

    const db = profile.database
      ? new DatabaseCluster(this, 'Database', {
          network,
          databaseName: profile.database.name,
          instanceClass: props.database?.instanceClass,
          readers: props.database?.readers,
          parameters: profile.database.parameters,
          preventDestroy: protect,
          deletionProtection: protect,
        })
      : undefined;
    this.database = db;

    this.storage = new SharedStorage(this, 'Storage', {
      network,
      buckets: profile.buckets,
      // Mounted on every app and admin host by the boot commands (mountCommands below).
      posixShares: profile.posixShares,
      cdn: props.cdn,
      preventDestroy: protect,
    });

    const appSecret = new SecretsmanagerSecret(this, 'AppSecret', {
      namePrefix: `${id}/${profile.appSecretVariable.toLowerCase()}-`,
      description: `${profile.appSecretVariable} shared by every node of ${id}; generated once by the admin host`,
      recoveryWindowInDays: 30,
    });

    const endpoints: ClusterEndpoints = {
      siteUrl: `https://${props.domain}`,
      trustedProxyCidr: network.vpcCidr,
      redisScheme: 'rediss',
      redisUrls: Object.fromEntries(profile.redisDataClasses.map((c) => [c, this.redis.url(c)])) as Partial<Record<RedisDataClass, string>>,
      redisHosts: Object.fromEntries(
        profile.redisDataClasses.map((c) => [c, `${this.redis.endpoint(c).hostname}:${this.redis.endpoint(c).port}`]),
      ) as Partial<Record<RedisDataClass, string>>,
      database: db && { writerHost: db.writerEndpoint.hostname, readerHost: db.readerEndpoint.hostname, name: db.databaseName },
      bucketNames: Object.fromEntries(this.storage.buckets.map((b) => [b.id, b.bucketName])),
      region: props.region,
      publicFilesUrl: this.storage.cdnDomainName
        ? `https://${this.storage.cdnDomainName}`
        : `https://${this.storage.buckets.find((b) => b.publicRead)?.regionalDomainName ?? ''}`,
    };
    const tiers = (profile.tiers ?? []).map((tier) =>
      tier.aws({ scope: this, namePrefix: id, network, loadBalancer: this.loadBalancer, logs: this.logs, protect, appPort: profile.vm.port }),
    );
    const secretEnvironment = {
      ...Object.assign({}, ...tiers.map((t) => t.secretEnvironment)),
      ...Object.fromEntries(
        Object.entries(db && profile.database ? profile.database.urlTemplates(endpoints) : {}).map(([name, template]) => [
          name,
          { secretArn: db?.masterUserSecretArn ?? '', template },
        ]),
      ),
      [profile.appSecretVariable]: { secretArn: appSecret.arn },
    };
    const workload = {
      packages: profile.vm.packages,
      environment: { ...profile.environment(endpoints), ...profile.vm.environment(endpoints), ...Object.assign({}, ...tiers.map((t) => t.environment)) },
      secretEnvironment,
      bootCommands: [...this.storage.mountCommands(), ...profile.vm.bootCommands(endpoints)],
      systemServices: profile.vm.systemServices,
    };

    this.appServers = new AppServerGroup(this, 'AppServers', {
      network,
      // A tier in front of the app (an HTTP cache) takes the load balancer's default target and hands
      // the app hosts its own target to register with.
      target: tiers.find((t) => t.appTarget !== undefined)?.appTarget ?? this.loadBalancer.appTarget,
      workload,
      // A profile without queue workers (empty command) gets none, whatever the environment asks for.
      workerCommand: profile.vm.workerCommand || undefined,
      workersPerHost: profile.vm.workerCommand ? props.workersPerHost : 0,
      instanceType: props.app?.instanceType,
      minCapacity: props.app?.minCapacity,
      maxCapacity: props.app?.maxCapacity,
      desiredCapacity: props.app?.desiredCapacity,
      logShipping: this.logs,
    });

    this.admin = new AdminServer(this, 'Admin', {
      network,
      target: adminTarget,
      workload,
      setupCommand: profile.vm.setupCommand,
      schedulerCommand: profile.vm.schedulerCommand,
      generatedSecretArns: [appSecret.arn],
      instanceType: props.admin?.instanceType,
      logShipping: this.logs,
    });
    for (const cidr of props.sshCidrs ?? []) this.admin.allowSshAccessFrom(Peer.ipv4(cidr));

    for (const host of [this.appServers, this.admin]) {
      this.redis.connections.allowDefaultPortFrom(host, `Redis from ${host.node.id}`);
      db?.connections.allowDefaultPortFrom(host, `MySQL from ${host.node.id}`);
      if (this.storage.fileSystemId) this.storage.connections.allowDefaultPortFrom(host, `NFS from ${host.node.id}`);
      this.storage.grantReadWrite(host);
      db?.grantSecretRead(host);
      host.grantPrincipal.addToPolicy({
        Sid: 'ReadAppSecret',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: appSecret.arn,
      });
    }

    for (const tier of tiers) tier.connect({ app: this.appServers, admin: this.admin });

    this.outputs(endpoints);
    // The app's environment contract: plain values, and where each secret value is read from at boot.
    new TerraformOutput(this, 'app_environment', {
      value: workload.environment,
      description: 'Environment of the app, worker and admin processes (no secrets)',
    });
    new TerraformOutput(this, 'app_secret_environment', {
      value: Object.fromEntries(Object.entries(secretEnvironment as Record<string, SecretEnvironmentVariable>).map(([name, s]) => [name, s.secretArn])),
      description: 'Secret environment variables and the Secrets Manager ARN each is read from on the hosts at boot',
    });
  }

  private outputs(endpoints: ClusterEndpoints): void {
    const out = (id: string, value: string, description: string): void => {
      new TerraformOutput(this, id, { value, description });
    };
    out('site_url', endpoints.siteUrl, 'Public URL of the site');
    out('load_balancer_dns_name', this.loadBalancer.dnsName, 'DNS name of the load balancer (CNAME/alias target)');
    out('admin_instance_id', this.admin.serverId, 'Instance id of the admin host (aws ssm start-session --target <id>)');
    out('app_autoscaling_group', this.appServers.groupName, 'Auto Scaling group of the app hosts');
    if (this.database) {
      out('database_writer_endpoint', this.database.writerEndpoint.hostname, 'Aurora writer endpoint (DATABASE_URL host)');
      out('database_reader_endpoint', this.database.readerEndpoint.hostname, 'Aurora reader endpoint (DATABASE_REPLICA_0_URL host)');
      out('database_master_secret_arn', this.database.masterUserSecretArn, 'Secrets Manager ARN of the AWS-managed master credentials');
    }
    for (const c of this.redis.dataClasses) {
      out(`redis_${c}_endpoint`, this.redis.endpoint(c).hostname, `Primary endpoint of the ${c} Redis`);
    }
    for (const b of this.storage.buckets) {
      out(`bucket_${b.id}`, b.bucketName, `Bucket of ${b.folders.join(', ')}`);
    }
    if (this.storage.cdnDomainName) out('cdn_domain_name', this.storage.cdnDomainName, 'CloudFront domain of public files');
  }
}
