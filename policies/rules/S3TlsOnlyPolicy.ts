/**
 * WC-AWS-004: buckets deny requests made without TLS.
 */
import type { IConstruct } from 'constructs';
import { deniesInsecureTransport } from '../private/iam';
import { refersTo, resourceOf, resourcesOfType } from '../private/terraform';
import type { Compliance, PolicyRule } from '../rule';

function check(node: IConstruct): Compliance {
  const bucket = resourceOf(node, 'aws_s3_bucket');
  if (!bucket) return 'not-applicable';
  const policies = [
    bucket.attrs.policy,
    ...resourcesOfType(node, 'aws_s3_bucket_policy')
      .filter((p) => refersTo(p.attrs.bucket, bucket, [bucket.attrs.bucket]))
      .map((p) => p.attrs.policy),
  ];
  return policies.some((p) => deniesInsecureTransport(node, p)) ? 'compliant' : 'non-compliant';
}

/** Every bucket has a policy denying requests without TLS. */
export const S3TlsOnlyPolicy: PolicyRule = {
  id: 'WC-AWS-004',
  name: 'S3TlsOnlyPolicy',
  level: 'error',
  info: 'The bucket policy does not deny requests without TLS (a Deny statement with Bool aws:SecureTransport = false).',
  explanation:
    'S3 still answers plain HTTP requests, so a misconfigured client can send credentials-signed requests and data in clear text. ' +
    'A bucket policy statement that denies every request whose aws:SecureTransport is false closes that path for every ' +
    'principal. SecureBucket adds it to every bucket it creates.',
  check,
};
