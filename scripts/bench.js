#!/usr/bin/env node
/**
 * Benchmark of issue 14, every figure against its target, all measured in this one run:
 *
 * (a) `npm run synth`'s two steps (scripts/build.js, then dist/main.js, as package.json runs them;
 *     with dist/ up to date, and after a source change) against a `cdktf init`-style project (ts-node with type-checking + the barrel import of
 *     @cdktf/provider-aws, one trivial stack): at least 15 times faster, at most 200 MiB peak RSS;
 * (b) synth of 10, 25 and 50 environments (scripts/bench/environments.js): 50 in at most 5 s, and
 *     linear: the cost of each environment past 25 at most 1.25 times that between 10 and 25;
 * (c) `npx cdktf synth` (node_modules/.bin/cdktf, TF_CLI_CONFIG_FILE unset, output into a temporary
 *     directory) at most 2 times `npm run synth`;
 * (d) `npm test`, the README's test command (jest with 2 workers, every unit test): at most 30 s on a
 *     2-core machine.
 *
 *   npm run bench                                 # 5 runs each (3 of the CLI and the environments, 1 of npm test)
 *   npm run bench -- --runs 10 --no-baseline --no-cli --no-environments --no-test --test-runs 3
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { formatSummary, measure, ratios, repeat, seconds, summary, verdict } = require('./bench/measure');
const { environmentFigures } = require('./bench/scaling');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback);
const runs = option('--runs', 5);
const slowRuns = option('--slow-runs', 3);
const testRuns = option('--test-runs', 1);
const synthScript = require(path.join(root, 'package.json')).scripts.synth;
const here = { cwd: root };

// The baseline: a separate cdktf-init-style project, type-checked by ts-node, one trivial stack.
function measureBaseline() {
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
    const command = [process.execPath, tsNode, '--project', path.join(dir, 'tsconfig.json'), path.join(dir, 'main.ts')];
    return summary([measure('baseline', command, { cwd: dir, env: { TS_NODE_CACHE: 'false' } })]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const print = (line) => console.log(line);

// (a) npm run synth's two steps, apart and as the script runs them: with dist/ up to date (the
// transpile step then only checks its inputs), and after a source change (`build.js --force`).
const buildScript = path.join(__dirname, 'build.js');
const build = summary(repeat(runs, 'transpile', [process.execPath, buildScript], here));
const coldBuild = summary(repeat(runs, 'transpile', [process.execPath, buildScript, '--force'], here));
const synth = summary(repeat(runs, 'synth', [process.execPath, 'dist/main.js'], here));
const npmSynth = summary(repeat(runs, 'npm run synth', ['/bin/sh', '-c', synthScript], here));
const coldScript = synthScript.replace('node scripts/build.js', 'node scripts/build.js --force');
const coldSynth = summary(repeat(runs, 'npm run synth after a change', ['/bin/sh', '-c', coldScript], here));
print('(a) npm run synth of the default stacks');
print(formatSummary('  transpile, dist/ up to date: node scripts/build.js', build));
print(formatSummary('  transpile after a change: node scripts/build.js --force', coldBuild));
print(formatSummary('  synth: node dist/main.js', synth));
print(formatSummary(`  both steps: ${synthScript}`, npmSynth));
print(formatSummary('  both steps after a change (build.js --force)', coldSynth));
if (!args.includes('--no-baseline')) {
  const base = measureBaseline();
  print(formatSummary('  baseline: cdktf init-style (ts-node + barrel import)', base));
  for (const [what, s] of [['', npmSynth], [' after a change', coldSynth]]) {
    print(verdict(base.wallMs / s.wallMs >= 15, `speed-up over the baseline${what} ${ratios(base, s)} (target >= 15x, wall)`));
  }
}
print(verdict(Math.max(npmSynth.rssMiB, coldSynth.rssMiB) <= 200, `peak RSS ${Math.max(npmSynth.rssMiB, coldSynth.rssMiB).toFixed(0)} MiB (target <= 200 MiB)`));

// (b) many environments.
if (!args.includes('--no-environments')) {
  print('(b) synth of N environments (node dist/main.js, WEBCLUSTER_CONFIG with N environments of the default mix)');
  for (const line of environmentFigures(slowRuns, [10, 25, 50])) print(line);
}

// (c) the cdktf CLI against npm run synth, both through their launchers.
if (!args.includes('--no-cli')) {
  const cli = path.join(root, 'node_modules', '.bin', 'cdktf');
  const npm = summary(repeat(slowRuns, 'npm run synth', ['npm', 'run', '--silent', 'synth'], here));
  const viaCli = summary(repeat(slowRuns, 'cdktf synth', ['npx', '--no-install', 'cdktf', 'synth'], { ...here, unset: ['TF_CLI_CONFIG_FILE'], outputArgs: (dir) => ['--output', dir] }));
  print(`(c) cdktf synth (${path.relative(root, cli)}) against npm run synth`);
  print(formatSummary('  npm run synth', npm));
  print(formatSummary('  npx cdktf synth --output <tmp>', viaCli));
  print(verdict(viaCli.wallMs / npm.wallMs <= 2, `cdktf synth / npm run synth ${ratios(viaCli, npm, 2)} (target <= 2x, wall); ${seconds(viaCli.wallMs)} against ${seconds(npm.wallMs)}`));
}

// (d) the unit tests as the README runs them (jest's transform cache as an earlier run left it).
if (!args.includes('--no-test')) {
  const tests = summary(Array.from({ length: testRuns }, () => measure('npm test', ['npm', 'test', '--silent'], { ...here, unset: ['CDKTF_OUTDIR'] })));
  print(`(d) npm test on ${os.availableParallelism()} cores`);
  print(formatSummary('  npm test', tests));
  print(verdict(tests.wallMs <= 30_000, `npm test ${seconds(tests.wallMs)} (target <= 30 s, wall)`));
}
