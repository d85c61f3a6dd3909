/**
 * The stacks of the shipped webcluster.yaml pass the policy pack with no finding at all (no error, no
 * warning, no suppression) and contain no literal secret.
 */
import { TerraformStack, Testing } from 'cdktf';
import * as path from 'path';
import { loadConfigFile } from '../../config/load';
import { checkEnvironmentPolicies } from '../../policies/environment-policies';
import { findSecrets } from '../../policies/secret-guard';
import { addEnvironmentStacks } from '../../stacks/from-config';
import { synthDefaultStacks } from '../stacks/default-stacks';

const CONFIG = path.resolve(__dirname, '..', '..', 'webcluster.yaml');

function defaultApp(mutate: (env: Record<string, unknown>) => void = () => undefined, backend?: string) {
  const { config, fileLabel } = loadConfigFile(CONFIG);
  const environments = config.environments.filter((env) => backend === undefined || env.backend === backend).map((env) => {
    const copy = { ...env } as Record<string, unknown>;
    mutate(copy);
    return copy as unknown as typeof env;
  });
  const app = Testing.app();
  addEnvironmentStacks(app, { ...config, environments }, fileLabel);
  const stacks = environments.map((env) => app.node.findChild(env.name) as TerraformStack);
  return { app, environments, fileLabel, stacks };
}

describe('default stacks', () => {
  const { app, environments, fileLabel, stacks } = defaultApp();
  const report = checkEnvironmentPolicies(app, environments, fileLabel);

  test('every environment has a stack and uses no suppression', () => {
    expect(stacks.length).toBeGreaterThanOrEqual(1);
    for (const env of environments) expect(env.policy.suppressions).toEqual([]);
  });

  test('zero policy errors, warnings and suppressed findings', () => {
    expect(report).toEqual({ errors: [], warnings: [], infos: [] });
  });

  test('no literal secret in the synthesized JSON', () => {
    const synthesized = synthDefaultStacks();
    expect(synthesized.map((s) => s.name)).toEqual(stacks.map((s) => s.node.id));
    for (const { name, json } of synthesized) expect(findSecrets(json, name)).toEqual([]);
  });
});

describe('the default AWS stack with allowDestroy', () => {
  test('still passes; the deletion-protection rule is reported as off', () => {
    const { app, environments, fileLabel } = defaultApp((env) => {
      env.allowDestroy = true;
    }, 'aws');
    expect(environments.length).toBeGreaterThanOrEqual(1);
    const report = checkEnvironmentPolicies(app, environments, fileLabel);
    expect(report.errors).toEqual([]);
    expect(report.infos).toEqual(environments.map((e) => expect.stringMatching(new RegExp(`^\\[WC-AWS-013\\] StatefulDeletionProtection is off for ${e.name}:`))));
  });
});
