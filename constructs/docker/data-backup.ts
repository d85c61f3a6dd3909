/**
 * DataBackup (Docker): scheduled, checked backups of the Docker data stores (MariaDB, the durable
 * Valkey classes, the MinIO buckets, MongoDB) to a directory of the host or an S3 bucket, with the
 * scripts that restore them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { pascalCase } from '../core/names';
import { REDIS_DATA_CLASSES } from '../core/roles';
import { terraformLiteral } from '../core/terraform-literal';
import { validate, ValidationError } from '../core/validation-error';
import type { DatabaseCluster } from './database-cluster';
import type { DockerCluster } from './docker-cluster';
import type { IDockerNetwork } from './docker-connections';
import { DockerSecret } from './docker-secret';
import type { DocumentDatabase } from './document-database';
import { ContainerResources, DEFAULT_RESOURCES } from './container-resources';
import { databaseJob, documentDatabaseJob, JobSpec, redisJob, storageJob } from './private/backup-jobs';
import { dataBackupRules } from './private/backup-rules';
import { variablePrefix } from './private/data-store';
import type { RedisCluster } from './redis-cluster';
import type { WorkloadFile, WorkloadHealthcheck, WorkloadVolume } from './runtime';
import { DEFAULT_S3_CLIENT_IMAGE, SharedStorage } from './shared-storage';
import { Workload } from './workload';

/** A directory of the host the backups are written to (bind-mounted into every backup job). */
export interface HostPathBackupTarget {
  /**
   * Absolute path on the host, e.g. `/var/backups/webcluster/shop`. A standalone engine creates a
   * missing directory; on Swarm it must exist on every node a store is pinned to (`install -d -m 0700`).
   */
  readonly hostPath: string;
}

/** An S3 bucket (AWS or any S3 server) the backups are uploaded to. */
export interface S3BackupTargetOptions {
  /** Endpoint URL, e.g. `https://s3.eu-central-1.amazonaws.com` (requests are path-style: `<endpoint>/<bucket>/<key>`). */
  readonly endpoint: string;
  /** Bucket name; it must exist. */
  readonly bucket: string;
  /** Region the requests are signed for, e.g. `eu-central-1`. */
  readonly region: string;
  /**
   * Key prefix, e.g. `webcluster/` (a missing trailing `/` is added); the keys are
   * `<prefix><cluster name prefix>/<file>`, so environments sharing a bucket never prune or fetch
   * each other's backups.
   * @default '' (the cluster's folder at the bucket's root)
   */
  readonly prefix?: string;
}

/** An S3 target: credentials are sensitive Terraform variables made by {@link DataBackup}. */
export interface S3BackupTarget {
  /** The bucket. */
  readonly s3: S3BackupTargetOptions;
}

/**
 * Named volumes on the node each store runs on, `<prefix>-<volume>-<job>` (kept on destroy unless
 * the cluster allows it): nothing to prepare on the host, also on Swarm, where a job runs on the
 * data node and a bind-mounted directory would have to exist there first.
 */
export interface VolumeBackupTarget {
  /** Name part of the volumes, e.g. `backups`. */
  readonly volume: string;
}

/** Where backups go. */
export type BackupTarget = HostPathBackupTarget | S3BackupTarget | VolumeBackupTarget;

/**
 * Where a stack's backups go unless told otherwise: a host directory on one engine (the engine
 * creates it); named volumes on a swarm, where a bind-mounted directory would have to exist on the
 * data node before the first apply.
 */
export function defaultBackupTarget(namePrefix: string, mode: 'standalone' | 'swarm'): HostPathBackupTarget | VolumeBackupTarget {
  return mode === 'swarm' ? { volume: 'backups' } : { hostPath: `/var/backups/webcluster/${namePrefix}` };
}

/** Properties of a {@link DataBackup}. */
export interface DataBackupProps {
  /** The cluster (runtime, backend network, naming, volumes). */
  readonly cluster: DockerCluster;
  /** Where backups go: `{ hostPath: '/var/backups/...' }` or `{ s3: { endpoint, bucket, region, prefix } }`. */
  readonly target: BackupTarget;
  /**
   * The relational database: its application databases (`databaseName` and `additionalDatabases`).
   * @default - not backed up
   */
  readonly database?: DatabaseCluster;
  /**
   * The Redis cluster: its durable data classes only (sessions, critical, queue; the cache is not kept).
   * @default - not backed up
   */
  readonly redis?: RedisCluster;
  /**
   * The shared storage: every object of its buckets.
   * @default - not backed up
   */
  readonly storage?: SharedStorage;
  /**
   * The document database (MongoDB): every database but admin, local and config.
   * @default - not backed up
   */
  readonly documentDatabase?: DocumentDatabase;
  /**
   * Hours between two backups, 1 to 168. Without `at`, counted from the last successful backup (a
   * job that starts later than that backs up at once).
   * @default 24
   */
  readonly intervalHours?: number;
  /**
   * UTC time `HH:MM` the schedule is anchored at: backups run at `at` and every `intervalHours`
   * after it (so `intervalHours` must divide 24), plus at once when the job starts and the last
   * scheduled one was missed.
   * @default - no anchor, every `intervalHours` after the last backup
   */
  readonly at?: string;
  /**
   * Backups kept per store (per Redis class), 1 to 365; older ones are deleted after each backup
   * (host path) or upload (S3).
   * @default 7
   */
  readonly keep?: number;
  /**
   * Image of the MinIO backup job and the S3 uploaders: `/bin/sh`, curl >= 7.87 (`--aws-sigv4` with a given `x-amz-content-sha256`), tar
   * and gzip; it runs as root (uid 0) to write the backup files.
   * @default - the storage's `clientImage`, else `curlimages/curl:8.11.1`
   */
  readonly s3ClientImage?: string;
  /**
   * Memory limit, memory reservation and CPUs of each job and uploader (the Redis job's limit is
   * raised to the largest durable class's: a restore loads the snapshot into a temporary server).
   * The jobs idle between backups, so they reserve little.
   * @default { memoryMb: 256, reservationMb: 64, cpus: 0.25 }
   */
  readonly resources?: ContainerResources;
}

/** Where the target (host directory or spool volume) is mounted in the jobs. */
const BACKUP_DIR = '/backups';
/** Where the scripts go. */
const BIN_DIR = '/usr/local/bin';
const LIB_DIR = '/usr/local/lib/webcluster-backup';
/** Folder of the scripts in the package (next to this file, also in dist/ and lib/). */
export const BACKUP_SCRIPTS_DIR = path.join(__dirname, 'scripts', 'backup');
/** The scripts, by file name: read once from {@link BACKUP_SCRIPTS_DIR}. */
const scripts = new Map<string, string>();

/** One script's text as it is shipped (read at synth time). */
export function backupScript(name: string): string {
  let text = scripts.get(name);
  if (text === undefined) {
    text = fs.readFileSync(path.join(BACKUP_SCRIPTS_DIR, name), 'utf8');
    scripts.set(name, text);
  }
  return text;
}

/** The job's health check: unhealthy when a unit's last successful backup is older than two intervals. */
const JOB_HEALTHCHECK: WorkloadHealthcheck = { test: ['CMD', 'webcluster-backup', 'health'], intervalSec: 30, timeoutSec: 10, retries: 2, startPeriodSec: 60 };
/** The uploader's: unhealthy when no upload pass succeeded for 30 minutes. */
const UPLOAD_HEALTHCHECK: WorkloadHealthcheck = { test: ['CMD', 'webcluster-upload', 'health'], intervalSec: 30, timeoutSec: 10, retries: 2, startPeriodSec: 60 };

/**
 * Backups of the Docker data stores, for a single host without a snapshot service (and for a swarm).
 *
 * One job per store, `<prefix>-backup-<db|redis|minio|mongo>`, a long-running container (service) in
 * the store's own image (its client tools), on the internal backend network, placed like the store
 * (Swarm). Its command, `webcluster-backup loop`, backs up on the schedule: MariaDB with
 * `mariadb-dump --single-transaction --routines --events --triggers --add-drop-database --databases
 * <app databases>` (gzip), each durable Valkey class with `valkey-cli --rdb` against the running server
 * (gzip), the buckets object by object over the S3 API (tar.gz, in the S3 client image), MongoDB with
 * `mongodump --oplog --gzip --archive`. Each backup is written to a hidden temporary file and renamed
 * to `<unit>-<YYYYmmddTHHMMSSZ>.<ext>` when complete; the newest `keep` per unit are kept. The job's
 * health check fails when a unit's last successful backup is older than two intervals, so
 * `docker ps` / `docker service ps` show failing backups. `docker exec <job> webcluster-backup now`
 * backs up at once (before an upgrade), `webcluster-backup list` lists, and `webcluster-restore <file>`
 * restores (docs/backups.md).
 *
 * Targets: a host directory (`hostPath`, bind-mounted at `/backups`), or an S3 bucket: the job then
 * writes into a spool volume `<prefix>-backup-<store>-spool`, and an uploader
 * `<prefix>-backup-<store>-upload` (S3 client image, placed with the job) ships each backup with a
 * signed PUT, deletes it from the spool and keeps the newest `keep` in the bucket. Uploaders join a
 * network `<prefix>-backup-egress` with a route out, never the backend network; the jobs never leave
 * the backend network. The S3 credentials are {@link DockerSecret}s, the sensitive variables
 * `<prefix>_backup_s3_access_key_id` and `<prefix>_backup_s3_secret_access_key`.
 *
 * @resource docker_container
 */
export class DataBackup extends Construct {
  /** The backup jobs, one per store. */
  public readonly jobs: readonly Workload[];
  /** The S3 uploaders, one per job (S3 target only). */
  public readonly uploaders: readonly Workload[];
  /** What is backed up: the units of every job (`db`, `redis-<class>`, `minio`, `mongodb`). */
  public readonly units: readonly string[];
  /** Hours between backups. */
  public readonly intervalHours: number;
  /** UTC anchor of the schedule, `HH:MM`, if any. */
  public readonly at?: string;
  /** Backups kept per unit. */
  public readonly keep: number;
  /** The S3 access key id (S3 target only). */
  public readonly accessKeyIdSecret?: DockerSecret;
  /** The S3 secret access key (S3 target only). */
  public readonly secretAccessKeySecret?: DockerSecret;
  /** The network of the uploaders (S3 target only). */
  public readonly egressNetwork?: IDockerNetwork;
  private readonly byUnit = new Map<string, Workload>();

  constructor(scope: Construct, id: string, props: DataBackupProps) {
    super(scope, id);
    const cluster = props.cluster;
    const intervalHours = props.intervalHours ?? 24;
    const keep = props.keep ?? 7;
    const at = props.at;
    const target = props.target;
    const s3 = 's3' in target ? target.s3 : undefined;
    const hostPath = 'hostPath' in target ? target.hostPath : undefined;
    const volume = 'volume' in target ? target.volume : undefined;
    const durable = (props.redis?.dataClasses ?? []).filter((c) => REDIS_DATA_CLASSES[c].durable);
    const stores = [props.database, durable.length > 0 ? props.redis : undefined, props.storage, props.documentDatabase].filter((s) => s !== undefined);
    validate(this, dataBackupRules({ storeCount: stores.length, intervalHours, at, keep, hostPath, volume, s3, namePrefix: cluster.namePrefix }));
    this.intervalHours = intervalHours;
    this.at = at;
    this.keep = keep;
    const clientImage = props.s3ClientImage ?? props.storage?.clientImage ?? DEFAULT_S3_CLIENT_IMAGE;

    const jobResources = props.resources ?? DEFAULT_RESOURCES.backup;
    const specs: JobSpec[] = [];
    if (props.database) specs.push(databaseJob(props.database, jobResources));
    if (props.redis && durable.length > 0) specs.push(redisJob(props.redis, durable, jobResources));
    if (props.storage) specs.push(storageJob(props.storage, clientImage, jobResources));
    if (props.documentDatabase) specs.push(documentDatabaseJob(props.documentDatabase, jobResources));
    this.units = specs.flatMap((s) => s.units);

    const schedule: Record<string, string> = {
      BACKUP_DIR,
      BACKUP_KEEP: String(keep),
      BACKUP_INTERVAL_HOURS: String(intervalHours),
      ...(at !== undefined ? { BACKUP_AT: at } : {}),
    };
    if (s3) {
      const prefix = variablePrefix(cluster);
      this.accessKeyIdSecret = new DockerSecret(this, 'S3AccessKeyId', {
        variableName: `${prefix}_backup_s3_access_key_id`,
        description: `Access key id of the S3 backup target of ${cluster.namePrefix}`,
      });
      this.secretAccessKeySecret = new DockerSecret(this, 'S3SecretAccessKey', {
        variableName: `${prefix}_backup_s3_secret_access_key`,
        description: `Secret access key of the S3 backup target of ${cluster.namePrefix}`,
      });
      this.egressNetwork = cluster.addNetwork(this, 'EgressNetwork', 'backup-egress', false);
    }

    const upload: UploadTarget | undefined =
      s3 && this.egressNetwork && this.accessKeyIdSecret && this.secretAccessKeySecret
        ? { s3, network: this.egressNetwork, accessKeyId: this.accessKeyIdSecret, secretAccessKey: this.secretAccessKeySecret, clientImage, resources: jobResources }
        : undefined;
    const jobs: Workload[] = [];
    const uploaders: Workload[] = [];
    for (const spec of specs) {
      const ns = new Construct(this, pascalCase(spec.name));
      const environment = { ...schedule, BACKUP_UNITS: spec.units.join(' '), BACKUP_EXT: spec.ext };
      const mount = backupMount(cluster, ns, target, spec.name);
      const job = this.addJob(ns, cluster, spec, mount, environment);
      jobs.push(job);
      for (const unit of spec.units) this.byUnit.set(unit, job);
      if (upload) uploaders.push(this.addUploader(ns, cluster, spec, mount, environment, upload));
    }
    this.jobs = jobs;
    this.uploaders = uploaders;
  }

  /** The job of one store: `webcluster-backup loop` in the store's image, beside the store. */
  private addJob(ns: Construct, cluster: DockerCluster, spec: JobSpec, mount: WorkloadVolume, environment: Record<string, string>): Workload {
    const job = new Workload(ns, 'Job', {
      cluster,
      name: `backup-${spec.name}`,
      role: 'backup',
      image: spec.image,
      // The scripts, not the image's entrypoint (which would start the store's server).
      entrypoint: [`${BIN_DIR}/webcluster-backup`],
      command: ['loop'],
      environment: { ...environment, BACKUP_STORE: spec.module, ...spec.environment },
      secrets: spec.secrets,
      volumes: [mount],
      files: scriptFiles(['webcluster-backup', 'webcluster-restore'], ['lib.sh', `${spec.module}.sh`, ...(spec.module === 'minio' ? ['s3.sh'] : [])]),
      healthcheck: JOB_HEALTHCHECK,
      dependsOn: spec.dependsOn,
      placement: [...spec.placement],
      security: spec.user !== undefined ? { user: spec.user } : undefined,
      resources: spec.resources,
      stopGraceSec: 10,
      // Never two copies writing one target (Swarm updates stop the old task first).
      stateful: true,
    });
    spec.store.connections.allowDefaultPortFrom(job, `backup of ${spec.name}`);
    return job;
  }

  /** The S3 uploader of one job: ships its backups from the spool volume, on the egress network. */
  private addUploader(ns: Construct, cluster: DockerCluster, spec: JobSpec, mount: WorkloadVolume, environment: Record<string, string>, upload: UploadTarget): Workload {
    const s3 = upload.s3;
    const uploader = new Workload(ns, 'Upload', {
      cluster,
      name: `backup-${spec.name}-upload`,
      role: 'backup-upload',
      image: upload.clientImage,
      entrypoint: [`${BIN_DIR}/webcluster-upload`],
      command: ['loop'],
      environment: {
        ...environment,
        UPLOAD_ENDPOINT: s3.endpoint,
        UPLOAD_REGION: s3.region,
        UPLOAD_BUCKET: s3.bucket,
        // Each environment under its own folder: retention and fetch never see another's backups.
        UPLOAD_PREFIX: `${normalPrefix(s3.prefix)}${cluster.namePrefix}/`,
      },
      secrets: {
        UPLOAD_ACCESS_KEY_ID: { secret: upload.accessKeyId, fileVariable: 'UPLOAD_ACCESS_KEY_ID_FILE' },
        UPLOAD_SECRET_ACCESS_KEY: { secret: upload.secretAccessKey, fileVariable: 'UPLOAD_SECRET_ACCESS_KEY_FILE' },
      },
      volumes: [mount],
      files: scriptFiles(['webcluster-upload'], ['lib.sh', 's3.sh']),
      healthcheck: UPLOAD_HEALTHCHECK,
      // Beside the job: the spool is a local volume.
      placement: [...spec.placement],
      security: { user: '0' },
      resources: upload.resources,
      stopGraceSec: 10,
      // Never two copies writing one target (Swarm updates stop the old task first).
      stateful: true,
    });
    uploader.connections.join(upload.network);
    return uploader;
  }

  /** The job that backs up one unit (`db`, `redis-<class>`, `minio`, `mongodb`); throws for another. */
  public jobOf(unit: string): Workload {
    const job = this.byUnit.get(unit);
    if (!job) {
      throw new ValidationError(`unit: got '${unit}'; allowed: ${this.units.map((u) => `'${u}'`).join(', ')}; fix: use a unit this backup has`, this);
    }
    return job;
  }
}

/** An S3 target with what its uploaders need. */
interface UploadTarget {
  readonly s3: S3BackupTargetOptions;
  /** The uploaders' network with a route out. */
  readonly network: IDockerNetwork;
  readonly accessKeyId: DockerSecret;
  readonly secretAccessKey: DockerSecret;
  /** Image of the uploaders. */
  readonly clientImage: string;
  /** Memory and CPUs of each uploader. */
  readonly resources: ContainerResources;
}

/**
 * Where a store's job writes: the host directory (bind mount), a named volume per store, or (S3
 * target) a spool volume the uploader empties.
 */
function backupMount(cluster: DockerCluster, ns: Construct, target: BackupTarget, store: string): WorkloadVolume {
  if ('hostPath' in target) return { volumeName: target.hostPath, containerPath: BACKUP_DIR, bind: true };
  if ('volume' in target) return { volumeName: cluster.addVolume(ns, 'BackupVolume', `${target.volume}-${store}`, true), containerPath: BACKUP_DIR };
  return { volumeName: cluster.addVolume(ns, 'SpoolVolume', `backup-${store}-spool`, false), containerPath: BACKUP_DIR };
}

/** `prefix` with one trailing `/` (empty stays empty). */
function normalPrefix(prefix: string | undefined): string {
  const p = prefix ?? '';
  return p === '' || p.endsWith('/') ? p : `${p}/`;
}

/** The commands (executable, in /usr/local/bin) and their library files, escaped for Terraform. */
function scriptFiles(commands: readonly string[], libraries: readonly string[]): WorkloadFile[] {
  return [
    ...commands.map((name) => ({ path: `${BIN_DIR}/${name}`, content: terraformLiteral(backupScript(name)), executable: true })),
    ...libraries.map((name) => ({ path: `${LIB_DIR}/${name}`, content: terraformLiteral(backupScript(name)) })),
  ];
}
