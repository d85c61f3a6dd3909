/**
 * Puts a finished synthesis (a staging directory) in place of the previous output, stack by stack,
 * so that what Terraform keeps beside each stack survives: `.terraform/` (providers, modules, the
 * backend's state link) and `.terraform.lock.hcl` (the provider checksums a team commits), which a
 * swap of the whole directory deleted on every synth, so every `cdktf diff` initialised again.
 *
 * Each stack's folder is replaced by one rename; the manifest is renamed last, so a reader sees the
 * old or the new set of stacks. Folders of stacks that no longer exist are removed, except under
 * the cdktf CLI, which removes them itself after the app ran (and fails when one is already gone).
 */
import * as fs from 'fs';
import * as path from 'path';

/** What Terraform (and its users) keep in a stack's folder between runs. */
const KEPT = /^(\.terraform(\.lock\.hcl|\.tfstate\.lock\.info)?|terraform\.tfstate(\.backup)?|.*\.tfplan)$/;

/** Options of {@link installSynthOutput}. */
export interface InstallOptions {
  /**
   * Remove the folders of stacks the new manifest does not list.
   * @default true
   */
  readonly removeOrphans?: boolean;
}

/** The stack folder names a manifest lists. */
function stackFolders(dir: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { workingDirectory: string }> };
  return Object.values(manifest.stacks).map((s) => path.basename(s.workingDirectory));
}

/**
 * Moves the synthesis in `staging` (a `manifest.json` and `stacks/<name>/`) into `outdir`, keeping
 * what Terraform left in each stack's folder. `staging` is consumed; it must be on the same file
 * system as `outdir` (a sibling), so that every move is a rename.
 */
export function installSynthOutput(staging: string, outdir: string, options: InstallOptions = {}): void {
  const stacksDir = path.join(outdir, 'stacks');
  fs.mkdirSync(stacksDir, { recursive: true });
  const trash = fs.mkdtempSync(path.join(path.dirname(outdir), `${path.basename(outdir)}.old-`));
  try {
    const folders = stackFolders(staging);
    for (const folder of folders) {
      const fresh = path.join(staging, 'stacks', folder);
      const target = path.join(stacksDir, folder);
      if (fs.existsSync(target)) {
        for (const entry of fs.readdirSync(target)) {
          if (KEPT.test(entry) && !fs.existsSync(path.join(fresh, entry))) fs.renameSync(path.join(target, entry), path.join(fresh, entry));
        }
        fs.renameSync(target, path.join(trash, folder));
      }
      fs.renameSync(fresh, target);
    }
    if (options.removeOrphans ?? true) {
      for (const entry of fs.readdirSync(stacksDir)) {
        if (!folders.includes(entry)) fs.renameSync(path.join(stacksDir, entry), path.join(trash, `orphan-${entry}`));
      }
    }
    for (const entry of fs.readdirSync(staging)) {
      if (entry !== 'stacks' && entry !== 'manifest.json') fs.renameSync(path.join(staging, entry), path.join(outdir, entry));
    }
    fs.renameSync(path.join(staging, 'manifest.json'), path.join(outdir, 'manifest.json'));
  } finally {
    fs.rmSync(trash, { recursive: true, force: true });
  }
}
