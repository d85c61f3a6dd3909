/**
 * The EFS file system of a SharedStorage's POSIX shares (construct ID `FileSystem`).
 */
import { EfsAccessPoint } from '@cdktf/provider-aws/lib/efs-access-point';
import { EfsBackupPolicy } from '@cdktf/provider-aws/lib/efs-backup-policy';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { EfsFileSystemPolicy } from '@cdktf/provider-aws/lib/efs-file-system-policy';
import { EfsMountTarget } from '@cdktf/provider-aws/lib/efs-mount-target';
import { Construct } from 'constructs';
import { pascalCase } from '../../core/names';
import type { IEncryptionKey } from '../encryption-key';
import { policyDocument } from './iam';

/** One share: an access point rooted at `/<id>`. */
export interface SharedFileSystemShare {
  /** Logical name; the root directory is `/<id>`. */
  readonly id: string;
  /** Absolute mount path on the hosts. */
  readonly path: string;
  /**
   * POSIX user id of every file operation, owner of the root directory.
   * @default 1000
   */
  readonly uid?: number;
  /**
   * POSIX group id of every file operation, group of the root directory.
   * @default 1000
   */
  readonly gid?: number;
}

/** One mounted POSIX share (exported as `PosixMount` by constructs/aws/shared-storage.ts too). */
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

/** Properties of a {@link SharedFileSystem}. */
export interface SharedFileSystemProps {
  /** The shares, one access point each, in this order. */
  readonly shares: readonly SharedFileSystemShare[];
  /** Subnets of the mount targets, one target each. */
  readonly subnetIds: readonly string[];
  /** Security group of the mount targets. */
  readonly securityGroupId: string;
  /** Start of the `Name` tags. */
  readonly namePrefix: string;
  /** Terraform `prevent_destroy` on the file system. */
  readonly preventDestroy: boolean;
  /**
   * Customer-managed KMS key.
   * @default - the AWS-managed key
   */
  readonly encryptionKey?: IEncryptionKey;
}

/**
 * Encrypted EFS (elastic throughput, backups on, Infrequent Access after 30 days), a mount target per
 * subnet and an access point per share; its policy denies non-TLS access, root access and mounts
 * that bypass an access point.
 *
 * @resource aws_efs_file_system
 */
export class SharedFileSystem extends Construct {
  /** The file system. */
  public readonly resource: EfsFileSystem;
  /** File system id. @attribute */
  public readonly fileSystemId: string;
  /** File system ARN. @attribute */
  public readonly fileSystemArn: string;
  /** The mount targets, in subnet order. */
  public readonly mountTargets: readonly EfsMountTarget[];
  /** The shares with their access points, in share order. */
  public readonly mounts: readonly PosixMount[];

  constructor(scope: Construct, id: string, props: SharedFileSystemProps) {
    super(scope, id);
    const fs = new EfsFileSystem(this, 'Resource', {
      encrypted: true,
      ...(props.encryptionKey ? { kmsKeyId: props.encryptionKey.keyArn } : {}),
      performanceMode: 'generalPurpose',
      throughputMode: 'elastic',
      lifecyclePolicy: [{ transitionToIa: 'AFTER_30_DAYS' }],
      lifecycle: { preventDestroy: props.preventDestroy },
      tags: { Name: `${props.namePrefix}-shared` },
    });
    this.resource = fs;
    this.fileSystemId = fs.id;
    this.fileSystemArn = fs.arn;
    new EfsBackupPolicy(this, 'BackupPolicy', {
      fileSystemId: fs.id,
      backupPolicy: { status: 'ENABLED' },
    });
    new EfsFileSystemPolicy(this, 'Policy', {
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
    this.mountTargets = props.subnetIds.map((subnetId, i) =>
      new EfsMountTarget(this, `MountTarget${i + 1}`, {
        fileSystemId: fs.id,
        subnetId,
        securityGroups: [props.securityGroupId],
      }),
    );
    this.mounts = props.shares.map((share) => {
      const uid = share.uid ?? 1000;
      const gid = share.gid ?? 1000;
      const ap = new EfsAccessPoint(this, `AccessPoint${pascalCase(share.id)}`, {
        fileSystemId: fs.id,
        posixUser: { uid, gid },
        rootDirectory: {
          path: `/${share.id}`,
          creationInfo: { ownerUid: uid, ownerGid: gid, permissions: '0750' },
        },
        tags: { Name: `${props.namePrefix}-${share.id}` },
      });
      return { id: share.id, path: share.path, fileSystemId: fs.id, accessPointId: ap.id };
    });
  }
}
