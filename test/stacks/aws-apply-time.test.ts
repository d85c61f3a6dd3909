/**
 * Apply-time and day-2 invariants of the AWS stacks that hashicorp/aws would only reveal on a real
 * account (issue 11). Each block checks every default AWS stack of webcluster.yaml, so a construct
 * added later is held to the same rule.
 */
import { TerraformStack, Testing } from 'cdktf';
import * as path from 'path';
import { loadConfigFile } from '../../config/load';
import { addEnvironmentStacks } from '../../stacks/from-config';
import { SynthJson } from '../util';

const CONFIG = path.resolve(__dirname, '..', '..', 'webcluster.yaml');

/** The default AWS stacks, synthesized once. */
function defaultAwsStacks(): { name: string; json: SynthJson }[] {
  const { config, fileLabel } = loadConfigFile(CONFIG);
  const environments = config.environments.filter((env) => env.backend === 'aws');
  const app = Testing.app();
  addEnvironmentStacks(app, { ...config, environments }, fileLabel);
  return environments.map((env) => ({
    name: env.name,
    json: JSON.parse(Testing.synth(app.node.findChild(env.name) as TerraformStack)) as SynthJson,
  }));
}

/** Every resource of `type` in `json` with its Terraform name. */
function named(json: SynthJson, type: string): [string, Record<string, unknown>][] {
  return Object.entries(json.resource[type] ?? {});
}

const STACKS = defaultAwsStacks();

test('the default configuration has the three AWS stacks', () => {
  expect(STACKS.map((s) => s.name).sort()).toEqual(['ezplatform-aws', 'shopware-aws', 'steedos-aws']);
});

describe.each(STACKS)('$name', ({ json }) => {
  test('finding 1: no aws_instance takes its AMI as resolve:ssm (InvalidAMIID.Malformed with a root_block_device); a data source reads it and later AMIs are ignored', () => {
    const instances = named(json, 'aws_instance');
    expect(instances.length).toBeGreaterThan(0);
    for (const [name, instance] of instances) {
      expect({ name, ami: instance.ami }).toEqual({ name, ami: expect.stringMatching(/^\$\{data\.aws_ssm_parameter\.[A-Za-z0-9_-]+\.insecure_value\}$/) });
      expect((instance.lifecycle as { ignore_changes?: string[] }).ignore_changes).toContain('ami');
    }
    for (const [, parameter] of named({ resource: json.data ?? {} }, 'aws_ssm_parameter')) {
      expect(parameter.name).toMatch(/^\/aws\/service\//);
    }
  });

  test('user data is gzip-compressed and fits in 16 KB', () => {
    const userData = [
      ...named(json, 'aws_instance').map(([, r]) => r.user_data_base64),
      ...named(json, 'aws_launch_template').map(([, r]) => r.user_data),
    ];
    expect(userData.length).toBeGreaterThan(0);
    for (const value of userData) expect(value).toMatch(/^\$\{base64gzip\(local\.[A-Za-z0-9_-]+\)\}$/);
  });
});
