/**
 * The test configurations the real-engine tests apply: Shopware 6 on one engine and on a swarm,
 * on the locally built stand-in images (test/engine/images/README.md), published on 127.0.0.1.
 */

import { execFileSync } from 'child_process';

/** Stand-ins for every image the Shopware stacks run, through the stacks' `images:` overrides. */
/** The next release of the stand-in app image, which the release tests build (harness: buildNextRelease). */
export const NEXT_APP_IMAGE = 'webcluster-probe/app:2';

export const STANDIN_IMAGES = {
  app: 'webcluster-probe/app:1',
  traefik: 'webcluster-standin/traefik:v3.3.5',
  valkey: 'webcluster-standin/valkey:7.0',
  mariadb: 'webcluster-standin/mariadb:10.11',
  minio: 'webcluster-standin/s3:moto-5.1.22',
  s3Client: 'webcluster-standin/curl:7.88',
  fluentBit: 'webcluster-standin/log-receiver:1',
  busybox: 'webcluster-standin/busybox:1.35',
} as const;

/**
 * Open-files limit the data stores ask for: the production default, 65536, unless the engine's hard
 * limit (inherited from this process: scripts/engine/dockerd.sh raises it where it can) is lower, as
 * on machines that cannot raise it (runc then refuses to start the containers).
 */
export const SERVER_OPEN_FILES = Math.min(65536, Number(execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim()) || 65536);

/** Host name of the site (the router rules match it; requests carry it as their Host header). */
export const SITE_HOST = 'shop.localhost';
/** Who may open /admin: a documentation range, so the test client (127.0.0.1) is refused. */
const ADMIN_CIDRS = ['203.0.113.0/24'];

/**
 * A Shopware environment on the stand-ins; `allowDestroy`, so `terraform destroy` removes the data volumes too.
 * Backups are off (they would write to /var/backups on the machine); backup.engine.test.ts tests them.
 */
function shopwareTestEnvironment(
  name: string,
  docker: Record<string, unknown>,
  appReplicas: number,
  backup: Record<string, unknown> = { enabled: false },
  appImage: string = STANDIN_IMAGES.app,
): Record<string, unknown> {
  return {
    name,
    app: 'shopware',
    backend: 'docker',
    domain: SITE_HOST,
    docker: { serverOpenFiles: SERVER_OPEN_FILES, ...docker },
    adminCidrs: ADMIN_CIDRS,
    replicas: { app: appReplicas },
    workers: 2,
    images: { ...STANDIN_IMAGES, app: appImage },
    allowDestroy: true,
    backup,
  };
}

/** shopware-docker as a test environment: containers on one engine, port 18080 on 127.0.0.1. */
export function standaloneEnvironment(dockerHost: string, appReplicas = 2, appImage: string = STANDIN_IMAGES.app): Record<string, unknown> {
  return shopwareTestEnvironment('engine-shopware-docker', { host: dockerHost, mode: 'standalone', listenAddress: '127.0.0.1', httpPort: STANDALONE_PORT }, appReplicas, undefined, appImage);
}
export const STANDALONE_PORT = 18080;

/** Node label keys of the test swarm: its one node is both the data node and the edge node. */
export const SWARM_NODE_LABELS = { data: 'webcluster.data', edge: 'webcluster.edge' } as const;

/**
 * shopware-swarm as a test environment: services on a one-node swarm. Endpoint mode dnsrr: the
 * kernels of our machines have no IPVS, so a service's virtual IP does not route there (real swarm
 * nodes have it; the default stays vip). Swarm publishes host-mode ports on every address, so the
 * tests' engine runs in a network namespace of its own (scripts/engine/run.sh).
 *
 * The swarm layout is the one of a production swarm, with the node labels, and says `nodes: 1`
 * because that is the swarm the tests have: stateful services are pinned by the data label and
 * Traefik runs globally on the nodes with the edge label (the test labels its node before the apply).
 */
export function swarmEnvironment(dockerHost: string, appImage: string = STANDIN_IMAGES.app): Record<string, unknown> {
  return shopwareTestEnvironment(
    'engine-shopware-swarm',
    {
      host: dockerHost,
      mode: 'swarm',
      endpointMode: 'dnsrr',
      httpPort: SWARM_PORT,
      swarm: { nodes: 1, dataNodeLabel: SWARM_NODE_LABELS.data, edgeNodeLabel: SWARM_NODE_LABELS.edge, loadBalancer: 'global' },
    },
    3,
    undefined,
    appImage,
  );
}
export const SWARM_PORT = 18081;

/**
 * A Shopware environment with backups on one engine, port 18082 on 127.0.0.1: one app container, the
 * backups in `backupDir` on the host, the newest two kept.
 */
export function backupEnvironment(dockerHost: string, backupDir: string): Record<string, unknown> {
  return shopwareTestEnvironment('engine-backup', { host: dockerHost, mode: 'standalone', listenAddress: '127.0.0.1', httpPort: BACKUP_PORT }, 1, {
    target: { hostPath: backupDir },
    intervalHours: 24,
    keep: 2,
  });
}
export const BACKUP_PORT = 18082;
