/**
 * webcluster.schema.json (the JSON Schema editors read for webcluster.yaml) is what `npm run schema`
 * generates from the zod schema now, describes the input side, and every configuration file points at it.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ConfigError, parseConfig } from '../config/load';
import { JSON_SCHEMA_FILE, webclusterJsonSchema, webclusterJsonSchemaText } from '../config/json-schema';

const root = path.resolve(__dirname, '..');
const FIX = 'run `npm run schema` and commit webcluster.schema.json';

type Json = Record<string, any>;

function environmentSchemas(schema: Json): Record<string, Json> {
  const variants: Json[] = schema.properties.environments.items.oneOf;
  return Object.fromEntries(variants.map((v) => [v.properties.backend.const, v]));
}

/** Configuration files: webcluster.yaml and every YAML file under examples/ with an environments list. */
function configFiles(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(rel);
      return /\.ya?ml$/.test(e.name) && /^environments:/m.test(fs.readFileSync(path.join(root, rel), 'utf8')) ? [rel] : [];
    });
  return ['webcluster.yaml', ...walk('examples')];
}

describe('webcluster.schema.json (npm run schema)', () => {
  const schema = webclusterJsonSchema() as Json;

  test('the committed file is what npm run schema writes', () => {
    const file = path.join(root, JSON_SCHEMA_FILE);
    if (!fs.existsSync(file)) throw new Error(`${JSON_SCHEMA_FILE} is missing; ${FIX}`);
    if (fs.readFileSync(file, 'utf8') !== webclusterJsonSchemaText()) throw new Error(`${JSON_SCHEMA_FILE} is out of date; ${FIX}`);
  });

  test('draft-07, strict objects, one variant per backend', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema).toMatchObject({ type: 'object', required: ['environments'], additionalProperties: false });
    const envs = environmentSchemas(schema);
    expect(Object.keys(envs).sort()).toEqual(['aws', 'docker']);
    for (const env of Object.values(envs)) {
      expect(env.additionalProperties).toBe(false);
      expect(env.properties.app.enum).toEqual(['shopware', 'ezplatform', 'ibexa', 'steedos']);
    }
  });

  test('it describes what users write: fields with defaults are optional', () => {
    const { aws, docker } = environmentSchemas(schema);
    expect([...aws.required].sort()).toEqual(['app', 'backend', 'certificate', 'domain', 'name', 'region']);
    expect([...docker.required].sort()).toEqual(['app', 'backend', 'domain', 'name']);
    expect(aws.properties.workers).toMatchObject({ type: 'integer', minimum: 1, maximum: 16, default: 2 });
    expect(docker.properties.docker.properties.mode).toMatchObject({ enum: ['standalone', 'swarm'], default: 'standalone' });
    // Transformed on the output side (resolved zones, S3 key, backup target): the input keeps them optional.
    expect(aws.properties.zoneNames.type).toBe('array');
    expect(docker.properties.backup.required ?? []).not.toContain('target');
  });

  test('fields carry their description and the allowed values of their error hint', () => {
    const { aws, docker } = environmentSchemas(schema);
    expect(aws.properties.name.description).toBe(
      'The stack name and the prefix of resource names. Allowed: lowercase letters, digits and hyphens, starting with a letter, 2 to 31 characters.',
    );
    expect(aws.properties.workers.description).toBe('Queue-worker processes per app server (AWS) or worker containers (Docker). Allowed: an integer from 1 to 16.');
    expect(aws.properties.region.pattern).toBe('^[a-z]{2}(-gov)?-[a-z]+-\\d$');
    expect(docker.properties.backup.properties.keep.description).toMatch(/^An integer from 2 to 365/);
    const undocumented = [aws, docker].flatMap((env) =>
      Object.entries(env.properties as Record<string, Json>)
        .filter(([key, field]) => typeof field.description !== 'string' && !['replicas', 'database'].includes(key))
        .map(([key]) => `${env.properties.backend.const}.${key}`),
    );
    expect(undocumented).toEqual([]);
  });

  test('every configuration file starts with the yaml-language-server line pointing at the schema', () => {
    const files = configFiles();
    expect(files).toContain('webcluster.yaml');
    const problems = files.flatMap((file) => {
      const first = fs.readFileSync(path.join(root, file), 'utf8').split('\n')[0];
      const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      if (!m) return [`${file}: the first line is not '# yaml-language-server: $schema=<path to ${JSON_SCHEMA_FILE}>'`];
      const target = path.resolve(path.dirname(path.join(root, file)), m[1]);
      return target === path.join(root, JSON_SCHEMA_FILE) ? [] : [`${file}: $schema=${m[1]} is not ${JSON_SCHEMA_FILE} of the project root`];
    });
    expect(problems).toEqual([]);
  });

  test('the package ships the schema and exports it', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.files).toContain(JSON_SCHEMA_FILE);
    expect(pkg.exports[`./${JSON_SCHEMA_FILE}`]).toBe(`./${JSON_SCHEMA_FILE}`);
  });

  describe('a JSON Schema validator (ajv) and the synth agree on real files', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv); // the formats the schema uses (email, uri, ...), checked rather than ignored
    const validate = ajv.compile(schema);
    const ajvErrors = (data: unknown): string[] =>
      validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
    const zodAccepts = (text: string): boolean => {
      try {
        parseConfig(text, 'webcluster.yaml');
        return true;
      } catch (err) {
        if (err instanceof ConfigError) return false;
        throw err;
      }
    };
    /** webcluster.yaml, the config files, and every `yaml` block of the docs that is a whole configuration. */
    const documents = (): Array<[string, string]> => {
      const docs = [path.join(root, 'README.md'), ...walkMarkdown(path.join(root, 'docs'))];
      const blocks = docs.flatMap((file) =>
        [...fs.readFileSync(file, 'utf8').matchAll(/^```yaml\n([\s\S]*?)^```/gm)]
          .map((m, i): [string, string] => [`${path.relative(root, file)} yaml block ${i + 1}`, m[1]])
          .filter(([, text]) => /^environments:/m.test(text)),
      );
      return [...configFiles().map((f): [string, string] => [f, fs.readFileSync(path.join(root, f), 'utf8')]), ...blocks];
    };

    test('every configuration the synth accepts is valid against the schema', () => {
      const files = documents();
      expect(files.length).toBeGreaterThanOrEqual(3);
      const problems = files.flatMap(([name, text]) => {
        if (!zodAccepts(text)) return [`${name}: the synth refuses it (fix the example)`];
        return ajvErrors(parse(text)).map((e) => `${name}: ${e}`);
      });
      expect(problems).toEqual([]);
    });

    test.each<[string, (env: Json) => void]>([
      ['an unknown key', (env) => (env.zonenames = ['eu-central-1a'])],
      ['one availability zone', (env) => (env.availabilityZones = 1)],
      ['workers as a word', (env) => (env.workers = 'two')],
      ['no name', (env) => delete env.name],
      ['an unknown app', (env) => (env.app = 'magento')],
    ])('both refuse %s', (_name, mutate) => {
      const data = parse(fs.readFileSync(path.join(root, 'webcluster.yaml'), 'utf8')) as Json;
      mutate(data.environments[0]);
      expect(ajvErrors(data)).not.toEqual([]);
      expect(zodAccepts(JSON.stringify(data))).toBe(false);
    });
  });
});

function walkMarkdown(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walkMarkdown(full) : e.name.endsWith('.md') ? [full] : [];
  });
}
