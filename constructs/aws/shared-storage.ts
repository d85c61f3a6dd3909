/**
 * SharedStorage: the files every node shares. S3 buckets for object storage (optionally fronted by a
 * CloudFront distribution) and, where an app needs a POSIX file system (e.g. Ibexa's DFS NFS path or
 * Shopware's `var/services`), one encrypted EFS file system with an access point per share.
 */
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import { CloudfrontResponseHeadersPolicy } from '@cdktf/provider-aws/lib/cloudfront-response-headers-policy';
import { EfsAccessPoint } from '@cdktf/provider-aws/lib/efs-access-point';
import { EfsBackupPolicy } from '@cdktf/provider-aws/lib/efs-backup-policy';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { EfsFileSystemPolicy } from '@cdktf/provider-aws/lib/efs-file-system-policy';
import { EfsMountTarget } from '@cdktf/provider-aws/lib/efs-mount-target';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Construct } from 'constructs';
import { Annotations, Token } from '../core/cdktf';
import type { IConnections } from '../core/connections';
import { pascalCase } from '../core/names';
import { Port } from '../core/port';
import type { IBucket, ISharedStorage } from '../core/roles';
import { validate, ValidationError } from '../core/validation-error';
import type { IGrantable } from './instance-role';
import type { IAwsNetwork } from './network';
import { policyDocument } from './private/iam';
import { SecureBucket } from './secure-bucket';
import { SecurityGroup } from './security-group';
import type { IEncryptionKey } from './encryption-key';

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

/** One mounted POSIX share. */
export interface PosixMount {
  /** Logical name of the share. */
  readonly id: string;
  /** Absolute mount path on the hosts. */
  readonly path: string;
  /** EFS file system id. @attribute */
  readonly fileSystemId: string;
  /** EFS access point id. @attribute */
  readonly accessPointId: string;
}

/** Characters allowed in bucket and share ids. */
const ID_PATTERN = /^[a-z](?:-?[a-z0-9])*$/;
/** Absolute path of plain segments (no `..`, no spaces), safe to put into shell lines. */
const PATH_PATTERN = /^(?:\/[A-Za-z0-9_][A-Za-z0-9._-]*)+$/;
/** Relative app folder such as `public/media`. */
const FOLDER_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;
/** Construct IDs of the storage's own children, which bucket ids must not take. */
const RESERVED_IDS = ['SecurityGroup', 'FileSystem', 'Cdn'];
/** AWS limit for `bucket_prefix`. */
const MAX_BUCKET_PREFIX = 37;
/** Managed CloudFront cache policy "CachingOptimized". */
const CACHING_OPTIMIZED_POLICY_ID = '658327ea-f89d-4fab-a63d-7e88639e58f6';

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
    const buckets = props.buckets;
    const shares = props.posixShares ?? [];
    const cdn = props.cdn ?? false;
    const bucketNamePrefix = props.bucketNamePrefix ?? `${props.network.namePrefix}-`;
    const expirationDays = props.noncurrentVersionExpirationDays ?? 30;
    const aliases = props.cdnAliases ?? [];
    const certificateArn = props.cdnCertificateArn;
    const bucketIds = buckets.map((b) => b.id);
    const publicIds = buckets.filter((b) => b.publicRead ?? false).map((b) => b.id);
    const foldersSeen = new Map<string, string>();
    const folderClashes: string[] = [];
    for (const b of buckets) {
      for (const f of b.folders) {
        const owner = foldersSeen.get(f);
        if (owner !== undefined && owner !== b.id) folderClashes.push(`'${f}' in '${owner}' and '${b.id}'`);
        foldersSeen.set(f, b.id);
      }
    }
    const badFolders = buckets.flatMap((b) => b.folders).filter((f) => !FOLDER_PATTERN.test(f) || f.split('/').includes('..'));
    const prefixKnown = !Token.isUnresolved(bucketNamePrefix);
    const longest = bucketIds.reduce((a, b) => (b.length > a.length ? b : a), '');
    const shareIds = shares.map((s) => s.id);
    const sharePaths = shares.map((s) => s.path);
    const badIds = (xs: string[]): string[] => xs.filter((x) => !ID_PATTERN.test(x));
    const dupes = (xs: string[]): string[] => xs.filter((x, i) => xs.indexOf(x) !== i);
    const pascalClashes = (xs: string[]): string[] =>
      dupes(xs).length > 0 ? [] : xs.filter((x, i) => xs.findIndex((y) => pascalCase(y) === pascalCase(x)) !== i);
    const badPosixIds = shares.flatMap((s) =>
      (['uid', 'gid'] as const)
        .map((k) => ({ k, v: s[k] ?? 1000 }))
        .filter(({ v }) => !Number.isInteger(v) || v < 1 || v > 4294967295)
        .map(({ k, v }) => `${s.id}.${k}=${v}`),
    );
    const list = (xs: readonly string[]): string => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

    validate(this, [
      {
        failed: buckets.length === 0,
        message: () => 'buckets: got []; allowed: at least one bucket; fix: add e.g. { id: \'public\', folders: [\'public/media\'] }',
      },
      {
        failed: badIds(bucketIds).length > 0,
        message: () =>
          `buckets[].id: got ${list(badIds(bucketIds))}; allowed: lowercase letters, digits and single hyphens, starting with a letter; fix: use ids like 'public' or 'private-files'`,
      },
      {
        failed: dupes(bucketIds).length > 0,
        message: () => `buckets[].id: got duplicates ${list(dupes(bucketIds))}; allowed: unique ids; fix: give each bucket its own id`,
      },
      {
        failed: pascalClashes(bucketIds).length > 0,
        message: () =>
          `buckets[].id: got ${list(pascalClashes(bucketIds))} whose construct ids clash with another bucket's (hyphens are dropped); allowed: ids that differ after removing hyphens; fix: rename the bucket`,
      },
      {
        failed: bucketIds.some((b) => RESERVED_IDS.includes(pascalCase(b))),
        message: () =>
          `buckets[].id: got ${list(bucketIds.filter((b) => RESERVED_IDS.includes(pascalCase(b))))}; allowed: ids other than security-group, file-system and cdn; fix: rename the bucket`,
      },
      {
        failed: badFolders.length > 0,
        message: () =>
          `buckets[].folders: got ${list(badFolders)}; allowed: relative app paths without '..' such as 'public/media'; fix: drop the leading '/' or the '..' segment`,
      },
      {
        failed: folderClashes.length > 0,
        message: () =>
          `buckets[].folders: got ${folderClashes.join(', ')}; allowed: each folder in one bucket; fix: remove the folder from all but one bucket`,
      },
      {
        failed: prefixKnown && !/^[a-z0-9][a-z0-9.-]*$/.test(bucketNamePrefix),
        message: () =>
          `bucketNamePrefix: got '${bucketNamePrefix}'; allowed: lowercase letters, digits, '.' and '-', starting with a letter or digit; fix: pass a lowercase bucketNamePrefix such as 'shop-prod-'`,
      },
      {
        failed: prefixKnown && `${bucketNamePrefix}${longest}-`.length > MAX_BUCKET_PREFIX,
        message: () =>
          `bucketNamePrefix: got '${bucketNamePrefix}' which with bucket id '${longest}' makes the ${`${bucketNamePrefix}${longest}-`.length}-character prefix '${bucketNamePrefix}${longest}-'; allowed: at most ${MAX_BUCKET_PREFIX} characters (S3 bucket_prefix limit); fix: pass a shorter bucketNamePrefix or shorter bucket ids`,
      },
      {
        failed: !Number.isInteger(expirationDays) || expirationDays < 1,
        message: () =>
          `noncurrentVersionExpirationDays: got ${expirationDays}; allowed: a whole number of days >= 1; fix: use e.g. 30`,
      },
      {
        failed: cdn && publicIds.length !== 1,
        message: () =>
          `cdn: got true with ${publicIds.length} publicRead bucket(s) ${list(publicIds)}; allowed: exactly one publicRead bucket behind the CDN; fix: set publicRead: true on the one bucket of public files, or set cdn: false`,
      },
      {
        failed: !cdn && (certificateArn !== undefined || aliases.length > 0),
        message: () =>
          `cdnCertificateArn/cdnAliases: got ${certificateArn ?? 'none'} / ${list(aliases)} with cdn off; allowed: only with cdn: true; fix: set cdn: true or drop them`,
      },
      {
        failed: cdn && (certificateArn === undefined) !== (aliases.length === 0),
        message: () =>
          `cdnCertificateArn/cdnAliases: got ${certificateArn ?? 'none'} / ${list(aliases)}; allowed: both or neither; fix: a custom domain needs a certificate covering it, and a certificate needs the domain names it serves`,
      },
      {
        failed: certificateArn !== undefined && !Token.isUnresolved(certificateArn) && !certificateArn.startsWith('arn:aws:acm:us-east-1:'),
        message: () =>
          `cdnCertificateArn: got '${certificateArn}'; allowed: an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from there); fix: request or import the certificate in us-east-1`,
      },
      {
        failed: badIds(shareIds).length > 0,
        message: () =>
          `posixShares[].id: got ${list(badIds(shareIds))}; allowed: lowercase letters, digits and single hyphens, starting with a letter; fix: use ids like 'dfs' or 'services'`,
      },
      {
        failed: dupes(shareIds).length > 0,
        message: () => `posixShares[].id: got duplicates ${list(dupes(shareIds))}; allowed: unique ids; fix: give each share its own id`,
      },
      {
        failed: pascalClashes(shareIds).length > 0,
        message: () =>
          `posixShares[].id: got ${list(pascalClashes(shareIds))} whose construct ids clash with another share's (hyphens are dropped); allowed: ids that differ after removing hyphens; fix: rename the share`,
      },
      {
        failed: sharePaths.some((p) => !PATH_PATTERN.test(p) || p.split('/').includes('..')),
        message: () =>
          `posixShares[].path: got ${list(sharePaths.filter((p) => !PATH_PATTERN.test(p) || p.split('/').includes('..')))}; allowed: absolute paths of letters, digits, '.', '_' and '-' without '..'; fix: use e.g. '/var/www/shared/dfs'`,
      },
      {
        failed: dupes(sharePaths).length > 0,
        message: () => `posixShares[].path: got duplicates ${list(dupes(sharePaths))}; allowed: one share per path; fix: give each share its own mount path`,
      },
      {
        failed: badPosixIds.length > 0,
        message: () =>
          `posixShares[].uid/gid: got ${badPosixIds.join(', ')}; allowed: whole numbers 1 to 4294967295 (root is not allowed); fix: use the app user's ids, e.g. 82 for www-data in the Shopware image`,
      },
    ]);

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
    const created = buckets.map((spec) => {
      const publicRead = spec.publicRead ?? false;
      const cdnOrigin = cdn && publicRead;
      // CloudFront's origin access control cannot decrypt with the AWS-managed KMS key: SSE-S3 there.
      const secure = new SecureBucket(this, pascalCase(spec.id), {
        bucketPrefix: `${bucketNamePrefix}${spec.id}-`,
        encryption: cdnOrigin ? 's3-managed' : 'kms',
        kmsKey: props.encryptionKey,
        noncurrentVersionExpirationDays: expirationDays,
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
    this.buckets = created.map((c) => c.bucket);

    const origin = created.find((c) => c.cdnOrigin);
    if (origin) {
      const cdnScope = new Construct(this, 'Cdn');
      const headers = new CloudfrontResponseHeadersPolicy(cdnScope, 'SecurityHeaders', {
        name: `${bucketNamePrefix}${origin.bucket.id}-security-headers`,
        comment: 'HSTS, nosniff, frame and referrer policy for public files',
        securityHeadersConfig: {
          strictTransportSecurity: { accessControlMaxAgeSec: 31536000, includeSubdomains: true, preload: true, override: true },
          contentTypeOptions: { override: true },
          frameOptions: { frameOption: 'DENY', override: true },
          referrerPolicy: { referrerPolicy: 'strict-origin-when-cross-origin', override: true },
        },
      });
      const oac = new CloudfrontOriginAccessControl(cdnScope, 'OriginAccessControl', {
        name: `${bucketNamePrefix}${origin.bucket.id}`,
        description: `Read access of CloudFront to bucket ${origin.bucket.id}`,
        originAccessControlOriginType: 's3',
        signingBehavior: 'always',
        signingProtocol: 'sigv4',
      });
      const originId = `s3-${origin.bucket.id}`;
      this.distribution = new CloudfrontDistribution(cdnScope, 'Distribution', {
        enabled: true,
        isIpv6Enabled: true,
        comment: `${bucketNamePrefix}${origin.bucket.id}`,
        priceClass: 'PriceClass_100',
        httpVersion: 'http2and3',
        aliases: aliases.length > 0 ? aliases : undefined,
        origin: [
          {
            originId,
            domainName: origin.bucket.regionalDomainName,
            originAccessControlId: oac.id,
          },
        ],
        defaultCacheBehavior: {
          targetOriginId: originId,
          viewerProtocolPolicy: 'redirect-to-https',
          allowedMethods: ['GET', 'HEAD', 'OPTIONS'],
          cachedMethods: ['GET', 'HEAD'],
          cachePolicyId: CACHING_OPTIMIZED_POLICY_ID,
          responseHeadersPolicyId: headers.id,
          compress: true,
        },
        restrictions: { geoRestriction: { restrictionType: 'none' } },
        viewerCertificate: certificateArn
          ? { acmCertificateArn: certificateArn, sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1.2_2021' }
          : { cloudfrontDefaultCertificate: true },
        tags: { Name: `${bucketNamePrefix}${origin.bucket.id}` },
      });
      this.cdnDomainName = this.distribution.domainName;
    }

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
      if (c.bucket.publicRead && !cdn) {
        Annotations.of(this).addWarning(
          `bucket '${c.bucket.id}' is publicRead but cdn is off: the bucket stays private (Block Public Access), so browsers cannot read it directly; set cdn: true or serve the files through the app`,
        );
      }
    }

    const mounts: PosixMount[] = [];
    const mountTargets: EfsMountTarget[] = [];
    if (shares.length > 0) {
      const fsScope = new Construct(this, 'FileSystem');
      const fs = new EfsFileSystem(fsScope, 'Resource', {
        encrypted: true,
        ...(props.encryptionKey ? { kmsKeyId: props.encryptionKey.keyArn } : {}),
        performanceMode: 'generalPurpose',
        throughputMode: 'elastic',
        lifecyclePolicy: [{ transitionToIa: 'AFTER_30_DAYS' }],
        lifecycle: { preventDestroy: this.preventDestroy },
        tags: { Name: `${props.network.namePrefix}-shared` },
      });
      this.fileSystem = fs;
      this.fileSystemId = fs.id;
      this.fileSystemArn = fs.arn;
      new EfsBackupPolicy(fsScope, 'BackupPolicy', {
        fileSystemId: fs.id,
        backupPolicy: { status: 'ENABLED' },
      });
      new EfsFileSystemPolicy(fsScope, 'Policy', {
        fileSystemId: fs.id,
        policy: policyDocument([
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: '*',
            Resource: fs.arn,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          {
            Sid: 'DenyRootAccess',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'elasticfilesystem:ClientRootAccess',
            Resource: fs.arn,
          },
          {
            Sid: 'DenyAccessWithoutAccessPoint',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
            Resource: fs.arn,
            Condition: { Null: { 'elasticfilesystem:AccessPointArn': 'true' } },
          },
        ]),
      });
      props.network.dataSubnetIds.forEach((subnetId, i) => {
        mountTargets.push(new EfsMountTarget(fsScope, `MountTarget${i + 1}`, {
          fileSystemId: fs.id,
          subnetId,
          securityGroups: [this.securityGroup.securityGroupId],
        }));
      });
      for (const share of shares) {
        const uid = share.uid ?? 1000;
        const gid = share.gid ?? 1000;
        const ap = new EfsAccessPoint(fsScope, `AccessPoint${pascalCase(share.id)}`, {
          fileSystemId: fs.id,
          posixUser: { uid, gid },
          rootDirectory: {
            path: `/${share.id}`,
            creationInfo: { ownerUid: uid, ownerGid: gid, permissions: '0750' },
          },
          tags: { Name: `${props.network.namePrefix}-${share.id}` },
        });
        mounts.push({ id: share.id, path: share.path, fileSystemId: fs.id, accessPointId: ap.id });
      }
    }
    this.posixMounts = mounts;
    this.mountTargets = mountTargets;
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
