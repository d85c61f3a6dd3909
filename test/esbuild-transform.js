// Jest transform: TypeScript to CommonJS with esbuild (no type-checking; `npm run typecheck` does that).
const crypto = require('crypto');
const esbuild = require('esbuild');

const OPTIONS = { loader: 'ts', format: 'cjs', target: 'node20', sourcemap: 'inline', sourcesContent: false };

module.exports = {
  process(source, filename) {
    const { code } = esbuild.transformSync(source, { ...OPTIONS, sourcefile: filename });
    return { code };
  },
  getCacheKey(source, filename) {
    return crypto.createHash('sha256').update(esbuild.version).update(JSON.stringify(OPTIONS)).update(filename).update(source).digest('hex');
  },
};
