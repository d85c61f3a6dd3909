/**
 * The bundled app: synthesizes one stack per environment of webcluster.yaml (or $WEBCLUSTER_CONFIG)
 * into cdktf.out/ (or $CDKTF_OUTDIR).
 *
 * Output is all or nothing: the stacks are synthesized into a staging directory next to the output
 * directory and moved in, stack by stack, only when everything succeeded (stacks/synth-output.ts:
 * each stack's .terraform/ and .terraform.lock.hcl are kept). Bad input prints one line per problem
 * (in webcluster.yaml terms, at the line of the field, also for problems the constructs find), fails
 * the synth (see reportProblems) and leaves the previous stacks untouched. The policy pack (policies/) checks the stacks before
 * synthesis (errors stop it; warnings and suppressed findings are printed), and the secret guard scans
 * the staged output for literal secrets before it is swapped in.
 *
 *   npm run synth            # esbuild transpile + node dist/main.js
 *   npx cdktf synth          # the same app through the cdktf CLI
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from './config/errors';
import { loadConfigFile } from './config/load';
import { App, TerraformStack } from './constructs/core/cdktf';
import { redactCredentials } from './constructs/core/redact';
import { ValidationError } from './constructs/core/validation-error';
import { checkEnvironmentPolicies } from './policies/environment-policies';
import { PolicyError } from './policies/policy-error';
import { formatSecretFinding, scanSynthDirectory } from './policies/secret-guard';
import { addEnvironmentStacks, environmentErrorLine, validateEnvironmentStacks } from './stacks/from-config';
import { installSynthOutput } from './stacks/synth-output';

function main(outdir: string, staging: string): void {
  const started = process.hrtime.bigint();
  const { config, fileLabel, source } = loadConfigFile();
  // No stack traces in construct metadata: they cost synth time and memory and end up in manifest.json.
  const app = new App({ outdir: staging, stackTraces: false });
  addEnvironmentStacks(app, config, fileLabel, { source });
  const problems = validateEnvironmentStacks(app, config, fileLabel, { source });
  if (problems.length > 0) throw new ConfigError(problems);
  const policy = checkEnvironmentPolicies(app, config.environments, fileLabel);
  for (const line of policy.warnings) process.stderr.write(`warning: ${redactCredentials(line)}\n`);
  for (const line of policy.infos) process.stderr.write(`info: ${redactCredentials(line)}\n`);
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
  // Stack by stack, keeping each stack's .terraform/ and lock file. Under the cdktf CLI (which sets
  // SYNTH_HCL_OUTPUT) folders of stacks that are gone are left to the CLI: it removes them after the
  // app ran and fails on one that is missing.
  installSynthOutput(staging, outdir, { removeOrphans: process.env.SYNTH_HCL_OUTPUT === undefined });
  const stacks = app.node.children.filter((c) => c instanceof TerraformStack).map((s) => s.node.id);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`synthesized ${stacks.length} stack(s) from ${fileLabel} into ${path.relative(process.cwd(), outdir) || '.'} in ${seconds.toFixed(1)} s: ${stacks.join(', ')}\n`);
}

/**
 * Reports the problems of bad input, once each, and makes the synth fail.
 *
 * Run directly, the app prints them on stderr and exits 1. Under the cdktf CLI (which sets
 * SYNTH_HCL_OUTPUT) an exit code other than 0 makes the CLI print everything the app wrote twice: live
 * and again under "Command output on stderr/stdout" (@cdktf/cli-core synth-stack.js, @cdktf/commons
 * util.js shell/exec). So there the app exits 0 without a manifest: the CLI prints the problems once,
 * live, then fails the synth itself ("synthesis failed … manifest.json was not created", exit 1). The
 * manifest of an earlier synth is removed for that, or the CLI would go on with its stale stacks; the
 * stack folders stay as they were.
 */
function reportProblems(lines: readonly string[], outdir: string): void {
  for (const line of lines) process.stderr.write(`error: ${line}\n`);
  if (process.env.SYNTH_HCL_OUTPUT === undefined) {
    process.exitCode = 1;
  } else {
    fs.rmSync(path.join(outdir, 'manifest.json'), { force: true });
    process.exitCode = 0;
  }
}

const outdir = path.resolve(process.env.CDKTF_OUTDIR ?? 'cdktf.out');
fs.mkdirSync(path.dirname(outdir), { recursive: true });
const staging = fs.mkdtempSync(`${outdir}.staging-`);
try {
  main(outdir, staging);
} catch (err) {
  if (ConfigError.isConfigError(err) || PolicyError.isPolicyError(err)) reportProblems(err.problems, outdir);
  else if (ValidationError.isValidationError(err)) reportProblems([err.message], outdir);
  else throw err;
} finally {
  fs.rmSync(staging, { recursive: true, force: true });
}
