/**
 * SharedStorage: the files every node shares. S3 buckets for object storage (optionally fronted by a
 * CloudFront distribution) and, where an app needs a POSIX file system (e.g. Ibexa's DFS NFS path or
 * Shopware's `var/services`), one encrypted EFS file system with an access point per share.
 */
import type { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import type { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import type { EfsMountTarget } from '@cdktf/provider-aws/lib/efs-mount-target';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Construct } from 'constructs';
import { Annotations } from '../core/cdktf';
import type { IConnections } from '../core/connections';
import { pascalCase } from '../core/names';
import { Port } from '../core/port';
import type { IBucket, ISharedStorage } from '../core/roles';
import { validate, ValidationError } from '../core/validation-error';
import type { IEncryptionKey } from './encryption-key';
import type { IGrantable } from './instance-role';
import type { IAwsNetwork } from './network';
import { PublicFilesCdn } from './private/public-files-cdn';
import { PosixMount, SharedFileSystem } from './private/shared-file-system';
import { awsStorageRules } from './private/storage-rules';
import { SecureBucket } from './secure-bucket';
import { SecurityGroup } from './security-group';

export type { PosixMount } from './private/shared-file-system';

/** One bucket of a {@link SharedStorage}. */
export interface SharedBucketSpec {
  /**
   * Logical name, lowercase letters, digits and single hyphens (e.g. `public`, `private`). Becomes
   * part of the bucket name and, in PascalCase, the construct ID of the bucket's resources.
   */
  readonly id: string;
  /** App folders stored in this bucket, relative to the app root (e.g. `public/media`). */
  readonly folders: string[];
  /**
   * Whether objects are served to browsers. On AWS the bucket itself stays private (Block Public
   * Access on); browsers read through the CloudFront distribution when `cdn` is true.
   * @default false
   */
  readonly publicRead?: boolean;
}

/** One POSIX share of a {@link SharedStorage}, backed by an EFS access point. */
export interface PosixShareSpec {
  /** Logical name, lowercase letters, digits and single hyphens; the share's root directory is `/<id>`. */
  readonly id: string;
  /** Absolute mount path on the hosts, e.g. `/var/www/shared/dfs`. */
  readonly path: string;
  /**
   * POSIX user id every file operation through the share runs as (and owner of its root directory).
   * @default 1000
   */
  readonly uid?: number;
  /**
   * POSIX group id every file operation through the share runs as (and group of its root directory).
   * @default 1000
   */
  readonly gid?: number;
}

/** Properties of a {@link SharedStorage}. */
export interface SharedStorageProps {
  /** The network; EFS mount targets go into its data subnets. */
  readonly network: IAwsNetwork;
  /** The buckets to create; at least one, ids unique, each folder in one bucket only. */
  readonly buckets: SharedBucketSpec[];
  /**
   * Put a CloudFront distribution in front of the `publicRead` bucket (exactly one is then required).
   * @default false
   */
  readonly cdn?: boolean;
  /**
   * ACM certificate (in us-east-1) for the distribution's custom domain names; needs `cdnAliases`.
   * @default - CloudFront's default `*.cloudfront.net` certificate
   */
  readonly cdnCertificateArn?: string;
  /**
   * Custom domain names of the distribution (e.g. `media.example.com`); needs `cdnCertificateArn`.
   * @default - none; the distribution answers on its `*.cloudfront.net` name only
   */
  readonly cdnAliases?: string[];
  /**
   * POSIX shares; when non-empty one EFS file system is created with an access point per share.
   * @default - none; no file system is created
   */
  readonly posixShares?: PosixShareSpec[];
  /**
   * Start of every bucket name; AWS appends a unique suffix (`bucket_prefix`), so names never clash.
   * @default - `<network.namePrefix>-`
   */
  readonly bucketNamePrefix?: string;
  /**
   * Days after which overwritten or deleted object versions are removed.
   * @default 30
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Protect the buckets and the file system from `terraform destroy` (Terraform `prevent_destroy`).
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * Customer-managed KMS key of the buckets (except a CloudFront origin, which stays on SSE-S3) and
   * the EFS file system; grant the hosts with `encryptionKey.grantEncryptDecrypt`.
   * @default - AWS-managed keys
   */
  readonly encryptionKey?: IEncryptionKey;
}

/** A bucket of a {@link SharedStorage}, with its AWS attributes. */
export interface IAwsBucket extends IBucket {
  /** Bucket ARN. @attribute */
  readonly bucketArn: string;
  /** Region-specific domain name (`<bucket>.s3.<region>.amazonaws.com`). @attribute */
  readonly regionalDomainName: string;
  /** The bucket resource, for escape hatches. */
  readonly resource: S3Bucket;
}

/** A bucket as created, before its policy is complete. */
interface CreatedBucket {
  readonly bucket: IAwsBucket;
  readonly secure: SecureBucket;
  /** Whether the distribution reads from it. */
  readonly cdnOrigin: boolean;
}

/**
 * Shared files on AWS.
 *
 * Every bucket is private and versioned: Block Public Access on all four settings, ACLs disabled
 * (BucketOwnerEnforced), default encryption with a bucket key, old versions expired after
 * `noncurrentVersionExpirationDays`, unfinished multipart uploads aborted after 7 days, and a bucket
 * policy that denies requests without TLS. Buckets use SSE-KMS with the AWS-managed `aws/s3` key,
 * except the CloudFront origin bucket, which uses SSE-S3 because CloudFront's origin access control
 * cannot decrypt objects under the AWS-managed key.
 *
 * With `cdn`, the `publicRead` bucket is served by a CloudFront distribution (HTTPS only, origin
 * access control with SigV4); the bucket policy lets only that distribution read objects.
 *
 * With `posixShares`, one encrypted EFS file system (elastic throughput, backups on, files moved to
 * Infrequent Access after 30 days) gets a mount target in every data subnet and an access point per
 * share. Its policy denies non-TLS access, root access and any mount that bypasses an access point,
 * so hosts must mount with `tls,iam,accesspoint=…` (see {@link mountCommands}) and hold a grant.
 *
 * The security group (`connections`, default port NFS 2049) is always created, even without POSIX
 * shares (a group without rules costs nothing), so callers can wire access unconditionally.
 *
 * @resource aws_s3_bucket
 */
export class SharedStorage extends Construct implements ISharedStorage {
  public readonly buckets: readonly IAwsBucket[];
  /** Security group of the EFS mount targets; default port tcp/2049. */
  public readonly securityGroup: SecurityGroup;
  public readonly connections: IConnections;
  /** Whether a CloudFront distribution serves the `publicRead` bucket. */
  public readonly cdn: boolean;
  /** Start of every bucket name. */
  public readonly bucketNamePrefix: string;
  /** Days after which noncurrent object versions are removed. */
  public readonly noncurrentVersionExpirationDays: number;
  /** Whether buckets and file system carry Terraform `prevent_destroy`. */
  public readonly preventDestroy: boolean;
  /** The distribution, when `cdn` is on. */
  public readonly distribution?: CloudfrontDistribution;
  /** Domain name of the distribution (`dxxxx.cloudfront.net`), when `cdn` is on. @attribute */
  public readonly cdnDomainName?: string;
  /** The EFS file system, when there are POSIX shares. */
  public readonly fileSystem?: EfsFileSystem;
  /** EFS file system id, when there are POSIX shares. @attribute */
  public readonly fileSystemId?: string;
  /** EFS file system ARN, when there are POSIX shares. @attribute */
  public readonly fileSystemArn?: string;
  /** The POSIX shares with their file system and access point ids, in declaration order. */
  public readonly posixMounts: readonly PosixMount[];
  /** The EFS mount targets, one per data subnet (hosts that mount the shares depend on them). */
  public readonly mountTargets: readonly EfsMountTarget[];

  constructor(scope: Construct, id: string, props: SharedStorageProps) {
    super(scope, id);
    const shares = props.posixShares ?? [];
    const cdn = props.cdn ?? false;
    const bucketNamePrefix = props.bucketNamePrefix ?? `${props.network.namePrefix}-`;
    const expirationDays = props.noncurrentVersionExpirationDays ?? 30;
    const aliases = props.cdnAliases ?? [];
    validate(
      this,
      awsStorageRules({
        buckets: props.buckets,
        posixShares: shares,
        cdn,
        bucketNamePrefix,
        noncurrentVersionExpirationDays: expirationDays,
        cdnAliases: aliases,
        cdnCertificateArn: props.cdnCertificateArn,
      }),
    );

    this.cdn = cdn;
    this.bucketNamePrefix = bucketNamePrefix;
    this.noncurrentVersionExpirationDays = expirationDays;
    this.preventDestroy = props.preventDestroy ?? true;

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      network: props.network,
      description: 'Shared storage: NFS (EFS mount targets)',
      defaultPort: Port.tcp(2049),
    });
    this.connections = this.securityGroup;

    // Buckets: everything except the policies, which may reference the distribution.
    const created = this.createBuckets(props.buckets, props.encryptionKey);
    this.buckets = created.map((c) => c.bucket);

    const origin = created.find((c) => c.cdnOrigin);
    if (origin) {
      this.distribution = new PublicFilesCdn(this, 'Cdn', {
        bucketId: origin.bucket.id,
        bucketRegionalDomainName: origin.bucket.regionalDomainName,
        namePrefix: bucketNamePrefix,
        certificateArn: props.cdnCertificateArn,
        aliases,
      }).distribution;
      this.cdnDomainName = this.distribution.domainName;
    }
    this.completeBucketPolicies(created);

    if (shares.length > 0) {
      const fs = new SharedFileSystem(this, 'FileSystem', {
        shares,
        subnetIds: props.network.dataSubnetIds,
        securityGroupId: this.securityGroup.securityGroupId,
        namePrefix: props.network.namePrefix,
        preventDestroy: this.preventDestroy,
        encryptionKey: props.encryptionKey,
      });
      this.fileSystem = fs.resource;
      this.fileSystemId = fs.fileSystemId;
      this.fileSystemArn = fs.fileSystemArn;
      this.mountTargets = fs.mountTargets;
      this.posixMounts = fs.mounts;
    } else {
      this.mountTargets = [];
      this.posixMounts = [];
    }
  }

  public bucket(id: string): IAwsBucket {
    const found = this.buckets.find((b) => b.id === id);
    if (!found) {
      throw new ValidationError(
        `bucket: got '${id}'; allowed: ${this.buckets.map((b) => `'${b.id}'`).join(', ')}; fix: use the id of a declared bucket`,
        this,
      );
    }
    return found;
  }

  /**
   * Shell lines for cloud-init that install amazon-efs-utils and mount every POSIX share over TLS
   * with IAM authorization through its access point, persisted in /etc/fstab, retrying for up to 10
   * minutes. Empty without shares. Hosts should also refuse to start the app without the shares
   * (`HostWorkload.requiredMounts`) and depend on {@link mountTargets}.
   */
  public mountCommands(): string[] {
    if (this.posixMounts.length === 0) return [];
    const lines = ['dnf install -y amazon-efs-utils'];
    for (const m of this.posixMounts) {
      const options = `tls,iam,accesspoint=${m.accessPointId}`;
      lines.push(
        `mkdir -p ${m.path}`,
        `grep -qs ' ${m.path} efs ' /etc/fstab || echo '${m.fileSystemId}:/ ${m.path} efs _netdev,noresvport,${options} 0 0' >> /etc/fstab`,
        // Mount targets and IAM may still settle on a first deploy: retry for up to 10 minutes. A
        // share that stays unmounted keeps the app's services from starting (RequiresMountsFor).
        `for _ in $(seq 1 60); do mountpoint -q ${m.path} && break; mount ${m.path} || sleep 10; done`,
        `mountpoint -q ${m.path} || echo 'webcluster: ${m.path} is not mounted; the app services will not start' >&2`,
      );
    }
    return lines;
  }

  /** Lets `grantee` read, write and delete objects in every bucket and mount the shares read-write. */
  public grantReadWrite(grantee: IGrantable): void {
    this.grant(
      grantee,
      ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
    );
  }

  /** Lets `grantee` read objects in every bucket and mount the shares read-only. */
  public grantRead(grantee: IGrantable): void {
    this.grant(grantee, ['s3:GetObject'], ['elasticfilesystem:ClientMount']);
  }

  /** The buckets without their CloudFront read statement, which needs the distribution. */
  private createBuckets(specs: readonly SharedBucketSpec[], encryptionKey?: IEncryptionKey): CreatedBucket[] {
    return specs.map((spec) => {
      const publicRead = spec.publicRead ?? false;
      const cdnOrigin = this.cdn && publicRead;
      // CloudFront's origin access control cannot decrypt with the AWS-managed KMS key: SSE-S3 there.
      const secure = new SecureBucket(this, pascalCase(spec.id), {
        bucketPrefix: `${this.bucketNamePrefix}${spec.id}-`,
        encryption: cdnOrigin ? 's3-managed' : 'kms',
        kmsKey: encryptionKey,
        noncurrentVersionExpirationDays: this.noncurrentVersionExpirationDays,
        preventDestroy: this.preventDestroy,
      });
      const resource = secure.resource;
      const bucket: IAwsBucket = {
        id: spec.id,
        bucketName: resource.bucket,
        folders: [...spec.folders],
        publicRead,
        bucketArn: resource.arn,
        regionalDomainName: resource.bucketRegionalDomainName,
        resource,
      };
      return { bucket, secure, cdnOrigin };
    });
  }

  /** Lets the distribution read its origin bucket; warns about public buckets nobody can read. */
  private completeBucketPolicies(created: readonly CreatedBucket[]): void {
    for (const c of created) {
      if (c.cdnOrigin && this.distribution) {
        c.secure.addToResourcePolicy({
          Sid: 'AllowCloudFrontRead',
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Resource: `${c.bucket.bucketArn}/*`,
          Condition: { StringEquals: { 'AWS:SourceArn': this.distribution.arn } },
        });
      }
      if (c.bucket.publicRead && !this.cdn) {
        Annotations.of(this).addWarning(
          `bucket '${c.bucket.id}' is publicRead but cdn is off: the bucket stays private (Block Public Access), so browsers cannot read it directly; set cdn: true or serve the files through the app`,
        );
      }
    }
  }

  private grant(grantee: IGrantable, objectActions: string[], fileSystemActions: string[]): void {
    const principal = grantee.grantPrincipal;
    principal.addToPolicy({
      Effect: 'Allow',
      Action: ['s3:ListBucket', 's3:GetBucketLocation'],
      Resource: this.buckets.map((b) => b.bucketArn),
    });
    principal.addToPolicy({
      Effect: 'Allow',
      Action: objectActions,
      Resource: this.buckets.map((b) => `${b.bucketArn}/*`),
    });
    if (this.fileSystemArn) {
      principal.addToPolicy({ Effect: 'Allow', Action: fileSystemActions, Resource: this.fileSystemArn });
    }
  }
}
