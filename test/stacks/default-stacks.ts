/**
 * The stacks of the shipped webcluster.yaml, synthesized for tests that hold every default stack of
 * a backend to one invariant.
 */
import { TerraformStack, Testing } from 'cdktf';
import * as path from 'path';
import { loadConfigFile } from '../../config/load';
import { addEnvironmentStacks } from '../../stacks/from-config';
import type { SynthJson } from '../util';

const CONFIG = path.resolve(__dirname, '..', '..', 'webcluster.yaml');

/** The default stacks of `backend` (e.g. 'aws'), each with its environment name, app profile name and synthesized JSON. */
export function synthDefaultStacks(backend: string): { name: string; app: string; json: SynthJson }[] {
  const { config, fileLabel } = loadConfigFile(CONFIG);
  const environments = config.environments.filter((env) => env.backend === backend);
  const app = Testing.app();
  addEnvironmentStacks(app, { ...config, environments }, fileLabel);
  return environments.map((env) => ({
    name: env.name,
    app: env.app,
    json: JSON.parse(Testing.synth(app.node.findChild(env.name) as TerraformStack)) as SynthJson,
  }));
}

/** Every block of `type` among `blocks` (`json.resource` or `json.data`) with its Terraform name. */
export function blocksOf(blocks: SynthJson['resource'] | undefined, type: string): [string, Record<string, unknown>][] {
  return Object.entries(blocks?.[type] ?? {});
}
