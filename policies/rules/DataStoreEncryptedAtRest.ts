/**
 * WC-AWS-001: every data store encrypts its data at rest.
 */
import type { IConstruct } from 'constructs';
import { block, blocks, isTrue, refersTo, resourceOf, resourcesOfType, type TfElement } from '../private/terraform';
import type { Compliance, PolicyRule } from '../rule';

/** Whether a bucket has default encryption, inline or through its own configuration resource. */
function bucketEncrypted(bucket: TfElement): boolean {
  const hasAlgorithm = (config: unknown): boolean =>
    blocks(block(config)?.rule).some((r) => typeof block(r.apply_server_side_encryption_by_default)?.sse_algorithm === 'string');
  if (hasAlgorithm(bucket.attrs.server_side_encryption_configuration)) return true;
  return resourcesOfType(bucket.node, 'aws_s3_bucket_server_side_encryption_configuration').some(
    (c) => refersTo(c.attrs.bucket, bucket, [bucket.attrs.bucket]) && blocks(c.attrs.rule).some((r) => typeof block(r.apply_server_side_encryption_by_default)?.sse_algorithm === 'string'),
  );
}

function check(node: IConstruct): Compliance {
  const r = resourceOf(node, 'aws_rds_cluster', 'aws_db_instance', 'aws_elasticache_replication_group', 'aws_efs_file_system', 'aws_s3_bucket');
  if (!r) return 'not-applicable';
  switch (r.type) {
    case 'aws_rds_cluster':
    case 'aws_db_instance':
      return isTrue(r.attrs.storage_encrypted) ? 'compliant' : 'non-compliant';
    case 'aws_elasticache_replication_group':
      return isTrue(r.attrs.at_rest_encryption_enabled) ? 'compliant' : 'non-compliant';
    case 'aws_efs_file_system':
      return isTrue(r.attrs.encrypted) ? 'compliant' : 'non-compliant';
    default:
      return bucketEncrypted(r) ? 'compliant' : 'non-compliant';
  }
}

/** Data stores encrypt at rest: RDS storage, ElastiCache, EFS, S3 default encryption. */
export const DataStoreEncryptedAtRest: PolicyRule = {
  id: 'WC-AWS-001',
  name: 'DataStoreEncryptedAtRest',
  level: 'error',
  info: 'The data store is not encrypted at rest (storage_encrypted / at_rest_encryption_enabled / encrypted / S3 default encryption).',
  explanation:
    'Shop data (customers, orders, sessions, media) must not be readable from disks, snapshots or backups outside the service. ' +
    'Encryption at rest can only be chosen when the store is created: turning it on later replaces the resource. ' +
    'Set storage_encrypted on RDS, at_rest_encryption_enabled on ElastiCache, encrypted on EFS, and add an ' +
    'aws_s3_bucket_server_side_encryption_configuration to every bucket (SecureBucket does all of this).',
  check,
};
