/**
 * Steedos profile, what it needs on every backend: the seed's cluster deployment (Traefik with a
 * sticky cookie, app replicas, a MongoDB replica set with oplog, Redis without persistence) plus S3
 * file storage and a separate cron process. The backends' halves: stacks/aws/profiles/steedos.ts
 * (`STEEDOS_VM_PROFILE`), stacks/docker/profiles/steedos.ts (`STEEDOS_CONTAINER_PROFILE`).
 */
import type { MongoDbTierOptions } from '../tiers/mongodb';
import type { AppProfile, ClusterEndpoints } from './app-profile';

/**
 * The replica set (the `mongodb` tier of each backend): `MONGO_URL` (database `steedos`),
 * `MONGO_OPLOG_URL` (`local`), and the URLs the all-in-one image otherwise points at its embedded
 * MongoDB on localhost (`STEEDOS_MONGODB_URI`, used by `steedosctl` backups, and
 * `STEEDOS_TABLES_MONGO_URL`, database `tables`).
 */
export const STEEDOS_MONGODB_OPTIONS: MongoDbTierOptions = {
  urlVariables: { MONGO_URL: 'steedos', STEEDOS_MONGODB_URI: 'steedos', STEEDOS_TABLES_MONGO_URL: 'tables' },
  oplogVariable: 'MONGO_OPLOG_URL',
  appUsername: 'steedos',
};

/**
 * Steedos 3.x (also 2.7) as a cluster, after the seed's cluster deployment and Steedos' settings
 * reference:
 *
 * - sticky sessions with the cookie `steedos_session` (Socket.io/SockJS handshakes must reach one
 *   replica); health check `GET /api/health` (the API gateway's own route: 200 `{"status":"ok"}`),
 *   not the image's HEALTHCHECK, which pings a Redis inside the container;
 * - one Redis of the `cache` class without persistence: `TRANSPORTER` on logical database 0 (the
 *   Moleculer bus) and `CACHER` on 1, so the cache must stay cluster-mode disabled;
 * - no relational database; MongoDB comes from the backend's `mongodb` tier with
 *   {@link STEEDOS_MONGODB_OPTIONS} (a replica set, for the oplog);
 * - one private bucket `files` for attachments (`STEEDOS_CFS_STORE=S3`); credentials come from the
 *   AWS SDK's default chain: the instance role on AWS, `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`
 *   (the MinIO user) on Docker;
 * - `ROOT_URL` is the site URL; `STEEDOS_TENANT_TOKEN_SECRET` is the generated app secret, and every
 *   other shared secret is the same in every replica (the field-encryption password and salt, the 3.x
 *   server's `B6_JWT_SECRET`: derived from the token secret on AWS, sensitive variables on Docker);
 * - scheduled jobs in one separate process with `STEEDOS_CRON=true` (the official cluster compose
 *   file's `steedos-cron` service): on AWS the admin host runs it instead of the web server, on
 *   Docker the app group's scheduler container;
 * - `/supervisor` (supervisord's web UI, which the all-in-one image's nginx serves on every
 *   container) goes to the admin host/container and only for `adminCidrs`, so the replicas' UIs are
 *   not reachable through the load balancer.
 */
export const STEEDOS_APP: AppProfile = {
  name: 'steedos',
  healthCheckPath: '/api/health',
  adminPathPatterns: ['/supervisor', '/supervisor/*'],
  redisDataClasses: ['cache'],
  database: undefined,
  buckets: [{ id: 'files', folders: ['files'], publicRead: false }],
  stickyCookie: 'steedos_session',
  appSecretVariable: 'STEEDOS_TENANT_TOKEN_SECRET',
  environment: (e: ClusterEndpoints) => ({
    NODE_ENV: 'production',
    ROOT_URL: e.siteUrl,
    TRANSPORTER: `${e.redisScheme}://${e.redisHosts.cache ?? ''}/0`,
    CACHER: `${e.redisScheme}://${e.redisHosts.cache ?? ''}/1`,
    STEEDOS_CFS_STORE: 'S3',
    STEEDOS_CFS_AWS_S3_BUCKET: e.bucketNames.files,
    STEEDOS_CFS_AWS_S3_REGION: e.region,
    STEEDOS_CFS_AWS_S3_SIGNATURE_VERSION: 'v4',
    STEEDOS_CFS_AWS_S3_FORCE_PATH_STYLE: e.s3Endpoint ? 'true' : 'false',
    ...(e.s3Endpoint ? { STEEDOS_CFS_AWS_S3_ENDPOINT: e.s3Endpoint } : {}),
  }),
};
