/**
 * The properties and parts of an AWS VM cluster: {@link AwsVmStackProps}, where the parts go
 * ({@link AwsVmScopes}) and what they are ({@link AwsVmCluster}, {@link AwsVmSplitStacks}).
 */
import type { Construct } from 'constructs';
import type { AdminServer } from '../constructs/aws/admin-server';
import type { AppServerGroup } from '../constructs/aws/app-server-group';
import type { DatabaseCluster } from '../constructs/aws/database-cluster';
import type { EncryptionKey } from '../constructs/aws/encryption-key';
import type { ListenerCertificate, LoadBalancer } from '../constructs/aws/load-balancer';
import type { LogShipping } from '../constructs/aws/log-shipping';
import type { NatGatewayMode, Network } from '../constructs/aws/network';
import type { RedisCluster } from '../constructs/aws/redis-cluster';
import type { SharedStorage } from '../constructs/aws/shared-storage';
import type { TerraformStack } from '../constructs/core/cdktf';
import type { VmAppProfile } from './aws/vm-profile';
import type { StateBackendConfig } from './state-backend';

/** Properties of an `AwsVmStack` (and of `addAwsVmSplitStacks`). */
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
 * Where the parts of a VM cluster go. In one stack (`AwsVmStack`) all three are that stack; split
 * (`addAwsVmSplitStacks`) each is its own stack, and the app stack depends on the data stack,
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
