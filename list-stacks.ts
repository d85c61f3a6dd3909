/**
 * `npm run --silent stacks -- [--backend aws|docker|all]`: the names of the synthesized stacks of
 * webcluster.yaml (or $WEBCLUSTER_CONFIG) on the given backends, one a line, in deployment order (a
 * stack after the stacks it depends on). The pipelines plan and apply exactly these.
 *
 * AWS stacks by default: the Docker stacks need a Docker engine to plan against, so they are opt-in
 * (`--backend docker`, `--backend aws,docker` or `--backend all`). The stacks come from the config and
 * must be in cdktf.out/manifest.json (or $CDKTF_OUTDIR): run `npm run synth` first. Exit 2 on bad
 * usage, 1 on a bad config or a stack missing from the synthesized output.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runConfigCommand } from './config/command';
import { loadConfigFile } from './config/load';
import type { EnvironmentConfig } from './config/schema';
import { App } from './constructs/core/cdktf';
import { addEnvironmentStacks } from './stacks/from-config';

type Backend = EnvironmentConfig['backend'];

/** Every backend the config knows, in the order `all` lists them. */
const BACKENDS: readonly Backend[] = ['aws', 'docker'];
/** What a pipeline plans when it names no backend. */
const DEFAULT_BACKENDS: readonly Backend[] = ['aws'];
const USAGE = 'npm run --silent stacks -- [--backend aws|docker|all|aws,docker]';

/** The part of cdktf.out/manifest.json read here. */
interface Manifest {
  readonly stacks: Readonly<Record<string, { readonly dependencies?: readonly string[] }>>;
}

function parseBackends(argv: readonly string[]): readonly Backend[] | string {
  if (argv.length === 0) return DEFAULT_BACKENDS;
  const value = argv.length === 2 && argv[0] === '--backend' ? argv[1] : argv.length === 1 && argv[0].startsWith('--backend=') ? argv[0].slice('--backend='.length) : undefined;
  if (value === undefined) return `got '${argv.join(' ')}'; allowed: no argument (aws) or --backend <backend>[,<backend>]`;
  if (value === 'all') return BACKENDS;
  const wanted = value.split(',').map((b) => b.trim());
  const unknown = wanted.filter((b) => !(BACKENDS as readonly string[]).includes(b));
  if (wanted.length === 0 || unknown.length > 0) return `--backend: got '${value}'; allowed: ${BACKENDS.join(', ')}, all, or a comma-separated list`;
  return BACKENDS.filter((b) => wanted.includes(b));
}

/** `names` ordered so that each comes after the ones it depends on (manifest order otherwise). */
function deploymentOrder(names: readonly string[], manifest: Manifest): string[] {
  const ordered: string[] = [];
  const visit = (name: string, seen: readonly string[]): void => {
    if (ordered.includes(name) || seen.includes(name)) return;
    for (const dep of manifest.stacks[name]?.dependencies ?? []) if (names.includes(dep)) visit(dep, [...seen, name]);
    ordered.push(name);
  };
  for (const name of names) visit(name, []);
  return ordered;
}

/** Runs the command; returns its exit code, writing to `out` and `err`. */
export function runListStacks(argv: readonly string[], outdir: string, out: (line: string) => void, err: (line: string) => void): number {
  const backends = parseBackends(argv);
  if (typeof backends === 'string') {
    err(`error: stacks: ${backends}; fix: ${USAGE}`);
    return 2;
  }
  return runConfigCommand(() => {
    const { config, fileLabel, source } = loadConfigFile();
    // The stacks each environment makes, by the code that makes them (split environments make three);
    // built one environment at a time so that a problem keeps the environment's index and line.
    const app = new App({ stackTraces: false });
    const wanted = config.environments
      .filter((e) => backends.includes(e.backend))
      .flatMap((e) => addEnvironmentStacks(app, config, fileLabel, { source, only: e.name }))
      .map((s) => s.node.id);
    const manifestFile = path.join(outdir, 'manifest.json');
    const manifestLabel = path.relative(process.cwd(), manifestFile) || manifestFile;
    if (!fs.existsSync(manifestFile)) {
      err(`error: stacks: ${manifestLabel} does not exist; allowed: the output of a synth of ${fileLabel}; fix: run npm run synth first`);
      return 1;
    }
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
    const missing = wanted.filter((name) => !(name in manifest.stacks));
    if (missing.length > 0) {
      err(`error: stacks: ${missing.join(', ')} of ${fileLabel} not in ${manifestLabel}; allowed: stacks synthesized from this config; fix: run npm run synth with the same WEBCLUSTER_CONFIG first`);
      return 1;
    }
    for (const name of deploymentOrder(wanted, manifest)) out(name);
    return 0;
  }, err);
}

if (require.main === module) {
  process.exitCode = runListStacks(
    process.argv.slice(2),
    path.resolve(process.env.CDKTF_OUTDIR ?? 'cdktf.out'),
    (l) => process.stdout.write(`${l}\n`),
    (l) => process.stderr.write(`${l}\n`),
  );
}
