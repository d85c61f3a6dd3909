/**
 * The hosts' release script (constructs/aws/scripts/release/webcluster-release), run for real with
 * bash: `boot` waits for the first release and installs the current one; a release that cannot be
 * unpacked never replaces the app. `aws` is a stand-in serving a folder as the bucket, `sleep` one
 * that returns at once (the script waits 30 s between tries), and the configuration path points at a
 * temporary file.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SCRIPT = fs.readFileSync(path.join(__dirname, '../../../constructs/aws/scripts/release/webcluster-release'), 'utf8');
const USER = os.userInfo().username;

let dir: string;
let bucket: string;
let appDir: string;
let script: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-release-script-'));
  bucket = path.join(dir, 'bucket');
  appDir = path.join(dir, 'www', 'app');
  fs.mkdirSync(path.join(bucket, 'releases'), { recursive: true });
  fs.mkdirSync(appDir, { recursive: true });
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  // aws s3 cp [--only-show-errors] <from> <to>, s3://bucket/ being the folder; '-' is stdout.
  fs.writeFileSync(
    path.join(bin, 'aws'),
    [
      '#!/bin/bash',
      'args=(); for a in "$@"; do [ "$a" = --only-show-errors ] || args+=("$a"); done',
      `from="${bucket}/` + '${args[2]#s3://bucket/}"',
      'to="${args[3]}"',
      '[ -f "$from" ] || { echo "fatal error: An error occurred (404) when calling the HeadObject operation: Key does not exist" >&2; exit 1; }',
      'if [ "$to" = - ]; then cat "$from"; else cp "$from" "$to"; fi',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  fs.writeFileSync(path.join(bin, 'sleep'), `#!/bin/sh\necho sleep "$@" >> ${dir}/sleeps\nexec /bin/sleep 0.2\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'release.env'), `RELEASE_BUCKET=bucket\nAPP_DIR=${appDir}\nAPP_USER=${USER}\nRESTART_SERVICES=''\n`);
  fs.writeFileSync(path.join(dir, 'hook'), '#!/bin/bash\nset -euo pipefail\necho hooked > hooked.txt\n', { mode: 0o755 });
  script = path.join(dir, 'webcluster-release');
  const local = SCRIPT.split('/etc/webcluster/release.env').join(path.join(dir, 'release.env')).split('/etc/webcluster/release-hook').join(path.join(dir, 'hook'));
  fs.writeFileSync(script, local, { mode: 0o755 });
  env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Puts release `id` (files name → content) into the bucket as releases/<id>.tar.gz. */
function upload(id: string, files: Record<string, string>): void {
  const src = path.join(dir, `src-${id}`);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(src, name)), { recursive: true });
    fs.writeFileSync(path.join(src, name), content);
  }
  expect(spawnSync('tar', ['-czf', path.join(bucket, 'releases', `${id}.tar.gz`), '-C', src, '.']).status).toBe(0);
}

const setCurrent = (id: string): void => fs.writeFileSync(path.join(bucket, 'releases', 'current'), `${id}\n`);

function boot(): { status: number | null; output: string } {
  const r = spawnSync('bash', [script, 'boot'], { env, encoding: 'utf8', timeout: 20000 });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe('webcluster-release boot', () => {
  test('installs the release releases/current names, keeps the one before, runs the hook in the new one', () => {
    upload('r1', { 'bin/console': 'v1' });
    setCurrent('r1');
    expect(boot().status).toBe(0);
    upload('r2', { 'bin/console': 'v2' });
    setCurrent('r2');
    const second = boot();
    expect(second.status).toBe(0);
    expect(second.output).toMatch(/webcluster-release: installed release r2 in /);
    expect(fs.readFileSync(path.join(appDir, 'bin/console'), 'utf8')).toBe('v2');
    expect(fs.readFileSync(path.join(appDir, '.webcluster-release'), 'utf8')).toBe('r2\n');
    expect(fs.readFileSync(path.join(appDir, 'hooked.txt'), 'utf8')).toBe('hooked\n');
    expect(fs.readFileSync(`${appDir}.previous/bin/console`, 'utf8')).toBe('v1');
    // Installed already: nothing to do at the next boot.
    expect(boot().output).toMatch(/release r2 is installed/);
    expect(fs.readdirSync(path.dirname(appDir)).sort()).toEqual(['app', 'app.previous']);
  });

  test('a host that boots before the first release waits for it, then installs it', async () => {
    const child = spawn('bash', [script, 'boot'], { env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    const done = new Promise<number | null>((resolve) => child.on('close', resolve));
    const until = async (check: () => boolean): Promise<void> => {
      for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 100));
    };
    await until(() => (output.match(/no release yet/g) ?? []).length >= 2);
    expect(output).toContain('no release yet (s3://bucket/releases/current is missing); upload one with: npm run release -- <environment> <artifact>; next try in 30 s');
    expect(fs.readFileSync(path.join(dir, 'sleeps'), 'utf8').split('\n')[0]).toBe('sleep 30');
    expect(fs.existsSync(path.join(appDir, '.webcluster-release'))).toBe(false);
    upload('r1', { 'bin/console': 'v1' });
    setCurrent('r1');
    expect(await done).toBe(0);
    expect(fs.readFileSync(path.join(appDir, 'bin/console'), 'utf8')).toBe('v1');
  });

  test('an archive that cannot be unpacked never replaces the app; the boot tries again', async () => {
    upload('r1', { 'bin/console': 'v1' });
    setCurrent('r1');
    expect(boot().status).toBe(0);
    fs.writeFileSync(path.join(bucket, 'releases', 'r2.tar.gz'), 'not a tar file');
    setCurrent('r2');
    const child = spawn('bash', [script, 'boot'], { env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    for (let i = 0; i < 100 && !output.includes('installing release r2 failed'); i++) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    expect(output).toContain('cannot unpack s3://bucket/releases/r2.tar.gz');
    expect(output).toContain('installing release r2 failed; next try in 30 s');
    expect(fs.readFileSync(path.join(appDir, 'bin/console'), 'utf8')).toBe('v1');
    expect(fs.readdirSync(path.dirname(appDir)).filter((n) => n.includes('.new.'))).toEqual([]);
  });

  test('refuses an id that is not a plain name', () => {
    setCurrent('../../etc');
    const child = spawnSync('bash', [script, 'migrate', '../../etc'], { env, encoding: 'utf8', timeout: 10000 });
    expect(child.stderr).toBe('');
    expect(child.status).not.toBe(0);
    expect(child.stdout).toContain("refused release id '../../etc'");
  });
});
