/**
 * The Terraform variables a synthesized environment needs (the secrets of the Docker stacks, which
 * are sensitive variables without defaults), by the `TF_VAR_` names Terraform reads them from, and
 * whether the environment sets them. `npm run vars -- <env>` prints them.
 */
import { TerraformStack, TerraformVariable } from '../constructs/core/cdktf';

/** One variable of one stack. */
export interface StackVariable {
  /** The stack, e.g. `shopware-docker`. */
  readonly stack: string;
  /** The variable's name in the stack, e.g. `shopware_docker_db_password`. */
  readonly name: string;
  /** The environment variable Terraform reads it from, e.g. `TF_VAR_shopware_docker_db_password`. */
  readonly envName: string;
  /** What it is. */
  readonly description: string;
  /** Whether Terraform keeps it out of plan output. */
  readonly sensitive: boolean;
  /** Whether `env` sets it (to a non-empty value). */
  readonly set: boolean;
}

/** The variables of `stacks` without a default, in stack order, each with whether `env` sets it. */
export function stackVariables(stacks: readonly TerraformStack[], env: Readonly<Record<string, string | undefined>>): StackVariable[] {
  return stacks.flatMap((stack) =>
    stack.node
      .findAll()
      .filter((c): c is TerraformVariable => c instanceof TerraformVariable && c.default === undefined)
      .map((v) => {
        const name = v.friendlyUniqueId;
        const envName = `TF_VAR_${name}`;
        return { stack: stack.node.id, name, envName, description: v.description ?? '', sensitive: v.sensitive === true, set: (env[envName] ?? '') !== '' };
      })
      .sort((a, b) => a.name.localeCompare(b.name)),
  );
}
