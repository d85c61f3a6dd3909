/**
 * The `mongodb` tier, what every backend shares: a MongoDB replica set (document database with an
 * oplog) for Meteor apps such as Steedos. The backends' halves: stacks/aws/tiers/mongodb.ts
 * (self-managed on EC2; DocumentDB has no oplog) and stacks/docker/tiers/mongodb.ts.
 */
import type { Construct } from 'constructs';
import { TerraformOutput } from '../../constructs/core/cdktf';

/** What the app needs from the replica set. */
export interface MongoDbTierOptions {
  /**
   * Environment variables that get a `mongodb://` URL of the replica set, each naming its database.
   * @default { MONGO_URL: 'app' }
   */
  readonly urlVariables?: Readonly<Record<string, string>>;
  /**
   * Environment variable that gets the oplog URL (the `local` database of the same replica set).
   * @default 'MONGO_OPLOG_URL'
   */
  readonly oplogVariable?: string;
  /**
   * Name of the application user.
   * @default 'app'
   */
  readonly appUsername?: string;
}

/** Construct id of the replica set in the stack (part of the Terraform addresses). */
export const MONGODB_TIER_ID = 'DocumentDatabase';

/** The options with their defaults applied, as both backends use them. */
export interface MongoDbTierPlan {
  /** The databases the application user gets, each once. */
  readonly databases: string[];
  /** Application user name, as given. */
  readonly appUsername?: string;
  /** Every URL variable and the oplog variable, given a replica set's URL of a database. */
  urls(url: (database: string) => string): Record<string, string>;
}

/** Applies the defaults of {@link MongoDbTierOptions}. */
export function mongoDbTierPlan(options: MongoDbTierOptions = {}): MongoDbTierPlan {
  const urlVariables = options.urlVariables ?? { MONGO_URL: 'app' };
  const oplogVariable = options.oplogVariable ?? 'MONGO_OPLOG_URL';
  return {
    databases: [...new Set(Object.values(urlVariables))],
    appUsername: options.appUsername,
    urls: (url) => ({
      ...Object.fromEntries(Object.entries(urlVariables).map(([name, database]) => [name, url(database)])),
      [oplogVariable]: url('local'),
    }),
  };
}

/** The stack's outputs that name the replica set's members. */
export function mongoDbOutputs(scope: Construct, members: string, replicaSet: string): void {
  new TerraformOutput(scope, 'mongodb_members', { value: members, description: 'MongoDB replica set members (host:port)' });
  new TerraformOutput(scope, 'mongodb_replica_set', { value: replicaSet, description: 'Name of the MongoDB replica set' });
}
