/**
 * The fields of a Docker environment (one engine or a swarm): the engine, replicas, images,
 * backups and per-role resources.
 */
import { z } from 'zod';
import { imageRefProblem } from '../../constructs/core/image-ref';
import { dataNodeLabelHint, edgeNodeLabelHint, NODE_LABEL_KEY_ALLOWED, nodeLabelKeyProblem } from '../../constructs/docker/swarm-placement';
import { backupSchema, resolveBackup } from '../backup-schema';
import { documented, withHint } from '../errors';
import { commonEnvironmentShape, resolveStateBackend } from './common';
import { int, pattern, problem, whenValid } from './fields';

/** Docker daemon addresses: the local socket, TCP (with TLS configured outside) or SSH. */
export const DOCKER_HOST_RE = /^(unix:\/\/\/\S+|tcp:\/\/\S+|ssh:\/\/\S+)$/;
const IPV4_RE = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

function pinnedImage(role: string): z.ZodType<string> {
  return withHint(z.string(), { allowed: 'an image reference pinned by tag or digest', fix: `use e.g. 'registry/image:1.2.3' for ${role}` }).superRefine(
    (ref, ctx) => {
      const why = imageRefProblem(ref);
      if (why !== undefined) {
        problem(ctx, ref, {
          allowed: `an image reference pinned by tag or digest (${why})`,
          fix: `add a version tag, e.g. '${ref.split('@')[0].replace(/:[^/]*$/, '')}:<version>', for ${role}`,
        });
      }
    },
  );
}

/** A node label key (`docker node update --label-add <key>=true <node>`). */
function nodeLabelKey(example: string): z.ZodType<string> {
  return withHint(z.string(), { allowed: NODE_LABEL_KEY_ALLOWED, fix: `use e.g. ${example}` }).superRefine((key, ctx) => {
    const why = nodeLabelKeyProblem(key);
    if (why !== undefined) problem(ctx, key, { allowed: NODE_LABEL_KEY_ALLOWED, fix: `${why}; use e.g. ${example}` });
  });
}

/** `docker.swarm`: the nodes of the swarm and the labels pinning stateful services and the load balancer. */
const dockerSwarmSchema = z
  .strictObject({
    nodes: int(1, 100, 'an integer from 1 to 100 (the nodes of the swarm)', "set nodes to the number of nodes 'docker node ls' lists (default 1)").default(1),
    dataNodeLabel: nodeLabelKey('webcluster.data').optional(),
    edgeNodeLabel: nodeLabelKey('webcluster.edge').optional(),
    loadBalancer: withHint(z.enum(['global', 'pinned']), {
      fix: "use 'global' (a Traefik on every labelled edge node) or 'pinned' (one Traefik on the labelled edge node)",
    }).default('global'),
  })
  .superRefine((swarm, ctx) => {
    if (swarm.nodes <= 1) return;
    if (swarm.dataNodeLabel === undefined) problem(ctx, undefined, dataNodeLabelHint(swarm.nodes), ['dataNodeLabel']);
    if (swarm.edgeNodeLabel === undefined) problem(ctx, undefined, edgeNodeLabelHint(swarm.nodes), ['edgeNodeLabel']);
  }, whenValid('nodes'));

const dockerEngineSchema = z.strictObject({
  host: documented(
    pattern(DOCKER_HOST_RE, 'unix:///path, tcp://host:port or ssh://user@host', "use 'unix:///var/run/docker.sock' (local) or 'ssh://deploy@host'").default(
      'unix:///var/run/docker.sock',
    ),
    'The Docker daemon address: the local socket, or ssh://user@host for a remote engine.',
  ),
  mode: documented(
    withHint(z.enum(['standalone', 'swarm']), { fix: "use 'standalone' (containers on one engine) or 'swarm' (services on a swarm)" }).default('standalone'),
    'standalone: containers on one engine; swarm: services on a swarm.',
  ),
  listenAddress: documented(
    pattern(IPV4_RE, 'an IPv4 address of the host', "use '0.0.0.0' (all addresses) or '127.0.0.1' (this host only)").default('0.0.0.0'),
    'The address the load balancer publishes its port on.',
  ),
  httpPort: documented(
    int(1, 65535, 'a TCP port from 1 to 65535', 'set httpPort to the port the load balancer publishes (default 80)').default(80),
    'The port the load balancer publishes.',
  ),
  acmeEmail: documented(
    withHint(z.email(), { allowed: 'an e-mail address', fix: "set the contact for Let's Encrypt, or remove acmeEmail to serve plain HTTP" }).optional(),
    "Enables HTTPS on 443 with Let's Encrypt, with this contact.",
  ),
  debugPorts: documented(
    withHint(z.boolean(), { fix: 'use true (publish data-store ports on 127.0.0.1) or false, without quotes' }).default(false),
    'Publish the data stores\' ports on 127.0.0.1 (standalone only).',
  ),
  endpointMode: documented(
    withHint(z.enum(['vip', 'dnsrr']), {
      fix: "use 'vip' (a virtual IP per service, needs IPVS in the nodes' kernels) or 'dnsrr' (DNS round robin over the tasks)",
    }).default('vip'),
    "Swarm only. vip: a virtual IP per service (IPVS in the nodes' kernels); dnsrr: DNS round robin over the tasks.",
  ),
  hostMemoryMb: documented(
    int(2048, 4194304, 'an integer number of MiB from 2048 to 4194304', 'give the memory of the Docker host (of each swarm node) in MiB, e.g. 8192 for 8 GiB').default(8192),
    'Memory of the host (Swarm: of each node) in MiB; synthesis fails when the reservations do not fit it less 1024 MiB.',
  ),
  serverOpenFiles: documented(
    int(
      1024,
      1048576,
      "an integer from 1024 to 1048576, at most the Docker engine's own hard limit",
      "use 65536 (Docker's systemd unit gives the engine 1048576), or what 'ulimit -Hn' of the engine allows",
    ).default(65536),
    'Open-files limit (nofile) of MariaDB and Valkey.',
  ),
  swapLimit: documented(
    withHint(z.boolean(), {
      fix: "use true (containers get no swap beyond their memory limit) or false where 'docker info' warns 'No swap limit support', without quotes",
    }).default(true),
    "Containers get no swap beyond their memory limit; false where 'docker info' warns 'No swap limit support'.",
  ),
  swarm: documented(dockerSwarmSchema.optional(), 'Swarm only: the nodes of the swarm and the node labels that pin the stateful services and Traefik.'),
});

/** One role's memory and CPUs; what is left out keeps the role's default (DEFAULT_RESOURCES). */
function roleResources(role: string): z.ZodType<{ memoryMb?: number; reservationMb?: number; cpus?: number }> {
  return z
    .strictObject({
      memoryMb: int(16, 1048576, 'an integer number of MiB from 16 to 1048576', `set the memory limit of one ${role} container in MiB, e.g. 512`).optional(),
      reservationMb: int(0, 1048576, 'an integer number of MiB from 0 to memoryMb', `set the memory set aside for one ${role} container in MiB, or leave it out`).optional(),
      cpus: withHint(z.number().min(0.01).max(64), { allowed: 'a number of CPUs from 0.01 to 64', fix: `use e.g. 0.5 or 2 for ${role}` }).optional(),
    })
    .superRefine((r, ctx) => {
      if (r.reservationMb !== undefined && r.memoryMb !== undefined && r.reservationMb > r.memoryMb) {
        problem(ctx, r.reservationMb, { allowed: `at most memoryMb (${r.memoryMb})`, fix: 'reserve at most the limit, or leave reservationMb out' }, ['reservationMb']);
      }
    });
}

/** Per-role resources of a Docker environment (a role the app does not run is not created, so its entry has no effect). */
const dockerResourcesSchema = z.strictObject({
  loadBalancer: roleResources('load balancer (Traefik)').optional(),
  app: roleResources('app').optional(),
  worker: roleResources('queue worker').optional(),
  scheduler: roleResources('scheduler').optional(),
  admin: roleResources('admin').optional(),
  database: roleResources('MariaDB').optional(),
  redis: z
    .strictObject({
      cache: roleResources('Redis cache').optional(),
      sessions: roleResources('Redis sessions').optional(),
      critical: roleResources('Redis critical').optional(),
      queue: roleResources('Redis queue').optional(),
    })
    .optional(),
  storage: roleResources('MinIO').optional(),
  logs: roleResources('Fluent Bit').optional(),
  httpCache: roleResources('Varnish').optional(),
  search: roleResources('Solr').optional(),
  documentDatabase: roleResources('MongoDB member').optional(),
  backup: roleResources('backup job').optional(),
});

const dockerImagesSchema = z.strictObject({
  app: pinnedImage('the app (your project image built FROM the vendor base image)').optional(),
  traefik: pinnedImage('Traefik').optional(),
  valkey: pinnedImage('Valkey/Redis').optional(),
  mariadb: pinnedImage('MariaDB/MySQL').optional(),
  minio: pinnedImage('MinIO').optional(),
  s3Client: pinnedImage('the bucket set-up task (an image with /bin/sh and curl >= 7.75)').optional(),
  // Renamed: the bucket set-up speaks plain S3 with curl now, so a MinIO client image no longer fits.
  minioClient: withHint(z.never(), {
    allowed: 'no such key any more (the bucket set-up uses curl, not the MinIO client)',
    fix: "rename it to images.s3Client and give an image with /bin/sh and curl >= 7.75, e.g. 'curlimages/curl:8.11.1'",
  }).optional(),
  fluentBit: pinnedImage('Fluent Bit').optional(),
  busybox: pinnedImage("BusyBox for Fluent Bit's health check (an image with a statically linked /bin/busybox)").optional(),
});

const dockerEnvironmentFields = z
  .strictObject({
    name: commonEnvironmentShape.name,
    app: commonEnvironmentShape.app,
    backend: documented(z.literal('docker'), 'Where it runs: aws (VMs) or docker (one engine or a swarm).'),
    domain: commonEnvironmentShape.domain,
    ingressCidrs: commonEnvironmentShape.ingressCidrs,
    adminCidrs: commonEnvironmentShape.adminCidrs,
    docker: documented(dockerEngineSchema.prefault({}), 'The Docker engine or swarm.'),
    replicas: z
      .strictObject({
        app: documented(int(1, 50, 'an integer from 1 to 50', 'set replicas.app to the number of app containers (default 2)').default(2), 'App containers.'),
      })
      .prefault({}),
    workers: commonEnvironmentShape.workers,
    database: z
      .strictObject({
        replica: documented(withHint(z.boolean(), { fix: 'use true (add a read replica) or false, without quotes' }).default(false), 'Add a MariaDB read replica.'),
      })
      .prefault({}),
    images: documented(dockerImagesSchema.prefault({}), 'Image overrides, each pinned by tag or digest; set app to your project image.'),
    backup: backupSchema,
    resources: documented(
      dockerResourcesSchema.prefault({}),
      'Memory limit, reservation (MiB) and CPUs of one container of each role; what is left out keeps the default.',
    ),
    allowDestroy: commonEnvironmentShape.allowDestroy,
    stateBackend: commonEnvironmentShape.stateBackend,
    split: commonEnvironmentShape.split,
    tags: commonEnvironmentShape.tags,
    policy: commonEnvironmentShape.policy,
  })
  .superRefine((env, ctx) => {
    if (env.docker.mode !== 'swarm' && env.docker.endpointMode !== 'vip') {
      problem(
        ctx,
        env.docker.endpointMode,
        { allowed: "'vip' on a standalone engine (the endpoint mode is a Swarm service setting)", fix: 'remove endpointMode, or use mode: swarm' },
        ['docker', 'endpointMode'],
      );
    }
    if (env.docker.mode !== 'swarm' && env.docker.swarm !== undefined) {
      problem(
        ctx,
        env.docker.swarm,
        { allowed: "no swarm block on a standalone engine (nodes and node labels are Swarm settings)", fix: 'remove swarm, or use mode: swarm' },
        ['docker', 'swarm'],
      );
    }
    if (env.docker.mode === 'swarm' && env.docker.debugPorts) {
      problem(
        ctx,
        true,
        {
          allowed: 'false on swarm (Swarm publishes ports on every address of every node, never on 127.0.0.1 only)',
          fix: "set debugPorts: false, or use mode: standalone to reach data stores on 127.0.0.1",
        },
        ['docker', 'debugPorts'],
      );
    }
  }, whenValid('docker'));

/** One environment on Docker (one engine or a swarm). */
export const dockerEnvironmentSchema = dockerEnvironmentFields.transform((env) => ({
  ...env,
  stateBackend: resolveStateBackend(env.stateBackend, env.name),
  backup: resolveBackup(env.backup, env.name, env.docker.mode),
}));
