import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { Testing, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CloudWatchLogSink } from '../../../constructs/aws/cloudwatch-log-sink';
import { InstanceRole } from '../../../constructs/aws/instance-role';
import { ILogSink, LogShipping, LogShippingProps, LogSinkBinding, LogSinkContext } from '../../../constructs/aws/log-shipping';
import { makeStack, resourcesOf, synthJson, synthTextAndJson } from '../../util';

interface PolicyJson {
  Statement: { Sid?: string; Effect: string; Action: string | string[]; Resource?: string | string[] }[];
}

const SOURCES: LogShippingProps['sources'] = [
  { role: 'app', files: ['/var/log/nginx/error.log', '/var/www/app/var/log/*.log'] },
  { role: 'admin', files: ['/var/log/webcluster/setup.log'] },
];

describe('LogShipping', () => {
  let stack: TerraformStack;

  beforeEach(() => {
    stack = makeStack();
  });

  test('defaults: CloudWatch sink, one log group per role with a year of retention', () => {
    // WHEN
    const logs = new LogShipping(stack, 'Logs', { namePrefix: 'shop', sources: SOURCES });
    // THEN
    const { text: synth, json } = synthTextAndJson(stack);
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/webcluster/shop/app', retention_in_days: 365 });
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/webcluster/shop/admin', retention_in_days: 365 });
    expect(Object.keys(json.resource.aws_cloudwatch_log_group).sort()).toEqual([
      expect.stringMatching(/^Logs_Sink_Admin_/),
      expect.stringMatching(/^Logs_Sink_App_/),
    ]);
    expect(logs.sinkName).toBe('cloudwatch');
    expect(logs.retentionDays).toBe(365);
    expect(logs.destinationFor('app')).toBe('/webcluster/shop/app');
    expect(logs.destinationFor('admin')).toBe('/webcluster/shop/admin');
  });

  test('stores the agent configuration in a Standard SSM parameter', () => {
    // WHEN
    const logs = new LogShipping(stack, 'Logs', { namePrefix: 'shop', sources: SOURCES });
    // THEN
    expect(logs.agentConfigParameterName).toBe('/webcluster/shop/log-agent-config');
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(SsmParameter, {
      name: '/webcluster/shop/log-agent-config',
      type: 'String',
      tier: 'Standard',
    });
    const value = JSON.parse(resourcesOf(json, 'aws_ssm_parameter')[0].value as string);
    expect(value.logs.logs_collected.files.collect_list).toEqual([
      { file_path: '/var/log/nginx/error.log', log_group_name: '/webcluster/shop/app', log_stream_name: '{instance_id}', timezone: 'UTC' },
      { file_path: '/var/www/app/var/log/*.log', log_group_name: '/webcluster/shop/app', log_stream_name: '{instance_id}', timezone: 'UTC' },
      { file_path: '/var/log/webcluster/setup.log', log_group_name: '/webcluster/shop/admin', log_stream_name: '{instance_id}', timezone: 'UTC' },
    ]);
  });

  test('uses the Advanced tier when the configuration exceeds 4096 characters', () => {
    // GIVEN
    const files = Array.from({ length: 40 }, (_, i) => `/var/log/app/service-${i}/current.log`);
    // WHEN
    new LogShipping(stack, 'Logs', { namePrefix: 'shop', sources: [{ role: 'app', files }] });
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(SsmParameter, { tier: 'Advanced' });
  });

  test('custom retention reaches the log groups', () => {
    // WHEN
    new LogShipping(stack, 'Logs', { namePrefix: 'shop', sources: SOURCES, retentionDays: 365 });
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(CloudwatchLogGroup, { retention_in_days: 365 });
  });

  test('userDataCommands install the CloudWatch agent and load the config from SSM', () => {
    // GIVEN
    const logs = new LogShipping(stack, 'Logs', { namePrefix: 'shop', sources: SOURCES });
    // WHEN
    const lines = logs.userDataCommands();
    // THEN
    expect(lines).toEqual([
      'dnf install -y amazon-cloudwatch-agent',
      '/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c ssm:/webcluster/shop/log-agent-config',
    ]);
  });

  test('destinationFor fails for an unknown role', () => {
    // GIVEN
    const logs = new LogShipping(stack, 'Logs', { namePrefix: 'shop', sources: SOURCES });
    // THEN
    expect(() => logs.destinationFor('worker')).toThrow(/role: got 'worker'; allowed: 'app', 'admin'/);
  });

  test('grantShipping grants stream writes on the log groups and reading the config parameter', () => {
    // GIVEN
    const logs = new LogShipping(stack, 'Logs', { namePrefix: 'shop', sources: SOURCES });
    const role = new InstanceRole(stack, 'AppRole', { namePrefix: 'shop-app' });
    // WHEN
    logs.grantShipping(role);
    // THEN
    const policy = JSON.parse(resourcesOf(synthJson(stack), 'aws_iam_role_policy')[0].policy as string) as PolicyJson;
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: [
          expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.Logs_Sink_App_\w+\.arn\}:\*$/),
          expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.Logs_Sink_Admin_\w+\.arn\}:\*$/),
        ],
      }),
    );
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'ssm:GetParameter',
        Resource: expect.stringMatching(/^\$\{aws_ssm_parameter\.Logs_AgentConfig_\w+\.arn\}$/),
      }),
    );
  });

  test('a custom sink plugs in: its destinations, config, commands and permissions are used', () => {
    // GIVEN
    const seen: LogSinkContext[] = [];
    class FileBeatSink implements ILogSink {
      public readonly name = 'filebeat';
      public bind(scope: Construct, ctx: LogSinkContext): LogSinkBinding {
        seen.push(ctx);
        expect(scope.node.path).toBe('test/Logs/Sink');
        const destinations: Record<string, string> = {};
        for (const r of ctx.roles) destinations[r.role] = `${ctx.namePrefix}-${r.role}-*`;
        return {
          destinations,
          agentConfigJson: JSON.stringify({ inputs: ctx.roles.flatMap((r) => r.files) }),
          installCommands: (parameterName) => [`filebeat-setup --config-from-ssm ${parameterName}`],
          iamStatements: [{ Effect: 'Allow', Action: 'es:ESHttpPost', Resource: 'arn:aws:es:eu-central-1:123456789012:domain/logs/*' }],
        };
      }
    }
    const role = new InstanceRole(stack, 'AppRole', { namePrefix: 'shop-app' });
    // WHEN
    const logs = new LogShipping(stack, 'Logs', { namePrefix: 'shop', sources: SOURCES, retentionDays: 30, sink: new FileBeatSink() });
    logs.grantShipping(role);
    // THEN
    expect(seen).toEqual([{ namePrefix: 'shop', roles: SOURCES, retentionDays: 30 }]);
    expect(logs.sinkName).toBe('filebeat');
    expect(logs.destinationFor('admin')).toBe('shop-admin-*');
    expect(logs.userDataCommands()).toEqual(['filebeat-setup --config-from-ssm /webcluster/shop/log-agent-config']);
    const { text: synth, json } = synthTextAndJson(stack);
    expect(synth).not.toHaveResource(CloudwatchLogGroup);
    expect(synth).toHaveResourceWithProperties(SsmParameter, {
      value: JSON.stringify({ inputs: ['/var/log/nginx/error.log', '/var/www/app/var/log/*.log', '/var/log/webcluster/setup.log'] }),
    });
    const policy = JSON.parse(resourcesOf(json, 'aws_iam_role_policy')[0].policy as string) as PolicyJson;
    expect(policy.Statement.map((s) => s.Action)).toEqual(['es:ESHttpPost', 'ssm:GetParameter']);
  });

  test('CloudWatchLogSink can be passed explicitly', () => {
    // WHEN
    const logs = new LogShipping(stack, 'Logs', { namePrefix: 'shop', sources: SOURCES, sink: new CloudWatchLogSink() });
    // THEN
    expect(logs.sinkName).toBe('cloudwatch');
    expect(Testing.synth(stack)).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/webcluster/shop/admin' });
  });

  describe('validation', () => {
    const build = (overrides: Partial<LogShippingProps>) => () =>
      new LogShipping(stack, 'Logs', { namePrefix: 'shop', sources: SOURCES, ...overrides });

    test('fails when a file is listed under two roles', () => {
    const stack = makeStack();
    expect(
      () =>
        new LogShipping(stack, 'Logs', {
          namePrefix: 'shop',
          sources: [
            { role: 'app', files: ['/var/www/app/var/log/*.log'] },
            { role: 'admin', files: ['/var/www/app/var/log/*.log', '/var/log/webcluster/setup.log'] },
          ],
        }),
    ).toThrow(/sources\[\]\.files: got \['\/var\/www\/app\/var\/log\/\*\.log'\] under more than one role/);
  });

  test('fails when namePrefix has characters log groups do not allow', () => {
      expect(build({ namePrefix: 'shop prod' })).toThrow(/namePrefix: got 'shop prod'; allowed: letters, digits/);
    });

    test('fails when no source is given', () => {
      expect(build({ sources: [] })).toThrow(/sources: got \[\]; allowed: at least one role/);
    });

    test('fails when a role is not lowercase', () => {
      expect(build({ sources: [{ role: 'App', files: ['/var/log/a.log'] }] })).toThrow(/sources\[\]\.role: got \['App'\]; allowed: lowercase letters/);
    });

    test('fails when roles repeat', () => {
      expect(build({ sources: [...SOURCES, { role: 'app', files: ['/var/log/b.log'] }] })).toThrow(/sources\[\]\.role: got duplicates \['app'\]/);
    });

    test('fails when roles clash as construct ids', () => {
      expect(
        build({
          sources: [
            { role: 'web1', files: ['/var/log/a.log'] },
            { role: 'web-1', files: ['/var/log/b.log'] },
          ],
        }),
      ).toThrow(/sources\[\]\.role: got \['web-1'\] whose construct ids clash/);
    });

    test('fails when a role has no files', () => {
      expect(build({ sources: [{ role: 'app', files: [] }] })).toThrow(/sources\[\]\.files: got no files for \['app'\]/);
    });

    test('fails when a file path is relative or contains spaces', () => {
      expect(build({ sources: [{ role: 'app', files: ['var/log/a.log', '/var/log/my app.log'] }] })).toThrow(
        /sources\[\]\.files: got \['var\/log\/a.log', '\/var\/log\/my app.log'\]; allowed: absolute paths/,
      );
    });

    test('fails when retentionDays is not a CloudWatch value', () => {
      expect(build({ retentionDays: 10 })).toThrow(/retentionDays: got 10; allowed: 1, 3, 5, 7, 14, 30, 60, 90/);
    });

    test('fails when the sink leaves a role without destination', () => {
      const sink: ILogSink = {
        name: 'partial',
        bind: () => ({ destinations: { app: 'x' }, agentConfigJson: '{}', installCommands: () => [], iamStatements: [] }),
      };
      expect(build({ sink })).toThrow(/sink: got sink 'partial' without destinations for \['admin'\]/);
    });

    test('fails when the agent configuration exceeds 8192 characters', () => {
      const files = Array.from({ length: 100 }, (_, i) => `/var/log/app/service-${i}/current.log`);
      expect(build({ sources: [{ role: 'app', files }] })).toThrow(/sources: got an agent configuration of \d+ characters; allowed: at most 8192/);
    });
  });
});
