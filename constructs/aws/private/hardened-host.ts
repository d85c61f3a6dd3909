/**
 * Settings every EC2 host of this library shares: IMDSv2 only, encrypted gp3 root volumes, the AMI
 * read from a public SSM parameter, gzip-compressed user data kept in a Terraform local.
 */
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { gzipSync } from 'node:zlib';
import type { Construct } from 'constructs';
import { Fn, TerraformLocal } from '../../core/cdktf';
import { ValidationError } from '../../core/validation-error';
import type { IEncryptionKey } from '../encryption-key';

/** Instance metadata: IMDSv2 tokens required, hop limit 1 (containers on the host cannot reach it), tags readable. */
export const IMDSV2_ONLY = {
  httpEndpoint: 'enabled',
  httpTokens: 'required',
  httpPutResponseHopLimit: 1,
  instanceMetadataTags: 'enabled',
} as const;

/**
 * An encrypted gp3 root volume of an `aws_instance`, deleted with the instance; with `key`, encrypted
 * with that customer-managed key instead of the account's default EBS key.
 */
export function encryptedRootVolume(
  sizeGiB: number,
  key?: IEncryptionKey,
): { volumeType: string; volumeSize: number; encrypted: boolean; deleteOnTermination: boolean; kmsKeyId?: string } {
  return { volumeType: 'gp3', volumeSize: sizeGiB, encrypted: true, deleteOnTermination: true, ...(key ? { kmsKeyId: key.keyArn } : {}) };
}

/** The encrypted gp3 root volume of a launch template (Amazon Linux's root device), optionally with a customer-managed key. */
export function encryptedRootMapping(
  sizeGiB: number,
  key?: IEncryptionKey,
): { deviceName: string; ebs: { volumeSize: number; volumeType: string; encrypted: string; deleteOnTermination: string; kmsKeyId?: string } } {
  return {
    deviceName: '/dev/xvda',
    ebs: { volumeSize: sizeGiB, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true', ...(key ? { kmsKeyId: key.keyArn } : {}) },
  };
}

/**
 * The AMI id held by a public SSM parameter, for an `aws_instance`. EC2's own `resolve:ssm:` syntax
 * works in launch templates, but the AWS provider calls DescribeImages with the literal `ami` of an
 * `aws_instance` that has a `root_block_device`, which fails with `InvalidAMIID.Malformed`
 * (hashicorp/terraform-provider-aws#43488). The parameter is read by a data source instead
 * (`insecure_value`: a public AMI id is no secret); the instance must ignore later `ami` changes,
 * or every new AMI release would replace it.
 */
export function imageIdFromParameter(scope: Construct, parameterName: string): string {
  if (!/^\/[A-Za-z0-9_.\/-]+$/.test(parameterName)) {
    throw new ValidationError(
      `imageParameter: got '${parameterName}'; allowed: an SSM parameter name starting with '/'; fix: use e.g. '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64'`,
      scope,
    );
  }
  return new DataAwsSsmParameter(scope, 'ImageParameter', { name: parameterName }).insecureValue;
}

/** EC2's limit on user data, in bytes before base64 encoding. */
export const USER_DATA_MAX_BYTES = 16384;
/** Length assumed for every value Terraform fills in at apply time (ARNs and DNS names stay below it). */
const TOKEN_PLACEHOLDER_LENGTH = 160;

/**
 * Bytes the gzip-compressed user data will have at most once Terraform filled in its references:
 * each unresolved token counts as {@link TOKEN_PLACEHOLDER_LENGTH} bytes that do not compress.
 */
export function estimatedUserDataBytes(document: string): number {
  let n = 0;
  const worstCase = document.replace(/\$\{TfToken\[[^\]]+\]\}/g, () => {
    n += 1;
    // Distinct, incompressible-looking filler per token (a cheap LCG over letters and digits).
    let x = n * 2654435761;
    let out = '';
    for (let i = 0; i < TOKEN_PLACEHOLDER_LENGTH; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      out += 'abcdefghijklmnopqrstuvwxyz0123456789'[x % 36];
    }
    return out;
  });
  return gzipSync(Buffer.from(worstCase)).length;
}

/**
 * User data from a local named `UserData` in `scope`, gzip-compressed and base64-encoded by
 * Terraform (`base64gzip`; cloud-init recognises gzip and unpacks it): cdktf rejects literal function
 * arguments containing quotes, and a local keeps the document readable in the plan. Compression keeps
 * a large cloud-config well under EC2's 16 KB limit; a document that could exceed it even compressed
 * fails at synth time.
 */
export function base64UserData(scope: Construct, document: string): string {
  const bytes = estimatedUserDataBytes(document);
  if (bytes > USER_DATA_MAX_BYTES) {
    throw new ValidationError(
      `user data: got up to ${bytes} bytes after gzip; allowed: ${USER_DATA_MAX_BYTES} (EC2's limit); fix: ship large files in the release archive or fetch them at boot instead of writing them from user data`,
      scope,
    );
  }
  return Fn.base64gzip(new TerraformLocal(scope, 'UserData', document).asString);
}
