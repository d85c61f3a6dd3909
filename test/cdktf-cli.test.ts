/**
 * The cdktf CLI flow across a changed set of stacks: `cdktf synth` works first time after stacks are
 * added and removed (the CLI removes the folders of gone stacks itself, after the app ran), what
 * `terraform init` left beside a stack (.terraform/, the lock file) survives the next synth, and a
 * configuration error is printed once.
 *
 * The CLI runs twice, for the two cases that need it: most of a run is the CLI's own start-up (it
 * loads its whole bundle, `cdktf convert`'s TypeScript compiler included, before it starts the app).
 * The earlier synth they start from is the app run directly, which writes the same cdktf.out as
 * under the CLI. A first CLI synth into an empty output directory is what `npm run test:hcl` does
 * (scripts/test-hcl.sh).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { buildApp, type BuiltApp } from './fixtures/built-app';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'node_modules', '.bin', 'cdktf');

/** An AWS environment of the given name (AWS stacks need no assets beside the built app). */
const aws = (name: string): Record<string, unknown> => ({
  name,
  app: 'shopware',
  backend: 'aws',
  region: 'eu-central-1',
  domain: `${name}.example.com`,
  certificate: { hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
});

describe('cdktf synth across a changed stack set', () => {
  let app: BuiltApp;
  let project: string;
  beforeAll(() => {
    app = buildApp();
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-cli-'));
    fs.writeFileSync(path.join(project, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: `"${process.execPath}" "${app.main}"`, sendCrashReports: 'false' }));
  });
  afterAll(() => {
    app.dispose();
    fs.rmSync(project, { recursive: true, force: true });
  });

  /** Writes the project's webcluster.yaml; returns its path. */
  const writeConfig = (environments: Record<string, unknown>[]): string => {
    const config = path.join(project, 'webcluster.yaml');
    fs.writeFileSync(config, stringify({ environments }));
    return config;
  };
  /** `cdktf synth` in the project, on these environments. */
  const synth = (environments: Record<string, unknown>[]): { status: number | null; output: string } => {
    const config = writeConfig(environments);
    const r = spawnSync(CLI, ['synth'], {
      cwd: project,
      env: { ...process.env, WEBCLUSTER_CONFIG: config, CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: '1', CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1', CI: '1' },
      encoding: 'utf8',
      timeout: 180_000,
    });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  };
  const stacks = (): string[] => fs.readdirSync(path.join(project, 'cdktf.out', 'stacks')).sort();

  test('an earlier synth (the app run directly), then terraform init leaves .terraform/ and a lock file', () => {
    const r = app.run(writeConfig([aws('shop-a'), aws('shop-b')]), path.join(project, 'cdktf.out'));
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/ENOENT|Error/);
    expect(r.status).toBe(0);
    expect(stacks()).toEqual(['shop-a', 'shop-b']);
    fs.mkdirSync(path.join(project, 'cdktf.out', 'stacks', 'shop-a', '.terraform', 'providers'), { recursive: true });
    fs.writeFileSync(path.join(project, 'cdktf.out', 'stacks', 'shop-a', '.terraform.lock.hcl'), '# lock');
  });

  test('a stack removed and one added: the next synth succeeds first time, the gone stack folder is removed, .terraform/ and the lock file stay', () => {
    const r = synth([aws('shop-a'), aws('shop-c')]);
    expect(r.output).not.toMatch(/ENOENT|Error/);
    expect(r.status).toBe(0);
    expect(stacks()).toEqual(['shop-a', 'shop-c']);
    const shopA = path.join(project, 'cdktf.out', 'stacks', 'shop-a');
    expect(fs.existsSync(path.join(shopA, '.terraform', 'providers'))).toBe(true);
    expect(fs.readFileSync(path.join(shopA, '.terraform.lock.hcl'), 'utf8')).toBe('# lock');
    expect(fs.readFileSync(path.join(shopA, 'cdk.tf.json'), 'utf8')).toContain('"aws_rds_cluster"');
  });

  test('a configuration error is printed once, the synth fails, the stacks of the last synth stay and no stale manifest is used', () => {
    const r = synth([{ ...aws('shop-a'), app: 'steedos' }]);
    expect(r.status).toBe(1);
    const errors = r.output.split('\n').filter((l) => l.includes('environments[0].cdn'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(
      "error: webcluster.yaml:2: environments[0].cdn: got true (default); allowed: false for app steedos (it has no public bucket for CloudFront to serve); fix: set 'cdn: false' in environment 'shop-a'",
    );
    expect(r.output).toMatch(/synthesis failed/);
    expect(r.output).not.toMatch(/Command output on/);
    expect(fs.existsSync(path.join(project, 'cdktf.out', 'manifest.json'))).toBe(false);
    expect(stacks()).toEqual(['shop-a', 'shop-c']);
  });
});
