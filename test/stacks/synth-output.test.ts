/**
 * The synthesis output is replaced stack by stack: what Terraform keeps beside a stack survives,
 * files the new synthesis no longer writes go, folders of stacks that are gone go (unless the cdktf
 * CLI, which removes them itself, runs the app), and the manifest is the new one.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { installSynthOutput } from '../../stacks/synth-output';

/** Writes a synthesis of `stacks` (name -> files) into `dir`. */
function synthesis(dir: string, stacks: Record<string, Record<string, string>>): void {
  fs.mkdirSync(path.join(dir, 'stacks'), { recursive: true });
  const manifest = { version: '0.21.0', stacks: Object.fromEntries(Object.keys(stacks).map((s) => [s, { name: s, workingDirectory: `stacks/${s}` }])) };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  for (const [stack, files] of Object.entries(stacks)) {
    fs.mkdirSync(path.join(dir, 'stacks', stack), { recursive: true });
    for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, 'stacks', stack, file), content);
  }
}

describe('installSynthOutput', () => {
  let tmp: string;
  let out: string;
  const staging = (name: string): string => path.join(tmp, `cdktf.out.staging-${name}`);
  const read = (...p: string[]): string => fs.readFileSync(path.join(out, ...p), 'utf8');
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-out-'));
    out = path.join(tmp, 'cdktf.out');
    synthesis(staging('1'), { shop: { 'cdk.tf.json': 'v1' }, old: { 'cdk.tf.json': 'v1' } });
    installSynthOutput(staging('1'), out);
    // What `terraform init` leaves.
    fs.mkdirSync(path.join(out, 'stacks', 'shop', '.terraform', 'providers'), { recursive: true });
    fs.writeFileSync(path.join(out, 'stacks', 'shop', '.terraform.lock.hcl'), 'lock');
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('a new synthesis keeps .terraform/ and the lock file, replaces the JSON, drops files no longer written and removes gone stacks', () => {
    synthesis(staging('2'), { shop: { 'cdk.tf': 'hcl v2' }, fresh: { 'cdk.tf.json': 'v2' } });
    installSynthOutput(staging('2'), out);
    expect(fs.readdirSync(path.join(out, 'stacks')).sort()).toEqual(['fresh', 'shop']);
    expect(fs.readdirSync(path.join(out, 'stacks', 'shop')).sort()).toEqual(['.terraform', '.terraform.lock.hcl', 'cdk.tf']);
    expect(fs.existsSync(path.join(out, 'stacks', 'shop', '.terraform', 'providers'))).toBe(true);
    expect(read('stacks', 'shop', '.terraform.lock.hcl')).toBe('lock');
    expect(read('stacks', 'shop', 'cdk.tf')).toBe('hcl v2');
    expect(Object.keys((JSON.parse(read('manifest.json')) as { stacks: object }).stacks)).toEqual(['shop', 'fresh']);
    // Nothing is left beside the output.
    expect(fs.readdirSync(tmp).filter((e) => e !== 'cdktf.out' && !e.startsWith('cdktf.out.staging-'))).toEqual([]);
  });

  test('under the cdktf CLI the folders of gone stacks are left for the CLI to remove', () => {
    synthesis(staging('2'), { shop: { 'cdk.tf.json': 'v2' } });
    installSynthOutput(staging('2'), out, { removeOrphans: false });
    expect(fs.readdirSync(path.join(out, 'stacks')).sort()).toEqual(['old', 'shop']);
    expect(read('stacks', 'shop', 'cdk.tf.json')).toBe('v2');
  });
});
