#!/usr/bin/env node
/**
 * Transpiles the TypeScript sources to CommonJS in dist/ with SWC: no type-checking on the synth
 * path (`npm run typecheck` does that), about 0.1 s for the whole project. `npm run synth` and
 * `cdktf synth` run the result with plain node, which needs far less memory than an on-the-fly
 * TypeScript loader.
 */
const fs = require('fs');
const path = require('path');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'dist');
const sources = ['main.ts', 'constructs', 'stacks', 'config'];

function collect(rel) {
  const abs = path.join(root, rel);
  if (fs.statSync(abs).isFile()) return [rel];
  return fs
    .readdirSync(abs, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? collect(path.join(rel, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path.join(rel, e.name)] : []));
}

fs.rmSync(outDir, { recursive: true, force: true });
for (const rel of sources.flatMap(collect)) {
  const { code } = swc.transformFileSync(path.join(root, rel), {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: false,
    swcrc: false,
  });
  const out = path.join(outDir, rel.replace(/\.ts$/, '.js'));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, code);
}
