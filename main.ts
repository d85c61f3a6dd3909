/**
 * The bundled app: synthesizes one stack per environment of webcluster.yaml (or $WEBCLUSTER_CONFIG)
 * into cdktf.out/ (or $CDKTF_OUTDIR).
 *
 * This file is the process around the app's work (stacks/synth-app.ts, where the staging, the
 * policy pack, the secret guard and the reporting of bad input are described): it reads the
 * environment, prints on stdout/stderr and sets the exit code (1 on bad input; 0 under the cdktf CLI,
 * which sets SYNTH_HCL_OUTPUT and fails the synth itself). A bug still crashes with its stack trace.
 *
 *   npm run synth            # esbuild transpile + node dist/main.js
 *   npx cdktf synth          # the same app through the cdktf CLI
 */
import { CONFIG_ENV_VAR } from './config/load';
import { synthApp } from './stacks/synth-app';

const configPath = process.env[CONFIG_ENV_VAR];
process.exitCode = synthApp({
  outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out',
  configPath: configPath !== undefined && configPath !== '' ? configPath : undefined,
  underCdktfCli: process.env.SYNTH_HCL_OUTPUT !== undefined,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
