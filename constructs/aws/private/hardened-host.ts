/**
 * Settings every EC2 host of this library shares: IMDSv2 only, encrypted gp3 root volumes, user data
 * kept in a Terraform local.
 */
import type { Construct } from 'constructs';
import { Fn, TerraformLocal } from '../../core/cdktf';

/** Instance metadata: IMDSv2 tokens required, hop limit 1 (containers on the host cannot reach it), tags readable. */
export const IMDSV2_ONLY = {
  httpEndpoint: 'enabled',
  httpTokens: 'required',
  httpPutResponseHopLimit: 1,
  instanceMetadataTags: 'enabled',
} as const;

/** An encrypted gp3 root volume of an `aws_instance`, deleted with the instance. */
export function encryptedRootVolume(sizeGiB: number): { volumeType: string; volumeSize: number; encrypted: boolean; deleteOnTermination: boolean } {
  return { volumeType: 'gp3', volumeSize: sizeGiB, encrypted: true, deleteOnTermination: true };
}

/** The encrypted gp3 root volume of a launch template (Amazon Linux's root device). */
export function encryptedRootMapping(sizeGiB: number): { deviceName: string; ebs: { volumeSize: number; volumeType: string; encrypted: string; deleteOnTermination: string } } {
  return { deviceName: '/dev/xvda', ebs: { volumeSize: sizeGiB, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' } };
}

/**
 * User data, base64-encoded by Terraform from a local named `UserData` in `scope`: cdktf rejects
 * literal function arguments containing quotes, and a local also keeps the document readable in the plan.
 */
export function base64UserData(scope: Construct, document: string): string {
  return Fn.base64encode(new TerraformLocal(scope, 'UserData', document).asString);
}
