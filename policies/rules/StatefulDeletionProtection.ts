/**
 * WC-AWS-013: databases, durable caches, file systems and buckets cannot be destroyed by accident.
 */
import type { IConstruct } from 'constructs';
import { isTrue, numberOf, preventsDestroy, resourceOf, type TfElement } from '../private/terraform';
import type { Compliance, PolicyRule } from '../rule';

function databaseProtected(db: TfElement): boolean {
  return isTrue(db.attrs.deletion_protection) && preventsDestroy(db) && !isTrue(db.attrs.skip_final_snapshot);
}

function check(node: IConstruct): Compliance {
  const r = resourceOf(node, 'aws_rds_cluster', 'aws_db_instance', 'aws_elasticache_replication_group', 'aws_efs_file_system', 'aws_s3_bucket');
  if (!r) return 'not-applicable';
  switch (r.type) {
    case 'aws_rds_cluster':
    case 'aws_db_instance':
      return databaseProtected(r) ? 'compliant' : 'non-compliant';
    case 'aws_elasticache_replication_group': {
      // A group without snapshots is a cache: losing it costs a warm-up, not data.
      const snapshots = numberOf(r.attrs.snapshot_retention_limit) ?? 0;
      if (snapshots <= 0) return 'not-applicable';
      return preventsDestroy(r) && typeof r.attrs.final_snapshot_identifier === 'string' ? 'compliant' : 'non-compliant';
    }
    case 'aws_efs_file_system':
      return preventsDestroy(r) ? 'compliant' : 'non-compliant';
    default:
      return preventsDestroy(r) && !isTrue(r.attrs.force_destroy) ? 'compliant' : 'non-compliant';
  }
}

/** prevent_destroy (plus deletion protection and final snapshots where the service has them) on stateful resources. */
export const StatefulDeletionProtection: PolicyRule = {
  id: 'WC-AWS-013',
  name: 'StatefulDeletionProtection',
  level: 'error',
  offWhenAllowDestroy: true,
  info: 'The stateful resource can be destroyed by Terraform (needs prevent_destroy; RDS also deletion_protection and a final snapshot; durable ElastiCache a final snapshot; S3 no force_destroy).',
  explanation:
    'A renamed construct ID, a changed immutable attribute or a stray `cdktf destroy` makes Terraform delete and re-create a ' +
    'resource; for a database, a session or cart cache with snapshots, a file system or a bucket that is data loss. ' +
    'prevent_destroy makes such a plan fail, deletion protection stops the API call, and a final snapshot keeps a copy. ' +
    'Set allowDestroy: true on dev/test environments to turn this rule (and the protection) off explicitly.',
  check,
};
