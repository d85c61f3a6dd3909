/**
 * IAM policy documents as plain data (rendered with JSON.stringify; cdktf resolves the tokens inside).
 */

/** One IAM policy statement. */
export interface PolicyStatement {
  /** Statement id. */
  readonly Sid?: string;
  /** Allow or Deny. */
  readonly Effect: 'Allow' | 'Deny';
  /** Principal of a resource policy. */
  readonly Principal?: Record<string, string | string[]> | '*';
  /** Actions. */
  readonly Action: string | string[];
  /** Resources. */
  readonly Resource?: string | string[];
  /** Conditions. */
  readonly Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

/** Renders a policy document. */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** Conditions of a policy statement: operator, then condition key, then value(s). */
export type PolicyConditions = NonNullable<PolicyStatement['Condition']>;

/**
 * Trust policy that lets one AWS service assume a role; with `conditions`, only when they hold
 * (e.g. {@link sourceConditions} against the confused-deputy problem).
 */
export function assumeRolePolicy(service: string, conditions?: PolicyConditions): string {
  return policyDocument([
    { Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', ...(conditions ? { Condition: conditions } : {}) },
  ]);
}

/**
 * The confused-deputy conditions of a service principal: the request comes from a resource of
 * `sourceAccount` whose ARN matches `sourceArn` (wildcards allowed, compared with `ArnLike`).
 */
export function sourceConditions(sourceAccount: string, sourceArn: string): PolicyConditions {
  return { StringEquals: { 'aws:SourceAccount': sourceAccount }, ArnLike: { 'aws:SourceArn': sourceArn } };
}

/** Bucket-policy statement that denies every request not sent over TLS. */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/** Longest `name_prefix` of an IAM role (64 characters less the 26-character unique suffix). */
export const IAM_ROLE_NAME_PREFIX_MAX = 38;

/**
 * Shortens a generated name prefix to `max` characters (the provider appends a unique suffix, so a
 * shortened prefix stays unique); the prefix keeps its trailing `-`.
 */
export function fitNamePrefix(prefix: string, max: number): string {
  if (prefix.length <= max) return prefix;
  return `${prefix.slice(0, max - 1).replace(/-+$/, '')}-`;
}

/** Statement that lets a role read Secrets Manager secrets and, with `write`, store new values in them. */
export function secretAccess(sid: string, resource: string | string[], write = false): PolicyStatement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', ...(write ? ['secretsmanager:PutSecretValue'] : [])],
    Resource: resource,
  };
}
