/**
 * The ids of the policy rules, without the rules themselves, so the configuration schema can check
 * suppressions without loading the provider bindings. `test/policies/policy-pack.test.ts` checks that
 * this list and the rules in `policies/catalog.ts` agree.
 */

/** Every rule id, with the rule's name. */
export const RULES_BY_ID = {
  'WC-AWS-001': 'DataStoreEncryptedAtRest',
  'WC-AWS-002': 'ElastiCacheTransitEncryption',
  'WC-AWS-003': 'RdsRequireSecureTransport',
  'WC-AWS-004': 'S3TlsOnlyPolicy',
  'WC-AWS-005': 'EfsTlsOnlyPolicy',
  'WC-AWS-006': 'LoadBalancerTlsListener',
  'WC-AWS-007': 'NoWorldOpenIngress',
  'WC-AWS-008': 'NoPublicSsh',
  'WC-AWS-009': 'Imdsv2Required',
  'WC-AWS-010': 'S3PublicAccessBlocked',
  'WC-AWS-011': 'StatefulMultiAz',
  'WC-AWS-012': 'LogGroupRetention',
  'WC-AWS-013': 'StatefulDeletionProtection',
  'WC-DKR-001': 'DockerImagePinned',
  'WC-DKR-002': 'DataStoreInternalNetworkOnly',
  'WC-DKR-003': 'DataStoreNoPublishedPorts',
  'WC-DKR-004': 'DockerSocketReadOnly',
} as const;

/** A rule id such as `WC-AWS-001`. */
export type RuleId = keyof typeof RULES_BY_ID;

/** Every rule id, in order. */
export const RULE_IDS = Object.keys(RULES_BY_ID) as [RuleId, ...RuleId[]];
