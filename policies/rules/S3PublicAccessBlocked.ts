/**
 * WC-AWS-010: every bucket blocks public access with all four switches.
 */
import type { IConstruct } from 'constructs';
import { type Attrs, isTrue, refersTo, resourceOf, resourcesOfType } from '../private/terraform';
import type { Compliance, PolicyRule } from '../rule';

const SWITCHES = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];

function allOn(attrs: Attrs): boolean {
  return SWITCHES.every((s) => isTrue(attrs[s]));
}

function check(node: IConstruct): Compliance {
  const bucket = resourceOf(node, 'aws_s3_bucket');
  if (!bucket) return 'not-applicable';
  const ownBlock = resourcesOfType(node, 'aws_s3_bucket_public_access_block').some(
    (b) => refersTo(b.attrs.bucket, bucket, [bucket.attrs.bucket]) && allOn(b.attrs),
  );
  const accountBlock = resourcesOfType(node, 'aws_s3_account_public_access_block').some((b) => allOn(b.attrs));
  return ownBlock || accountBlock ? 'compliant' : 'non-compliant';
}

/** An aws_s3_bucket_public_access_block (or the account's) with all four switches on. */
export const S3PublicAccessBlocked: PolicyRule = {
  id: 'WC-AWS-010',
  name: 'S3PublicAccessBlocked',
  level: 'error',
  info: 'The bucket has no public access block with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true.',
  explanation:
    'Without Block Public Access a single ACL or policy statement (from a console click or a tool) makes private files, ' +
    'invoices or backups world-readable. Public files are served through CloudFront with origin access control, which ' +
    'works with all four switches on; SecureBucket sets them on every bucket.',
  check,
};
