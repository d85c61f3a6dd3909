/**
 * Resource types that hold data: replacing or deleting one loses it. The stable-address test pins
 * their Terraform addresses, and `scripts/plan-guard.js` (which keeps its own copy of this list,
 * checked by `test/plan-guard.test.ts`) refuses plans that would delete or replace them.
 */
export const STATEFUL_RESOURCE_TYPES = [
  'aws_rds_cluster',
  'aws_rds_cluster_instance',
  'aws_db_instance',
  'aws_elasticache_replication_group',
  'aws_s3_bucket',
  'aws_efs_file_system',
  'aws_ebs_volume',
  'docker_volume',
] as const;
