/**
 * The AWS rules of SharedStorage, checked with the rules every backend shares
 * (constructs/core/shared-storage-rules.ts): construct ids, bucket name prefix, retention, CDN
 * settings and EFS access point ids.
 */
import { Token } from '../../core/cdktf';
import { pascalCase } from '../../core/names';
import { duplicates, quotedList, sharedStorageRules } from '../../core/shared-storage-rules';
import type { ValidationRule } from '../../core/validation-error';

/** Construct IDs of the storage's own children, which bucket ids must not take. */
const RESERVED_IDS = ['SecurityGroup', 'FileSystem', 'Cdn'];
/** AWS limit for `bucket_prefix`. */
const MAX_BUCKET_PREFIX = 37;

/** The props of an AWS SharedStorage the rules read, with their defaults applied. */
export interface AwsStorageRuleInput {
  readonly buckets: readonly { readonly id: string; readonly folders: readonly string[]; readonly publicRead?: boolean }[];
  readonly posixShares: readonly { readonly id: string; readonly path: string; readonly uid?: number; readonly gid?: number }[];
  readonly cdn: boolean;
  readonly bucketNamePrefix: string;
  readonly noncurrentVersionExpirationDays: number;
  readonly cdnAliases: readonly string[];
  readonly cdnCertificateArn?: string;
}

/** Every rule of an AWS SharedStorage, in priority order. */
export function awsStorageRules(input: AwsStorageRuleInput): ValidationRule[] {
  const bucketIds = input.buckets.map((b) => b.id);
  const shareIds = input.posixShares.map((s) => s.id);
  return sharedStorageRules(
    { buckets: input.buckets, posixShares: input.posixShares, sharePathExample: '/var/www/shared/dfs' },
    {
      bucketIds: bucketConstructIdRules(bucketIds),
      buckets: [...bucketNameRules(input), ...cdnRules(input)],
      shareIds: [
        {
          failed: constructIdClashes(shareIds).length > 0,
          message: () =>
            `posixShares[].id: got ${quotedList(constructIdClashes(shareIds))} whose construct ids clash with another share's (hyphens are dropped); allowed: ids that differ after removing hyphens; fix: rename the share`,
        },
      ],
      shares: [posixIdRule(input.posixShares)],
    },
  );
}

/** Ids whose PascalCase form (a construct ID) repeats an earlier one; empty while ids repeat outright. */
function constructIdClashes(xs: readonly string[]): string[] {
  return duplicates(xs).length > 0 ? [] : xs.filter((x, i) => xs.findIndex((y) => pascalCase(y) === pascalCase(x)) !== i);
}

function bucketConstructIdRules(bucketIds: readonly string[]): ValidationRule[] {
  const reserved = bucketIds.filter((b) => RESERVED_IDS.includes(pascalCase(b)));
  return [
    {
      failed: constructIdClashes(bucketIds).length > 0,
      message: () =>
        `buckets[].id: got ${quotedList(constructIdClashes(bucketIds))} whose construct ids clash with another bucket's (hyphens are dropped); allowed: ids that differ after removing hyphens; fix: rename the bucket`,
    },
    {
      failed: reserved.length > 0,
      message: () =>
        `buckets[].id: got ${quotedList(reserved)}; allowed: ids other than security-group, file-system and cdn; fix: rename the bucket`,
    },
  ];
}

function bucketNameRules(input: AwsStorageRuleInput): ValidationRule[] {
  const prefix = input.bucketNamePrefix;
  const prefixKnown = !Token.isUnresolved(prefix);
  const longest = input.buckets.map((b) => b.id).reduce((a, b) => (b.length > a.length ? b : a), '');
  const fullPrefix = `${prefix}${longest}-`;
  const days = input.noncurrentVersionExpirationDays;
  return [
    {
      failed: prefixKnown && !/^[a-z0-9][a-z0-9.-]*$/.test(prefix),
      message: () =>
        `bucketNamePrefix: got '${prefix}'; allowed: lowercase letters, digits, '.' and '-', starting with a letter or digit; fix: pass a lowercase bucketNamePrefix such as 'shop-prod-'`,
    },
    {
      failed: prefixKnown && fullPrefix.length > MAX_BUCKET_PREFIX,
      message: () =>
        `bucketNamePrefix: got '${prefix}' which with bucket id '${longest}' makes the ${fullPrefix.length}-character prefix '${fullPrefix}'; allowed: at most ${MAX_BUCKET_PREFIX} characters (S3 bucket_prefix limit); fix: pass a shorter bucketNamePrefix or shorter bucket ids`,
    },
    {
      failed: !Number.isInteger(days) || days < 1,
      message: () => `noncurrentVersionExpirationDays: got ${days}; allowed: a whole number of days >= 1; fix: use e.g. 30`,
    },
  ];
}

function cdnRules(input: AwsStorageRuleInput): ValidationRule[] {
  const { cdn, cdnAliases: aliases, cdnCertificateArn: certificateArn } = input;
  const publicIds = input.buckets.filter((b) => b.publicRead ?? false).map((b) => b.id);
  return [
    {
      failed: cdn && publicIds.length !== 1,
      message: () =>
        `cdn: got true with ${publicIds.length} publicRead bucket(s) ${quotedList(publicIds)}; allowed: exactly one publicRead bucket behind the CDN; fix: set publicRead: true on the one bucket of public files, or set cdn: false`,
    },
    {
      failed: !cdn && (certificateArn !== undefined || aliases.length > 0),
      message: () =>
        `cdnCertificateArn/cdnAliases: got ${certificateArn ?? 'none'} / ${quotedList(aliases)} with cdn off; allowed: only with cdn: true; fix: set cdn: true or drop them`,
    },
    {
      failed: cdn && (certificateArn === undefined) !== (aliases.length === 0),
      message: () =>
        `cdnCertificateArn/cdnAliases: got ${certificateArn ?? 'none'} / ${quotedList(aliases)}; allowed: both or neither; fix: a custom domain needs a certificate covering it, and a certificate needs the domain names it serves`,
    },
    {
      failed: certificateArn !== undefined && !Token.isUnresolved(certificateArn) && !certificateArn.startsWith('arn:aws:acm:us-east-1:'),
      message: () =>
        `cdnCertificateArn: got '${certificateArn}'; allowed: an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from there); fix: request or import the certificate in us-east-1`,
    },
  ];
}

/** EFS access points run as a POSIX user: whole ids, never root. */
function posixIdRule(shares: AwsStorageRuleInput['posixShares']): ValidationRule {
  const bad = shares.flatMap((s) =>
    (['uid', 'gid'] as const)
      .map((k) => ({ k, v: s[k] ?? 1000 }))
      .filter(({ v }) => !Number.isInteger(v) || v < 1 || v > 4294967295)
      .map(({ k, v }) => `${s.id}.${k}=${v}`),
  );
  return {
    failed: bad.length > 0,
    message: () =>
      `posixShares[].uid/gid: got ${bad.join(', ')}; allowed: whole numbers 1 to 4294967295 (root is not allowed); fix: use the app user's ids, e.g. 82 for www-data in the Shopware image`,
  };
}
