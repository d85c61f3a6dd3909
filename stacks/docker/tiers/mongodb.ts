/**
 * The `mongodb` tier on Docker: a MongoDB replica set of containers.
 */
import { DocumentDatabase } from '../../../constructs/docker/document-database';
import { MONGODB_TIER_ID, mongoDbOutputs, mongoDbTierPlan, type MongoDbTierOptions } from '../../tiers/mongodb';
import type { DockerAppClients, DockerTier, DockerTierBinding, DockerTierContext } from '../container-profile';

/**
 * A tier named `mongodb`: {@link DocumentDatabase} with the databases of `urlVariables`. The app gets
 * one URL per variable and the oplog URL, with the application user's credentials, as environment
 * whose password is a reference to its sensitive variable. `connect()` opens port 27017 to the app
 * and admin containers. The stack's outputs name the members; its backups include the replica set.
 */
export function mongoDbDockerTier(options: MongoDbTierOptions = {}): DockerTier {
  const plan = mongoDbTierPlan(options);
  return {
    name: 'mongodb',
    docker(ctx: DockerTierContext): DockerTierBinding {
      const db = new DocumentDatabase(ctx.dataScope, MONGODB_TIER_ID, {
        cluster: ctx.cluster,
        appDatabases: plan.databases,
        appUsername: plan.appUsername,
        resources: ctx.resources.documentDatabase,
        placement: ctx.dataPlacement,
      });
      mongoDbOutputs(ctx.dataScope, db.members.map((m) => `${m.hostname}:${m.port}`).join(','), db.replicaSetName);
      return {
        environment: plan.urls((d) => db.url(d)),
        secrets: {},
        dependsOn: [...db.workloads, db.initTask],
        documentDatabase: db,
        connect(clients: DockerAppClients): void {
          for (const client of [clients.app, clients.admin]) db.connections.allowDefaultPortFrom(client);
        },
      };
    },
  };
}

/** The `mongodb` tier with its defaults: `MONGO_URL` (database `app`) and `MONGO_OPLOG_URL`. */
export const MONGODB_DOCKER_TIER: DockerTier = mongoDbDockerTier();
