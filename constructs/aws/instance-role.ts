/**
 * InstanceRole: an EC2 instance role and profile whose inline policy collects the grants other
 * constructs make to it.
 */
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { Lazy } from '../core/cdktf';
import { assumeRolePolicy, fitNamePrefix, IAM_ROLE_NAME_PREFIX_MAX, policyDocument, PolicyStatement } from './private/iam';

/** Something that can be granted permissions. */
export interface IGrantable {
  /** The role that receives the grants. */
  readonly grantPrincipal: InstanceRole;
}

/** Properties of an {@link InstanceRole}. */
export interface InstanceRoleProps {
  /** Prefix of the role name, e.g. `shopware-prod-app`. */
  readonly namePrefix: string;
  /**
   * AWS-managed policies to attach, by name.
   * @default ['AmazonSSMManagedInstanceCore', 'CloudWatchAgentServerPolicy'] (Session Manager and the CloudWatch agent)
   */
  readonly managedPolicies?: string[];
}

/**
 * An EC2 role with an instance profile. Grants accumulate through {@link addToPolicy} and are
 * rendered into one inline policy at synth time, so the role holds only what was granted.
 *
 * @resource aws_iam_role
 */
export class InstanceRole extends Construct implements IGrantable {
  /** The role resource. */
  public readonly resource: IamRole;
  /** The instance profile to launch instances with. */
  public readonly instanceProfile: IamInstanceProfile;
  /** Role ARN. @attribute */
  public readonly roleArn: string;
  /** Role name. @attribute */
  public readonly roleName: string;
  public readonly grantPrincipal: InstanceRole = this;
  private readonly statements: PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: InstanceRoleProps) {
    super(scope, id);
    this.resource = new IamRole(this, 'Resource', {
      namePrefix: fitNamePrefix(`${props.namePrefix}-`, IAM_ROLE_NAME_PREFIX_MAX),
      assumeRolePolicy: assumeRolePolicy('ec2.amazonaws.com'),
    });
    this.roleArn = this.resource.arn;
    this.roleName = this.resource.name;
    for (const name of props.managedPolicies ?? ['AmazonSSMManagedInstanceCore', 'CloudWatchAgentServerPolicy']) {
      new IamRolePolicyAttachment(this, name, {
        role: this.resource.name,
        policyArn: `arn:aws:iam::aws:policy/${name}`,
      });
    }
    this.instanceProfile = new IamInstanceProfile(this, 'InstanceProfile', {
      namePrefix: `${props.namePrefix}-`,
      role: this.resource.name,
    });
    new IamRolePolicy(this, 'Grants', {
      role: this.resource.id,
      policy: Lazy.stringValue({ produce: () => policyDocument(this.mergedStatements()) }),
    });
    this.node.addValidation({
      validate: () => (this.statements.length === 0 ? ['InstanceRole has no grants; grant it access or remove it'] : []),
    });
  }

  /** Adds a statement to the role's inline policy. Identical statements are kept once. */
  public addToPolicy(statement: PolicyStatement): void {
    const key = JSON.stringify(statement);
    if (!this.statements.some((s) => JSON.stringify(s) === key)) this.statements.push(statement);
  }

  private mergedStatements(): PolicyStatement[] {
    return this.statements.map((s, i) => ({ Sid: s.Sid ?? `Grant${i}`, ...s }));
  }
}
