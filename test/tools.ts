/**
 * The real tools the tests check shipped files with (shellcheck, systemd-analyze, nginx): run one,
 * failing (never skipping) with the Debian package that provides it when it is not installed.
 */
import { spawnSync } from 'child_process';

/** Debian package of each tool (.ci/run installs them). */
const PACKAGES: Readonly<Record<string, string>> = { shellcheck: 'shellcheck', 'systemd-analyze': 'systemd', nginx: 'nginx-light' };

/** What a tool printed (stdout, then stderr) and its exit status. */
export interface ToolResult {
  readonly status: number;
  readonly output: string;
}

/** Runs `command args`; throws with how to install the tool when it is missing. */
export function runTool(command: string, args: readonly string[], options: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): ToolResult {
  const r = spawnSync(command, [...args], { encoding: 'utf8', input: options.input, cwd: options.cwd, env: options.env ?? process.env });
  if (r.error) {
    const pkg = PACKAGES[command] ?? command;
    throw new Error(`${command} is not installed (Debian: apt-get install ${pkg}, as .ci/run does); it checks the files the stacks ship`);
  }
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}
