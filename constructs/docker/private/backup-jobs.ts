/**
 * The backup job of each kind of Docker data store (MariaDB, Valkey, MinIO, MongoDB): what the job
 * backs up, in which image, with which settings and secrets, placed beside which store.
 */
import type { RedisDataClass } from '../../core/roles';
import type { ContainerResources } from '../container-resources';
import type { DatabaseCluster } from '../database-cluster';
import type { DocumentDatabase } from '../document-database';
import type { RedisCluster } from '../redis-cluster';
import type { WorkloadSecret } from '../runtime';
import type { SharedStorage } from '../shared-storage';
import type { Workload } from '../workload';

/** What one backup job backs up. */
export interface JobSpec {
  /** `db`, `redis`, `minio`, `mongo`: the job is `backup-<name>`. */
  readonly name: string;
  /** Store module of the scripts (`<module>.sh`). */
  readonly module: string;
  /** What it backs up, one backup file series each (`db`, `redis-<class>`, `minio`, `mongodb`). */
  readonly units: readonly string[];
  /** Extension of the backup files, e.g. `sql.gz`. */
  readonly ext: string;
  /** Image of the job: the store's own (its client tools), or the S3 client image for MinIO. */
  readonly image: string;
  /** User the job runs as, when not the image's. */
  readonly user?: string;
  /** Memory and CPUs of the job. */
  readonly resources: ContainerResources;
  /** The store's settings the scripts read. */
  readonly environment: Record<string, string>;
  /** The store's credentials. */
  readonly secrets: Record<string, WorkloadSecret>;
  /** Swarm placement: the store's, so the job runs beside its volumes. */
  readonly placement: readonly string[];
  /** The store's workloads the job starts after. */
  readonly dependsOn: Workload[];
  /** The store the job reads (it joins the store's network). */
  readonly store: { readonly connections: { allowDefaultPortFrom(other: Workload, description?: string): void } };
}

/** The MariaDB job: the application databases, dumped. */
export function databaseJob(db: DatabaseCluster, jobResources: ContainerResources): JobSpec {
  return {
    name: 'db',
    module: 'mariadb',
    units: ['db'],
    ext: 'sql.gz',
    image: db.image,
    resources: jobResources,
    environment: { DB_HOST: db.writerEndpoint.hostname, DB_DATABASES: [db.databaseName, ...db.additionalDatabases].join(' ') },
    secrets: { MARIADB_ROOT_PASSWORD: { secret: db.rootPasswordSecret, fileVariable: 'MARIADB_ROOT_PASSWORD_FILE' } },
    placement: db.placement,
    dependsOn: [db.workload],
    store: db,
  };
}

/** The Valkey job: the durable data classes, one unit per class. */
export function redisJob(redis: RedisCluster, durable: readonly RedisDataClass[], jobResources: ContainerResources): JobSpec {
  return {
    name: 'redis',
    module: 'valkey',
    // The unit is the instance's alias on the backend network: the script connects to it by that name.
    units: durable.map((c) => redis.endpoint(c).hostname),
    ext: 'rdb.gz',
    image: redis.image,
    // A restore loads the snapshot into a temporary server in the job: room for the largest class.
    resources: {
      ...jobResources,
      memoryMb: Math.max(jobResources.memoryMb, ...durable.map((c) => redis.workload(c).resources.memoryMb)),
    },
    environment: {},
    secrets: {},
    placement: redis.placement,
    dependsOn: durable.map((c) => redis.workload(c)),
    store: redis,
  };
}

/** The MinIO job: every object of the buckets, over the S3 API in the S3 client image. */
export function storageJob(storage: SharedStorage, clientImage: string, jobResources: ContainerResources): JobSpec {
  return {
    name: 'minio',
    module: 'minio',
    units: ['minio'],
    ext: 'tar.gz',
    image: clientImage,
    user: '0',
    resources: jobResources,
    environment: { S3_SOURCE_ENDPOINT: storage.s3Url, S3_SOURCE_REGION: storage.region, S3_BUCKETS: storage.buckets.map((b) => b.bucketName).join(' ') },
    secrets: {
      AWS_ACCESS_KEY_ID: { secret: storage.accessKeySecret, fileVariable: 'AWS_ACCESS_KEY_ID_FILE' },
      AWS_SECRET_ACCESS_KEY: { secret: storage.secretKeySecret, fileVariable: 'AWS_SECRET_ACCESS_KEY_FILE' },
    },
    placement: storage.placement,
    dependsOn: [storage.workload, storage.initTask],
    store: storage,
  };
}

/** The MongoDB job: every database but admin, local and config. */
export function documentDatabaseJob(mongo: DocumentDatabase, jobResources: ContainerResources): JobSpec {
  return {
    name: 'mongo',
    module: 'mongodb',
    units: ['mongodb'],
    resources: jobResources,
    ext: 'archive.gz',
    image: mongo.image,
    environment: { MONGO_MEMBERS: mongo.members.map((m) => `${m.hostname}:${m.port}`).join(','), MONGO_REPLICA_SET: mongo.replicaSetName },
    secrets: { MONGO_ROOT_PASSWORD: { secret: mongo.rootPasswordSecret, fileVariable: 'MONGO_ROOT_PASSWORD_FILE' } },
    placement: mongo.placement,
    dependsOn: [...mongo.workloads, mongo.initTask],
    store: mongo,
  };
}
