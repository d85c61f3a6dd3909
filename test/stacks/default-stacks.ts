/**
 * The stacks of the shipped webcluster.yaml, synthesized for tests that hold every default stack to
 * one invariant.
 *
 * They are synthesized once per `npm test` run, not once per test file: the first file that asks
 * synthesizes all of them and leaves the JSON in the run's directory (test/global-setup.js sets
 * $WEBCLUSTER_TEST_RUN_DIR, test/global-teardown.js removes it); the other files read it. So a file
 * that needs only the JSON does not load the construct library at all. Outside a jest run (no
 * directory) every call synthesizes.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { SynthJson } from '../util';

const CONFIG = path.resolve(__dirname, '..', '..', 'webcluster.yaml');

/** The variable naming the directory that lives for one `npm test` run (set by test/global-setup.js). */
const TEST_RUN_DIR_ENV = 'WEBCLUSTER_TEST_RUN_DIR';

/** One default stack: its environment, the environment's backend and app, and its synthesized JSON as text. */
interface DefaultStack {
  readonly name: string;
  readonly backend: string;
  readonly app: string;
  readonly text: string;
}

/** Synthesizes every default stack, in the order of webcluster.yaml. */
function synthesizeAll(): DefaultStack[] {
  // Required here, not imported: a file served from the run's directory never loads the library.
  const { Testing } = require('cdktf') as typeof import('cdktf');
  const { loadConfigFile } = require('../../config/load') as typeof import('../../config/load');
  const { addEnvironmentStacks } = require('../../stacks/from-config') as typeof import('../../stacks/from-config');
  const { config, fileLabel } = loadConfigFile(CONFIG);
  const app = Testing.app();
  addEnvironmentStacks(app, config, fileLabel);
  return config.environments.map((env) => ({
    name: env.name,
    backend: env.backend,
    app: env.app,
    text: Testing.synth(app.node.findChild(env.name) as import('cdktf').TerraformStack),
  }));
}

let inThisFile: DefaultStack[] | undefined;

/** Every default stack: from this file's earlier call, the run's directory, or synthesized (and left there). */
function defaultStacks(): DefaultStack[] {
  if (inThisFile !== undefined) return inThisFile;
  const dir = process.env[TEST_RUN_DIR_ENV];
  const file = dir === undefined ? undefined : path.join(dir, 'default-stacks.json');
  if (file !== undefined && fs.existsSync(file)) {
    inThisFile = JSON.parse(fs.readFileSync(file, 'utf8')) as DefaultStack[];
    return inThisFile;
  }
  inThisFile = synthesizeAll();
  if (file !== undefined) {
    // Written aside and renamed: a file of the other worker never reads half of it.
    const partial = `${file}.${process.pid}`;
    fs.writeFileSync(partial, JSON.stringify(inThisFile));
    fs.renameSync(partial, file);
  }
  return inThisFile;
}

/**
 * The default stacks of `backend` (e.g. 'aws'; all when not given), each with its environment name,
 * app profile name and synthesized JSON (a new copy on every call).
 */
export function synthDefaultStacks(backend?: string): { name: string; app: string; json: SynthJson }[] {
  return defaultStacks()
    .filter((s) => backend === undefined || s.backend === backend)
    .map((s) => ({ name: s.name, app: s.app, json: JSON.parse(s.text) as SynthJson }));
}

/** Every block of `type` among `blocks` (`json.resource` or `json.data`) with its Terraform name. */
export function blocksOf(blocks: SynthJson['resource'] | undefined, type: string): [string, Record<string, unknown>][] {
  return Object.entries(blocks?.[type] ?? {});
}
