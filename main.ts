/**
 * The bundled app: synthesizes one stack per environment of webcluster.yaml (or $WEBCLUSTER_CONFIG)
 * into cdktf.out/. Bad input prints one line per problem and exits 1 without writing anything.
 *
 *   npm run synth            # fast path (no type-checking)
 *   npx cdktf synth          # the same app through the cdktf CLI
 */
import { ConfigError } from './config/errors';
import { loadConfigFile } from './config/load';
import { App } from './constructs/core/cdktf';
import { ValidationError } from './constructs/core/validation-error';
import { addEnvironmentStacks } from './stacks/from-config';

function main(): void {
  const { config, fileLabel } = loadConfigFile();
  // No stack traces in construct metadata: they cost synth time and memory and end up in manifest.json.
  const app = new App({ stackTraces: false });
  addEnvironmentStacks(app, config, fileLabel);
  // Run construct validations before anything is written, so a failure leaves cdktf.out untouched.
  const problems = app.node.findAll().flatMap((c) => c.node.validate().map((m) => `${c.node.path}: ${m}`));
  if (problems.length > 0) throw new ConfigError(problems);
  app.synth();
}

try {
  main();
} catch (err) {
  if (err instanceof ConfigError) {
    for (const line of err.problems) process.stderr.write(`error: ${line}\n`);
    process.exitCode = 1;
  } else if (ValidationError.isValidationError(err)) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = 1;
  } else {
    throw err;
  }
}
