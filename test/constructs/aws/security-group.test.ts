import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Testing, TerraformStack } from 'cdktf';
import { SecurityGroup } from '../../../constructs/aws/security-group';
import { Network } from '../../../constructs/aws/network';
import type { IConnectable, IConnections } from '../../../constructs/core/connections';
import { Peer } from '../../../constructs/core/peer';
import { Port } from '../../../constructs/core/port';
import { makeNetwork, makeStack, resourcesOf, synthJson } from '../../util';

describe('SecurityGroup (connections on AWS)', () => {
  let stack: TerraformStack;
  let network: Network;
  beforeEach(() => {
    stack = makeStack();
    network = makeNetwork(stack);
  });

  test('allowDefaultPortFrom emits one ingress rule on the target and one egress rule on the source', () => {
    const db = new SecurityGroup(stack, 'Db', { network, description: 'db', defaultPort: Port.tcp(3306) });
    const app = new SecurityGroup(stack, 'App', { network, description: 'app' });
    db.connections.allowDefaultPortFrom(app);
    const json = synthJson(stack);
    expect(resourcesOf(json, 'aws_vpc_security_group_ingress_rule')).toHaveLength(1);
    expect(resourcesOf(json, 'aws_vpc_security_group_egress_rule')).toHaveLength(1);
    expect(Testing.synth(stack)).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      from_port: 3306,
      to_port: 3306,
      ip_protocol: 'tcp',
      referenced_security_group_id: expect.stringMatching(/^\$\{aws_security_group\.App_[0-9A-F]{8}\.id\}$/),
    });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(VpcSecurityGroupEgressRule, {
      referenced_security_group_id: expect.stringMatching(/^\$\{aws_security_group\.Db_[0-9A-F]{8}\.id\}$/),
    });
  });

  test('repeating a rule emits it once; IDs are deterministic', () => {
    const db = new SecurityGroup(stack, 'Db', { network, description: 'db', defaultPort: Port.tcp(3306) });
    const app = new SecurityGroup(stack, 'App', { network, description: 'app' });
    db.allowDefaultPortFrom(app);
    db.allowFrom(app, Port.tcp(3306), 'again');
    app.allowTo(db, Port.tcp(3306), 'from the other side');
    const ids = Object.keys(synthJson(stack).resource.aws_vpc_security_group_ingress_rule);
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(/^Db_Ingress/);
  });

  test('CIDR peers become cidr_ipv4 rules', () => {
    const lb = new SecurityGroup(stack, 'Lb', { network, description: 'lb' });
    lb.allowFrom(Peer.ipv4('198.51.100.0/24'), Port.tcp(443), 'https');
    lb.allowTo(Peer.anyIpv4(), Port.tcpRange(1024, 2048), 'range');
    expect(Testing.synth(stack)).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { cidr_ipv4: '198.51.100.0/24', from_port: 443 });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(VpcSecurityGroupEgressRule, { cidr_ipv4: '0.0.0.0/0', from_port: 1024, to_port: 2048 });
  });

  test('no egress rule exists unless one is added', () => {
    new SecurityGroup(stack, 'Lonely', { network, description: 'x' });
    expect(synthJson(stack).resource.aws_vpc_security_group_egress_rule).toBeUndefined();
    expect(resourcesOf(synthJson(stack), 'aws_security_group')[0]).not.toHaveProperty('egress');
  });

  test('fails to connect to a construct of another backend', () => {
    const db = new SecurityGroup(stack, 'Db', { network, description: 'db', defaultPort: Port.tcp(3306) });
    const foreign: IConnectable = { connections: { allowFrom: () => undefined, allowTo: () => undefined, allowDefaultPortFrom: () => undefined } as IConnections };
    expect(() => db.allowDefaultPortFrom(foreign)).toThrow(/its connections are not an AWS security group/);
  });

  test('fails on allowDefaultPortFrom without a default port', () => {
    const a = new SecurityGroup(stack, 'A', { network, description: 'a' });
    const b = new SecurityGroup(stack, 'B', { network, description: 'b' });
    expect(() => a.allowDefaultPortFrom(b)).toThrow(/allowDefaultPortFrom\(\) needs a defaultPort/);
  });

  test('Port and Peer reject bad input', () => {
    expect(() => Port.tcp(70000)).toThrow(/between 0 and 65535/);
    expect(() => Port.tcpRange(10, 1)).toThrow(/must not be above/);
    expect(() => Peer.ipv4('10.0.0.1/8')).toThrow(/not an IPv4 CIDR block/);
  });
});
