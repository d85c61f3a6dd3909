/**
 * The bundled app's work, callable in-process: synthesizes one stack per environment of a
 * webcluster.yaml into an output directory. main.ts is the process around it (environment variables,
 * stdout/stderr, the exit code); the tests call {@link synthApp} directly, which spares a node start-up
 * and the module loading per run.
 *
 * Output is all or nothing: the stacks are synthesized into a staging directory next to the output
 * directory and moved in, stack by stack, only when everything succeeded (stacks/synth-output.ts:
 * each stack's .terraform/ and .terraform.lock.hcl are kept). Bad input prints one line per problem
 * (in webcluster.yaml terms, at the line of the field, also for problems the constructs find), fails
 * the synth (see reportProblems) and leaves the previous stacks untouched. The policy pack (policies/) checks the stacks before
 * synthesis (errors stop it; warnings and suppressed findings are printed), and the secret guard scans
 * the staged output for literal secrets before it is swapped in.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../config/errors';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../config/load';
import { App, TerraformStack } from '../constructs/core/cdktf';
import { redactCredentials } from '../constructs/core/redact';
import { ValidationError } from '../constructs/core/validation-error';
import { checkEnvironmentPolicies } from '../policies/environment-policies';
import { PolicyError } from '../policies/policy-error';
import { formatSecretFinding, scanSynthDirectory } from '../policies/secret-guard';
import { addEnvironmentStacks, environmentErrorLine, validateEnvironmentStacks } from './from-config';
import { installSynthOutput } from './synth-output';

/**
 * One run of the app. Only cdktf's own switches (`SYNTH_HCL_OUTPUT`'s HCL output,
 * `CDKTF_TARGET_STACK_ID`, `CDKTF_CONTEXT_JSON`) are still read from `process.env`, by cdktf's App.
 */
export interface SynthAppOptions {
  /**
   * The output directory, resolved against `cwd`; its parent is created when missing.
   * @default 'cdktf.out'
   */
  readonly outdir?: string;
  /**
   * The configuration file, resolved against `cwd` (main.ts passes `$WEBCLUSTER_CONFIG`).
   * @default 'webcluster.yaml' in `cwd`
   */
  readonly configPath?: string;
  /**
   * Whether the app runs under the cdktf CLI (main.ts: `SYNTH_HCL_OUTPUT` is set). Then bad input
   * gives exit code 0 and no manifest.json (see reportProblems), and the folders of stacks that are
   * gone are left to the CLI.
   * @default false
   */
  readonly underCdktfCli?: boolean;
  /**
   * The working directory: relative paths resolve against it, and the configuration file and the
   * output directory are named relative to it in messages.
   * @default process.cwd()
   */
  readonly cwd?: string;
  /**
   * Receives what the app prints on stdout (the one line saying what was synthesized).
   * @default writes to process.stdout
   */
  readonly stdout?: (text: string) => void;
  /**
   * Receives what the app prints on stderr (`error:`, `warning:` and `info:` lines).
   * @default writes to process.stderr
   */
  readonly stderr?: (text: string) => void;
}

/** The options with their defaults applied and the paths resolved. */
interface Run {
  readonly outdir: string;
  readonly configPath: string;
  readonly underCdktfCli: boolean;
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

function synthesize(run: Run, staging: string): void {
  const started = process.hrtime.bigint();
  const { config, fileLabel, source } = loadConfigFile(run.configPath, run.cwd);
  // No stack traces in construct metadata: they cost synth time and memory and end up in manifest.json.
  const app = new App({ outdir: staging, stackTraces: false });
  addEnvironmentStacks(app, config, fileLabel, { source });
  const problems = validateEnvironmentStacks(app, config, fileLabel, { source });
  if (problems.length > 0) throw new ConfigError(problems);
  const policy = checkEnvironmentPolicies(app, config.environments, fileLabel);
  for (const line of policy.warnings) run.stderr(`warning: ${redactCredentials(line)}\n`);
  for (const line of policy.infos) run.stderr(`info: ${redactCredentials(line)}\n`);
  if (policy.errors.length > 0) throw new PolicyError(policy.errors);
  try {
    app.synth();
  } catch (err) {
    // A construct that checks its input only while synthesizing: the same YAML terms.
    if (ValidationError.isValidationError(err)) throw new ConfigError([environmentErrorLine(app, err, config, fileLabel, { source })]);
    throw err;
  }
  const secrets = scanSynthDirectory(staging);
  if (secrets.length > 0) throw new PolicyError(secrets.map(formatSecretFinding));
  // Stack by stack, keeping each stack's .terraform/ and lock file. Under the cdktf CLI folders of
  // stacks that are gone are left to the CLI: it removes them after the app ran and fails on one that
  // is missing.
  installSynthOutput(staging, run.outdir, { removeOrphans: !run.underCdktfCli });
  const stacks = app.node.children.filter((c) => c instanceof TerraformStack).map((s) => s.node.id);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  run.stdout(`synthesized ${stacks.length} stack(s) from ${fileLabel} into ${path.relative(run.cwd, run.outdir) || '.'} in ${seconds.toFixed(1)} s: ${stacks.join(', ')}\n`);
}

/**
 * Reports the problems of bad input, once each, and makes the synth fail; returns the exit code.
 *
 * Run directly, the app prints them on stderr and exits 1. Under the cdktf CLI (which sets
 * SYNTH_HCL_OUTPUT) an exit code other than 0 makes the CLI print everything the app wrote twice: live
 * and again under "Command output on stderr/stdout" (@cdktf/cli-core synth-stack.js, @cdktf/commons
 * util.js shell/exec). So there the app exits 0 without a manifest: the CLI prints the problems once,
 * live, then fails the synth itself ("synthesis failed … manifest.json was not created", exit 1). The
 * manifest of an earlier synth is removed for that, or the CLI would go on with its stale stacks; the
 * stack folders stay as they were.
 */
function reportProblems(run: Run, lines: readonly string[]): number {
  for (const line of lines) run.stderr(`error: ${line}\n`);
  if (!run.underCdktfCli) return 1;
  fs.rmSync(path.join(run.outdir, 'manifest.json'), { force: true });
  return 0;
}

/**
 * Runs the app once: synthesizes, or reports the problems of bad input (configuration, policy and
 * construct errors, one `error:` line each). Any other error (a bug) is thrown, with its stack. The
 * staging directory is removed in every case.
 * @returns the exit code: 0 on success, 1 on bad input (0 under the cdktf CLI, see reportProblems)
 */
export function synthApp(options: SynthAppOptions = {}): number {
  const cwd = options.cwd ?? process.cwd();
  const run: Run = {
    outdir: path.resolve(cwd, options.outdir ?? 'cdktf.out'),
    configPath: options.configPath ?? DEFAULT_CONFIG_FILE,
    underCdktfCli: options.underCdktfCli ?? false,
    cwd,
    stdout: options.stdout ?? ((text) => process.stdout.write(text)),
    stderr: options.stderr ?? ((text) => process.stderr.write(text)),
  };
  fs.mkdirSync(path.dirname(run.outdir), { recursive: true });
  const staging = fs.mkdtempSync(`${run.outdir}.staging-`);
  try {
    synthesize(run, staging);
    return 0;
  } catch (err) {
    if (ConfigError.isConfigError(err) || PolicyError.isPolicyError(err)) return reportProblems(run, err.problems);
    if (ValidationError.isValidationError(err)) return reportProblems(run, [err.message]);
    throw err;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
