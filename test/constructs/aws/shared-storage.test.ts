import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import { EfsAccessPoint } from '@cdktf/provider-aws/lib/efs-access-point';
import { EfsBackupPolicy } from '@cdktf/provider-aws/lib/efs-backup-policy';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Testing, TerraformStack } from 'cdktf';
import { InstanceRole } from '../../../constructs/aws/instance-role';
import { Network } from '../../../constructs/aws/network';
import { SharedStorage, SharedStorageProps } from '../../../constructs/aws/shared-storage';
import { Peer } from '../../../constructs/core/peer';
import { makeNetwork, makeStack, resolveToken, resourcesOf, synthJson, synthTextAndJson } from '../../util';

interface PolicyJson {
  Statement: { Sid?: string; Effect: string; Action: string | string[]; Resource?: string | string[]; Principal?: unknown; Condition?: unknown }[];
}

function policyOf(resource: Record<string, unknown>): PolicyJson {
  return JSON.parse(resource.policy as string) as PolicyJson;
}

describe('SharedStorage', () => {
  let stack: TerraformStack;
  let network: Network;
  const twoBuckets = (): SharedStorageProps['buckets'] => [
    { id: 'public', folders: ['public/media', 'public/thumbnail'], publicRead: true },
    { id: 'private', folders: ['files'] },
  ];

  beforeEach(() => {
    stack = makeStack();
    network = makeNetwork(stack);
  });

  test('defaults: private, versioned, encrypted buckets with TLS-only policy and no file system', () => {
    // WHEN
    const storage = new SharedStorage(stack, 'Storage', { network, buckets: [{ id: 'private', folders: ['files'] }] });
    // THEN
    const { text: synth, json } = synthTextAndJson(stack);
    expect(synth).toHaveResourceWithProperties(S3Bucket, {
      bucket_prefix: 'test-private-',
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(synth).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(synth).toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: 'BucketOwnerEnforced' } });
    expect(synth).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [expect.objectContaining({ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' }, bucket_key_enabled: true })],
    });
    expect(synth).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: 'Enabled' } });
    expect(synth).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [
        expect.objectContaining({
          status: 'Enabled',
          filter: [{}],
          noncurrent_version_expiration: [{ noncurrent_days: 30 }],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        }),
      ],
    });
    expect(synth).not.toHaveResource(EfsFileSystem);
    expect(synth).not.toHaveResource(CloudfrontDistribution);
    // the security group exists even without POSIX shares
    expect(synth).toHaveResourceWithProperties(SecurityGroup, { description: 'Shared storage: NFS (EFS mount targets)' });

    const policy = policyOf(resourcesOf(json, 'aws_s3_bucket_policy')[0]);
    expect(policy.Statement).toEqual([
      expect.objectContaining({ Sid: 'DenyInsecureTransport', Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
    expect(storage.cdn).toBe(false);
    expect(storage.bucketNamePrefix).toBe('test-');
    expect(storage.noncurrentVersionExpirationDays).toBe(30);
    expect(storage.preventDestroy).toBe(true);
    expect(storage.fileSystemId).toBeUndefined();
    expect(storage.cdnDomainName).toBeUndefined();
    expect(storage.posixMounts).toEqual([]);
    expect(storage.mountCommands()).toEqual([]);
  });

  test('one namespace per bucket with stable construct ids', () => {
    // WHEN
    new SharedStorage(stack, 'Storage', { network, buckets: [{ id: 'private-files', folders: ['files'] }] });
    // THEN
    const json = synthJson(stack);
    expect(Object.keys(json.resource.aws_s3_bucket)).toEqual([expect.stringMatching(/^Storage_PrivateFiles_/)]);
    for (const type of [
      'aws_s3_bucket_public_access_block',
      'aws_s3_bucket_ownership_controls',
      'aws_s3_bucket_server_side_encryption_configuration',
      'aws_s3_bucket_versioning',
      'aws_s3_bucket_lifecycle_configuration',
      'aws_s3_bucket_policy',
    ]) {
      expect(Object.keys(json.resource[type])[0]).toMatch(/^Storage_PrivateFiles_(PublicAccessBlock|OwnershipControls|Encryption|Versioning|Lifecycle|Policy)_/);
    }
  });

  test('bucket() returns the bucket with its attributes and fails for an unknown id', () => {
    // GIVEN
    const storage = new SharedStorage(stack, 'Storage', { network, buckets: twoBuckets() });
    // WHEN
    const pub = storage.bucket('public');
    // THEN
    expect(pub.publicRead).toBe(true);
    expect(pub.folders).toEqual(['public/media', 'public/thumbnail']);
    expect(resolveToken(stack, pub.bucketArn)).toMatch(/^\$\{aws_s3_bucket\.Storage_Public_.*\.arn\}$/);
    expect(resolveToken(stack, pub.regionalDomainName)).toMatch(/bucket_regional_domain_name\}$/);
    expect(storage.bucket('private').publicRead).toBe(false);
    expect(storage.buckets.map((b) => b.id)).toEqual(['public', 'private']);
    expect(() => storage.bucket('media')).toThrow(/bucket: got 'media'; allowed: 'public', 'private'/);
  });

  test('custom prefix, retention and preventDestroy off', () => {
    // WHEN
    new SharedStorage(stack, 'Storage', {
      network,
      buckets: [{ id: 'private', folders: ['files'] }],
      bucketNamePrefix: 'shop-',
      noncurrentVersionExpirationDays: 7,
      preventDestroy: false,
    });
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(S3Bucket, { bucket_prefix: 'shop-private-', lifecycle: { prevent_destroy: false } });
    expect(synth).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 7 }] })],
    });
  });

  test('cdn: OAC, distribution and a bucket policy that lets only the distribution read', () => {
    // WHEN
    const storage = new SharedStorage(stack, 'Storage', { network, buckets: twoBuckets(), cdn: true });
    // THEN
    const { text: synth, json } = synthTextAndJson(stack);
    expect(synth).toHaveResourceWithProperties(CloudfrontOriginAccessControl, {
      origin_access_control_origin_type: 's3',
      signing_behavior: 'always',
      signing_protocol: 'sigv4',
    });
    expect(synth).toHaveResourceWithProperties(CloudfrontDistribution, {
      enabled: true,
      price_class: 'PriceClass_100',
      http_version: 'http2and3',
      default_cache_behavior: expect.objectContaining({
        viewer_protocol_policy: 'redirect-to-https',
        cache_policy_id: '658327ea-f89d-4fab-a63d-7e88639e58f6',
      }),
      origin: [
        expect.objectContaining({
          domain_name: expect.stringMatching(/^\$\{aws_s3_bucket\.Storage_Public_.*\.bucket_regional_domain_name\}$/),
          origin_access_control_id: expect.stringMatching(/aws_cloudfront_origin_access_control\.Storage_Cdn_OriginAccessControl_/),
        }),
      ],
      viewer_certificate: { cloudfront_default_certificate: true },
    });
    // the CDN origin uses SSE-S3: OAC cannot decrypt objects under the AWS-managed aws/s3 key
    expect(synth).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      bucket: expect.stringContaining('Storage_Public_'),
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
    });
    const policies = resourcesOf(json, 'aws_s3_bucket_policy');
    const publicPolicy = policyOf(policies.find((p) => String(p.bucket).includes('Storage_Public_')) as Record<string, unknown>);
    expect(publicPolicy.Statement).toContainEqual({
      Sid: 'AllowCloudFrontRead',
      Effect: 'Allow',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Resource: expect.stringMatching(/Storage_Public_.*\.arn\}\/\*$/),
      Condition: { StringEquals: { 'AWS:SourceArn': expect.stringMatching(/aws_cloudfront_distribution\.Storage_Cdn_Distribution_.*\.arn/) } },
    });
    const privatePolicy = policyOf(policies.find((p) => String(p.bucket).includes('Storage_Private_')) as Record<string, unknown>);
    expect(privatePolicy.Statement.map((s) => s.Sid)).toEqual(['DenyInsecureTransport']);
    expect(resolveToken(stack, storage.cdnDomainName)).toMatch(/aws_cloudfront_distribution\..*\.domain_name/);
  });

  test('cdn with a certificate and aliases uses SNI and TLSv1.2_2021', () => {
    // WHEN
    new SharedStorage(stack, 'Storage', {
      network,
      buckets: twoBuckets(),
      cdn: true,
      cdnAliases: ['media.example.com'],
      cdnCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
    });
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(CloudfrontDistribution, {
      aliases: ['media.example.com'],
      viewer_certificate: {
        acm_certificate_arn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
        ssl_support_method: 'sni-only',
        minimum_protocol_version: 'TLSv1.2_2021',
      },
    });
  });

  test('warns when a publicRead bucket has no CDN', () => {
    // WHEN
    const storage = new SharedStorage(stack, 'Storage', { network, buckets: twoBuckets() });
    // THEN
    const warnings = storage.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/bucket 'public' is publicRead but cdn is off/)]);
  });

  test('posix shares: encrypted elastic EFS, backups, mount target per data subnet, access point per share', () => {
    // WHEN
    const storage = new SharedStorage(stack, 'Storage', {
      network,
      buckets: twoBuckets(),
      posixShares: [
        { id: 'dfs', path: '/var/www/shared/dfs', uid: 82, gid: 82 },
        { id: 'services', path: '/var/www/app/var/services' },
      ],
    });
    // THEN
    const { text: synth, json } = synthTextAndJson(stack);
    expect(synth).toHaveResourceWithProperties(EfsFileSystem, {
      encrypted: true,
      performance_mode: 'generalPurpose',
      throughput_mode: 'elastic',
      lifecycle_policy: [{ transition_to_ia: 'AFTER_30_DAYS' }],
      lifecycle: { prevent_destroy: true },
    });
    expect(synth).toHaveResourceWithProperties(EfsBackupPolicy, { backup_policy: { status: 'ENABLED' } });
    expect(synth).toHaveResourceWithProperties(EfsAccessPoint, {
      posix_user: { uid: 82, gid: 82 },
      root_directory: { path: '/dfs', creation_info: { owner_uid: 82, owner_gid: 82, permissions: '0750' } },
    });
    expect(synth).toHaveResourceWithProperties(EfsAccessPoint, {
      posix_user: { uid: 1000, gid: 1000 },
      root_directory: expect.objectContaining({ path: '/services' }),
    });
    const mountTargets = json.resource.aws_efs_mount_target;
    expect(Object.keys(mountTargets).map((k) => k.split('_')[2])).toEqual(['MountTarget1', 'MountTarget2', 'MountTarget3']);
    expect(Object.values(mountTargets).map((m) => m.subnet_id)).toEqual(
      resolveToken(stack, network.dataSubnetIds),
    );
    expect(Object.values(mountTargets)[0].security_groups).toEqual([expect.stringMatching(/aws_security_group\.Storage_SecurityGroup_/)]);
    expect(storage.posixMounts.map((m) => [m.id, m.path])).toEqual([
      ['dfs', '/var/www/shared/dfs'],
      ['services', '/var/www/app/var/services'],
    ]);
    expect(resolveToken(stack, storage.fileSystemId)).toMatch(/aws_efs_file_system\.Storage_FileSystem_.*\.id/);
  });

  test('file system policy denies non-TLS, root access and mounts that bypass an access point', () => {
    // WHEN
    new SharedStorage(stack, 'Storage', { network, buckets: twoBuckets(), posixShares: [{ id: 'dfs', path: '/mnt/dfs' }] });
    // THEN
    const policy = policyOf(resourcesOf(synthJson(stack), 'aws_efs_file_system_policy')[0]);
    expect(policy.Statement).toEqual([
      expect.objectContaining({ Sid: 'DenyInsecureTransport', Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      expect.objectContaining({ Sid: 'DenyRootAccess', Effect: 'Deny', Action: 'elasticfilesystem:ClientRootAccess' }),
      expect.objectContaining({
        Sid: 'DenyAccessWithoutAccessPoint',
        Effect: 'Deny',
        Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        Condition: { Null: { 'elasticfilesystem:AccessPointArn': 'true' } },
      }),
    ]);
    expect(policy.Statement.every((s) => s.Effect === 'Deny')).toBe(true);
  });

  test('mountCommands mount every share over TLS with IAM through its access point and persist it in fstab', () => {
    // GIVEN
    const storage = new SharedStorage(stack, 'Storage', { network, buckets: twoBuckets(), posixShares: [{ id: 'dfs', path: '/mnt/dfs' }] });
    // WHEN
    const lines = resolveToken(stack, storage.mountCommands()) as string[];
    // THEN
    expect(lines[0]).toBe('dnf install -y amazon-efs-utils');
    expect(lines).toContain('mkdir -p /mnt/dfs');
    // The fstab entry is mounted, retried for up to 10 minutes (mount targets may still settle).
    expect(lines).toContain('for _ in $(seq 1 60); do mountpoint -q /mnt/dfs && break; mount /mnt/dfs || sleep 10; done');
    expect(lines).toContainEqual(expect.stringMatching(/:\/ \/mnt\/dfs efs _netdev,noresvport,tls,iam,accesspoint=.* 0 0' >> \/etc\/fstab$/));
  });

  test('connections: NFS default port opens 2049 on the storage group', () => {
    // GIVEN
    const storage = new SharedStorage(stack, 'Storage', { network, buckets: twoBuckets(), posixShares: [{ id: 'dfs', path: '/mnt/dfs' }] });
    // WHEN
    storage.connections.allowDefaultPortFrom(Peer.ipv4('10.0.16.0/20'));
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      ip_protocol: 'tcp',
      from_port: 2049,
      to_port: 2049,
      cidr_ipv4: '10.0.16.0/20',
    });
  });

  test('grantReadWrite grants object read/write on every bucket and mount/write on the file system', () => {
    // GIVEN
    const storage = new SharedStorage(stack, 'Storage', { network, buckets: twoBuckets(), posixShares: [{ id: 'dfs', path: '/mnt/dfs' }] });
    const role = new InstanceRole(stack, 'AppRole', { namePrefix: 'test-app' });
    // WHEN
    storage.grantReadWrite(role);
    // THEN
    const policy = policyOf(resourcesOf(synthJson(stack), 'aws_iam_role_policy').find((p) => String(p.role).includes('AppRole')) as Record<string, unknown>);
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Action: ['s3:ListBucket', 's3:GetBucketLocation'],
        Resource: [expect.stringMatching(/Storage_Public_.*\.arn\}$/), expect.stringMatching(/Storage_Private_.*\.arn\}$/)],
      }),
    );
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        Resource: [expect.stringMatching(/Storage_Public_.*\.arn\}\/\*$/), expect.stringMatching(/Storage_Private_.*\.arn\}\/\*$/)],
      }),
    );
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        Resource: expect.stringMatching(/aws_efs_file_system\.Storage_FileSystem_.*\.arn/),
      }),
    );
  });

  test('grantRead grants object reads only and no file system access without shares', () => {
    // GIVEN
    const storage = new SharedStorage(stack, 'Storage', { network, buckets: twoBuckets() });
    const role = new InstanceRole(stack, 'AppRole', { namePrefix: 'test-app' });
    // WHEN
    storage.grantRead(role);
    // THEN
    const policy = policyOf(resourcesOf(synthJson(stack), 'aws_iam_role_policy').find((p) => String(p.role).includes('AppRole')) as Record<string, unknown>);
    const actions = policy.Statement.flatMap((s) => s.Action);
    expect(actions).toEqual(['s3:ListBucket', 's3:GetBucketLocation', 's3:GetObject']);
  });

  describe('validation', () => {
    const build = (overrides: Partial<SharedStorageProps>) => () =>
      new SharedStorage(stack, 'Storage', { network, buckets: twoBuckets(), ...overrides });

    test('applies the bucket rules every backend shares (one test each: test/constructs/core/shared-storage-rules.test.ts)', () => {
      expect(build({ buckets: [] })).toThrow(/^test\/Storage: buckets: got \[\]; allowed: at least one bucket/);
    });

    test('applies the share rules every backend shares, with its own example path in the fix', () => {
      expect(build({ posixShares: [{ id: 'dfs', path: 'mnt/dfs' }] })).toThrow(/posixShares\[\]\.path: got \['mnt\/dfs'\]; .*; fix: use e\.g\. '\/var\/www\/shared\/dfs'$/);
    });

    test('fails when bucket ids clash as construct ids', () => {
      expect(build({ buckets: [{ id: 'a1', folders: ['a'] }, { id: 'a-1', folders: ['b'] }] })).toThrow(/construct ids clash/);
    });

    test('fails when a bucket id is reserved', () => {
      expect(build({ buckets: [{ id: 'cdn', folders: ['a'] }] })).toThrow(/buckets\[\]\.id: got \['cdn'\]; allowed: ids other than/);
    });

    test('fails when the bucket name prefix is not lowercase', () => {
      expect(build({ bucketNamePrefix: 'Shop-' })).toThrow(/bucketNamePrefix: got 'Shop-'; allowed: lowercase letters/);
    });

    test('fails when the bucket prefix exceeds 37 characters', () => {
      expect(build({ bucketNamePrefix: 'a-very-long-company-name-production-' })).toThrow(/allowed: at most 37 characters/);
    });

    test('fails when noncurrentVersionExpirationDays is not a positive whole number', () => {
      expect(build({ noncurrentVersionExpirationDays: 0 })).toThrow(/noncurrentVersionExpirationDays: got 0; allowed: a whole number of days >= 1/);
    });

    test('fails when cdn is on without exactly one publicRead bucket', () => {
      expect(build({ cdn: true, buckets: [{ id: 'private', folders: ['files'] }] })).toThrow(
        /cdn: got true with 0 publicRead bucket\(s\) \[\]; allowed: exactly one publicRead bucket/,
      );
    });

    test('fails when CDN settings are given with cdn off', () => {
      expect(build({ cdnAliases: ['media.example.com'] })).toThrow(/cdnCertificateArn\/cdnAliases: .* with cdn off; allowed: only with cdn: true/);
    });

    test('fails when aliases come without a certificate', () => {
      expect(build({ cdn: true, cdnAliases: ['media.example.com'] })).toThrow(/cdnCertificateArn\/cdnAliases: got none \/ \['media.example.com'\]; allowed: both or neither/);
    });

    test('fails when the certificate is not in us-east-1', () => {
      expect(
        build({ cdn: true, cdnAliases: ['media.example.com'], cdnCertificateArn: 'arn:aws:acm:eu-central-1:123456789012:certificate/abc' }),
      ).toThrow(/cdnCertificateArn: got 'arn:aws:acm:eu-central-1:.*'; allowed: an ACM certificate ARN in us-east-1/);
    });

    test('fails when share ids clash as construct ids', () => {
      expect(build({ posixShares: [{ id: 'd1', path: '/mnt/a' }, { id: 'd-1', path: '/mnt/b' }] })).toThrow(/posixShares\[\]\.id: got \['d-1'\] whose construct ids clash/);
    });

    test('fails when a share runs as root or with a bad id', () => {
      expect(build({ posixShares: [{ id: 'dfs', path: '/mnt/dfs', uid: 0, gid: 1.5 }] })).toThrow(
        /posixShares\[\]\.uid\/gid: got dfs\.uid=0, dfs\.gid=1\.5; allowed: whole numbers 1 to 4294967295/,
      );
    });
  });
});
