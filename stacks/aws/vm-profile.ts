/**
 * The AWS half of a profile: how the app runs on VMs (`VmRuntime`, `logFiles`) and the tiers built on
 * AWS (`AwsTier`). AwsVmStack renders a `VmAppProfile`; a new backend adds its own file beside this
 * one and edits none of it. Nothing under stacks/aws imports the Docker backend (test/architecture.test.ts).
 */
import type { Construct } from 'constructs';
import type { AdminServer } from '../../constructs/aws/admin-server';
import type { AppServerGroup } from '../../constructs/aws/app-server-group';
import type { IEncryptionKey } from '../../constructs/aws/encryption-key';
import type { SecretEnvironmentVariable } from '../../constructs/aws/host-workload';
import type { LoadBalancer, LoadBalancerTarget } from '../../constructs/aws/load-balancer';
import type { LogShipping } from '../../constructs/aws/log-shipping';
import type { IAwsNetwork } from '../../constructs/aws/network';
import type { AppProfile, ClusterEndpoints } from '../profiles/app-profile';
import type { TierBase } from '../tiers/tier';
/** How a profile's processes run on a VM. */
export interface VmRuntime {
  /** Amazon Linux 2023 packages. */
  readonly packages: string[];
  /** System services that serve the app (given the app environment). */
  readonly systemServices: string[];
  /** Port the web server listens on. */
  readonly port: number;
  /** Queue-consumer command, one per worker process. */
  readonly workerCommand: string;
  /** The single scheduled-task runner. */
  readonly schedulerCommand: string;
  /** One-shot, idempotent setup/migration command. */
  readonly setupCommand: string;
  /**
   * Bash run as root in each new release directory before it goes live (see HostRelease.hook).
   * @default - none
   */
  readonly releaseHook?: string;
  /**
   * Id of the bucket (in `buckets`) holding the releases the hosts install.
   * @default - the first bucket that is not publicly readable
   */
  readonly releaseBucket?: string;
  /** Boot commands (as root) for every host, given the endpoints. */
  bootCommands(endpoints: ClusterEndpoints): string[];
  /** Environment the hosts need beyond the profile's common environment. */
  environment(endpoints: ClusterEndpoints): Record<string, string>;
}

/** What the AWS VM stack offers a tier. */
export interface AwsTierContext {
  /** Scope of the tier's stateless constructs: the app stack (the whole stack when it is not split). */
  readonly scope: Construct;
  /** Scope of the tier's stateful constructs (data stores): the data stack (the whole stack when it is not split). */
  readonly dataScope: Construct;
  /** Resource-name prefix (the environment name). */
  readonly namePrefix: string;
  /** The network. */
  readonly network: IAwsNetwork;
  /** The internet-facing load balancer. */
  readonly loadBalancer: LoadBalancer;
  /** Log shipping for the tier's hosts. */
  readonly logs: LogShipping;
  /** Whether stateful resources are protected (false when the environment allows destroy). */
  readonly protect: boolean;
  /** Port the app hosts' web server listens on. */
  readonly appPort: number;
  /**
   * Customer-managed KMS key of the environment's data, for the tier's volumes, buckets and secrets.
   * @default - AWS-managed keys
   */
  readonly encryptionKey?: IEncryptionKey;
}

/** The app and admin hosts on AWS, once they exist. */
export interface AwsAppClients {
  /** The app tier. */
  readonly app: AppServerGroup;
  /** The admin host. */
  readonly admin: AdminServer;
}

/** What a tier adds on AWS. */
export interface AwsTierBinding {
  /** Plain environment of the app and admin hosts. */
  readonly environment: Record<string, string>;
  /** Environment read from Secrets Manager at boot. */
  readonly secretEnvironment: Record<string, SecretEnvironmentVariable>;
  /**
   * Target the app hosts register with instead of the load balancer's default target, for a tier
   * that takes the default target and forwards to the app itself (an HTTP cache in front of the app);
   * such a tier declares {@link TierBase.defaultTargetHealthCheckPath}.
   * @default - the load balancer's default target
   */
  readonly appTarget?: LoadBalancerTarget;
  /** Grants network access (and IAM) to the app and admin hosts. */
  connect(clients: AwsAppClients): void;
}

/** An optional part of a profile (a document database, an HTTP cache, a search service) on AWS. */
export interface AwsTier extends TierBase {
  /** Builds the tier on AWS. */
  aws(ctx: AwsTierContext): AwsTierBinding;
}

/** An app profile with how it runs on AWS VMs. */
export interface VmAppProfile extends AppProfile {
  /** Log files per role on a VM. */
  readonly logFiles: Record<string, string[]>;
  /** VM runtime. */
  readonly vm: VmRuntime;
  /**
   * Optional tiers beyond the seven roles (document database, HTTP cache, search), bound by the
   * stack in this order.
   * @default - none
   */
  readonly tiers?: AwsTier[];
}
