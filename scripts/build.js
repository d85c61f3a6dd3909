#!/usr/bin/env node
/**
 * Transpiles the TypeScript sources to CommonJS in dist/ with esbuild, file by file: no type-checking
 * on the synth path (`npm run typecheck` does that), about 0.15 s for the whole project. The files the
 * constructs read at synth time are copied next to it (scripts/copy-assets.js). `npm run synth`
 * and `cdktf synth` run the result with plain node, which needs far less memory than an on-the-fly
 * TypeScript loader.
 *
 * Nothing is done when dist/ is up to date: built from the same inputs (the content of every file
 * under the source folders, assets included, of this script, scripts/copy-assets.js, tsconfig.json
 * and package.json, and esbuild's version; recorded in dist/.build-inputs) with every output file
 * there. Any change rebuilds dist/ whole. `--force` rebuilds anyway.
 *
 *   node scripts/build.js [--force]
 *   require('./build').build({ force })   # in-process (scripts/synth.js, the tests)
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'dist');
const sources = ['main.ts', 'vars.ts', 'list-stacks.ts', 'release.ts', 'release', 'constructs', 'stacks', 'config', 'policies'];
const INPUTS_FILE = path.join(outDir, '.build-inputs');

/** Files below `rel` (or `rel` itself), relative to the root, that `keep` accepts. */
function collect(rel, keep) {
  const abs = path.join(root, rel);
  if (fs.statSync(abs).isFile()) return keep(rel) ? [rel] : [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? collect(path.join(rel, e.name), keep) : keep(e.name) ? [path.join(rel, e.name)] : []));
}

const isSource = (name) => name.endsWith('.ts') && !name.endsWith('.d.ts');

/** Hash of everything the build reads: file names and contents, and esbuild's version. */
function inputsHash() {
  const files = [
    ...sources.flatMap((rel) => collect(rel, () => true)),
    path.join('scripts', 'build.js'),
    path.join('scripts', 'copy-assets.js'),
    'tsconfig.json',
    'package.json',
  ].sort();
  const hash = crypto.createHash('sha256');
  hash.update(`esbuild ${require('esbuild/package.json').version}\0`);
  for (const rel of files) hash.update(`${rel}\0`).update(fs.readFileSync(path.join(root, rel))).update('\0');
  return hash.digest('hex');
}

/** The output file of each source. */
const outputs = (entries) => entries.map((rel) => path.join(outDir, rel.replace(/\.ts$/, '.js')));

/**
 * Builds dist/ unless it is up to date (or `force`); returns whether it built. Run as a script, `--force`
 * sets `force`; scripts/synth.js and the tests call it in-process.
 */
function build({ force = false } = {}) {
  const entries = sources.flatMap((rel) => collect(rel, isSource));
  const hash = inputsHash();
  const upToDate =
    !force && fs.existsSync(INPUTS_FILE) && fs.readFileSync(INPUTS_FILE, 'utf8') === hash && outputs(entries).every((file) => fs.existsSync(file));
  if (upToDate) return false;
  const esbuild = require('esbuild');
  const { copyAssets } = require('./copy-assets');
  fs.rmSync(outDir, { recursive: true, force: true });
  esbuild.buildSync({
    entryPoints: entries.map((rel) => path.join(root, rel)),
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
  // Last, so that an interrupted build is not taken for an up-to-date one.
  fs.writeFileSync(INPUTS_FILE, hash);
  return true;
}

module.exports = { build };

if (require.main === module) build({ force: process.argv.includes('--force') });
