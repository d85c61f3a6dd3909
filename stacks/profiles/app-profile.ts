/**
 * AppProfile: typed data describing what an application needs from the cluster, whatever the backend.
 * Each backend extends it with how the app runs there (stacks/aws/vm-profile.ts: `VmAppProfile`;
 * stacks/docker/container-profile.ts: `ContainerAppProfile`) and renders it; the seven constructs stay
 * generic. This file imports neither backend (test/architecture.test.ts).
 */
import type { RedisDataClass } from '../../constructs/core/roles';

/** Values the stack knows only once the data stores exist, handed to the profile's renderer. */
export interface ClusterEndpoints {
  /** Public URL of the site, e.g. `https://shop.example.com`. */
  readonly siteUrl: string;
  /** VPC CIDR (trusted proxies). */
  readonly trustedProxyCidr: string;
  /** Redis URL of each data class the profile asked for. */
  readonly redisUrls: Readonly<Partial<Record<RedisDataClass, string>>>;
  /** `rediss` where Redis speaks TLS (AWS), `redis` on a private network (Docker). */
  readonly redisScheme: 'redis' | 'rediss';
  /** Redis host:port of each data class. */
  readonly redisHosts: Readonly<Partial<Record<RedisDataClass, string>>>;
  /**
   * The relational database, when the profile has one.
   * @default - no relational database
   */
  readonly database?: {
    /** Writer host. */
    readonly writerHost: string;
    /** Reader host. */
    readonly readerHost: string;
    /** Database name. */
    readonly name: string;
  };
  /** Physical bucket name of each bucket id. */
  readonly bucketNames: Readonly<Record<string, string>>;
  /** Region of the buckets. */
  readonly region: string;
  /**
   * S3 endpoint for S3-compatible stores (MinIO).
   * @default - the AWS regional endpoint
   */
  readonly s3Endpoint?: string;
  /** Public base URL of public files (CDN or bucket). */
  readonly publicFilesUrl: string;
}

/** A bucket of the shared storage with the app folders it holds. */
export interface ProfileBucket {
  /** Bucket id, e.g. `public`. */
  readonly id: string;
  /** App folders in the bucket. */
  readonly folders: string[];
  /** Served to browsers. */
  readonly publicRead: boolean;
}

/** What an app needs from its relational database. */
export interface RelationalDatabaseNeeds {
  /** Application database name. */
  readonly name: string;
  /** Server parameters. */
  readonly parameters: Record<string, string>;
  /** Env vars holding connection URLs; `{username}`/`{password}` are filled per backend. */
  urlTemplates(endpoints: ClusterEndpoints): Record<string, string>;
  /**
   * Further databases on the same server (e.g. Ibexa's DFS metadata database), usable by the
   * application user. Docker creates them when the server initialises its data directory; on AWS the
   * profile's setup command creates them (Aurora creates only the first database).
   * @default - none
   */
  readonly additionalDatabases?: string[];
}

/** A POSIX directory shared by every app and admin node (EFS on AWS, a named volume on Docker). */
export interface ProfilePosixShare {
  /** Logical name, lowercase letters, digits and single hyphens, e.g. `dfs`. */
  readonly id: string;
  /** Absolute mount path on the hosts and in the containers. */
  readonly path: string;
}

/** What an application needs, on every backend. */
export interface AppProfile {
  /** Profile name, e.g. `shopware`. */
  readonly name: string;
  /** HTTP path answering 200 when a node is healthy. */
  readonly healthCheckPath: string;
  /** Path patterns routed to the admin host. */
  readonly adminPathPatterns: string[];
  /** Redis data classes, one instance each. */
  readonly redisDataClasses: RedisDataClass[];
  /**
   * The relational database (MySQL-compatible), when the app uses one.
   * @default - none
   */
  readonly database?: RelationalDatabaseNeeds;
  /** Buckets of shared files. */
  readonly buckets: ProfileBucket[];
  /**
   * POSIX shares mounted on every app and admin node (Ibexa's DFS binary files on NFS).
   * @default - none
   */
  readonly posixShares?: ProfilePosixShare[];
  /** Session cookie for load-balancer stickiness; undefined when sessions are shared. */
  readonly stickyCookie?: string;
  /** Plain (non-secret) environment. */
  environment(endpoints: ClusterEndpoints): Record<string, string>;
  /** Env var holding the shared app secret generated once by the admin host. */
  readonly appSecretVariable: string;
}
