/**
 * Backend-neutral contracts of the seven roles. AWS and Docker implement them in their own classes;
 * stacks and app profiles only depend on these interfaces.
 */
import type { IConnectable } from './connections';

/** A host and port clients connect to. */
export interface Endpoint {
  /** DNS name or address. */
  readonly hostname: string;
  /** TCP port. */
  readonly port: number;
}

/**
 * What a Redis instance holds. The eviction policy is per instance, so each class gets its own
 * instance (Shopware's Redis guide): a cache may drop keys, sessions and carts must not be dropped
 * early, a queue must never evict.
 */
export type RedisDataClass = 'cache' | 'sessions' | 'critical' | 'queue';

/** Per-class behaviour shared by every backend. */
export interface RedisDataClassTraits {
  /** Redis `maxmemory-policy`. */
  readonly maxmemoryPolicy: 'volatile-lru' | 'allkeys-lru' | 'noeviction';
  /** Whether the data must survive a restart (snapshots/AOF, deletion protection). */
  readonly durable: boolean;
}

/** Eviction and durability of each data class. */
export const REDIS_DATA_CLASSES: Readonly<Record<RedisDataClass, RedisDataClassTraits>> = {
  cache: { maxmemoryPolicy: 'volatile-lru', durable: false },
  sessions: { maxmemoryPolicy: 'allkeys-lru', durable: true },
  critical: { maxmemoryPolicy: 'volatile-lru', durable: true },
  queue: { maxmemoryPolicy: 'noeviction', durable: true },
};

/** The entry point of the cluster. */
export interface ILoadBalancer extends IConnectable {
  /** DNS name clients (or a CNAME) resolve to. @attribute */
  readonly dnsName: string;
}

/** The app tier: web servers plus queue workers. */
export interface IAppServerGroup extends IConnectable {
  /** Name of the group, for logs and outputs. @attribute */
  readonly groupName: string;
}

/** The admin host: /admin traffic, deployments, one-shot tasks and the single scheduler. */
export interface IAdminServer extends IConnectable {
  /** Backend identifier of the admin host (instance id, container id). @attribute */
  readonly serverId: string;
}

/** One Redis per data class. */
export interface IRedisCluster extends IConnectable {
  /** The data classes this cluster serves, in creation order. */
  readonly dataClasses: readonly RedisDataClass[];
  /** Primary endpoint of one data class; throws for a class the cluster does not serve. */
  endpoint(dataClass: RedisDataClass): Endpoint;
  /** Connection URL of one data class (`rediss://` where TLS is on). */
  url(dataClass: RedisDataClass, database?: number): string;
}

/** A MySQL-compatible database with a writer and readers. */
export interface IDatabaseCluster extends IConnectable {
  /** Read/write endpoint. @attribute */
  readonly writerEndpoint: Endpoint;
  /** Load-balanced read-only endpoint. @attribute */
  readonly readerEndpoint: Endpoint;
  /** Name of the application database. */
  readonly databaseName: string;
}

/** One bucket of shared files. */
export interface IBucket {
  /** Logical name within the storage, e.g. `public` or `private`. */
  readonly id: string;
  /** Physical bucket name. @attribute */
  readonly bucketName: string;
  /** App folders stored in this bucket, e.g. `public/media`. */
  readonly folders: readonly string[];
  /** Whether objects are served to browsers (through a CDN where available). */
  readonly publicRead: boolean;
}

/** Files shared by every node: object buckets and, where needed, POSIX shares. */
export interface ISharedStorage extends IConnectable {
  /** The buckets, in declaration order. */
  readonly buckets: readonly IBucket[];
  /** One bucket by logical id; throws for an unknown id. */
  bucket(id: string): IBucket;
}

/** Where logs of each role end up. */
export interface ILogShipping {
  /** Name of the sink, e.g. `cloudwatch`. */
  readonly sinkName: string;
  /** Destination (log group, index, ...) of one role's logs; throws for an unknown role. */
  destinationFor(role: string): string;
}

/** A MongoDB replica set (document database with an oplog, as Meteor apps such as Steedos need). */
export interface IDocumentDatabase extends IConnectable {
  /** Name of the replica set. */
  readonly replicaSetName: string;
  /** Members, in order (the first is the preferred primary). */
  readonly members: readonly Endpoint[];
  /**
   * `mongodb://` URL of a database on the replica set; credentials are filled per backend.
   * @param database database name
   */
  url(database: string): string;
}

/** A shared HTTP cache (Varnish) between the load balancer and the app. */
export interface IHttpCache extends IConnectable {
  /** Hosts the app sends purge requests to (every cache node). */
  readonly purgeHosts: readonly string[];
  /** Port the cache listens on. */
  readonly port: number;
}

/** A search service (Solr). */
export interface ISearchService extends IConnectable {
  /** Base URL of the service, e.g. `http://solr:8983/solr`. */
  readonly url: string;
}
