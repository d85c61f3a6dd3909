/**
 * Runs the external tools of a release (`aws`, `terraform`) and captures their output.
 */
import { spawnSync } from 'child_process';

/** Result of one tool run. */
export interface CommandResult {
  /** Exit status; 127 when the tool is not installed. */
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command args`, with `input` on standard input. */
export type CommandRunner = (command: string, args: readonly string[], input?: string, cwd?: string) => CommandResult;

/** A runner of real processes found on `env.PATH`. */
export function processRunner(env: NodeJS.ProcessEnv): CommandRunner {
  return (command, args, input, cwd) => {
    const r = spawnSync(command, [...args], { input: input ?? '', encoding: 'utf8', env, cwd, maxBuffer: 64 * 1024 * 1024 });
    if (r.error) return { status: 127, stdout: '', stderr: `${command}: ${(r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found on PATH' : r.error.message}` };
    return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  };
}
