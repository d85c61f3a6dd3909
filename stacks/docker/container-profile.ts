/**
 * The Docker half of a profile: how the app runs as containers (`ContainerRuntime`) and the tiers
 * built on Docker (`DockerTier`). DockerStack renders a `ContainerAppProfile`; a new backend adds its
 * own file beside this one and edits none of it. Nothing under stacks/docker imports the AWS backend
 * (test/architecture.test.ts).
 */
import type { Construct } from 'constructs';
import type { AdminServer } from '../../constructs/docker/admin-server';
import type { AppServerGroup } from '../../constructs/docker/app-server-group';
import type { DockerRoleResources } from '../../constructs/docker/container-resources';
import type { DockerCluster } from '../../constructs/docker/docker-cluster';
import type { DocumentDatabase } from '../../constructs/docker/document-database';
import type { LoadBalancer } from '../../constructs/docker/load-balancer';
import type { WorkloadSecret, WorkloadVolume } from '../../constructs/docker/runtime';
import type { Workload } from '../../constructs/docker/workload';
import type { AppProfile, ClusterEndpoints } from '../profiles/app-profile';
import type { TierBase } from '../tiers/tier';

/** How a profile's processes run as containers. */
export interface ContainerRuntime {
  /** Default app image (the vendor's base image; users set their project image in config). */
  readonly defaultImage: string;
  /** Port the app's web server listens on in the container. */
  readonly port: number;
  /** Queue-consumer command of the worker containers. */
  readonly workerCommand: string[];
  /** The single scheduled-task runner. */
  readonly schedulerCommand: string[];
  /**
   * Text of the scheduler's long-running process's command line that its health check looks for.
   * @default - the scheduler command's arguments
   */
  readonly schedulerProcess?: string;
  /** One-shot, idempotent setup/migration command, run before app and workers start. */
  readonly initCommand: string[];
  /** Environment the image needs beyond the profile's common environment. */
  environment(endpoints: ClusterEndpoints): Record<string, string>;
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
  readonly loadBalancer: LoadBalancer;
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
  readonly app: AppServerGroup;
  /** The admin container. */
  readonly admin: AdminServer;
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
  readonly documentDatabase?: DocumentDatabase;
  /** Grants network access to the app and admin containers. */
  connect(clients: DockerAppClients): void;
}

/** An optional part of a profile (a document database, an HTTP cache, a search service) on Docker. */
export interface DockerTier extends TierBase {
  /** Builds the tier on Docker. */
  docker(ctx: DockerTierContext): DockerTierBinding;
}

/** An app profile with how it runs as containers. */
export interface ContainerAppProfile extends AppProfile {
  /** Container runtime. */
  readonly container: ContainerRuntime;
  /**
   * Optional tiers beyond the seven roles (document database, HTTP cache, search), bound by the
   * stack in this order.
   * @default - none
   */
  readonly tiers?: DockerTier[];
}
