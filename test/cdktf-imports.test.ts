/**
 * The thin cdktf layer: every file of the library and the bundled app imports cdktf through
 * constructs/core/cdktf.ts, so a move to the CDK Terrain fork (`cdktn`) is a change of that file and
 * package.json. Tests may import cdktf directly (Testing, matchers); the allowed exceptions are listed
 * with their reason.
 */
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
const LAYER = 'constructs/core/cdktf.ts';

/** Not sources: dependencies, build and synth outputs, generated docs. */
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'lib', 'coverage', 'bench-out', '.gen', '.terraform', 'docs/api']);
const SOURCE_RE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

/** Files (or folders, ending in `/`) allowed to import cdktf, and why. */
const ALLOWED: Readonly<Record<string, string>> = {
  [LAYER]: 'the layer itself',
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

  test('the layer re-exports from the cdktf package, and reaches into its stack-trace module only (setTokenStackTraces)', () => {
    expect(new Set(cdktfImports(fs.readFileSync(path.join(root, LAYER), 'utf8')))).toEqual(new Set(['cdktf', 'cdktf/lib/tokens/private/stack-trace']));
  });
});
