/**
 * The package as users get it: `npm pack` (which runs `prepack` → `npm run build:lib`), the tarball
 * installed into a fresh consumer project made from examples/consumer/, type-checked with the
 * consumer's own tsconfig and synthesized with plain node.
 *
 * Slow-ish (about 15 s: library build, pack, install, tsc), so `npm test` skips it; run it with
 * `npm run test:package` (.ci/run does). The project is packed from a temporary copy of its sources, so
 * the test neither writes lib/ in the working tree nor depends on what is lying around in it.
 * The consumer's dependencies come from the npm cache `npm ci` filled (`--prefer-offline`): no network
 * when the cache is warm.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
const consumerTemplate = path.join(root, 'examples', 'consumer');

/** Not copied into the pack source: build outputs, dependencies, local state. */
const NOT_SOURCES = new Set(['.git', 'node_modules', 'cdktf.out', 'dist', 'lib', 'coverage', 'bench-out', '.gen', '.terraform']);

function isSource(file: string): boolean {
  const segments = path.relative(root, file).split(path.sep);
  if (segments[0] === '') return true;
  if (NOT_SOURCES.has(segments[0]) || /^(cdktf\.out|\.bench-baseline-)/.test(segments[0])) return false;
  return !segments.includes('node_modules');
}

interface PackageJson {
  name: string;
  version: string;
  main?: string;
  types?: string;
  exports?: Record<string, unknown>;
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** Runs a command; on failure the error carries its output. */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

/** Environment for nested npm calls: without the variables of the npm run that started jest. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: '1' };
  for (const key of Object.keys(env)) {
    if (key.startsWith('npm_') && key !== 'npm_config_cache' && key !== 'npm_config_registry' && key !== 'npm_config_cafile') delete env[key];
  }
  return env;
}

describe('npm pack → install into a fresh consumer → tsc → synth (npm run test:package)', () => {
  const rootPkg = readJson<PackageJson>(path.join(root, 'package.json'));
  let tmp: string;
  let tarball: string;
  let consumer: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-package-'));
    // 1. Pack from a copy of the sources (node_modules linked, for tsc in prepack).
    const src = path.join(tmp, 'src');
    fs.cpSync(root, src, { recursive: true, filter: isSource });
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(src, 'node_modules'), 'dir');
    const packDir = path.join(tmp, 'pack');
    fs.mkdirSync(packDir);
    run('npm', ['pack', '--pack-destination', packDir, '--no-audit', '--no-fund'], src, npmEnv());
    const tgz = fs.readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
    expect(tgz).toEqual([`${rootPkg.name}-${rootPkg.version}.tgz`]);
    tarball = path.join(packDir, tgz[0]);

    // 2. A fresh consumer project from examples/consumer/, depending on the tarball.
    consumer = path.join(tmp, 'consumer');
    fs.mkdirSync(consumer);
    for (const f of ['package.json', 'tsconfig.json', 'main.ts']) fs.copyFileSync(path.join(consumerTemplate, f), path.join(consumer, f));
    const pkg = readJson<PackageJson>(path.join(consumer, 'package.json'));
    pkg.dependencies = { ...pkg.dependencies, webcluster: `file:${tarball}` };
    fs.writeFileSync(path.join(consumer, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], consumer, npmEnv());
  }, 180_000);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the consumer pins the same cdktf, constructs, provider and TypeScript versions as the library', () => {
    const pkg = readJson<PackageJson>(path.join(consumerTemplate, 'package.json'));
    const pinned = { ...rootPkg.dependencies, ...rootPkg.devDependencies };
    const wanted = { ...pkg.dependencies, ...pkg.devDependencies };
    for (const name of ['cdktf', 'constructs', '@cdktf/provider-aws', 'typescript', '@types/node']) {
      expect(`${name}@${wanted[name]}`).toBe(`${name}@${pinned[name]}`);
    }
  });

  test('cdktf, constructs and the providers are peer dependencies (one copy, the consumer\'s); the library pins them only for its own development', () => {
    const packed = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as PackageJson;
    expect(packed.peerDependencies).toEqual({ '@cdktf/provider-aws': '^21.22.1', '@cdktf/provider-docker': '^12.0.3', cdktf: '^0.21.0', constructs: '^10.4.2' });
    expect(packed.dependencies).toEqual({ yaml: rootPkg.dependencies?.yaml, zod: rootPkg.dependencies?.zod });
    // Each peer range admits the exact version the library is developed and tested with.
    for (const [name, range] of Object.entries(packed.peerDependencies ?? {})) {
      const pinned = rootPkg.devDependencies?.[name] ?? '';
      expect(`${name}@${pinned}`).toMatch(/^.+@\d+\.\d+\.\d+$/);
      const [major, minor, patch] = range.replace(/^\^/, '').split('.').map(Number);
      const [pMajor, pMinor, pPatch] = pinned.split('.').map(Number);
      const sameLine = major === 0 ? pMajor === 0 && pMinor === minor : pMajor === major;
      const notBelow = pMinor > minor || (pMinor === minor && pPatch >= patch) || pMajor > major;
      expect(`${name}@${pinned} in ${range}: ${sameLine && notBelow}`).toBe(`${name}@${pinned} in ${range}: true`);
    }
    // The consumer's copies are the only ones: none nested under webcluster.
    const nested = path.join(consumer, 'node_modules', 'webcluster', 'node_modules');
    for (const name of ['cdktf', 'constructs', '@cdktf/provider-aws', '@cdktf/provider-docker']) {
      expect(fs.existsSync(path.join(nested, name))).toBe(false);
      expect(fs.existsSync(path.join(consumer, 'node_modules', name, 'package.json'))).toBe(true);
    }
  });

  test('the tarball holds the compiled library with declarations, the README and its docs pages, the JSON Schema and nothing else', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''));
    const outside = files.filter(
      (f) => !f.startsWith('lib/') && !/^docs\/.+\.md$/.test(f) && !['package.json', 'README.md', 'LICENSE', 'webcluster.schema.json'].includes(f),
    );
    expect(outside).toEqual([]);
    expect(files).toContain('webcluster.schema.json');
    // The README's links into docs/ work on the registry's page and in node_modules too.
    const readmeLinks = [...fs.readFileSync(path.join(root, 'README.md'), 'utf8').matchAll(/\]\((docs\/[^)#\s]+\.md)/g)].map((m) => m[1]);
    expect(readmeLinks.length).toBeGreaterThan(0);
    expect(readmeLinks.filter((link) => !files.includes(link))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    for (const f of ['lib/index.js', 'lib/index.d.ts', 'lib/constructs/aws/load-balancer.js', 'lib/constructs/aws/load-balancer.d.ts', 'lib/stacks/aws-vm-stack.d.ts', 'lib/config/load.js']) {
      expect(files).toContain(f);
    }
    // Every module has its declaration file next to it.
    const missing = files.filter((f) => f.endsWith('.js') && !files.includes(f.replace(/\.js$/, '.d.ts')));
    expect(missing).toEqual([]);
    // The files constructs and profiles read at synth time ship beside them (scripts/copy-assets.js).
    const scripts = [
      ...fs.readdirSync(path.join(root, 'constructs', 'docker', 'scripts', 'backup')).map((f) => `lib/constructs/docker/scripts/backup/${f}`),
      'lib/constructs/core/assets/cache.vcl',
      ...['aws', 'docker'].flatMap((backend) =>
        fs.readdirSync(path.join(root, 'stacks', backend, 'profiles', 'assets')).map((f) => `lib/stacks/${backend}/profiles/assets/${f}`),
      ),
      'lib/constructs/aws/assets/mongodb/member-setup.sh',
      'lib/constructs/aws/assets/app-host/fetch-secrets.sh',
    ];
    expect(scripts.length).toBeGreaterThan(1);
    expect(scripts.filter((f) => !files.includes(f))).toEqual([]);
  });

  test('the consumer type-checks (its own tsconfig: node16 resolution through the exports map, skipLibCheck off)', () => {
    run(path.join(consumer, 'node_modules', '.bin', 'tsc'), ['-p', '.'], consumer);
    expect(fs.existsSync(path.join(consumer, 'main.js'))).toBe(true);
    // Consumers on the classic resolution (cdktf init's default) get the same types through typesVersions.
    run(path.join(consumer, 'node_modules', '.bin', 'tsc'), ['-p', '.', '--noEmit', '--module', 'commonjs', '--moduleResolution', 'node10'], consumer);
  });

  test('the consumer synthesizes: load balancer, app servers, database and the rule between them', () => {
    const out = path.join(tmp, 'consumer-out');
    run(process.execPath, ['main.js'], consumer, { ...process.env, CDKTF_OUTDIR: out });
    const tf = readJson<{ resource: Record<string, Record<string, Record<string, unknown>>>; provider: { aws: { region: string }[] } }>(
      path.join(out, 'stacks', 'consumer-shop', 'cdk.tf.json'),
    );
    expect(tf.provider.aws[0].region).toBe('eu-west-1');
    for (const type of ['aws_lb', 'aws_lb_listener', 'aws_autoscaling_group', 'aws_launch_template', 'aws_rds_cluster', 'aws_rds_cluster_instance', 'aws_vpc']) {
      expect(Object.keys(tf.resource[type] ?? {}).length).toBeGreaterThan(0);
    }
    const mysqlIngress = Object.values(tf.resource.aws_vpc_security_group_ingress_rule).filter((r) => r.from_port === 3306);
    expect(mysqlIngress).toHaveLength(1);
    expect(mysqlIngress[0].description).toBe('MySQL from the app servers');
  });

  test('the root entry point loads no provider bindings; private modules are not exported', () => {
    const probe = [
      "const w = require('webcluster');",
      "if (typeof w.Port.tcp !== 'function' || typeof w.PolicyPack !== 'function') throw new Error('root exports missing');",
      "const heavy = Object.keys(require.cache).filter((m) => /[\\\\/]@cdktf[\\\\/]provider-/.test(m));",
      "if (heavy.length) throw new Error('root entry loaded ' + heavy[0]);",
      "require('webcluster/stacks/aws-vm-stack');",
      "require('webcluster/constructs/docker/docker-cluster');",
      "if (!require('webcluster/constructs/docker/data-backup').backupScript('webcluster-backup').startsWith('#!/bin/sh')) throw new Error('backup scripts not shipped');",
      "let code = 'none'; try { require('webcluster/constructs/aws/private/iam'); } catch (e) { code = e.code; }",
      "if (code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw new Error('private module reachable: ' + code);",
    ].join('\n');
    run(process.execPath, ['-e', probe], consumer);
  });
});
