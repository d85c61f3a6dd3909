/**
 * EncryptionKey: the customer-managed KMS key of a stack's data (databases, caches, file systems,
 * volumes, log groups, secrets), created here or brought by ARN.
 */
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { Token } from '../core/cdktf';
import { validate } from '../core/validation-error';
import type { IGrantable } from './instance-role';
import { policyDocument } from './private/iam';

/** A KMS key the constructs encrypt with. */
export interface IEncryptionKey {
  /** Key ARN (what `kms_key_id` attributes take). */
  readonly keyArn: string;
  /**
   * Lets `grantee` use the key for data it reads and writes (S3 objects, Secrets Manager values):
   * `kms:Decrypt`, `kms:Encrypt`, `kms:GenerateDataKey*`, `kms:DescribeKey`.
   */
  grantEncryptDecrypt(grantee: IGrantable): void;
}

/** Properties of an {@link EncryptionKey}. */
export interface EncryptionKeyProps {
  /** Prefix of the alias, `alias/<namePrefix>/data`. */
  readonly namePrefix: string;
  /** Region of the stack (the CloudWatch Logs service principal of the key policy). */
  readonly region: string;
  /**
   * Days KMS waits before deleting the key once it is scheduled for deletion (7 to 30).
   * @default 30
   */
  readonly deletionWindowDays?: number;
  /**
   * Whether Terraform refuses to destroy the key (everything encrypted with it would be lost).
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/** {@link IEncryptionKey.grantEncryptDecrypt} of a key, created here or brought by ARN. */
function grantDataKey(grantee: IGrantable, keyArn: string): void {
  grantee.grantPrincipal.addToPolicy({
    Sid: 'UseDataKey',
    Effect: 'Allow',
    Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
    Resource: keyArn,
  });
}

/**
 * A symmetric customer-managed KMS key with yearly rotation, a 30-day deletion window and
 * `prevent_destroy`, and an alias. Its key policy lets the account's IAM policies grant it (so the
 * deploying role and RDS, ElastiCache, EFS, EBS and Secrets Manager acting for it can use it), lets
 * CloudWatch Logs encrypt the log groups of this account and region, and lets the Auto Scaling
 * service-linked role use it for the encrypted volumes of launch templates. That role is matched by
 * `aws:PrincipalArn` rather than named as principal, because KMS refuses a policy naming a role that
 * does not exist yet, and an account that never used Auto Scaling has none.
 *
 * Use {@link EncryptionKey.fromArn} to bring a key of your own; its key policy must allow the same.
 *
 * @resource aws_kms_key
 */
export class EncryptionKey extends Construct implements IEncryptionKey {
  /** A key created elsewhere; its policy must allow what this class's policy allows. */
  public static fromArn(scope: Construct, id: string, keyArn: string): IEncryptionKey {
    return new ImportedEncryptionKey(scope, id, keyArn);
  }

  /** The key. */
  public readonly resource: KmsKey;
  public readonly keyArn: string;
  /** Alias name, `alias/<namePrefix>/data`. */
  public readonly aliasName: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const window = props.deletionWindowDays ?? 30;
    validate(this, [
      {
        failed: !Number.isInteger(window) || window < 7 || window > 30,
        message: () => `deletionWindowDays: got ${window}; allowed: 7 to 30; fix: keep the default 30 days to undo a mistaken deletion`,
      },
      {
        failed: !Token.isUnresolved(props.namePrefix) && !/^[A-Za-z0-9/_-]{1,200}$/.test(props.namePrefix),
        message: () => `namePrefix: got '${props.namePrefix}'; allowed: letters, digits, '/', '_' and '-'; fix: use the environment name`,
      },
    ]);
    const account = new DataAwsCallerIdentity(this, 'Account').accountId;
    const partition = new DataAwsPartition(this, 'Partition').partition;
    this.resource = new KmsKey(this, 'Resource', {
      description: `Data of ${props.namePrefix} (databases, caches, file systems, volumes, logs, secrets)`,
      keyUsage: 'ENCRYPT_DECRYPT',
      customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      enableKeyRotation: true,
      deletionWindowInDays: window,
      policy: policyDocument([
        {
          Sid: 'AccountIamPolicies',
          Effect: 'Allow',
          Principal: { AWS: `arn:${partition}:iam::${account}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: 'CloudWatchLogsOfThisAccount',
          Effect: 'Allow',
          Principal: { Service: `logs.${props.region}.amazonaws.com` },
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          Resource: '*',
          Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${props.region}:${account}:log-group:*` } },
        },
        {
          Sid: 'AutoScalingVolumes',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          Resource: '*',
          Condition: {
            StringEquals: { 'kms:CallerAccount': account },
            ArnEquals: { 'aws:PrincipalArn': autoScalingRoleArn(partition, account) },
          },
        },
        {
          Sid: 'AutoScalingVolumeGrants',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'kms:CreateGrant',
          Resource: '*',
          Condition: {
            StringEquals: { 'kms:CallerAccount': account },
            ArnEquals: { 'aws:PrincipalArn': autoScalingRoleArn(partition, account) },
            Bool: { 'kms:GrantIsForAWSResource': true },
          },
        },
      ]),
      tags: { Name: `${props.namePrefix}-data` },
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    this.keyArn = this.resource.arn;
    this.aliasName = `alias/${props.namePrefix}/data`;
    new KmsAlias(this, 'Alias', { name: this.aliasName, targetKeyId: this.resource.keyId });
  }

  public grantEncryptDecrypt(grantee: IGrantable): void {
    grantDataKey(grantee, this.keyArn);
  }
}

/** The Auto Scaling service-linked role of an account. */
function autoScalingRoleArn(partition: string, account: string): string {
  return `arn:${partition}:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
}

/** A key brought by ARN. */
class ImportedEncryptionKey extends Construct implements IEncryptionKey {
  constructor(
    scope: Construct,
    id: string,
    public readonly keyArn: string,
  ) {
    super(scope, id);
    validate(this, [
      {
        failed: !Token.isUnresolved(keyArn) && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/.test(keyArn),
        message: () => `encryptionKey: got '${keyArn}'; allowed: 'create' or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); fix: copy the key's ARN, not its alias`,
      },
    ]);
  }

  public grantEncryptDecrypt(grantee: IGrantable): void {
    grantDataKey(grantee, this.keyArn);
  }
}
