/**
 * `npm run release -- <environment> <artifact.tar.gz>`: ships a build of the app to an AWS
 * environment: upload, migrations once on the admin host, `releases/current`, instance refresh of
 * the app group (web servers and queue workers), then the single scheduler; progress on stdout,
 * the first failure stops it with one error line (exit 1).
 * `npm run release -- <environment> --rollback` puts the release before the live one back;
 * `--to <release id>` any release the bucket keeps (docs/deploy-your-own-app.md).
 * `npm run release -- <docker environment>` rolls out the synthesized stack (a new images.app):
 * init, each app container alone, workers, scheduler, then the rest (release/docker-release.ts).
 * The bucket, the admin host and the app group come from the stack's outputs (`terraform output`
 * in cdktf.out/stacks/<stack>, which `cdktf deploy` leaves initialised).
 */
import * as path from 'path';
import { ConfigError } from './config/errors';
import { loadConfigFile } from './config/load';
import { artifactProblem, AwsReleaseTarget, firstLine, releaseAws, ReleaseError, ReleaseWhat } from './release/aws-release';
import { AsyncCommandRunner, asyncProcessRunner, CommandRunner, processRunner } from './release/commands';
import { releaseDocker } from './release/docker-release';
import { RELEASE_OUTPUTS } from './stacks/release-outputs';

/** Everything a release run touches, so tests can replace it. */
export interface ReleaseCliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly run: CommandRunner;
  /** Runs Terraform for a Docker release (its progress shown as it comes). */
  readonly runAsync: AsyncCommandRunner;
  out(line: string): void;
  err(line: string): void;
  now(): Date;
  sleep(ms: number): Promise<void>;
}

const USAGE = 'npm run release -- <environment> <artifact.tar.gz> | <environment> --rollback | <environment> --to <release id>';

/** Runs the command; resolves with its exit code. */
export async function runRelease(argv: readonly string[], io: ReleaseCliIo): Promise<number> {
  try {
    const { config, fileLabel } = loadConfigFile();
    const names = config.environments.map((e) => e.name);
    const [name, ...rest] = argv;
    const environment = config.environments.find((e) => e.name === name);
    if (environment === undefined) {
      io.err(`error: release: got ${name === undefined ? 'no environment' : `'${name}'`}; allowed: one environment of ${fileLabel}: ${names.join(', ')}; fix: ${USAGE}`);
      return 2;
    }
    if (environment.backend !== 'aws') {
      if (rest.length > 0) {
        io.err(`error: release: got '${rest.join(' ')}' after ${name}; allowed: nothing: on Docker a release is the image in images.app of ${fileLabel}; fix: set images.app to the new tag, npm run synth, then npm run release -- ${name}`);
        return 2;
      }
      await releaseDocker(
        {
          environment: name,
          stackDir: path.join(path.resolve(io.env.CDKTF_OUTDIR ?? 'cdktf.out'), 'stacks', name),
          terraform: io.env.TERRAFORM_BINARY_NAME ?? 'terraform',
          mode: environment.docker.mode,
          dockerHost: environment.docker.host,
        },
        { run: io.runAsync, out: io.out, now: io.now, sleep: io.sleep },
      );
      return 0;
    }
    const what = parseWhat(rest);
    if (typeof what === 'string') {
      io.err(`error: release: ${what}; fix: ${USAGE}`);
      return 2;
    }
    const split = environment.split === true;
    const outputs = Object.assign({}, ...(split ? [`${name}-data`, `${name}-app`] : [name]).map((stack) => readOutputs(stack, io))) as Record<string, unknown>;
    const missing = Object.values(RELEASE_OUTPUTS).filter((o) => typeof outputs[o] !== 'string' || outputs[o] === '');
    if (missing.length > 0) {
      throw new ReleaseError(`the outputs of ${name} lack ${missing.join(', ')}; fix: deploy this version of the stacks first (cdktf deploy ${split ? `${name}-data ${name}-app` : name})`);
    }
    const target: AwsReleaseTarget = {
      environment: environment.name,
      region: environment.region,
      bucket: outputs[RELEASE_OUTPUTS.bucket] as string,
      adminInstanceId: outputs[RELEASE_OUTPUTS.adminInstance] as string,
      appGroup: outputs[RELEASE_OUTPUTS.appGroup] as string,
    };
    const pollSec = Number(io.env.WEBCLUSTER_RELEASE_POLL_SECONDS ?? '15');
    await releaseAws(target, what, {
      run: io.run,
      out: io.out,
      now: io.now,
      sleep: io.sleep,
      pollMs: Number.isFinite(pollSec) && pollSec >= 0 ? pollSec * 1000 : 15000,
    });
    return 0;
  } catch (e) {
    if (e instanceof ReleaseError) {
      io.err(`error: release: ${e.message}`);
      return 1;
    }
    if (ConfigError.isConfigError(e)) {
      for (const line of e.problems) io.err(`error: ${line}`);
      return 1;
    }
    throw e;
  }
}

/** The release wanted by the arguments after the environment, or what is wrong with them. */
function parseWhat(args: readonly string[]): ReleaseWhat | string {
  if (args.length === 1 && args[0] === '--rollback') return { rollback: true };
  if (args.length === 2 && args[0] === '--to') return { to: args[1] };
  if (args.length === 1 && !args[0].startsWith('-')) {
    const problem = artifactProblem(args[0]);
    return problem === undefined ? { artifact: args[0] } : `artifact: got '${args[0]}' (${problem}); allowed: the build as a .tar.gz file (tar -czf build.tar.gz -C <project> .)`;
  }
  return `got ${args.length === 0 ? 'nothing' : `'${args.join(' ')}'`} after the environment; allowed: an artifact, --rollback or --to <release id>`;
}

/** The string outputs of a deployed stack, read with `terraform output -json` in its synthesized folder. */
function readOutputs(stack: string, io: ReleaseCliIo): Record<string, unknown> {
  const dir = path.join(path.resolve(io.env.CDKTF_OUTDIR ?? 'cdktf.out'), 'stacks', stack);
  const terraform = io.env.TERRAFORM_BINARY_NAME ?? 'terraform';
  const r = io.run(terraform, ['output', '-json'], undefined, dir);
  let parsed: Record<string, { value?: unknown }> | undefined;
  try {
    parsed = r.status === 0 ? (JSON.parse(r.stdout) as Record<string, { value?: unknown }>) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined) {
    throw new ReleaseError(`cannot read the outputs of stack ${stack} (${terraform} output in ${path.relative(process.cwd(), dir) || dir}: ${firstLine(r.stderr) || 'no JSON'}); fix: run npm run synth and cdktf deploy ${stack} from this directory first`);
  }
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v?.value]));
}

if (require.main === module) {
  void runRelease(process.argv.slice(2), {
    env: process.env,
    run: processRunner(process.env),
    runAsync: asyncProcessRunner(process.env, (l) => process.stdout.write(`      ${l}\n`)),
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  }).then((code) => {
    process.exitCode = code;
  });
}
