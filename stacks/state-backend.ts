/**
 * The state backend: what every stack tells Terraform about itself (where its state lives and which
 * Terraform versions can read it), and where each part of a split environment keeps its own state.
 */
import { LocalBackend, S3Backend, TerraformStack } from '../constructs/core/cdktf';

/** Where Terraform keeps the stack's state. */
export type StateBackendConfig =
  | { readonly type: 'local' }
  | {
      readonly type: 's3';
      /** State bucket. */
      readonly bucket: string;
      /** Object key of the state. */
      readonly key: string;
      /** Region of the bucket. */
      readonly region: string;
      /** Server-side encryption of the state object. */
      readonly encrypt: boolean;
      /** S3-native state locking (Terraform >= 1.10). */
      readonly useLockfile: boolean;
    };

/**
 * The lowest Terraform that reads every stack we synthesize: variables with `nullable` (1.1), resource
 * `postcondition` blocks (1.2), and cdktf 0.21's own minimum (1.2). OpenTofu reads them from 1.6.0
 * (its first release, forked from Terraform 1.6).
 */
export const TERRAFORM_MIN_VERSION = '1.2.0';
/**
 * The lowest Terraform with the S3 backend's own state locking (`use_lockfile`, no DynamoDB table);
 * OpenTofu has it from 1.10.0 as well.
 */
export const TERRAFORM_S3_LOCKFILE_MIN_VERSION = '1.10.0';

/**
 * Adds the state backend of one stack (`stackName` names the local state file) and its
 * `required_version`: older Terraform versions then refuse the stack with that reason instead of
 * failing on a feature they do not know.
 */
export function addStateBackend(stack: TerraformStack, stackName: string, backend: StateBackendConfig): void {
  let minimum = TERRAFORM_MIN_VERSION;
  if (backend.type === 's3') {
    const s3 = new S3Backend(stack, { bucket: backend.bucket, key: backend.key, region: backend.region, encrypt: backend.encrypt });
    if (backend.useLockfile) {
      s3.addOverride('use_lockfile', true);
      minimum = TERRAFORM_S3_LOCKFILE_MIN_VERSION;
    }
  } else {
    // Relative to cdktf.out/stacks/<id>: the state lives at the project root, as cdktf's default,
    // without baking an absolute path into the plan.
    new LocalBackend(stack, { path: `../../../terraform.${stackName}.tfstate` });
  }
  const constraint = `>= ${minimum}`;
  stack.addOverride('terraform.required_version', constraint);
  // cdktf 0.21's HCL renderer (`cdktf synth --hcl`) writes every attribute of the terraform block other than
  // required_providers, backend and cloud as `0 = "<name>"` (renderTerraform passes their names, not their
  // values). Put the attribute right in this stack's HCL; its JSON is not affected.
  const renderHcl = stack.toHclTerraform.bind(stack);
  stack.toHclTerraform = () => {
    const rendered = renderHcl() as { hcl: string };
    return { ...rendered, hcl: rendered.hcl.replace(/^(\s*)0 = "required_version"$/m, `$1required_version = "${constraint}"`) };
  };
}

/** Parts of a split environment, in deployment order. */
export const SPLIT_PARTS = ['network', 'data', 'app'] as const;
/** One part of a split environment. */
export type SplitPart = (typeof SPLIT_PARTS)[number];

/**
 * The state backend of one part of a split environment: the local state file is named after the
 * stack; an S3 key `<dir>/terraform.tfstate` becomes `<dir>/<part>/terraform.tfstate`.
 */
export function splitStateBackend(backend: StateBackendConfig, part: SplitPart): StateBackendConfig {
  if (backend.type === 'local') return backend;
  const slash = backend.key.lastIndexOf('/');
  const key = slash < 0 ? `${part}/${backend.key}` : `${backend.key.slice(0, slash)}/${part}/${backend.key.slice(slash + 1)}`;
  return { ...backend, key };
}
