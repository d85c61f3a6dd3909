#!/usr/bin/env node
/**
 * Copies the files the constructs read at synth time (not TypeScript, so neither esbuild nor tsc
 * emits them) next to the compiled JavaScript: every `scripts/` and `assets/` folder under constructs/
 * (e.g. the backup scripts, constructs/docker/scripts/backup/; the VCL template,
 * constructs/core/assets/cache.vcl) and every `assets/` folder under stacks/ (the files the profiles
 * write onto hosts, e.g. stacks/aws/profiles/assets/), into dist/ (scripts/build.js) and lib/
 * (npm run build:lib, so the package ships them).
 *
 * Usage: node scripts/copy-assets.js <out dir>
 */
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
/** The trees searched, with the names of the folders copied whole below each. */
const ASSET_TREES = [
  { tree: 'constructs', names: ['scripts', 'assets'] },
  { tree: 'stacks', names: ['assets'] },
];

/** The asset folders below `rel` named one of `names`, relative to the root. */
function assetDirs(rel, names) {
  return fs
    .readdirSync(path.join(root, rel), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => (names.includes(e.name) ? [path.join(rel, e.name)] : assetDirs(path.join(rel, e.name), names)));
}

/** Copies every asset folder into `outDir` under the same relative path; returns the folders. */
function copyAssets(outDir) {
  const dirs = ASSET_TREES.flatMap(({ tree, names }) => assetDirs(tree, names));
  for (const dir of dirs) fs.cpSync(path.join(root, dir), path.join(outDir, dir), { recursive: true });
  return dirs;
}

module.exports = { copyAssets };

if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node scripts/copy-assets.js <out dir>');
    process.exit(2);
  }
  copyAssets(path.resolve(root, out));
}
