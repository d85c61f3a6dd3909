/**
 * `npm run vars -- <environment>`: the `TF_VAR_` variables the environment's stacks need (the
 * secrets of the Docker stacks), which of them this shell sets, and what each is. Exits 1 when one
 * is missing, so a pipeline can check before `cdktf deploy`. Values are never printed.
 */
import { runConfigCommand } from './config/command';
import { loadConfigFile } from './config/load';
import { App, TerraformStack } from './constructs/core/cdktf';
import { addEnvironmentStacks } from './stacks/from-config';
import { stackVariables } from './stacks/variables';

/** Runs the command; returns its exit code, writing to `out` and `err`. */
export function runVars(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, out: (line: string) => void, err: (line: string) => void): number {
  return runConfigCommand(() => {
    const { config, fileLabel, source } = loadConfigFile();
    const names = config.environments.map((e) => e.name);
    const [wanted] = argv;
    if (argv.length !== 1 || !names.includes(wanted)) {
      err(`error: vars: got ${argv.length === 0 ? 'no environment' : `'${argv.join(' ')}'`}; allowed: one environment of ${fileLabel}: ${names.join(', ')}; fix: npm run vars -- <environment>`);
      return 2;
    }
    const app = new App({ stackTraces: false });
    const stacks = addEnvironmentStacks(app, config, fileLabel, { source, only: wanted }) as TerraformStack[];
    const variables = stackVariables(stacks, env);
    if (variables.length === 0) {
      out(`${wanted}: no variables to set (its secrets are generated and kept by the cloud, not given)`);
      return 0;
    }
    const width = Math.max(...variables.map((v) => v.envName.length));
    for (const v of variables) out(`${v.set ? 'set    ' : 'MISSING'}  ${v.envName.padEnd(width)}  ${v.description}`);
    const missing = variables.filter((v) => !v.set).length;
    out(`${wanted}: ${variables.length - missing} of ${variables.length} set${missing > 0 ? `; export the missing ones before cdktf deploy (e.g. export ${variables.find((v) => !v.set)?.envName}="$(openssl rand -hex 24)")` : ''}`);
    return missing > 0 ? 1 : 0;
  }, err);
}

if (require.main === module) {
  process.exitCode = runVars(process.argv.slice(2), process.env, (l) => process.stdout.write(`${l}\n`), (l) => process.stderr.write(`${l}\n`));
}
