import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AutoscalingPolicy } from '@cdktf/provider-aws/lib/autoscaling-policy';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Testing, TerraformStack } from 'cdktf';
import { AppServerGroup, AppServerGroupProps } from '../../../constructs/aws/app-server-group';
import { ListenerCertificate, LoadBalancer } from '../../../constructs/aws/load-balancer';
import { Network } from '../../../constructs/aws/network';
import { localOf, makeNetwork, makeStack, resourcesOf, synthJson, synthTextAndJson } from '../../util';

const CERT_ARN = 'arn:aws:acm:eu-central-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666';

/** The launch template's user data document (kept in a Terraform local, base64-encoded by Terraform). */
function userDataOf(stack: TerraformStack): string {
  const json = synthJson(stack);
  expect(String(resourcesOf(json, 'aws_launch_template')[0].user_data)).toMatch(/^\$\{base64gzip\(local\.AppServers_UserData/);
  return localOf(json, 'AppServers_UserData');
}

describe('AppServerGroup', () => {
  let stack: TerraformStack;
  let network: Network;
  let lb: LoadBalancer;
  const make = (extra: Partial<AppServerGroupProps> = {}): AppServerGroup =>
    new AppServerGroup(stack, 'AppServers', {
      network,
      target: lb.appTarget,
      workload: {
        packages: ['nginx'],
        environment: { APP_ENV: 'prod' },
        secretEnvironment: { APP_SECRET: { secretArn: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:app-AbCdEf' } },
        systemServices: ['nginx'],
      },
      workerCommand: '/usr/bin/php bin/console messenger:consume async --time-limit=300',
      ...extra,
    });

  beforeEach(() => {
    stack = makeStack();
    network = makeNetwork(stack);
    lb = new LoadBalancer(stack, 'LoadBalancer', { network, certificate: ListenerCertificate.fromArn(CERT_ARN) });
  });

  test('launch template: IMDSv2 only with hop limit 1, encrypted gp3 root, AMI from SSM, instance profile', () => {
    // WHEN
    make();
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(LaunchTemplate, {
      image_id: 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      instance_type: 'm7i.large',
      metadata_options: expect.objectContaining({ http_tokens: 'required', http_put_response_hop_limit: 1 }),
      block_device_mappings: [
        expect.objectContaining({ ebs: expect.objectContaining({ encrypted: 'true', volume_type: 'gp3', volume_size: 30 }) }),
      ],
      iam_instance_profile: expect.objectContaining({ arn: expect.stringContaining('aws_iam_instance_profile') }),
    });
  });

  test('workload left out: jq only, the app in /var/www/app run by webapp', () => {
    make({ workload: undefined });
    const cloudConfig = JSON.parse(userDataOf(stack).replace(/^#cloud-config\n/, '')) as { packages: string[]; runcmd: string[] };
    expect(cloudConfig.packages).toEqual(['jq']);
    expect(cloudConfig.runcmd).toContain('install -d -o webapp -g webapp -m 0750 /var/www/app');
  });

  test('group: app subnets of every zone, min 2, ELB health checks, pinned template version, instance refresh', () => {
    make();
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(AutoscalingGroup, {
      min_size: 2,
      max_size: 6,
      desired_capacity: 2,
      health_check_type: 'ELB',
      launch_template: expect.objectContaining({
        version: expect.stringMatching(/^\$\{tostring\(aws_launch_template\.AppServers_LaunchTemplate_[0-9A-F]{8}\.latest_version\)\}$/),
      }),
      instance_refresh: expect.objectContaining({ strategy: 'Rolling' }),
      lifecycle: { ignore_changes: ['desired_capacity'] },
    });
    const asg = resourcesOf(json, 'aws_autoscaling_group')[0];
    expect(asg.vpc_zone_identifier).toHaveLength(3);
    expect(String(asg.vpc_zone_identifier)).toContain('AppSubnet');
    expect(JSON.stringify(asg)).not.toContain('$Latest');
  });

  test('target tracking on average CPU', () => {
    make({ cpuTargetPercent: 55 });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(AutoscalingPolicy, {
      policy_type: 'TargetTrackingScaling',
      target_tracking_configuration: expect.objectContaining({ target_value: 55 }),
    });
  });

  test('only the load balancer may reach the app port', () => {
    make();
    const { text, json } = synthTextAndJson(stack);
    const rules = resourcesOf(json, 'aws_vpc_security_group_ingress_rule').filter((r) =>
      String(r.security_group_id).includes('AppServers'),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ from_port: 80, to_port: 80, ip_protocol: 'tcp' });
    expect(String(rules[0].referenced_security_group_id)).toContain('LoadBalancer_SecurityGroup');
    expect(text).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { description: 'HTTP from the load balancer' });
  });

  test('user data: env file, secrets fetched at boot, worker units enabled per host', () => {
    make({ workersPerHost: 3 });
    const userData = userDataOf(stack);
    expect(userData).toContain('#cloud-config');
    expect(userData).toContain('APP_ENV=prod');
    expect(userData).toContain('webcluster-worker@3.service');
    expect(userData).not.toContain('webcluster-worker@4.service');
    expect(userData).toContain('aws secretsmanager get-secret-value');
    expect(userData).toContain('/etc/systemd/system/nginx.service.d/webcluster.conf');
  });

  test('no workers without a worker command', () => {
    make({ workerCommand: undefined });
    expect(userDataOf(stack)).not.toContain('webcluster-worker@');
  });

  test('role gets Session Manager and CloudWatch agent policies', () => {
    make();
    const attachments = resourcesOf(synthJson(stack), 'aws_iam_role_policy_attachment').map((a) => a.policy_arn);
    expect(attachments).toEqual(
      expect.arrayContaining(['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore', 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy']),
    );
  });

  test('fails when minCapacity is below 2', () => {
    expect(() => make({ minCapacity: 1 })).toThrow(/minCapacity: got 1; allowed: an integer >= 2/);
  });

  test('fails when maxCapacity is below minCapacity', () => {
    expect(() => make({ minCapacity: 4, maxCapacity: 3 })).toThrow(/maxCapacity: got 3; allowed: an integer >= minCapacity \(4\)/);
  });

  test('fails when desiredCapacity is out of bounds', () => {
    expect(() => make({ desiredCapacity: 9 })).toThrow(/desiredCapacity: got 9; allowed: 2 to 6/);
  });

  test('fails on a malformed instance type', () => {
    expect(() => make({ instanceType: 'large' })).toThrow(/instanceType: got 'large' \(it is not '<family>.<size>'\); allowed: an EC2 instance type/);
  });

  test('fails when workersPerHost is out of range', () => {
    expect(() => make({ workersPerHost: 17 })).toThrow(/workersPerHost: got 17; allowed: 0 to 16/);
  });

  test('fails when workers are asked for without a command', () => {
    expect(() => make({ workerCommand: undefined, workersPerHost: 2 })).toThrow(/workersPerHost: got 2 without a workerCommand/);
  });

  test('fails when the CPU target is out of range', () => {
    expect(() => make({ cpuTargetPercent: 95 })).toThrow(/cpuTargetPercent: got 95; allowed: 10 to 90/);
  });

  test('fails when the root volume is too small', () => {
    expect(() => make({ rootVolumeSizeGiB: 4 })).toThrow(/rootVolumeSizeGiB: got 4; allowed: 8 to 16384/);
  });

  test('fails when the health-check grace is shorter than a minute', () => {
    expect(() => make({ healthCheckGraceSec: 30 })).toThrow(/healthCheckGraceSec: got 30; allowed: 60 to 7200/);
  });

  test('fails on an instance size AWS does not sell (what TFLint would report in CI, at synth)', () => {
    expect(() => make({ instanceType: 't3.gigantic' })).toThrow(/instanceType: got 't3.gigantic' \('gigantic' is not an instance size\); allowed: an EC2 instance type/);
  });
});
