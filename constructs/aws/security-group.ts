/**
 * SecurityGroup: an AWS security group whose rules are managed one resource per rule, and the AWS
 * implementation of the connections model.
 */
import { SecurityGroup as AwsSecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { TerraformStack } from '../core/cdktf';
import { IConnectable, IConnections, isConnectable } from '../core/connections';
import type { IPeer } from '../core/peer';
import type { Port } from '../core/port';
import { ValidationError } from '../core/validation-error';
import type { IAwsNetwork } from './network';

/** Properties of a {@link SecurityGroup}. */
export interface SecurityGroupProps {
  /** The network the group belongs to. */
  readonly network: IAwsNetwork;
  /** What the group protects; becomes the group's description. */
  readonly description: string;
  /**
   * Port clients use by default, for `allowDefaultPortFrom`.
   * @default - no default port; `allowDefaultPortFrom` then fails
   */
  readonly defaultPort?: Port;
}

/**
 * A security group with no inline rules: every rule is its own
 * `aws_vpc_security_group_ingress_rule` / `aws_vpc_security_group_egress_rule`, with a construct ID
 * derived from peer and port so the same rule is never emitted twice. No egress is allowed unless
 * a rule says so (Terraform removes AWS's default allow-all egress rule).
 *
 * @resource aws_security_group
 */
export class SecurityGroup extends Construct implements IConnections, IConnectable {
  /** The underlying Terraform resource. */
  public readonly resource: AwsSecurityGroup;
  /** Security group id. @attribute */
  public readonly securityGroupId: string;
  /** Port clients use by default. */
  public readonly defaultPort?: Port;
  /** A security group is its own connections object. */
  public readonly connections: IConnections = this;

  constructor(scope: Construct, id: string, props: SecurityGroupProps) {
    super(scope, id);
    this.defaultPort = props.defaultPort;
    // 'SecurityGroup' inside a construct is named after that construct (e.g. `shop-redis-`).
    const label = (id === 'SecurityGroup' ? scope.node.id : id).toLowerCase();
    this.resource = new AwsSecurityGroup(this, 'Resource', {
      namePrefix: `${props.network.namePrefix}-${label}-`,
      description: props.description,
      vpcId: props.network.vpcId,
      revokeRulesOnDelete: true,
      lifecycle: { createBeforeDestroy: true },
      tags: { Name: `${props.network.namePrefix}-${label}` },
    });
    this.securityGroupId = this.resource.id;
  }

  public allowFrom(other: IConnectable | IPeer, port: Port, description: string): void {
    if (isConnectable(other)) {
      const peer = asSecurityGroup(other, this);
      if (peer === this) {
        this.addIngress(`self:${port}`, port, description, { referencedSecurityGroupId: this.securityGroupId });
        this.addEgress(`self:${port}`, port, description, { referencedSecurityGroupId: this.securityGroupId });
        return;
      }
      const owner = crossStackRuleOwner(this, peer);
      if (owner) {
        // Different stacks: both rules live in the dependent stack, so the other one never refers back to it.
        const ingressKey = `to ${this.node.path} from ${peer.node.path}:${port}`;
        const egressKey = `from ${peer.node.path} to ${this.node.path}:${port}`;
        owner.addRule('Ingress', VpcSecurityGroupIngressRule, ingressKey, port, description, { referencedSecurityGroupId: peer.securityGroupId }, this);
        owner.addRule('Egress', VpcSecurityGroupEgressRule, egressKey, port, description, { referencedSecurityGroupId: this.securityGroupId }, peer);
        return;
      }
      this.addIngress(`${peer.node.path}:${port}`, port, description, {
        referencedSecurityGroupId: peer.securityGroupId,
      });
      peer.addEgress(`${this.node.path}:${port}`, port, description, {
        referencedSecurityGroupId: this.securityGroupId,
      });
    } else {
      this.addIngress(`${other.uniqueId}:${port}`, port, description, { cidrIpv4: other.cidrIpv4 });
    }
  }

  public allowTo(other: IConnectable | IPeer, port: Port, description: string): void {
    if (isConnectable(other)) {
      asSecurityGroup(other, this).allowFrom(this, port, description);
    } else {
      this.addEgress(`${other.uniqueId}:${port}`, port, description, { cidrIpv4: other.cidrIpv4 });
    }
  }

  public allowDefaultPortFrom(other: IConnectable | IPeer, description?: string): void {
    if (!this.defaultPort) {
      throw new ValidationError(
        'allowDefaultPortFrom() needs a defaultPort; pass `defaultPort` when creating the security group or call allowFrom() with a port',
        this,
      );
    }
    this.allowFrom(other, this.defaultPort, description ?? `default port from ${describePeer(other)}`);
  }

  private addIngress(key: string, port: Port, description: string, target: RuleTarget): void {
    this.addRule('Ingress', VpcSecurityGroupIngressRule, key, port, description, target);
  }

  private addEgress(key: string, port: Port, description: string, target: RuleTarget): void {
    this.addRule('Egress', VpcSecurityGroupEgressRule, key, port, description, target);
  }

  /**
   * One rule resource per (direction, peer, port); a rule that exists already is not added again.
   * The rule is a child of this construct and applies to `group` (this group, or the other group of
   * a cross-stack connection).
   */
  private addRule(
    direction: 'Ingress' | 'Egress',
    RuleType: typeof VpcSecurityGroupIngressRule | typeof VpcSecurityGroupEgressRule,
    key: string,
    port: Port,
    description: string,
    target: RuleTarget,
    group: SecurityGroup = this,
  ): void {
    const id = `${direction} ${key.replace(/\//g, '.')}`;
    if (this.node.tryFindChild(id)) return;
    new RuleType(this, id, {
      securityGroupId: group.securityGroupId,
      ipProtocol: port.protocol,
      fromPort: port.fromPort,
      toPort: port.toPort,
      description,
      ...target,
    });
  }
}

interface RuleTarget {
  readonly cidrIpv4?: string;
  readonly referencedSecurityGroupId?: string;
}

/**
 * Where the rules of a connection between groups of two stacks go: under the group whose stack
 * depends on the other's (so no stack refers back to the one that uses it); when neither stack
 * depends on the other yet, under the client (`client`), whose stack then depends on the server's.
 * Undefined when both groups are in the same stack (each group keeps its own rules).
 */
function crossStackRuleOwner(server: SecurityGroup, client: SecurityGroup): SecurityGroup | undefined {
  const serverStack = stackOf(server);
  const clientStack = stackOf(client);
  if (serverStack === undefined || clientStack === undefined || serverStack === clientStack) return undefined;
  return serverStack.dependsOn(clientStack) ? server : client;
}

function stackOf(construct: Construct): TerraformStack | undefined {
  return construct.node.scopes.find((c): c is TerraformStack => TerraformStack.isStack(c));
}

function asSecurityGroup(other: IConnectable, scope: Construct): SecurityGroup {
  const c = other.connections;
  if (!(c instanceof SecurityGroup)) {
    throw new ValidationError(
      `cannot connect to ${describePeer(other)}: its connections are not an AWS security group; connect constructs of the same backend`,
      scope,
    );
  }
  return c;
}

function describePeer(other: IConnectable | IPeer): string {
  if (isConnectable(other)) {
    const c = other.connections;
    return c instanceof SecurityGroup ? c.node.path : 'a non-AWS construct';
  }
  return other.cidrIpv4;
}
