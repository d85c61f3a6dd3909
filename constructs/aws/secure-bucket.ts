/**
 * SecureBucket: a private S3 bucket with the baseline every bucket of this library gets.
 */
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { Lazy } from '../core/cdktf';
import { validate } from '../core/validation-error';
import { denyInsecureTransport, fitNamePrefix, policyDocument, PolicyStatement } from './private/iam';
import type { IEncryptionKey } from './encryption-key';

/** Default encryption of a {@link SecureBucket}. */
export type BucketEncryption = 'kms' | 's3-managed';

/** Properties of a {@link SecureBucket}. */
export interface SecureBucketProps {
  /** Prefix of the generated bucket name (Terraform appends a unique suffix). */
  readonly bucketPrefix: string;
  /**
   * Default encryption: `kms` (AWS-managed key with a bucket key) or `s3-managed` (SSE-S3, for
   * writers that cannot use KMS, such as ALB access logs and CloudFront origins with OAC).
   * @default 'kms'
   */
  readonly encryption?: BucketEncryption;
  /**
   * Customer-managed KMS key of `kms` encryption.
   * @default - the AWS-managed S3 key
   */
  readonly kmsKey?: IEncryptionKey;
  /**
   * Days after which current objects expire.
   * @default - current objects never expire
   */
  readonly expireAfterDays?: number;
  /**
   * Days after which noncurrent object versions expire.
   * @default 30
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Whether Terraform refuses to destroy the bucket (`prevent_destroy`).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * An S3 bucket that is never public: all four public-access-block switches, `BucketOwnerEnforced`
 * (no ACLs), default encryption, versioning, a lifecycle that expires noncurrent versions and aborts
 * stale multipart uploads, and a bucket policy that denies non-TLS requests. `force_destroy` is off,
 * so Terraform cannot delete a bucket that still holds objects. Statements added with
 * {@link addToResourcePolicy} join the policy at synth time.
 *
 * @resource aws_s3_bucket
 */
export class SecureBucket extends Construct {
  /** The bucket resource. */
  public readonly resource: S3Bucket;
  /** Bucket name. @attribute */
  public readonly bucketName: string;
  /** Bucket ARN. @attribute */
  public readonly bucketArn: string;
  /** Regional domain name (CloudFront origins). @attribute */
  public readonly regionalDomainName: string;
  /** The bucket policy; applied after the public-access block. */
  public readonly policy: S3BucketPolicy;
  private readonly statements: PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 30;
    validate(this, [
      {
        failed: !Number.isInteger(noncurrentDays) || noncurrentDays < 1 || noncurrentDays > 3650,
        message: () => `noncurrentVersionExpirationDays: got ${noncurrentDays}; allowed: 1 to 3650; fix: pick a value in range`,
      },
      {
        failed: props.expireAfterDays !== undefined && (!Number.isInteger(props.expireAfterDays) || props.expireAfterDays < 1),
        message: () => `expireAfterDays: got ${props.expireAfterDays}; allowed: a whole number of days >= 1; fix: pick a value in range or leave it unset`,
      },
    ]);

    this.resource = new S3Bucket(this, 'Resource', {
      // S3 bucket names are at most 63 characters; Terraform appends 26.
      bucketPrefix: fitNamePrefix(props.bucketPrefix, 37),
      forceDestroy: false,
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
      tags: { Name: props.bucketPrefix.replace(/-$/, '') },
    });
    this.bucketName = this.resource.bucket;
    this.bucketArn = this.resource.arn;
    this.regionalDomainName = this.resource.bucketRegionalDomainName;
    const bucket = this.resource.id;

    const publicAccessBlock = new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'OwnershipControls', { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      bucket,
      rule: [
        (props.encryption ?? 'kms') === 'kms'
          ? {
              applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', ...(props.kmsKey ? { kmsMasterKeyId: props.kmsKey.keyArn } : {}) },
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
      ],
    });
    const versioning = new S3BucketVersioningA(this, 'Versioning', { bucket, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      bucket,
      rule: [
        {
          id: 'retention',
          status: 'Enabled',
          filter: [{}],
          expiration: props.expireAfterDays !== undefined ? [{ days: props.expireAfterDays }] : undefined,
          noncurrentVersionExpiration: [{ noncurrentDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
      dependsOn: [versioning],
    });
    this.policy = new S3BucketPolicy(this, 'Policy', {
      bucket,
      policy: Lazy.stringValue({ produce: () => policyDocument([...this.statements, denyInsecureTransport(this.bucketArn)]) }),
      dependsOn: [publicAccessBlock],
    });
  }

  /** Adds a statement to the bucket policy (the deny-insecure-transport statement is always there). */
  public addToResourcePolicy(statement: PolicyStatement): void {
    this.statements.push(statement);
  }
}
