import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Testing, TerraformStack } from 'cdktf';
import { SecurityGroup } from '../../../constructs/aws/security-group';
import { Network } from '../../../constructs/aws/network';
import type { IConnectable, IConnections } from '../../../constructs/core/connections';
import { Peer } from '../../../constructs/core/peer';
import { Port } from '../../../constructs/core/port';
import { makeNetwork, makeStack, resourcesOf, stubNetwork, synthJson, synthTextAndJson } from '../../util';

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
    const { text, json } = synthTextAndJson(stack);
    expect(resourcesOf(json, 'aws_vpc_security_group_ingress_rule')).toHaveLength(1);
    expect(resourcesOf(json, 'aws_vpc_security_group_egress_rule')).toHaveLength(1);
    expect(text).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      from_port: 3306,
      to_port: 3306,
      ip_protocol: 'tcp',
      referenced_security_group_id: expect.stringMatching(/^\$\{aws_security_group\.App_[0-9A-F]{8}\.id\}$/),
    });
    expect(text).toHaveResourceWithProperties(VpcSecurityGroupEgressRule, {
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
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { cidr_ipv4: '198.51.100.0/24', from_port: 443 });
    expect(synth).toHaveResourceWithProperties(VpcSecurityGroupEgressRule, { cidr_ipv4: '0.0.0.0/0', from_port: 1024, to_port: 2048 });
  });

  test('no egress rule exists unless one is added', () => {
    new SecurityGroup(stack, 'Lonely', { network, description: 'x' });
    const json = synthJson(stack);
    expect(json.resource.aws_vpc_security_group_egress_rule).toBeUndefined();
    expect(resourcesOf(json, 'aws_security_group')[0]).not.toHaveProperty('egress');
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

describe('SecurityGroup rules between two stacks', () => {
  function twoStacks(): { data: TerraformStack; app: TerraformStack; db: SecurityGroup; appSg: SecurityGroup } {
    const cdkApp = Testing.app();
    const [data, app] = ['data', 'app'].map((id) => {
      const stack = new TerraformStack(cdkApp, id);
      new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
      return stack;
    });
    const network = stubNetwork(['eu-central-1a', 'eu-central-1b']);
    const db = new SecurityGroup(data, 'Db', { network, description: 'db', defaultPort: Port.tcp(3306) });
    const appSg = new SecurityGroup(app, 'App', { network, description: 'app', defaultPort: Port.tcp(80) });
    return { data, app, db, appSg };
  }

  function rulesOf(stack: TerraformStack): { ingress: Record<string, unknown>[]; egress: Record<string, unknown>[] } {
    stack.prepareStack();
    const json = synthJson(stack);
    return { ingress: Object.values(json.resource?.aws_vpc_security_group_ingress_rule ?? {}), egress: Object.values(json.resource?.aws_vpc_security_group_egress_rule ?? {}) };
  }

  test('same stack: the ingress rule stays on the server, the egress rule on the client', () => {
    const stack = makeStack();
    const network = makeNetwork(stack);
    const db = new SecurityGroup(stack, 'Db', { network, description: 'db', defaultPort: Port.tcp(3306) });
    const app = new SecurityGroup(stack, 'App', { network, description: 'app' });
    db.connections.allowDefaultPortFrom(app);
    expect(db.node.children.map((c) => c.node.id)).toContain('Ingress test.App:tcp-3306');
    expect(app.node.children.map((c) => c.node.id)).toContain('Egress test.Db:tcp-3306');
  });

  test('client in another stack: both rules go under the client, so the server stack never refers to it', () => {
    const { data, app, db, appSg } = twoStacks();
    db.connections.allowDefaultPortFrom(appSg);
    expect(db.node.children.map((c) => c.node.id)).toEqual(['Resource']);
    expect(appSg.node.children.map((c) => c.node.id).sort()).toEqual(['Egress from app.App to data.Db:tcp-3306', 'Ingress to data.Db from app.App:tcp-3306', 'Resource']);
    const appRules = rulesOf(app);
    expect(appRules.ingress).toEqual([
      expect.objectContaining({ from_port: 3306, security_group_id: expect.stringContaining('cross-stack-reference-input-data'), referenced_security_group_id: expect.stringMatching(/^\$\{aws_security_group\.App_[0-9A-F]{8}\.id\}$/) }),
    ]);
    expect(appRules.egress).toEqual([
      expect.objectContaining({ security_group_id: expect.stringMatching(/^\$\{aws_security_group\.App_[0-9A-F]{8}\.id\}$/), referenced_security_group_id: expect.stringContaining('cross-stack-reference-input-data') }),
    ]);
    expect(rulesOf(data)).toEqual({ ingress: [], egress: [] });
    expect(app.dependencies).toEqual([data]);
    expect(data.dependencies).toEqual([]);
  });

  test('allowTo from the dependent stack places both rules there too', () => {
    const { data, app, db, appSg } = twoStacks();
    appSg.connections.allowTo(db, Port.tcp(3306), 'MySQL');
    expect(db.node.children).toHaveLength(1);
    expect(appSg.node.children).toHaveLength(3);
    rulesOf(app);
    expect(app.dependencies).toEqual([data]);
  });

  test('server in the dependent stack (e.g. the load balancer in the data stack reaching the app hosts): both rules go under the server', () => {
    const { data, app, db: lb, appSg } = twoStacks();
    app.addDependency(data);
    appSg.connections.allowDefaultPortFrom(lb);
    expect(lb.node.children).toHaveLength(1);
    expect(appSg.node.children.map((c) => c.node.id).sort()).toEqual(['Egress from data.Db to app.App:tcp-80', 'Ingress to app.App from data.Db:tcp-80', 'Resource']);
    rulesOf(app);
    expect(data.dependencies).toEqual([]);
  });
});
