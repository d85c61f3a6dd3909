#!/usr/bin/env node
/**
 * Transpiles the TypeScript sources to CommonJS in dist/ with esbuild, file by file: no type-checking
 * on the synth path (`npm run typecheck` does that), about 0.1 s for the whole project. The files the
 * constructs read at synth time are copied next to it (scripts/copy-assets.js). `npm run synth`
 * and `cdktf synth` run the result with plain node, which needs far less memory than an on-the-fly
 * TypeScript loader.
 */
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');
const { copyAssets } = require('./copy-assets');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'dist');
const sources = ['main.ts', 'vars.ts', 'list-stacks.ts', 'release.ts', 'release', 'constructs', 'stacks', 'config', 'policies'];

function collect(rel) {
  const abs = path.join(root, rel);
  if (fs.statSync(abs).isFile()) return [rel];
  return fs
    .readdirSync(abs, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? collect(path.join(rel, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path.join(rel, e.name)] : []));
}

fs.rmSync(outDir, { recursive: true, force: true });
esbuild.buildSync({
  entryPoints: sources.flatMap(collect).map((rel) => path.join(root, rel)),
  outdir: outDir,
  outbase: root,
  bundle: false,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
});
// The files constructs read at synth time (e.g. the backup scripts) go next to the JavaScript.
copyAssets(outDir);
