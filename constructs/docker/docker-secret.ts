/**
 * DockerSecret: a secret value supplied at deploy time as a sensitive Terraform variable, so it is
 * never a literal in the synthesized JSON. Swarm runtimes also store it as a `docker_secret`.
 */
import { Construct } from 'constructs';
import { TerraformVariable } from '../core/cdktf';
import { validate } from '../core/validation-error';

/** Properties of a {@link DockerSecret}. */
export interface DockerSecretProps {
  /**
   * Name of the Terraform variable (`TF_VAR_<name>` supplies it), lowercase letters, digits and `_`.
   */
  readonly variableName: string;
  /** What the secret is for; becomes the variable's description. */
  readonly description: string;
}

/**
 * A sensitive Terraform variable without a default: `cdktf deploy` asks for it, or takes it from
 * `TF_VAR_<variableName>` (CI: a secret of the pipeline). Values shorter than 16 characters are
 * refused by a variable validation.
 */
export class DockerSecret extends Construct {
  /** The variable. */
  public readonly variable: TerraformVariable;
  /** Name of the variable. */
  public readonly variableName: string;
  /** Token of the value (interpolated, never a literal). */
  public readonly value: string;

  constructor(scope: Construct, id: string, props: DockerSecretProps) {
    super(scope, id);
    validate(this, [
      {
        failed: !/^[a-z][a-z0-9_]{2,63}$/.test(props.variableName),
        message: () =>
          `variableName: got '${props.variableName}'; allowed: 3-64 lowercase letters, digits and '_', starting with a letter; fix: use e.g. 'shop_db_password'`,
      },
    ]);
    this.variableName = props.variableName;
    this.variable = new TerraformVariable(this, 'Variable', {
      type: 'string',
      sensitive: true,
      nullable: false,
      description: props.description,
      validation: [
        {
          condition: `\${length(var.${props.variableName}) >= 16}`,
          errorMessage: `${props.variableName} must be at least 16 characters; generate one with: openssl rand -hex 24`,
        },
      ],
    });
    this.variable.overrideLogicalId(props.variableName);
    this.value = this.variable.stringValue;
  }
}
