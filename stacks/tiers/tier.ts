/**
 * Tiers: optional parts of an app profile beyond the seven roles (a document database, a shared
 * HTTP cache, a search service). A tier is written once per backend; the stacks bind every tier of
 * the profile before the app tier exists (to collect environment and start order) and connect it
 * once the app and admin exist (network access, grants).
 */
import type { Construct } from 'constructs';
import type { AdminServer as AwsAdminServer } from '../../constructs/aws/admin-server';
import type { AppServerGroup as AwsAppServerGroup } from '../../constructs/aws/app-server-group';
import type { IEncryptionKey } from '../../constructs/aws/encryption-key';
import type { SecretEnvironmentVariable } from '../../constructs/aws/host-workload';
import type { LoadBalancer as AwsLoadBalancer, LoadBalancerTarget as AwsLoadBalancerTarget } from '../../constructs/aws/load-balancer';
import type { LogShipping as AwsLogShipping } from '../../constructs/aws/log-shipping';
import type { IAwsNetwork } from '../../constructs/aws/network';
import type { AdminServer as DockerAdminServer } from '../../constructs/docker/admin-server';
import type { AppServerGroup as DockerAppServerGroup } from '../../constructs/docker/app-server-group';
import type { DockerRoleResources } from '../../constructs/docker/container-resources';
import type { DockerCluster } from '../../constructs/docker/docker-cluster';
import type { DocumentDatabase as DockerDocumentDatabase } from '../../constructs/docker/document-database';
import type { LoadBalancer as DockerLoadBalancer } from '../../constructs/docker/load-balancer';
import type { WorkloadSecret, WorkloadVolume } from '../../constructs/docker/runtime';
import type { Workload } from '../../constructs/docker/workload';

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
  readonly loadBalancer: AwsLoadBalancer;
  /** Log shipping for the tier's hosts. */
  readonly logs: AwsLogShipping;
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
  readonly app: AwsAppServerGroup;
  /** The admin host. */
  readonly admin: AwsAdminServer;
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
   * such a tier declares {@link Tier.defaultTargetHealthCheckPath}.
   * @default - the load balancer's default target
   */
  readonly appTarget?: AwsLoadBalancerTarget;
  /** Grants network access (and IAM) to the app and admin hosts. */
  connect(clients: AwsAppClients): void;
}

/** What the Docker stack offers a tier. */
export interface DockerTierContext {
  /** Scope of the tier's stateless constructs: the app stack (the whole stack when it is not split). */
  readonly scope: Construct;
  /** Scope of the tier's stateful constructs (data stores): the data stack (the whole stack when it is not split). */
  readonly dataScope: Construct;
  /** The cluster (runtime, networks, naming, logs). */
  readonly cluster: DockerCluster;
  /** The load balancer. */
  readonly loadBalancer: DockerLoadBalancer;
  /** Port the app containers listen on. */
  readonly appPort: number;
  /** Resources of the stack's roles (a tier reads its own entry). */
  readonly resources: DockerRoleResources;
  /**
   * Swarm placement of the tier's stateful workloads (the `placement` of its data stores): the
   * constraint that pins them to the labelled data node.
   * @default - the data stores' default placement (the manager)
   */
  readonly dataPlacement?: string[];
}

/** The app and admin containers, once they exist. */
export interface DockerAppClients {
  /** The app tier (app, workers, scheduler, init). */
  readonly app: DockerAppServerGroup;
  /** The admin container. */
  readonly admin: DockerAdminServer;
}

/** What a tier adds on Docker. */
export interface DockerTierBinding {
  /** Plain environment of the app containers. */
  readonly environment: Record<string, string>;
  /** Secret environment of the app containers. */
  readonly secrets: Record<string, WorkloadSecret>;
  /** Workloads the app, workers, scheduler and init must wait for. */
  readonly dependsOn: Workload[];
  /**
   * Whether the tier took the load balancer's catch-all route and forwards to the app itself (an
   * HTTP cache in front of the app); the app then adds no route of its own.
   * @default false
   */
  readonly takesAppRoute?: boolean;
  /**
   * Named volumes mounted into every app and admin container (e.g. a directory the app's init task
   * publishes files to for the tier).
   * @default []
   */
  readonly volumes?: WorkloadVolume[];
  /**
   * The tier's document database, which the stack's backups include.
   * @default - the tier keeps no data the backups must include
   */
  readonly documentDatabase?: DockerDocumentDatabase;
  /** Grants network access to the app and admin containers. */
  connect(clients: DockerAppClients): void;
}

/** An optional part of a profile, implemented for every backend. */
export interface Tier {
  /** Name, e.g. `mongodb`. */
  readonly name: string;
  /**
   * For a tier that takes the load balancer's default target and forwards to the app itself (an
   * HTTP cache in front of the app): the path that target's health check requests, one the tier
   * answers itself, so an app outage does not mark the tier's nodes unhealthy. Declared on the tier,
   * not its binding, because the load balancer and its default target exist before tiers are bound.
   * The AWS stack gives it to the ALB's default target group; on Docker such a tier adds its own
   * catch-all route, with its own health check.
   * @default - the tier does not take the default target
   */
  readonly defaultTargetHealthCheckPath?: string;
  /** Builds the tier on AWS. */
  aws(ctx: AwsTierContext): AwsTierBinding;
  /** Builds the tier on Docker. */
  docker(ctx: DockerTierContext): DockerTierBinding;
}
