import { randomBytes } from 'crypto';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { LbTargetGroupAttachment } from '@cdktf/provider-aws/lib/lb-target-group-attachment';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Testing, TerraformStack } from 'cdktf';
import { AdminServer, AdminServerProps } from '../../../constructs/aws/admin-server';
import { ListenerCertificate, LoadBalancer } from '../../../constructs/aws/load-balancer';
import { Network } from '../../../constructs/aws/network';
import { Peer } from '../../../constructs/core/peer';
import { localOf, makeNetwork, makeStack, resourcesOf, synthJson, synthTextAndJson } from '../../util';

const CERT_ARN = 'arn:aws:acm:eu-central-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:app-AbCdEf';

describe('AdminServer', () => {
  let stack: TerraformStack;
  let network: Network;
  let lb: LoadBalancer;
  const make = (extra: Partial<AdminServerProps> = {}): AdminServer =>
    new AdminServer(stack, 'Admin', {
      network,
      target: lb.addPathTarget('Admin', { pathPatterns: ['/admin*'], priority: 10 }),
      workload: { environment: { APP_ENV: 'prod' } },
      setupCommand: '/var/www/app/vendor/bin/shopware-deployment-helper run',
      schedulerCommand: '/usr/bin/php /var/www/app/bin/console scheduled-task:run',
      generatedSecretArns: [SECRET_ARN],
      ...extra,
    });

  beforeEach(() => {
    stack = makeStack();
    network = makeNetwork(stack);
    lb = new LoadBalancer(stack, 'LoadBalancer', { network, certificate: ListenerCertificate.fromArn(CERT_ARN) });
  });

  test('private instance, IMDSv2 only, encrypted root, no public address', () => {
    make();
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(Instance, {
      instance_type: 't3.medium',
      associate_public_ip_address: false,
      metadata_options: expect.objectContaining({ http_tokens: 'required', http_put_response_hop_limit: 1 }),
      root_block_device: expect.objectContaining({ encrypted: true, volume_type: 'gp3' }),
      maintenance_options: { auto_recovery: 'default' },
    });
    const instance = resourcesOf(json, 'aws_instance')[0];
    expect(String(instance.subnet_id)).toContain('Zone1_AppSubnet');
  });

  test('workload left out: jq and openssl only, the app in /var/www/app run by webapp', () => {
    make({ workload: undefined });
    const cloudConfig = JSON.parse(localOf(synthJson(stack), 'Admin_UserData').replace(/^#cloud-config\n/, '')) as { packages: string[]; runcmd: string[] };
    expect(cloudConfig.packages).toEqual(['jq', 'openssl']);
    expect(cloudConfig.runcmd).toContain('install -d -o webapp -g webapp -m 0750 /var/www/app');
  });

  test('registered behind the /admin target; only the load balancer reaches it, no SSH by default', () => {
    make();
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(LbTargetGroupAttachment, { port: 80 });
    const ingress = resourcesOf(json, 'aws_vpc_security_group_ingress_rule').filter((r) =>
      String(r.security_group_id).includes('Admin_SecurityGroup'),
    );
    expect(ingress).toHaveLength(1);
    expect(ingress[0].from_port).toBe(80);
    expect(ingress.some((r) => r.from_port === 22)).toBe(false);
  });

  test('setup runs once per boot and the scheduler after it; shared secret generated once', () => {
    make();
    const json = synthJson(stack);
    const userData = localOf(json, 'Admin_UserData');
    expect(userData).toContain('webcluster-setup.service');
    expect(userData).toContain('Type=oneshot');
    expect(userData).toContain('webcluster-scheduler.service');
    expect(userData).toContain('After=network-online.target webcluster-secrets.service webcluster-setup.service');
    // Generated only while the secret has no version; errors never lead to a new value.
    expect(userData).toContain(`generate '${SECRET_ARN}' \\"$(openssl rand -hex 32)\\"`);
    expect(userData).toContain('length(keys(VersionIdsToStages');
    const policy = String(resourcesOf(json, 'aws_iam_role_policy')[0].policy);
    expect(policy).toContain('secretsmanager:PutSecretValue');
  });

  test('allowSshAccessFrom opens 22 from one block only', () => {
    const admin = make();
    admin.allowSshAccessFrom(Peer.ipv4('203.0.113.0/24'));
    expect(Testing.synth(stack)).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      from_port: 22,
      to_port: 22,
      cidr_ipv4: '203.0.113.0/24',
    });
  });

  test('fails when SSH is opened to the world', () => {
    const admin = make();
    expect(() => admin.allowSshAccessFrom(Peer.anyIpv4())).toThrow(/allowSshAccessFrom: got '0.0.0.0\/0'; allowed: a block of \/16 or narrower/);
  });

  test('fails when SSH is opened to a block wider than /16', () => {
    const admin = make();
    expect(() => admin.allowSshAccessFrom(Peer.ipv4('10.0.0.0/8'))).toThrow(/allowSshAccessFrom: got '10.0.0.0\/8'/);
  });

  test('fails on a malformed instance type', () => {
    expect(() => make({ instanceType: 'medium' })).toThrow(/instanceType: got 'medium'/);
  });

  test('fails when the zone index is outside the network', () => {
    expect(() => make({ zoneIndex: 3 })).toThrow(/zoneIndex: got 3; allowed: 0 to 2/);
  });

  test('fails when the root volume is too small', () => {
    expect(() => make({ rootVolumeSizeGiB: 2 })).toThrow(/rootVolumeSizeGiB: got 2/);
  });

  test('fails on an image parameter that is not an SSM parameter name', () => {
    expect(() => make({ imageParameter: 'ami-0123456789abcdef0' })).toThrow(
      /imageParameter: got 'ami-0123456789abcdef0'; allowed: an SSM parameter name starting with '\/'/,
    );
  });

  test('fails when the user data could exceed 16 KB even compressed', () => {
    // Random bytes do not compress: 18 000 of them (base64) stay above the limit after gzip.
    const noise = randomBytes(18000).toString('base64');
    expect(() => make({ workload: { environment: { NOISE: noise } } })).toThrow(
      /user data: got up to \d+ bytes after gzip; allowed: 16384 \(EC2's limit\)/,
    );
  });

  test('fails on a provisioning step named like a built-in unit', () => {
    expect(() => make({ provisioning: [{ name: 'setup', description: 'x', script: '#!/bin/bash\ntrue\n' }] })).toThrow(
      /provisioning.name: got 'setup'; allowed: lowercase letters, digits and hyphens, not secrets, setup or scheduler/,
    );
  });
});
