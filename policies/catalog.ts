/**
 * The rules of the webcluster policy pack, in id order.
 */
import type { PolicyRule } from './rule';
import { DataStoreEncryptedAtRest } from './rules/DataStoreEncryptedAtRest';
import { DataStoreInternalNetworkOnly } from './rules/DataStoreInternalNetworkOnly';
import { DataStoreNoPublishedPorts } from './rules/DataStoreNoPublishedPorts';
import { DockerImagePinned } from './rules/DockerImagePinned';
import { DockerSocketReadOnly } from './rules/DockerSocketReadOnly';
import { EfsTlsOnlyPolicy } from './rules/EfsTlsOnlyPolicy';
import { ElastiCacheTransitEncryption } from './rules/ElastiCacheTransitEncryption';
import { Imdsv2Required } from './rules/Imdsv2Required';
import { LoadBalancerTlsListener } from './rules/LoadBalancerTlsListener';
import { LogGroupRetention } from './rules/LogGroupRetention';
import { NoPublicSsh } from './rules/NoPublicSsh';
import { NoWorldOpenIngress } from './rules/NoWorldOpenIngress';
import { RdsRequireSecureTransport } from './rules/RdsRequireSecureTransport';
import { S3PublicAccessBlocked } from './rules/S3PublicAccessBlocked';
import { S3TlsOnlyPolicy } from './rules/S3TlsOnlyPolicy';
import { StatefulDeletionProtection } from './rules/StatefulDeletionProtection';
import { StatefulMultiAz } from './rules/StatefulMultiAz';

/** Rules about AWS resources (`WC-AWS-*`). */
export const AWS_RULES: readonly PolicyRule[] = [
  DataStoreEncryptedAtRest,
  ElastiCacheTransitEncryption,
  RdsRequireSecureTransport,
  S3TlsOnlyPolicy,
  EfsTlsOnlyPolicy,
  LoadBalancerTlsListener,
  NoWorldOpenIngress,
  NoPublicSsh,
  Imdsv2Required,
  S3PublicAccessBlocked,
  StatefulMultiAz,
  LogGroupRetention,
  StatefulDeletionProtection,
];

/** Rules about Docker resources (`WC-DKR-*`); not applicable to AWS stacks. */
export const DOCKER_RULES: readonly PolicyRule[] = [DockerImagePinned, DataStoreInternalNetworkOnly, DataStoreNoPublishedPorts, DockerSocketReadOnly];

/** Every rule. */
export const ALL_RULES: readonly PolicyRule[] = [...AWS_RULES, ...DOCKER_RULES];
