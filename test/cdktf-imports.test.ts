/**
 * The thin cdktf layer: every file of the library and the bundled app imports cdktf through
 * constructs/core/cdktf.ts, so a move to the CDK Terrain fork (`cdktn`) is a change of that file and
 * package.json. Tests may import cdktf directly (Testing, matchers); the allowed exceptions are listed
 * with their reason.
 *
 * The layer also turns off cdktf's per-token stack traces when it loads (setTokenStackTraces), so
 * every library module that creates provider resources must load it, directly or through a module it
 * imports: a user who imports just that construct gets the same synth as the app.
 */
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
const LAYER = 'constructs/core/cdktf.ts';
/** The part of the layer that turns cdktf's per-token stack traces off; the layer loads it before cdktf. */
const STACK_TRACES = 'constructs/core/token-stack-traces.ts';

/** Not sources: dependencies, build and synth outputs, generated docs. */
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'lib', 'coverage', 'bench-out', '.gen', '.terraform', 'docs/api']);
const SOURCE_RE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

/** Files (or folders, ending in `/`) allowed to import cdktf, and why. */
const ALLOWED: Readonly<Record<string, string>> = {
  [LAYER]: 'the layer itself',
  [STACK_TRACES]: "the layer's switch for cdktf's per-token stack traces",
  'test/': 'tests use Testing and the jest matchers (the brief of issue 7 exempts test/)',
  'examples/': 'user-side code: the docs example and the consumer project import cdktf as an app of their own does',
  'scripts/bench.js': 'writes the source of a separate cdktf-init-style project as a string (the baseline it measures)',
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) {
      const rel = path.relative(root, path.join(dir, e.name)).split(path.sep).join('/');
      return SKIP_DIRS.has(e.name) || SKIP_DIRS.has(rel) || e.name.startsWith('cdktf.out') || e.name.startsWith('.bench-baseline-') ? [] : sourceFiles(path.join(dir, e.name));
    }
    return SOURCE_RE.test(e.name) && !e.name.endsWith('.d.ts') ? [path.join(dir, e.name)] : [];
  });
}

/** Module specifiers of cdktf imports, requires, dynamic imports and re-exports in `text`. */
function cdktfImports(text: string): string[] {
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(['"`])(cdktf(?:\/[^'"`]*)?)\1/g;
  return [...text.matchAll(re)].map((m) => m[2]);
}

function allowed(rel: string): boolean {
  return Object.keys(ALLOWED).some((k) => (k.endsWith('/') ? rel.startsWith(k) : rel === k));
}

describe('cdktf imports go through constructs/core/cdktf.ts', () => {
  const files = sourceFiles(root).map((f) => path.relative(root, f).split(path.sep).join('/'));

  test('the scan sees the library, the app, the scripts and the tests', () => {
    for (const f of ['main.ts', 'index.ts', LAYER, 'constructs/aws/network.ts', 'stacks/aws-vm-stack.ts', 'config/load.ts', 'policies/policy-pack.ts', 'scripts/diagram.ts', 'test/util.ts']) {
      expect(files).toContain(f);
    }
  });

  test('the pattern finds every form of import', () => {
    const sample = [
      "import { App } from 'cdktf';",
      'import type { IAspect } from "cdktf";',
      "export { Fn } from 'cdktf';",
      "import 'cdktf/lib/testing/adapters/jest';",
      "const c = require('cdktf');",
      "const t = await import('cdktf/lib/testing');",
      "import { x } from '@cdktf/provider-aws/lib/vpc';",
      "import { y } from './cdktf';",
      "import { z } from 'cdktf-cli';",
    ].join('\n');
    expect(cdktfImports(sample)).toEqual(['cdktf', 'cdktf', 'cdktf', 'cdktf/lib/testing/adapters/jest', 'cdktf', 'cdktf/lib/testing']);
  });

  test('no other file imports cdktf', () => {
    const offenders = files
      .filter((rel) => !allowed(rel))
      .flatMap((rel) => cdktfImports(fs.readFileSync(path.join(root, rel), 'utf8')).map((spec) => `${rel}: imports '${spec}'; import it from ${LAYER} instead`));
    expect(offenders).toEqual([]);
  });

  test('the layer re-exports from the cdktf package, and its switch reaches into the stack-trace module only (setTokenStackTraces)', () => {
    expect(new Set(cdktfImports(fs.readFileSync(path.join(root, LAYER), 'utf8')))).toEqual(new Set(['cdktf']));
    expect(cdktfImports(fs.readFileSync(path.join(root, STACK_TRACES), 'utf8'))).toEqual(['cdktf/lib/tokens/private/stack-trace']);
  });

  test('the layer loads the switch before the cdktf package, which creates a token while it loads', () => {
    const specs = runtimeImports(fs.readFileSync(path.join(root, LAYER), 'utf8'));
    expect(specs.indexOf('./token-stack-traces')).toBe(0);
    expect(specs.indexOf('cdktf')).toBeGreaterThan(0);
  });
});

/** Relative module specifiers a file loads at run time: value imports, side-effect imports, re-exports, requires. */
function runtimeImports(text: string): string[] {
  const specs: string[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:([^'"`;]*?)\s+from\s+)?(['"])([^'"]+)\4/gm;
  for (const m of text.matchAll(re)) {
    const names = m[3]?.trim();
    // Erased by the compiler: `import type`, and `import { type A, type B }` with only type names.
    const typeOnly = m[2] !== undefined || (names?.startsWith('{') === true && names.slice(1, -1).split(',').every((n) => n.trim() === '' || /^type\s/.test(n.trim())));
    if (!typeOnly) specs.push(m[5]);
  }
  for (const m of text.matchAll(/\brequire\s*\(\s*(['"])([^'"]+)\1\s*\)/g)) specs.push(m[2]);
  return specs;
}

/** Resolves a relative specifier of `fromRel` to a project .ts file (relative to root), or undefined. */
function resolveProjectFile(fromRel: string, spec: string, exists: (rel: string) => boolean): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.posix.join(path.posix.dirname(fromRel), spec);
  return [`${base}.ts`, `${base}/index.ts`].find(exists);
}

const existsRel = (rel: string): boolean => fs.existsSync(path.join(root, rel));

/**
 * Library modules a user can import (not under private/, which the package does not export) that
 * create provider resources, themselves or through what they import, without loading the layer.
 */
function modulesMissingTheLayer(files: readonly string[], read: (rel: string) => string, exists: (rel: string) => boolean = existsRel): string[] {
  const imports = new Map<string, string[]>();
  const importsOf = (rel: string): string[] => {
    let specs = imports.get(rel);
    if (specs === undefined) {
      specs = runtimeImports(read(rel));
      imports.set(rel, specs);
    }
    return specs;
  };
  /** Whether `rel`, or a project file it loads at run time, satisfies `test`. */
  const reaches = (rel: string, test: (f: string) => boolean): boolean => {
    const seen = new Set<string>();
    const stack = [rel];
    while (stack.length > 0) {
      const f = stack.pop() as string;
      if (seen.has(f)) continue;
      seen.add(f);
      if (test(f)) return true;
      stack.push(...importsOf(f).flatMap((s) => resolveProjectFile(f, s, exists) ?? []));
    }
    return false;
  };
  const loadsLayer = (rel: string): boolean => reaches(rel, (f) => f === LAYER);
  const createsResources = (rel: string): boolean => reaches(rel, (f) => importsOf(f).some((s) => s.startsWith('@cdktf/provider-')));
  return files
    .filter((rel) => !rel.includes('/private/') && createsResources(rel) && !loadsLayer(rel))
    .map((rel) => `${rel}: creates provider resources without loading ${LAYER}; add import '<relative path>/core/cdktf' (it turns off cdktf's per-token stack traces)`);
}

describe('every library module that creates provider resources loads the layer first', () => {
  const library = sourceFiles(root)
    .map((f) => path.relative(root, f).split(path.sep).join('/'))
    .filter((rel) => /^(constructs|stacks|policies|config)\//.test(rel) && rel.endsWith('.ts'));
  const readRel = (rel: string): string => fs.readFileSync(path.join(root, rel), 'utf8');

  test('run-time imports: type-only imports are not counted, side-effect imports and re-exports are', () => {
    const sample = [
      "import type { A } from './a';",
      "import { type B, type C } from './b';",
      "import { type D, E } from './d';",
      "import './side-effect';",
      "export { F } from './f';",
      "import * as g from '@cdktf/provider-aws/lib/vpc';",
      "const h = require('./h');",
    ].join('\n');
    expect(runtimeImports(sample)).toEqual(['./d', './side-effect', './f', '@cdktf/provider-aws/lib/vpc', './h']);
  });

  test('a module creating resources is reported unless it reaches the layer, also through a module it imports', () => {
    const files: Record<string, string> = {
      'constructs/aws/direct.ts': "import { Vpc } from '@cdktf/provider-aws/lib/vpc';\nimport '../core/cdktf';",
      'constructs/aws/through.ts': "import { Vpc } from '@cdktf/provider-aws/lib/vpc';\nimport { x } from './direct';",
      'constructs/aws/type-only.ts': "import { Vpc } from '@cdktf/provider-aws/lib/vpc';\nimport type { x } from './direct';",
      'constructs/aws/none.ts': "import { Vpc } from '@cdktf/provider-aws/lib/vpc';",
      'constructs/aws/via-private.ts': "import { zone } from './private/zone';",
      'constructs/aws/private/zone.ts': "import { Subnet } from '@cdktf/provider-aws/lib/subnet';",
    };
    const found = modulesMissingTheLayer(Object.keys(files), (rel) => files[rel] ?? fs.readFileSync(path.join(root, rel), 'utf8'), (rel) => rel in files || existsRel(rel));
    expect(found.map((l) => l.split(':')[0])).toEqual(['constructs/aws/type-only.ts', 'constructs/aws/none.ts', 'constructs/aws/via-private.ts']);
  });

  test('the scan covers the constructs that create resources', () => {
    const creating = library.filter((rel) => runtimeImports(readRel(rel)).some((s) => s.startsWith('@cdktf/provider-')));
    expect(creating).toEqual(expect.arrayContaining(['constructs/aws/network.ts', 'constructs/docker/standalone-runtime.ts', 'constructs/aws/private/network-zone.ts']));
  });

  test('none creates resources without it', () => {
    expect(modulesMissingTheLayer(library, readRel)).toEqual([]);
  });

  test('importing one construct alone turns the stack traces off (Network, which uses no cdktf API itself)', () => {
    jest.isolateModules(() => {
      require('../constructs/aws/network');
      const traces: { captureStackTrace: () => string[] } = require('cdktf/lib/tokens/private/stack-trace');
      expect(traces.captureStackTrace()).toEqual([]);
    });
  });
});
