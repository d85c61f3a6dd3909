/**
 * SharedStorage (Docker): MinIO (S3-compatible) on the internal backend network with a one-shot
 * task that creates the buckets, plus named volumes for POSIX shares on a single host.
 */
import * as path from 'path';
import { Construct } from 'constructs';
import { pascalCase } from '../core/names';
import { Port } from '../core/port';
import type { Endpoint, IBucket, ISharedStorage } from '../core/roles';
import { quotedList, sharedStorageRules } from '../core/shared-storage-rules';
import { renderTemplateFile } from '../core/template';
import { terraformLiteral } from '../core/terraform-literal';
import { validate, ValidationError, type ValidationRule } from '../core/validation-error';
import { DockerConnections } from './docker-connections';
import { DockerSecret } from './docker-secret';
import { dataStoreRules, debugPorts, DockerDataStoreProps, statefulPlacement, variablePrefix } from './private/data-store';
import { ContainerResources, DEFAULT_RESOURCES } from './container-resources';
import { Workload } from './workload';

/** One bucket of a {@link SharedStorage}. */
export interface DockerBucketSpec {
  /** Logical name, lowercase letters, digits and single hyphens (e.g. `public`, `private`); the bucket is `<prefix>-<id>`. */
  readonly id: string;
  /** App folders stored in this bucket, relative to the app root (e.g. `public/media`). */
  readonly folders: string[];
  /**
   * Whether anyone who reaches MinIO may download objects (`mc anonymous set download`). MinIO
   * itself stays on the internal backend network; browsers reach public files only through a route
   * of the load balancer.
   * @default false
   */
  readonly publicRead?: boolean;
}

/** One POSIX share of a {@link SharedStorage}, backed by a named volume. */
export interface DockerPosixShareSpec {
  /** Logical name, lowercase letters, digits and single hyphens; the volume is `<prefix>-share-<id>`. */
  readonly id: string;
  /** Absolute mount path in the app containers, e.g. `/var/www/html/var/services`. */
  readonly path: string;
}

/** A POSIX share as a named volume to mount into the workloads that share it. */
export interface PosixVolume {
  /** Logical name of the share. */
  readonly id: string;
  /** Name of the Docker volume. @attribute */
  readonly volumeName: string;
  /** Mount path in the containers. */
  readonly path: string;
}

/** Properties of a {@link SharedStorage}. */
export interface SharedStorageProps extends DockerDataStoreProps {
  /** The buckets to create; at least one, ids unique, each folder in one bucket only. */
  readonly buckets: DockerBucketSpec[];
  /**
   * POSIX shares, each a named volume (standalone engines only: a local volume lives on one node,
   * so they are refused on Swarm).
   * @default - none
   */
  readonly posixShares?: DockerPosixShareSpec[];
  /**
   * MinIO server image, pinned by tag or digest.
   * @default 'minio/minio:RELEASE.2025-04-22T22-12-26Z'
   */
  readonly image?: string;
  /**
   * Image of the bucket-initialisation task, pinned by tag or digest: any image with `/bin/sh` and
   * curl >= 7.75 (the task signs its S3 requests with curl's `--aws-sigv4`, so it works with any
   * S3 server, not only MinIO).
   * @default 'curlimages/curl:8.11.1'
   */
  readonly clientImage?: string;
  /**
   * Memory limit, memory reservation and CPUs of the MinIO container.
   * The reservation defaults to the whole limit.
   * @default { memoryMb: 512, cpus: 0.5 }
   */
  readonly resources?: ContainerResources;
}

/** Default MinIO server image. */
export const DEFAULT_MINIO_IMAGE = 'minio/minio:RELEASE.2025-04-22T22-12-26Z';
/** Default image of the bucket-initialisation task (curl and a shell). */
export const DEFAULT_S3_CLIENT_IMAGE = 'curlimages/curl:8.11.1';
/** Region the task signs its requests for (MinIO's default region). */
const S3_REGION = 'us-east-1';
/** S3 API port. */
const S3_PORT = 9000;
/** Alias of the server on the backend network. */
const HOSTNAME = 'minio';
/** S3 bucket name limit. */
const MAX_BUCKET_NAME = 63;


/**
 * Shared files on Docker.
 *
 * MinIO (`minio server /data --console-address :9001`) keeps its objects on a named volume
 * `<prefix>-minio-data` (protected from destroy unless the cluster allows it), listens only on the
 * internal backend network under the alias `minio` (S3 API on 9000, console on 9001, neither
 * published unless `debugPort` publishes the S3 API on 127.0.0.1) and is checked with `mc ready local`.
 * Its root credentials are {@link DockerSecret}s, the sensitive Terraform variables
 * `<prefix>_minio_root_user` and `<prefix>_minio_root_password` (prefix with `_` for `-`), read
 * from Docker secrets through `MINIO_ROOT_USER_FILE`/`MINIO_ROOT_PASSWORD_FILE` on Swarm. The app
 * uses them as its S3 access key and secret key ({@link accessKeySecret}, {@link secretKeySecret}).
 *
 * A one-shot task `<prefix>-minio-init` (curl image) starts once MinIO is healthy and creates every
 * bucket `<prefix>-<id>` if missing, gives `publicRead` buckets a policy that lets anyone read
 * objects, and removes the policy of every other bucket. It speaks plain S3 (requests signed with
 * curl's `--aws-sigv4`), so it works against any S3 server. It runs again whenever the bucket list
 * changes.
 *
 * `posixShares` become named volumes `<prefix>-share-<id>` ({@link posixVolumes}) for apps that need
 * a POSIX directory shared by containers on one host; on Swarm they are refused, since a local
 * named volume is not shared between nodes.
 *
 * @resource docker_container
 */
export class SharedStorage extends Construct implements ISharedStorage {
  public readonly buckets: readonly IBucket[];
  /** Network access: clients join the backend network; the default port is the S3 API (9000). */
  public readonly connections: DockerConnections;
  /** The MinIO server; list it in `dependsOn` to wait until it is healthy. */
  public readonly workload: Workload;
  /** The bucket-initialisation task; list it in `dependsOn` to wait until the buckets exist. */
  public readonly initTask: Workload;
  /** S3 endpoint on the backend network. @attribute */
  public readonly endpoint: Endpoint;
  /** S3 endpoint URL, `http://minio:9000` (path-style addressing). @attribute */
  public readonly s3Url: string;
  /** Region S3 requests to the server are signed for (MinIO's default). */
  public readonly region: string = S3_REGION;
  /** MinIO root user, the S3 access key. */
  public readonly accessKeySecret: DockerSecret;
  /** MinIO root password, the S3 secret key. */
  public readonly secretKeySecret: DockerSecret;
  /** The POSIX shares as named volumes, in declaration order. */
  public readonly posixVolumes: readonly PosixVolume[];
  /** MinIO server image in use. */
  public readonly image: string;
  /** Image of the bucket-initialisation task. */
  public readonly clientImage: string;
  /** Swarm placement of the store's stateful workloads (jobs that must run beside its volumes reuse it). */
  public readonly placement: readonly string[];

  constructor(scope: Construct, id: string, props: SharedStorageProps) {
    super(scope, id);
    const cluster = props.cluster;
    const specs = props.buckets;
    const shares = props.posixShares ?? [];
    validate(this, dockerStorageRules(props));

    this.image = props.image ?? DEFAULT_MINIO_IMAGE;
    this.clientImage = props.clientImage ?? DEFAULT_S3_CLIENT_IMAGE;
    this.buckets = specs.map((b) => ({
      id: b.id,
      bucketName: `${cluster.namePrefix}-${b.id}`,
      folders: [...b.folders],
      publicRead: b.publicRead ?? false,
    }));
    this.endpoint = { hostname: HOSTNAME, port: S3_PORT };
    this.s3Url = `http://${HOSTNAME}:${S3_PORT}`;

    const prefix = variablePrefix(cluster);
    this.accessKeySecret = new DockerSecret(this, 'RootUser', {
      variableName: `${prefix}_minio_root_user`,
      description: `MinIO root user (S3 access key) of ${cluster.namePrefix}`,
    });
    this.secretKeySecret = new DockerSecret(this, 'RootPassword', {
      variableName: `${prefix}_minio_root_password`,
      description: `MinIO root password (S3 secret key) of ${cluster.namePrefix}`,
    });

    this.connections = new DockerConnections(this, cluster.backend, Port.tcp(S3_PORT));
    this.placement = statefulPlacement(props);
    this.workload = new Workload(this, 'Server', {
      cluster,
      name: HOSTNAME,
      role: 'storage',
      image: this.image,
      // Arguments of the image's entrypoint.
      command: ['minio', 'server', '/data', '--console-address', ':9001'],
      secrets: {
        MINIO_ROOT_USER: { secret: this.accessKeySecret, fileVariable: 'MINIO_ROOT_USER_FILE' },
        MINIO_ROOT_PASSWORD: { secret: this.secretKeySecret, fileVariable: 'MINIO_ROOT_PASSWORD_FILE' },
      },
      listenNetwork: cluster.backend,
      defaultPort: Port.tcp(S3_PORT),
      volumes: [{ volumeName: cluster.addVolume(this, 'DataVolume', 'minio-data', true), containerPath: '/data' }],
      // The image has the MinIO client but no curl.
      healthcheck: { test: ['CMD', 'mc', 'ready', 'local'], intervalSec: 10, timeoutSec: 5, retries: 5, startPeriodSec: 10 },
      ports: debugPorts(props, S3_PORT),
      placement: [...this.placement],
      stateful: true,
      resources: props.resources ?? DEFAULT_RESOURCES.storage,
      dataStore: true,
    });

    this.initTask = new Workload(this, 'BucketInit', {
      cluster,
      name: `${HOSTNAME}-init`,
      role: 'storage-init',
      image: this.clientImage,
      // The script needs a shell; curl images start curl itself.
      entrypoint: ['/bin/sh', '-c'],
      command: [terraformLiteral(bucketInitScript(this.buckets))],
      environment: { S3_ENDPOINT: this.s3Url, S3_REGION },
      secrets: {
        AWS_ACCESS_KEY_ID: { secret: this.accessKeySecret },
        AWS_SECRET_ACCESS_KEY: { secret: this.secretKeySecret },
      },
      dependsOn: [this.workload],
      resources: DEFAULT_RESOURCES.task,
      oneShot: true,
    });
    this.connections.allowDefaultPortFrom(this.initTask, 'bucket initialisation');
    this.posixVolumes = shares.map((s) => ({
      id: s.id,
      volumeName: cluster.addVolume(this, `Share${pascalCase(s.id)}`, `share-${s.id}`, true),
      path: s.path,
    }));
  }

  /** One bucket by logical id; throws for an unknown id. */
  public bucket(id: string): IBucket {
    const bucket = this.buckets.find((b) => b.id === id);
    if (!bucket) {
      throw new ValidationError(
        `bucket: got '${id}'; allowed: ${this.buckets.map((b) => `'${b.id}'`).join(', ')}; fix: use a declared bucket id or add the bucket`,
        this,
      );
    }
    return bucket;
  }
}

/** Every rule of a Docker SharedStorage, in priority order: the shared ones with the Docker ones. */
function dockerStorageRules(props: SharedStorageProps): ValidationRule[] {
  const cluster = props.cluster;
  const shares = props.posixShares ?? [];
  const tooLong = props.buckets.map((b) => b.id).filter((b) => `${cluster.namePrefix}-${b}`.length > MAX_BUCKET_NAME);
  return sharedStorageRules(
    { buckets: props.buckets, posixShares: shares, sharePathExample: '/var/www/html/var/services' },
    {
      bucketIds: [
        {
          failed: tooLong.length > 0,
          message: () =>
            `buckets[].id: got ${quotedList(tooLong)}, making bucket names longer than ${MAX_BUCKET_NAME} characters with prefix '${cluster.namePrefix}-'; allowed: '<prefix>-<id>' of at most ${MAX_BUCKET_NAME}; fix: use shorter bucket ids`,
        },
      ],
      buckets: [
        {
          failed: shares.length > 0 && cluster.runtime.mode === 'swarm',
          message: () =>
            `posixShares: got ${quotedList(shares.map((s) => s.id))} on a swarm runtime; allowed: POSIX shares on a standalone engine only, a named volume lives on one node; fix: use S3 buckets or an NFS-backed volume driver`,
        },
      ],
      shares: dataStoreRules(props, 1),
    },
  );
}

/** The bucket set-up script's template, `assets/bucket-init.sh` next to this file. */
export const BUCKET_INIT_SCRIPT = path.join(__dirname, 'assets', 'bucket-init.sh');

/**
 * The bucket set-up as a POSIX shell script for `sh -c` (the template {@link BUCKET_INIT_SCRIPT}): plain S3 requests signed by curl
 * (`--aws-sigv4`), so any S3 server works. Idempotent: an existing bucket of ours is kept, the
 * policy is set (public read) or removed (private) on every run. Reads `S3_ENDPOINT`, `S3_REGION`,
 * `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`; prints the server's answer when a request fails.
 * The text as the shell runs it: pass it through `terraformLiteral` before it goes into Terraform.
 */
export function bucketInitScript(buckets: readonly IBucket[]): string {
  const policy = (bucket: string): string =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: ['*'] }, Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/*`] }],
    });
  const requests = buckets.flatMap((b) => [
    `create ${b.bucketName}`,
    b.publicRead
      ? `expect "public-read policy of ${b.bucketName}" "$(s3 PUT "/${b.bucketName}?policy" '${policy(b.bucketName)}')" 200 204`
      : `expect "removing the policy of ${b.bucketName}" "$(s3 DELETE "/${b.bucketName}?policy")" 200 204 404`,
  ]);
  // `sh -c` takes the text without a final line break, as it always has.
  return renderTemplateFile(BUCKET_INIT_SCRIPT, { buckets: requests, bucketNames: buckets.map((b) => b.bucketName).join(' ') }).replace(/\n$/, '');
}
