#!/usr/bin/env node
/**
 * Benchmark: wall time and peak RSS of synthesizing every default stack (`npm run synth`'s command),
 * and of a `cdktf init`-style project (ts-node with type-checking + the barrel import of
 * @cdktf/provider-aws, one trivial stack) for comparison.
 *
 *   npm run bench                 # 5 runs of ours, 1 of the baseline
 *   npm run bench -- --runs 10 --no-baseline
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
const baseline = !args.includes('--no-baseline');

function measure(label, argv, cwd, extraEnv) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-bench-'));
  const rssFile = path.join(out, 'rss');
  const env = { ...process.env, CDKTF_OUTDIR: path.join(out, 'cdktf.out'), WEBCLUSTER_RSS_FILE: rssFile, ...extraEnv };
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', path.join(__dirname, 'report-rss.js'), ...argv], { cwd, env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    throw new Error(`${label} exited with ${r.status}`);
  }
  const rssMiB = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
  const stacks = fs.existsSync(path.join(out, 'cdktf.out', 'stacks')) ? fs.readdirSync(path.join(out, 'cdktf.out', 'stacks')).length : 0;
  fs.rmSync(out, { recursive: true, force: true });
  return { wallMs, rssMiB, stacks };
}

function summarize(label, samples) {
  const walls = samples.map((s) => s.wallMs).sort((a, b) => a - b);
  const rss = Math.max(...samples.map((s) => s.rssMiB));
  const median = walls[Math.floor(walls.length / 2)];
  console.log(
    `${label.padEnd(44)} runs=${samples.length} stacks=${samples[0].stacks} wall median=${(median / 1000).toFixed(2)}s min=${(walls[0] / 1000).toFixed(2)}s max=${(walls[walls.length - 1] / 1000).toFixed(2)}s peak RSS=${rss.toFixed(0)} MiB`,
  );
}

// `npm run synth` = transpile (scripts/build.js) + synthesize (dist/main.js); measured apart and summed.
const builds = [];
const synths = [];
measure('warm-up', [path.join(__dirname, 'build.js')], root, {});
measure('warm-up', ['dist/main.js'], root, {});
for (let i = 0; i < runs; i++) {
  builds.push(measure('build', [path.join(__dirname, 'build.js')], root, {}));
  synths.push(measure('synth', ['dist/main.js'], root, {}));
}
summarize('webcluster: transpile (esbuild)', builds);
summarize('webcluster: synth all default stacks', synths);
summarize(
  'webcluster: npm run synth (both steps)',
  synths.map((s, i) => ({ wallMs: s.wallMs + builds[i].wallMs, rssMiB: Math.max(s.rssMiB, builds[i].rssMiB), stacks: s.stacks })),
);

if (baseline) {
  const dir = fs.mkdtempSync(path.join(root, '.bench-baseline-'));
  try {
    fs.writeFileSync(
      path.join(dir, 'main.ts'),
      [
        "import { Construct } from 'constructs';",
        "import { App, TerraformStack } from 'cdktf';",
        "import * as aws from '@cdktf/provider-aws';",
        'class MyStack extends TerraformStack {',
        '  constructor(scope: Construct, id: string) {',
        '    super(scope, id);',
        "    new aws.provider.AwsProvider(this, 'aws', { region: 'eu-central-1' });",
        "    new aws.instance.Instance(this, 'vm', { ami: 'ami-123', instanceType: 't3.micro' });",
        '  }',
        '}',
        'const app = new App();',
        "new MyStack(app, 'baseline');",
        'app.synth();',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2018', module: 'commonjs', strict: true, skipLibCheck: true, types: [] }, files: ['main.ts'] }),
    );
    const tsNode = require.resolve('ts-node/dist/bin.js');
    const base = [measure('baseline', [tsNode, '--project', path.join(dir, 'tsconfig.json'), path.join(dir, 'main.ts')], dir, { TS_NODE_CACHE: 'false' })];
    summarize('cdktf init-style (ts-node + barrel import)', base);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
