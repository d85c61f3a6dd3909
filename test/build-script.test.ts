/**
 * scripts/build.js transpiles only when dist/ is out of date: run in a copy of the project's build
 * inputs, it rebuilds after a change to a source, an asset or a removed output file, and with
 * --force, and otherwise leaves dist/ as it is. The first build and --force run the script as npm
 * does (`node scripts/build.js`); the other cases call its build() in-process (what scripts/synth.js
 * does), sparing a node and an esbuild start-up each.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
/** What scripts/build.js reads: its source folders and files, itself, the asset copier and the configs. */
const INPUTS = ['main.ts', 'vars.ts', 'list-stacks.ts', 'release.ts', 'release', 'constructs', 'stacks', 'config', 'policies', 'scripts/build.js', 'scripts/copy-assets.js', 'tsconfig.json', 'package.json'];

describe('scripts/build.js', () => {
  let project: string;
  /** `node scripts/build.js [args]` in the copy. */
  const runScript = (...args: string[]): void => {
    execFileSync(process.execPath, [path.join(project, 'scripts', 'build.js'), ...args], { cwd: project });
  };
  /** The copy's build(), in-process; whether it built. */
  const build = (): boolean => (require(path.join(project, 'scripts', 'build.js')) as { build: (options?: { force?: boolean }) => boolean }).build();
  /** A marker in dist/main.js: gone when the build rewrote dist/. */
  const mark = (): void => fs.appendFileSync(path.join(project, 'dist', 'main.js'), '\n// marker\n');
  const rebuilt = (): boolean => !fs.readFileSync(path.join(project, 'dist', 'main.js'), 'utf8').includes('// marker');

  beforeAll(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-build-'));
    for (const rel of INPUTS) fs.cpSync(path.join(ROOT, rel), path.join(project, rel), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'), 'dir');
    runScript();
  });
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  test('nothing changed: dist/ is left as it is', () => {
    mark();
    expect(build()).toBe(false);
    expect(rebuilt()).toBe(false);
  });

  test('a changed source is transpiled', () => {
    mark();
    fs.appendFileSync(path.join(project, 'config', 'errors.ts'), '\nexport const BUILD_TEST_MARK = 1;\n');
    expect(build()).toBe(true);
    expect(rebuilt()).toBe(true);
    expect(fs.readFileSync(path.join(project, 'dist', 'config', 'errors.js'), 'utf8')).toContain('BUILD_TEST_MARK');
  });

  test('a changed asset is copied', () => {
    mark();
    fs.appendFileSync(path.join(project, 'constructs', 'core', 'assets', 'cache.vcl'), '\n# build test\n');
    expect(build()).toBe(true);
    expect(rebuilt()).toBe(true);
    expect(fs.readFileSync(path.join(project, 'dist', 'constructs', 'core', 'assets', 'cache.vcl'), 'utf8')).toContain('# build test');
  });

  test('a removed output file is rebuilt', () => {
    fs.rmSync(path.join(project, 'dist', 'vars.js'));
    expect(build()).toBe(true);
    expect(fs.existsSync(path.join(project, 'dist', 'vars.js'))).toBe(true);
  });

  test('--force rebuilds an up-to-date dist/', () => {
    mark();
    runScript('--force');
    expect(rebuilt()).toBe(true);
  });
});
