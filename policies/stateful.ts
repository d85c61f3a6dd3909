/**
 * Which resource types may be deleted or replaced without losing something that cannot be made
 * again.
 *
 * - {@link STATEFUL_RESOURCE_TYPES}: the data stores. The stable-address test pins their Terraform
 *   addresses, and split stacks keep them all in the data stack.
 * - {@link IRREVERSIBLE_RESOURCE_TYPES}: the data stores plus every other type whose loss cannot be
 *   undone (generated secrets, keys, logs, public addresses). `scripts/plan-guard.js` refuses plans
 *   that would delete or replace one; it keeps its own copy of this list with what each loses, and
 *   `test/plan-guard.test.ts` checks that the two lists are equal.
 * - {@link RECREATABLE_RESOURCE_TYPES}: the types Terraform can make again from the configuration
 *   alone, each with the reason. A test fails when a default stack synthesizes a type that is in
 *   neither list, so every new type gets a decision.
 */

/** Types that hold data: replacing or deleting one loses it. */
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

/**
 * Types whose deletion or replacement loses something Terraform cannot make again. The plan guard
 * flags `aws_ssm_parameter` only when it is a `SecureString` (a stored secret; plain parameters hold
 * rendered configuration).
 */
export const IRREVERSIBLE_RESOURCE_TYPES = [
  ...STATEFUL_RESOURCE_TYPES,
  'aws_ebs_snapshot',
  'aws_db_cluster_snapshot',
  'aws_secretsmanager_secret',
  'aws_ssm_parameter',
  'aws_kms_key',
  'aws_cloudwatch_log_group',
  'aws_eip',
  'random_password',
  'random_id',
  'tls_private_key',
] as const;

/** Types Terraform makes again from the configuration alone, with the reason. */
export const RECREATABLE_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  aws_acm_certificate: 'a new certificate is issued and validated through DNS',
  aws_acm_certificate_validation: 'a wait for validation, holds nothing',
  aws_autoscaling_group: 'its instances are stateless and are launched again',
  aws_autoscaling_policy: 'configuration only',
  aws_cloudfront_distribution: 'configuration only; its cache fills again (its domain name changes, the DNS record follows)',
  aws_cloudfront_origin_access_control: 'configuration only',
  aws_cloudfront_response_headers_policy: 'configuration only',
  aws_db_subnet_group: 'configuration only',
  aws_default_security_group: 'configuration only',
  aws_dlm_lifecycle_policy: 'configuration only; snapshots it made are kept when it is deleted',
  aws_efs_access_point: 'configuration only (the data is in the file system)',
  aws_efs_backup_policy: 'configuration only (switches AWS Backup on)',
  aws_efs_file_system_policy: 'configuration only',
  aws_efs_mount_target: 'a network interface, made again',
  aws_elasticache_parameter_group: 'configuration only',
  aws_elasticache_subnet_group: 'configuration only',
  aws_flow_log: 'configuration only (the records are in the log group)',
  aws_iam_instance_profile: 'configuration only',
  aws_iam_role: 'configuration only',
  aws_iam_role_policy: 'configuration only',
  aws_iam_role_policy_attachment: 'configuration only',
  aws_instance: 'stateless hosts: their data is on separate EBS volumes, databases or buckets',
  aws_internet_gateway: 'network plumbing, made again',
  aws_launch_template: 'configuration only',
  aws_lb: 'made again with a new DNS name, which the DNS records follow',
  aws_lb_listener: 'configuration only',
  aws_lb_listener_rule: 'configuration only',
  aws_lb_target_group: 'configuration only',
  aws_lb_target_group_attachment: 'configuration only',
  aws_nat_gateway: 'network plumbing, made again (its public address is the protected aws_eip)',
  aws_rds_cluster_parameter_group: 'configuration only',
  aws_route: 'configuration only',
  aws_route53_record: 'configuration only',
  aws_route53_zone: 'private zones of internal names, whose records Terraform or the hosts write again',
  aws_route_table: 'configuration only',
  aws_route_table_association: 'configuration only',
  aws_s3_bucket_lifecycle_configuration: 'configuration only (the objects are in the protected bucket)',
  aws_s3_bucket_ownership_controls: 'configuration only',
  aws_s3_bucket_policy: 'configuration only',
  aws_s3_bucket_public_access_block: 'configuration only',
  aws_s3_bucket_server_side_encryption_configuration: 'configuration only',
  aws_s3_bucket_versioning: 'configuration only',
  aws_security_group: 'configuration only',
  aws_ssm_association: 'configuration only',
  aws_ssm_document: 'configuration only',
  aws_subnet: 'network plumbing, made again',
  aws_volume_attachment: 'an attachment; the volume itself is protected',
  aws_vpc: 'network plumbing, made again',
  aws_vpc_endpoint: 'network plumbing, made again',
  aws_vpc_security_group_egress_rule: 'configuration only',
  aws_vpc_security_group_ingress_rule: 'configuration only',
  docker_config: 'rendered files, made again from the configuration',
  docker_container: 'containers are stateless; their data is on protected volumes',
  docker_image: 'pulled again',
  docker_network: 'made again',
  docker_secret: 'the value comes from a Terraform variable on every apply',
  docker_service: 'services are stateless; their data is on protected volumes',
};
