/**
 * WC-AWS-005: EFS file systems deny mounts without TLS.
 */
import type { IConstruct } from 'constructs';
import { deniesInsecureTransport } from '../private/iam';
import { refersTo, resourceOf, resourcesOfType } from '../private/terraform';
import type { Compliance, PolicyRule } from '../rule';

function check(node: IConstruct): Compliance {
  const fs = resourceOf(node, 'aws_efs_file_system');
  if (!fs) return 'not-applicable';
  const policies = resourcesOfType(node, 'aws_efs_file_system_policy').filter((p) => refersTo(p.attrs.file_system_id, fs));
  return policies.some((p) => deniesInsecureTransport(node, p.attrs.policy)) ? 'compliant' : 'non-compliant';
}

/** Every EFS file system has a policy denying access without TLS. */
export const EfsTlsOnlyPolicy: PolicyRule = {
  id: 'WC-AWS-005',
  name: 'EfsTlsOnlyPolicy',
  level: 'error',
  info: 'The file system has no aws_efs_file_system_policy denying access without TLS (Bool aws:SecureTransport = false).',
  explanation:
    'NFS mounts without the tls mount option send file contents in clear text through the VPC. A file system policy that ' +
    'denies every request whose aws:SecureTransport is false makes such mounts fail instead of silently working; ' +
    'SharedStorage adds it together with the efs-utils tls mount option.',
  check,
};
