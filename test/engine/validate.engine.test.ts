/**
 * `terraform init` + `terraform validate` of every default stack whose providers can be installed
 * here: the Docker stacks (kreuzwerker/docker built from source by scripts/engine/providers.sh).
 * The AWS stacks need hashicorp/aws 6.25.0, which cannot be obtained on our machines: they are
 * named in one line each, not validated; the shell scripts they hand to their hosts (user data files
 * and cloud-init's runcmd) are checked with shellcheck instead.
 */
import * as fs from 'fs';
import * as path from 'path';
import { engineEnvironment, report, run, TestDeployment } from './harness';
import { hostScripts } from './host-scripts';

interface Manifest {
  readonly stacks: Record<string, { readonly synthesizedStackPath: string }>;
}

/** Provider sources each stack requires, from its `terraform.required_providers`. */
function providersOf(stackFile: string): string[] {
  const json = JSON.parse(fs.readFileSync(stackFile, 'utf8')) as { terraform?: { required_providers?: Record<string, { source: string; version: string }> } };
  // A source without a namespace is a hashicorp/ provider.
  return Object.values(json.terraform?.required_providers ?? {}).map((p) => `${p.source.includes('/') ? p.source : `hashicorp/${p.source}`} ${p.version}`);
}

describe('every default stack whose providers are available validates', () => {
  const { terraform } = engineEnvironment();
  // The default stacks of webcluster.yaml, synthesized by the bundled app into a scratch folder.
  const scratch = new TestDeployment('default-stacks');
  const outdir = path.join(scratch.workdir, 'cdktf.out');
  run('node', [path.join(__dirname, '..', '..', 'dist', 'main.js')], { cwd: path.join(__dirname, '..', '..'), env: { CDKTF_OUTDIR: outdir }, timeoutSec: 120 });
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as Manifest;
  const stacks = Object.entries(manifest.stacks).map(([name, s]) => ({ name, dir: path.join(outdir, path.dirname(s.synthesizedStackPath)), file: path.join(outdir, s.synthesizedStackPath) }));
  const docker = stacks.filter((s) => providersOf(s.file).every((p) => p.startsWith('kreuzwerker/docker ')));
  const aws = stacks.filter((s) => !docker.includes(s));

  afterAll(() => scratch.cleanup());

  test('the default configuration has the four Docker stacks and three AWS stacks', () => {
    expect(docker.map((s) => s.name).sort()).toEqual(['ezplatform-docker', 'shopware-docker', 'shopware-swarm', 'steedos-docker']);
    expect(aws.map((s) => s.name).sort()).toEqual(['ezplatform-aws', 'shopware-aws', 'steedos-aws']);
    for (const s of aws) {
      report(`not validated: ${s.name} needs ${providersOf(s.file).join(', ')}; hashicorp/aws cannot be obtained on our machines (no registry, the Go module proxy refuses it)`);
    }
  });

  test.each(aws.map((s) => [s.name, s] as const))('%s: every script its hosts run passes shellcheck', (_name, stack) => {
    const scripts = hostScripts(JSON.parse(fs.readFileSync(stack.file, 'utf8')) as { locals?: Record<string, string> });
    // At least the app hosts' boot script and their secrets fetcher.
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    const findings = scripts.flatMap((script) => {
      const result = run('shellcheck', ['--shell=bash', '--severity=warning', '--format=gcc', '-'], { input: script.text, allowFailure: true });
      return result.stdout.split('\n').filter((line) => line.trim() !== '').map((line) => `${script.origin}: ${line.replace(/^-:/, '')}`);
    });
    expect(findings).toEqual([]);
  });

  test.each(docker.map((s) => [s.name, s] as const))('%s: terraform init and validate', (_name, stack) => {
    // No backend: validation needs no state; the providers come from the mirror (TF_CLI_CONFIG_FILE).
    run(terraform, ['init', '-backend=false', '-input=false', '-no-color'], { cwd: stack.dir, timeoutSec: 300 });
    const result = run(terraform, ['validate', '-json', '-no-color'], { cwd: stack.dir, timeoutSec: 300, allowFailure: true });
    const verdict = JSON.parse(result.stdout) as { valid: boolean; error_count: number; warning_count: number; diagnostics: { severity: string; summary: string }[] };
    expect(verdict.diagnostics.map((d) => `${d.severity}: ${d.summary}`)).toEqual([]);
    expect(verdict.valid).toBe(true);
  });
});
