/**
 * The bundled app as users run it: `npm run synth` (esbuild transpile + node dist/main.js). The default
 * synth and one failing run go through the real process (environment, stdout/stderr, exit code); the
 * other cases run the app's work in-process (stacks/synth-app.ts, what main.ts calls), with the same
 * working directory and files, and one case checks that both give the same output and exit code.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdktf';
import { loadConfigFile } from '../config/load';
import { addEnvironmentStacks } from '../stacks/from-config';
import { runAppInProcess } from './fixtures/app-in-process';
import type { AppRun } from './fixtures/built-app';

const root = path.resolve(__dirname, '..');

/** The real process: node dist/main.js in the repository, `config` as $WEBCLUSTER_CONFIG. */
function run(config: string | undefined, outdir: string): AppRun {
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  if (config === undefined) delete env.WEBCLUSTER_CONFIG;
  else env.WEBCLUSTER_CONFIG = config;
  const r = spawnSync(process.execPath, ['dist/main.js'], { cwd: root, env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same in-process (same working directory). */
const runInProcess = (config: string | undefined, outdir: string): AppRun => runAppInProcess(config, outdir, { cwd: root });

describe('main (npm run synth)', () => {
  let tmp: string;
  beforeAll(() => {
    execFileSync(process.execPath, ['scripts/build.js'], { cwd: root });
  });
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-main-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('synthesizes every environment of the default webcluster.yaml', () => {
    const out = path.join(tmp, 'cdktf.out');
    const r = run(undefined, out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // One line says what was written.
    expect(r.stdout).toMatch(/^synthesized 7 stack\(s\) from webcluster\.yaml into .*cdktf\.out in \d+\.\d s: shopware-aws, shopware-docker, shopware-swarm, steedos-aws, steedos-docker, ezplatform-aws, ezplatform-docker\n$/);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { stacks: Record<string, unknown> };
    expect(Object.keys(manifest.stacks)).toContain('shopware-aws');
    const tf = fs.readFileSync(path.join(out, 'stacks', 'shopware-aws', 'cdk.tf.json'), 'utf8');
    expect(tf).toContain('"aws_rds_cluster"');
    expect(tf).not.toContain(root);
  });

  test('a bad file: one line per problem, exit 1, no stack trace, nothing written', () => {
    const config = path.join(tmp, 'bad.yaml');
    fs.writeFileSync(
      config,
      ['environments:', '  - name: shop', '    app: shopware', '    backend: aws', '    region: eu-central-1', '    availabilityZones: 1', '    domain: shop.example.com', '    certificate: { hostedZoneId: Z123 }', '    sizes: { app: { min: 0 } }', ''].join('\n'),
    );
    const out = path.join(tmp, 'cdktf.out');
    const r = runInProcess(config, out);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: .*bad\.yaml:6: environments\[0\]\.availabilityZones: got 1; allowed: .*; fix: /);
    expect(lines[1]).toMatch(/^error: .*bad\.yaml:9: environments\[0\]\.sizes\.app\.min: got 0; allowed: .*; fix: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(tmp)).toEqual(['bad.yaml']);
  });

  test('a problem only a construct finds: one line naming the YAML field at its line, exit 1; the same in-process', () => {
    const config = path.join(tmp, 'steedos.yaml');
    fs.writeFileSync(
      config,
      ['environments:', '  - name: acme-shop', '    app: steedos', '    backend: aws', '    region: eu-central-1', '    domain: shop.example.com', '    certificate: { hostedZoneId: Z123 }', ''].join('\n'),
    );
    const r = run(config, path.join(tmp, 'cdktf.out'));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.replace(tmp, '<tmp>')).toBe(
      "error: <tmp>/steedos.yaml:2: environments[0].cdn: got true (default); allowed: false for app steedos (it has no public bucket for CloudFront to serve); fix: set 'cdn: false' in environment 'acme-shop'\n",
    );
    expect(runInProcess(config, path.join(tmp, 'cdktf.out'))).toEqual(r);
    expect(fs.readdirSync(tmp)).toEqual(['steedos.yaml']);
  });

  test('an app the backend does not implement yet is rejected before any construct', () => {
    // Every app the schema allows is implemented on both backends now, so the guard of
    // stacks/from-config.ts is only reachable with a configuration that bypassed the schema.
    const { config, fileLabel } = loadConfigFile(path.join(root, 'webcluster.yaml'));
    const env = { ...config.environments[0], app: 'magento' } as unknown as (typeof config.environments)[number];
    const app = Testing.app();
    expect(() => addEnvironmentStacks(app, { ...config, environments: [env] }, fileLabel)).toThrow(
      /environments\[0\]\.app: got "magento"; allowed on backend aws: shopware, steedos, ezplatform; fix: /,
    );
    expect(app.node.children).toHaveLength(0);
  });

  test('a missing file names the path and the variable to set', () => {
    const r = runInProcess(path.join(tmp, 'nope.yaml'), path.join(tmp, 'out'));
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('nope.yaml');
  });

  test('under the cdktf CLI, bad input: the same line, exit 0, the manifest of an earlier synth removed, its stacks kept', () => {
    // The CLI then fails the synth itself, printing the line once (test/cdktf-cli.test.ts runs it).
    const out = path.join(tmp, 'cdktf.out');
    fs.mkdirSync(path.join(out, 'stacks', 'shop'), { recursive: true });
    fs.writeFileSync(path.join(out, 'manifest.json'), '{}');
    fs.writeFileSync(path.join(out, 'stacks', 'shop', 'cdk.tf.json'), '{}');
    const r = runAppInProcess(path.join(tmp, 'nope.yaml'), out, { cwd: root, underCdktfCli: true });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(runInProcess(path.join(tmp, 'nope.yaml'), out).stderr);
    expect(r.stderr).toMatch(/^error: .*nope\.yaml: got nothing \(no such file\)/);
    expect(fs.readdirSync(out)).toEqual(['stacks']);
    expect(fs.readFileSync(path.join(out, 'stacks', 'shop', 'cdk.tf.json'), 'utf8')).toBe('{}');
    expect(fs.readdirSync(tmp)).toEqual(['cdktf.out']);
  });
});
