/**
 * The app contract, the part of a cluster both stacks build alike: the endpoints of the data stores
 * the profile reads, the app's plain and secret environment (merged part by part, in each backend's
 * order), the database URLs filled from the profile's templates, the rule on the tier that takes the
 * load balancer's default target, the client loop that opens every data store to the app and admin,
 * and the `app_environment`/`app_secret_environment` outputs. Backend-neutral: it speaks the core
 * role contracts; each stack passes in what only it knows (its runtime environment, its tiers'
 * bindings, how a secret is referenced).
 */
import type { IConstruct } from 'constructs';
import { TerraformOutput } from '../constructs/core/cdktf';
import type { IConnectable } from '../constructs/core/connections';
import type { IDatabaseCluster, IRedisCluster, ISharedStorage, RedisDataClass } from '../constructs/core/roles';
import type { ValidationRule } from '../constructs/core/validation-error';
import type { AppProfile, ClusterEndpoints } from './profiles/app-profile';

/** The fields of an app profile the contract reads (every backend's profile has them). */
export type ContractProfile = Pick<AppProfile, 'redisDataClasses' | 'database' | 'appSecretVariable'>;

/** The data stores whose endpoints the profile reads. */
export interface ContractDataStores {
  /** One Redis per data class. */
  readonly redis: IRedisCluster;
  /**
   * The relational database, when the profile has one.
   * @default - no relational database
   */
  readonly database?: IDatabaseCluster;
  /** Shared storage. */
  readonly storage: ISharedStorage;
}

/** The endpoints of the data stores, a part of {@link ClusterEndpoints} (in its key order). */
export type DataStoreEndpoints = Pick<ClusterEndpoints, 'redisUrls' | 'redisHosts' | 'database' | 'bucketNames'>;

/** The endpoints of the data stores: Redis URL and host:port of each data class, the database's hosts, the bucket names. */
export function dataStoreEndpoints(profile: ContractProfile, stores: ContractDataStores): DataStoreEndpoints {
  const { redis, database: db, storage } = stores;
  return {
    redisUrls: Object.fromEntries(profile.redisDataClasses.map((c) => [c, redis.url(c)])) as Partial<Record<RedisDataClass, string>>,
    redisHosts: Object.fromEntries(
      profile.redisDataClasses.map((c) => [c, `${redis.endpoint(c).hostname}:${redis.endpoint(c).port}`]),
    ) as Partial<Record<RedisDataClass, string>>,
    database: db && { writerHost: db.writerEndpoint.hostname, readerHost: db.readerEndpoint.hostname, name: db.databaseName },
    bucketNames: Object.fromEntries(storage.buckets.map((b) => [b.id, b.bucketName])),
  };
}

/**
 * The parts of the app's environment, in the order each backend layers them: a later part overrides
 * an earlier one's value, and a variable keeps the place of the first part that sets it (object
 * spread). The order decides which value a variable set by two parts gets (and the order of the
 * merged keys; the synthesized JSON lists them sorted), so it is part of the contract:
 * - `profile`: the profile's common environment; `runtime`: the VM's or the container's own;
 * - `tiers`: each tier's, in the profile's order;
 * - `databaseUrls`: the profile's database URLs ({@link databaseUrls}), filled on Docker, read from
 *   the database user's secret at boot on AWS;
 * - `appSecret`: the shared app secret; `storageCredentials`: the S3 keys of the storage (Docker).
 */
export const CONTRACT_ORDER = {
  aws: {
    environment: ['profile', 'runtime', 'tiers'],
    secretEnvironment: ['tiers', 'databaseUrls', 'appSecret'],
  },
  docker: {
    environment: ['tiers', 'profile', 'runtime', 'databaseUrls'],
    secretEnvironment: ['tiers', 'appSecret', 'storageCredentials'],
  },
} as const;

/** One part of an environment: one set of variables, or one per tier. */
export type EnvironmentPart<T> = Readonly<Record<string, T>> | readonly Readonly<Record<string, T>>[];

/** Merges the parts of an environment in `order` (see {@link CONTRACT_ORDER}); every part named in the order is required. */
export function mergeParts<P extends string, T = string>(order: readonly P[], parts: Readonly<Record<NoInfer<P>, EnvironmentPart<T>>>): Record<string, T> {
  let merged: Record<string, T> = {};
  for (const name of order) {
    const part = parts[name];
    for (const variables of Array.isArray(part) ? (part as readonly Readonly<Record<string, T>>[]) : [part as Readonly<Record<string, T>>]) {
      merged = { ...merged, ...variables };
    }
  }
  return merged;
}

/**
 * The profile's database URLs (name to template, `{username}`/`{password}` unfilled), each made a
 * value by `fill`; none without a database.
 */
export function databaseUrls<T>(profile: ContractProfile, endpoints: ClusterEndpoints, fill: (template: string) => T): Record<string, T> {
  const templates = profile.database && endpoints.database ? profile.database.urlTemplates(endpoints) : {};
  return Object.fromEntries(Object.entries(templates).map(([name, template]) => [name, fill(template)]));
}

/** A database URL template with its `{username}` and `{password}` filled (the first of each). */
export function fillDatabaseUrl(template: string, username: string, password: string): string {
  return template.replace('{username}', username).replace('{password}', password);
}

/** What the contract reads of a tier: its name and the health path of the default target, if it takes it. */
export interface ContractTier {
  /** Name, e.g. `varnish`. */
  readonly name: string;
  /**
   * Health check path of the load balancer's default target, for the tier that takes it.
   * @default - the tier does not take the default target
   */
  readonly defaultTargetHealthCheckPath?: string;
}

/** The tier that declares the health check path of the load balancer's default target, if any (the first). */
export function defaultTargetTier<T extends ContractTier>(tiers: readonly T[]): T | undefined {
  return tiers.find((t) => t.defaultTargetHealthCheckPath !== undefined);
}

/**
 * The tier that takes the load balancer's default target must be the one whose health path it
 * checks: `taking[i]` says whether tier `i`'s binding took it (through its `field`).
 */
export function defaultTargetRule(tiers: readonly ContractTier[], taking: readonly boolean[], field: string): ValidationRule {
  const declaring = tiers.filter((t) => t.defaultTargetHealthCheckPath !== undefined).map((t) => t.name);
  const takers = tiers.filter((_, i) => taking[i]).map((t) => t.name);
  return {
    failed: takers.length > 1 || takers.join() !== declaring.join(),
    message: () =>
      `profile.tiers: got [${takers.join(', ')}] taking the load balancer's default target (${field}) and [${declaring.join(', ')}] declaring its health check path (defaultTargetHealthCheckPath); allowed: at most one tier, doing both; fix: set defaultTargetHealthCheckPath on the tier that returns ${field}, to a path the tier answers itself`,
  };
}

/** A client of the data stores: the app tier or the admin host. */
export type AppClient = IConnectable & IConstruct;

/**
 * One step of the client loop: network access from the client to a data store on the store's
 * default port (skipped when `store` is undefined; with `label`, the description is
 * `<label> from <client's id>`), or a grant to the client.
 */
export type ClientAccess<C extends AppClient> =
  | { readonly store: IConnectable | undefined; readonly label?: string }
  | { readonly grant: (client: C) => void };

/** Gives each client every step of `access`, client by client, step by step (the order of the rules). */
export function connectClients<C extends AppClient>(clients: readonly C[], access: readonly ClientAccess<C>[]): void {
  for (const client of clients) {
    for (const step of access) {
      if ('grant' in step) step.grant(client);
      else step.store?.connections.allowDefaultPortFrom(client, step.label === undefined ? undefined : `${step.label} from ${client.node.id}`);
    }
  }
}

/** The app's environment contract as outputs. */
export interface AppContractOutputsProps {
  /** The plain environment. */
  readonly environment: Record<string, string>;
  /** Each secret variable and where (or how) its value is read. */
  readonly secretEnvironment: Record<string, string>;
  /** Description of the `app_environment` output. */
  readonly environmentDescription: string;
  /** Description of the `app_secret_environment` output. */
  readonly secretEnvironmentDescription: string;
  /** Whether both outputs are sensitive. */
  readonly sensitive: boolean;
}

/** Adds the outputs `app_environment` and `app_secret_environment` to `scope`. */
export function addAppContractOutputs(scope: IConstruct, props: AppContractOutputsProps): void {
  const sensitive = props.sensitive ? { sensitive: true } : {};
  new TerraformOutput(scope, 'app_environment', { value: props.environment, description: props.environmentDescription, ...sensitive });
  new TerraformOutput(scope, 'app_secret_environment', { value: props.secretEnvironment, description: props.secretEnvironmentDescription, ...sensitive });
}

/** The secret environment as references: each variable's `reference` (its secret's ARN, its variable). */
export function secretReferences<S>(secrets: Readonly<Record<string, S>>, reference: (secret: S) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(secrets).map(([name, s]) => [name, reference(s)]));
}
