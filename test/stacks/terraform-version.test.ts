/**
 * `required_version`: every stack declares the lowest Terraform that reads it, derived here from the
 * features the synthesized JSON uses. A feature missing from the table fails the test, so a newer
 * one cannot slip in without raising the constraint.
 */
import { TerraformStack, Testing } from 'cdktf';
import * as path from 'path';
import { loadConfigFile } from '../../config/load';
import { addEnvironmentStacks } from '../../stacks/from-config';
import { TERRAFORM_MIN_VERSION, TERRAFORM_S3_LOCKFILE_MIN_VERSION } from '../../stacks/terraform-settings';
import { synthDefaultStacks } from './default-stacks';

const CONFIG = path.resolve(__dirname, '..', '..', 'webcluster.yaml');

/** Terraform functions and when they appeared; the old ones (0.12 or before) as 0.12. */
const FUNCTIONS: Record<string, string> = {
  base64encode: '0.12.0', base64gzip: '0.12.0', element: '0.12.0', join: '0.12.0', length: '0.12.0', lookup: '0.12.0',
  sha256: '0.12.0', split: '0.12.0', substr: '0.12.0', tolist: '0.12.0', tostring: '0.12.0', urlencode: '0.12.0',
  jsonencode: '0.12.0', flatten: '0.12.0', try: '0.12.20', nonsensitive: '0.15.0', sensitive: '0.15.0', one: '0.15.0',
  startswith: '1.3.0', endswith: '1.3.0', strcontains: '1.5.0', plantimestamp: '1.5.0', templatestring: '1.9.0',
};
/** Blocks and attributes newer than 0.12, with the release that brought them. */
const FEATURES: { readonly name: string; readonly version: string; readonly used: (tf: Record<string, unknown>, text: string) => boolean }[] = [
  { name: 'variable validation', version: '0.13.0', used: (tf) => Object.values((tf.variable ?? {}) as Record<string, Record<string, unknown>>).some((v) => v.validation !== undefined) },
  { name: 'sensitive variables', version: '0.14.0', used: (tf) => Object.values((tf.variable ?? {}) as Record<string, Record<string, unknown>>).some((v) => v.sensitive !== undefined) },
  { name: 'variable nullable', version: '1.1.0', used: (tf) => Object.values((tf.variable ?? {}) as Record<string, Record<string, unknown>>).some((v) => v.nullable !== undefined) },
  { name: 'moved blocks', version: '1.1.0', used: (tf) => tf.moved !== undefined },
  { name: 'pre- and postconditions', version: '1.2.0', used: (_tf, text) => /"(pre|post)condition"/.test(text) },
  { name: 'check blocks', version: '1.5.0', used: (tf) => tf.check !== undefined },
  { name: 'import blocks', version: '1.5.0', used: (tf) => tf.import !== undefined },
  { name: 'removed blocks', version: '1.7.0', used: (tf) => tf.removed !== undefined },
  { name: 'ephemeral resources', version: '1.10.0', used: (tf) => tf.ephemeral !== undefined },
  { name: 'S3 backend use_lockfile', version: '1.10.0', used: (tf) => JSON.stringify((tf.terraform as Record<string, unknown> | undefined)?.backend ?? {}).includes('"use_lockfile":true') },
  { name: 'write-only attributes', version: '1.11.0', used: (_tf, text) => /"[a-z0-9_]+_wo"\s*:/.test(text) },
];
const KNOWN_TOP_LEVEL = new Set(['//', 'data', 'locals', 'output', 'provider', 'resource', 'terraform', 'variable', 'moved', 'check', 'import', 'removed', 'ephemeral']);

const newer = (a: string, b: string): string => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i] ? a : b;
  return a;
};

/** The lowest version `tf` needs, and why; throws on a function or block the tables do not know. */
function requiredBy(tf: Record<string, unknown>): { version: string; reasons: string[] } {
  const text = JSON.stringify(tf);
  let version = '0.12.0';
  const reasons: string[] = [];
  for (const key of Object.keys(tf)) if (!KNOWN_TOP_LEVEL.has(key)) throw new Error(`unknown top-level block '${key}': add it to the feature table`);
  for (const expr of text.matchAll(/\$\{((?:[^{}]|\{[^{}]*\})*)\}/g)) {
    for (const call of expr[1].matchAll(/\b([a-z][a-z0-9_]*)\(/g)) {
      const since = FUNCTIONS[call[1]];
      if (since === undefined) throw new Error(`unknown function '${call[1]}': add it to the function table with the Terraform version that introduced it`);
      if (newer(since, version) === since && since !== version) reasons.push(`${call[1]}() ${since}`);
      version = newer(since, version);
    }
  }
  for (const feature of FEATURES) {
    if (feature.used(tf, text)) {
      reasons.push(`${feature.name} ${feature.version}`);
      version = newer(feature.version, version);
    }
  }
  return { version, reasons };
}

/** Every stack of the default configuration of `backend` (all when not given) with `change` applied to each environment. */
function synthesized(change: Record<string, unknown>, backend?: 'aws' | 'docker'): { name: string; tf: Record<string, unknown> }[] {
  const { config, fileLabel } = loadConfigFile(CONFIG);
  const environments = config.environments.filter((env) => backend === undefined || env.backend === backend).map((env) => ({ ...env, ...change }) as typeof env);
  const app = Testing.app();
  addEnvironmentStacks(app, { ...config, environments }, fileLabel);
  return app.node.children
    .filter((c): c is TerraformStack => c instanceof TerraformStack)
    .map((stack) => ({ name: stack.node.id, tf: JSON.parse(Testing.synth(stack)) as Record<string, unknown> }));
}

const S3_STATE = { type: 's3', bucket: 'state-bucket', key: 'env/terraform.tfstate', region: 'eu-central-1', encrypt: true, useLockfile: true };

describe.each([
  ['the default stacks', synthDefaultStacks().map(({ name, json }) => ({ name, tf: json as unknown as Record<string, unknown> }))],
  ['split AWS stacks with the S3 backend and its lockfile', synthesized({ stateBackend: S3_STATE, split: true }, 'aws')],
  ['Docker stacks with the S3 backend and its lockfile', synthesized({ stateBackend: S3_STATE }, 'docker')],
])('%s', (_label, stacks) => {
  test.each(stacks.map((s) => [s.name, s] as const))('%s declares the lowest Terraform version its features need', (_name, { tf }) => {
    const needed = requiredBy(tf);
    const declared = (tf.terraform as { required_version?: string }).required_version;
    expect({ declared, reasons: needed.reasons }).toEqual({ declared: `>= ${needed.version === '0.12.0' ? TERRAFORM_MIN_VERSION : newer(needed.version, TERRAFORM_MIN_VERSION)}`, reasons: needed.reasons });
  });
});

test('the constants: cdktf 0.21 needs Terraform 1.2, the S3 lockfile 1.10', () => {
  expect(TERRAFORM_MIN_VERSION).toBe('1.2.0');
  expect(TERRAFORM_S3_LOCKFILE_MIN_VERSION).toBe('1.10.0');
});
