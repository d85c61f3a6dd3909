/**
 * Steedos profile: the seed's cluster deployment (Traefik with a sticky cookie, app replicas, a
 * MongoDB replica set with oplog, Redis without persistence) plus S3 file storage and a separate
 * cron process.
 */
import { DockerSecret } from '../../constructs/docker/docker-secret';
import { mongoDbTier } from '../tiers/mongodb';
import type { AwsTierBinding, DockerTierBinding, DockerTierContext, Tier } from '../tiers/tier';
import type { AppProfile, ClusterEndpoints } from './app-profile';

const APP_DIR = '/var/www/app';
const LOG_DIR = '/var/log/webcluster';
/** Port of the Steedos server on a VM (`PORT`, and `B6_PORT` of the 3.x server). */
const VM_PORT = 5000;
/** Port of the all-in-one image's nginx (its `PORT`, default 80; the seed routes Traefik to 80). */
const CONTAINER_PORT = 80;
/** Starts Steedos on a VM: `steedos-start web` (app hosts) or `steedos-start cron` (admin host). */
const START = '/usr/local/sbin/steedos-start';

/**
 * The replica set: `MONGO_URL` (database `steedos`), `MONGO_OPLOG_URL` (`local`), and the URLs the
 * all-in-one image otherwise points at its embedded MongoDB on localhost (`STEEDOS_MONGODB_URI`,
 * used by `steedosctl` backups, and `STEEDOS_TABLES_MONGO_URL`, database `tables`).
 */
export const STEEDOS_MONGODB_TIER: Tier = mongoDbTier({
  urlVariables: { MONGO_URL: 'steedos', STEEDOS_MONGODB_URI: 'steedos', STEEDOS_TABLES_MONGO_URL: 'tables' },
  oplogVariable: 'MONGO_OPLOG_URL',
  appUsername: 'steedos',
});

/**
 * Secrets every replica must share besides `STEEDOS_TENANT_TOKEN_SECRET` (the profile's app
 * secret): the field-encryption password and salt (the image otherwise generates them per container
 * into `/steedos-storage/configuration/docker.env`, so data encrypted by one replica would be
 * unreadable on another) and the 3.x server's `B6_JWT_SECRET`. On Docker they are sensitive
 * variables; on AWS `steedos-start` derives them on every host from the token secret (SHA-256 with a
 * distinct label each), so nothing more has to be generated or stored.
 */
export const STEEDOS_SECRETS_TIER: Tier = {
  name: 'steedos-secrets',
  aws(): AwsTierBinding {
    return { environment: {}, secretEnvironment: {}, connect: () => undefined };
  },
  docker(ctx: DockerTierContext): DockerTierBinding {
    const prefix = ctx.cluster.namePrefix.replace(/-/g, '_');
    const secret = (id: string, variable: string, what: string): DockerSecret =>
      new DockerSecret(ctx.scope, id, { variableName: `${prefix}_${variable}`, description: `${what} shared by every Steedos container of ${ctx.cluster.namePrefix}` });
    return {
      environment: {},
      secrets: {
        STEEDOS_ENCRYPTION_PASSWORD: { secret: secret('SteedosEncryptionPassword', 'steedos_encryption_password', 'Field-encryption password') },
        STEEDOS_ENCRYPTION_SALT: { secret: secret('SteedosEncryptionSalt', 'steedos_encryption_salt', 'Field-encryption salt') },
        B6_JWT_SECRET: { secret: secret('SteedosJwtSecret', 'steedos_b6_jwt_secret', 'JWT signing secret of the Steedos 3 server') },
      },
      dependsOn: [],
      connect: () => undefined,
    };
  },
};

/** `printf` lines writing a file on the host (lines must not contain single quotes). */
function writeFile(path: string, lines: string[], mode: string): string {
  return `printf '%s\\n' ${lines.map((l) => `'${l}'`).join(' ')} > ${path} && chmod ${mode} ${path}`;
}

/**
 * Steedos 3.x (also 2.7) as a cluster, after the seed's cluster deployment and Steedos' settings
 * reference:
 *
 * - sticky sessions with the cookie `steedos_session` (Socket.io/SockJS handshakes must reach one
 *   replica); health check `GET /api/health` (the API gateway's own route: 200 `{"status":"ok"}`),
 *   not the image's HEALTHCHECK, which pings a Redis inside the container;
 * - one Redis of the `cache` class without persistence: `TRANSPORTER` on logical database 0 (the
 *   Moleculer bus) and `CACHER` on 1, so the cache must stay cluster-mode disabled;
 * - no relational database; MongoDB comes from {@link STEEDOS_MONGODB_TIER} (a replica set, for the oplog);
 * - one private bucket `files` for attachments (`STEEDOS_CFS_STORE=S3`); credentials come from the
 *   AWS SDK's default chain: the instance role on AWS, `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`
 *   (the MinIO user) on Docker;
 * - `ROOT_URL` is the site URL; `STEEDOS_TENANT_TOKEN_SECRET` is the generated app secret and, with
 *   {@link STEEDOS_SECRETS_TIER}, every shared secret is the same in every replica;
 * - scheduled jobs in one separate process with `STEEDOS_CRON=true` (the official cluster compose
 *   file's `steedos-cron` service): on AWS the admin host runs it instead of the web server, on
 *   Docker the app group's scheduler container;
 * - `/supervisor` (supervisord's web UI, which the all-in-one image's nginx serves on every
 *   container) goes to the admin host/container and only for `adminCidrs`, so the replicas' UIs are
 *   not reachable through the load balancer.
 */
export const STEEDOS_PROFILE: AppProfile = {
  name: 'steedos',
  healthCheckPath: '/api/health',
  adminPathPatterns: ['/supervisor', '/supervisor/*'],
  redisDataClasses: ['cache'],
  database: undefined,
  buckets: [{ id: 'files', folders: ['files'], publicRead: false }],
  stickyCookie: 'steedos_session',
  logFiles: {
    app: [`${LOG_DIR}/steedos-web.log`],
    admin: [`${LOG_DIR}/steedos-cron.log`],
    mongodb: ['/var/log/mongodb/mongod.log'],
  },
  vm: {
    // Amazon Linux 2023 installs Node.js 20 as node-20 (parallel-installable packages).
    packages: ['nodejs20', 'logrotate'],
    systemServices: ['webcluster-app'],
    port: VM_PORT,
    // Steedos has no queue workers.
    workerCommand: '',
    schedulerCommand: `${START} cron`,
    // None: Steedos migrates its database itself when it starts.
    setupCommand: '',
    bootCommands: () => [
      'ln -sf "$(command -v node-20 || command -v node)" /usr/local/bin/webcluster-node',
      `install -d -o webapp -g webapp ${LOG_DIR} /var/lib/steedos`,
      writeFile(
        START,
        [
          '#!/bin/bash',
          '# Starts Steedos: web (app hosts) or cron (the scheduled jobs, admin host only), with the shared',
          '# secrets derived from STEEDOS_TENANT_TOKEN_SECRET so that every host computes the same values.',
          'set -euo pipefail',
          'derive() { printf "%s" "$1:$STEEDOS_TENANT_TOKEN_SECRET" | sha256sum | cut -c1-48; }',
          'export B6_JWT_SECRET="$(derive b6-jwt-secret)"',
          'export STEEDOS_ENCRYPTION_PASSWORD="$(derive steedos-encryption-password)"',
          'export STEEDOS_ENCRYPTION_SALT="$(derive steedos-encryption-salt)"',
          'if [ "$1" = cron ]; then export STEEDOS_CRON=true; fi',
          `exec /usr/local/bin/webcluster-node ${APP_DIR}/node_modules/.bin/steedos start >> "${LOG_DIR}/steedos-$1.log" 2>&1`,
        ],
        '0755',
      ),
      // The web server runs on every host except the admin host, which runs the cron process (also
      // serving HTTP, for the /supervisor target's health check) in webcluster-scheduler.
      writeFile(
        '/etc/systemd/system/webcluster-app.service',
        [
          '[Unit]',
          'Description=Steedos web server',
          'After=network-online.target',
          'Wants=network-online.target',
          'ConditionPathExists=!/etc/systemd/system/webcluster-scheduler.service',
          '',
          '[Service]',
          'Type=simple',
          'User=webapp',
          `WorkingDirectory=${APP_DIR}`,
          `ExecStart=${START} web`,
          'Restart=always',
          'RestartSec=5',
          '',
          '[Install]',
          'WantedBy=multi-user.target',
        ],
        '0644',
      ),
      writeFile('/etc/logrotate.d/webcluster', [`${LOG_DIR}/*.log {`, 'daily', 'rotate 14', 'compress', 'missingok', 'notifempty', 'copytruncate', '}'], '0644'),
    ],
    environment: () => ({ PORT: String(VM_PORT), B6_PORT: String(VM_PORT), STEEDOS_STORAGE_DIR: '/var/lib/steedos' }),
  },
  container: {
    // The seed's image (Enterprise Edition; without STEEDOS_LICENSE it runs as Community Edition).
    defaultImage: 'steedos/steedos-enterprise:3.0',
    port: CONTAINER_PORT,
    workerCommand: [],
    // The image's entrypoint prepares the container and then runs this instead of its CMD
    // (supervisord), with STEEDOS_CRON=true for the Steedos process it starts.
    schedulerCommand: ['/bin/bash', '-c', 'export STEEDOS_CRON=true; exec /usr/bin/supervisord -n'],
    // After the exec, supervisord (which restarts the Steedos process it runs) is what the health check finds.
    schedulerProcess: '/usr/bin/supervisord -n',
    // Fails (and keeps the app from starting) unless MONGO_URL reaches a replica set with the app user.
    initCommand: ['steedosctl', 'check-replica-set'],
    environment: () => ({}),
  },
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
  tiers: [STEEDOS_MONGODB_TIER, STEEDOS_SECRETS_TIER],
};
