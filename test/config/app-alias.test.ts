/**
 * `app: ibexa` is an alias of the `ezplatform` profile: the schema replaces it at parse time, so the parsed
 * configuration and every stack after it see only `ezplatform` (and synthesize the same output).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { stringify } from 'yaml';
import { parseConfig } from '../../config/load';
import { APP_ALIASES, APPS, type WebclusterConfig } from '../../config/schema';
import { addEnvironmentStacks } from '../../stacks/from-config';
import { synthDefaultStacks } from '../stacks/default-stacks';
import { problemsOf } from './problems';

const FILE = 'webcluster.yaml';
const DEFAULT_CONFIG = fs.readFileSync(path.resolve(__dirname, '..', '..', FILE), 'utf8');

function dockerEnv(app: string): string {
  return stringify({ environments: [{ name: 'cms-dev', app, backend: 'docker', domain: 'cms.example.com' }] });
}

/** The default configuration's ezplatform environments (AWS and Docker), with `app` as written in `text`. */
function ezplatformEnvironments(text: string): WebclusterConfig {
  const config = parseConfig(text, FILE);
  return { environments: config.environments.filter((env) => env.name.startsWith('ezplatform-')) };
}

/** Stack name -> synthesized JSON of every stack of `config`. */
function synthAll(config: WebclusterConfig): Record<string, string> {
  const stacks = addEnvironmentStacks(Testing.app(), config, FILE);
  return Object.fromEntries(stacks.map((stack) => [stack.node.id, Testing.synth(stack)]));
}

describe('app alias ibexa', () => {
  test('ibexa is the only alias, and it names the ezplatform profile', () => {
    expect(APP_ALIASES).toEqual({ ibexa: 'ezplatform' });
    expect(APPS).toContain(APP_ALIASES.ibexa);
  });

  test('app: ibexa parses as ezplatform', () => {
    expect(parseConfig(dockerEnv('ibexa'), FILE).environments[0].app).toBe('ezplatform');
    expect(parseConfig(dockerEnv('ezplatform'), FILE).environments[0].app).toBe('ezplatform');
  });

  test('the default ezplatform environments synthesize the same stacks with app: ibexa', () => {
    const aliased = DEFAULT_CONFIG.replace(/^(\s+)app: ezplatform$/gm, '$1app: ibexa');
    expect(aliased.match(/^\s+app: ibexa$/gm)).toHaveLength(2);
    // The default stacks as this run synthesized them once (test/stacks/default-stacks.ts).
    const expected = Object.fromEntries(synthDefaultStacks().filter((s) => s.app === 'ezplatform').map((s) => [s.name, s.json]));
    expect(Object.keys(expected).sort()).toEqual(['ezplatform-aws', 'ezplatform-docker']);
    const actual = Object.fromEntries(Object.entries(synthAll(ezplatformEnvironments(aliased))).map(([name, text]) => [name, JSON.parse(text) as unknown]));
    expect(actual).toEqual(expected);
  });

  test('an unknown app is still one line, naming the alias', () => {
    expect(problemsOf(dockerEnv('ibexa-dxp'), FILE)).toEqual([
      `${FILE}: environments[0].app: got "ibexa-dxp"; allowed: 'shopware', 'ezplatform' (alias 'ibexa') or 'steedos'; fix: set app to one of the allowed names`,
    ]);
  });
});
