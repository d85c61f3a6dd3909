/**
 * `encryptionKey`: one customer-managed KMS key (or a key by ARN) used by every data store, log
 * group and secret that supports one; without it the stacks stay on AWS-managed keys.
 */
import { TerraformStack, Testing } from 'cdktf';
import * as path from 'path';
import { loadConfigFile } from '../../config/load';
import { EncryptionKey } from '../../constructs/aws/encryption-key';
import { addEnvironmentStacks } from '../../stacks/from-config';
import { makeStack, SynthJson } from '../util';
import { synthDefaultStacks } from './default-stacks';

const CONFIG = path.resolve(__dirname, '..', '..', 'webcluster.yaml');
const KEY_ARN = 'arn:aws:kms:eu-central-1:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666';

/** The default AWS environments with `change` applied, synthesized. */
function awsStacks(change: Record<string, unknown>): { name: string; json: SynthJson }[] {
  const { config, fileLabel } = loadConfigFile(CONFIG);
  const environments = config.environments.filter((env) => env.backend === 'aws').map((env) => ({ ...env, ...change }) as typeof env);
  const app = Testing.app();
  addEnvironmentStacks(app, { ...config, environments }, fileLabel);
  return environments.flatMap((env) =>
    (env.split ? ['network', 'data', 'app'].map((part) => `${env.name}-${part}`) : [env.name]).map((name) => ({
      name,
      json: JSON.parse(Testing.synth(app.node.findChild(name) as TerraformStack)) as SynthJson,
    })),
  );
}

/** Every resource of `type` with its name. */
function named(json: SynthJson, type: string): [string, Record<string, unknown>][] {
  return Object.entries(json.resource[type] ?? {});
}

/** What must carry the key, per resource type: the attribute paths to read. */
const KEYED: Record<string, (r: Record<string, unknown>) => unknown[]> = {
  aws_rds_cluster: (r) => [r.kms_key_id, r.master_user_secret_kms_key_id],
  aws_rds_cluster_instance: (r) => [r.performance_insights_kms_key_id],
  aws_elasticache_replication_group: (r) => [r.kms_key_id],
  aws_efs_file_system: (r) => [r.kms_key_id],
  aws_ebs_volume: (r) => [r.kms_key_id],
  aws_cloudwatch_log_group: (r) => [r.kms_key_id],
  aws_secretsmanager_secret: (r) => [r.kms_key_id],
  aws_instance: (r) => [(r.root_block_device as { kms_key_id?: string }).kms_key_id],
  aws_launch_template: (r) => (r.block_device_mappings as { ebs: { kms_key_id?: string } }[]).map((m) => m.ebs.kms_key_id),
};

describe('without encryptionKey (the default)', () => {
  test.each(synthDefaultStacks('aws'))('$name creates no key and names none', ({ json }) => {
    expect(json.resource.aws_kms_key).toBeUndefined();
    expect(JSON.stringify(json.resource)).not.toContain('kms_key_id');
  });
});

describe("encryptionKey: 'create'", () => {
  const stacks = awsStacks({ encryptionKey: 'create' });

  test.each(stacks)('$name: every data store, volume, log group and secret uses the one key', ({ name, json }) => {
    const [[keyName, key]] = named(json, 'aws_kms_key');
    expect(key).toEqual(expect.objectContaining({ enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } }));
    const ref = `\${aws_kms_key.${keyName}.arn}`;
    let checked = 0;
    for (const [type, read] of Object.entries(KEYED)) {
      for (const [resource, body] of named(json, type)) {
        for (const value of read(body)) {
          expect({ stack: name, resource: `${type}.${resource}`, key: value }).toEqual({ stack: name, resource: `${type}.${resource}`, key: ref });
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
    // Buckets: KMS with the key, except what cannot use it (ALB access logs, the CloudFront origin: SSE-S3).
    for (const [, sse] of named(json, 'aws_s3_bucket_server_side_encryption_configuration')) {
      const rule = (sse.rule as { apply_server_side_encryption_by_default: { sse_algorithm: string; kms_master_key_id?: string } }[])[0];
      const byDefault = rule.apply_server_side_encryption_by_default;
      if (byDefault.sse_algorithm === 'aws:kms') expect(byDefault.kms_master_key_id).toBe(ref);
    }
  });

  test.each(stacks)('$name: the hosts that read secrets and objects may use the key; CloudWatch Logs and Auto Scaling may too', ({ json }) => {
    const [[keyName, key]] = named(json, 'aws_kms_key');
    const policy = JSON.parse(String(key.policy)) as { Statement: { Sid: string }[] };
    expect(policy.Statement.map((s) => s.Sid)).toEqual(['AccountIamPolicies', 'CloudWatchLogsOfThisAccount', 'AutoScalingVolumes', 'AutoScalingVolumeGrants']);
    for (const owner of ['AppServers', 'Admin']) {
      const grants = named(json, 'aws_iam_role_policy').find(([n]) => n.startsWith(`${owner}_Role_Grants`));
      expect(String(grants?.[1].policy)).toContain(`aws_kms_key.${keyName}.arn`);
    }
  });

  test('split: the key lives in the network stack, which the other parts depend on', () => {
    const split = awsStacks({ encryptionKey: 'create', split: true });
    const keyHolders = split.filter((s) => s.json.resource.aws_kms_key !== undefined).map((s) => s.name);
    expect(keyHolders.sort()).toEqual(['ezplatform-aws-network', 'shopware-aws-network', 'steedos-aws-network']);
  });
});

test('encryptionKey: a key ARN is used as it is and no key is created', () => {
  for (const { json } of awsStacks({ encryptionKey: KEY_ARN })) {
    expect(json.resource.aws_kms_key).toBeUndefined();
    for (const [, cluster] of named(json, 'aws_rds_cluster')) expect(cluster.kms_key_id).toBe(KEY_ARN);
    for (const [, group] of named(json, 'aws_cloudwatch_log_group')) expect(group.kms_key_id).toBe(KEY_ARN);
  }
});

describe('EncryptionKey', () => {
  test('fails on a deletion window outside 7 to 30 days', () => {
    expect(() => new EncryptionKey(makeStack(), 'Key', { namePrefix: 'test', region: 'eu-central-1', deletionWindowDays: 3 })).toThrow(
      /deletionWindowDays: got 3; allowed: 7 to 30/,
    );
  });

  test('fails on a key alias where an ARN belongs', () => {
    expect(() => EncryptionKey.fromArn(makeStack(), 'Key', 'alias/test')).toThrow(/encryptionKey: got 'alias\/test'; allowed: 'create' or a KMS key ARN/);
  });
});
