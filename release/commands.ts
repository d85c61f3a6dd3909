/**
 * Runs the external tools of a release (`aws`, `terraform`) and captures their output.
 */
import { spawn, spawnSync } from 'child_process';

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

/** Runs `command args` in `cwd` without blocking (a long Terraform apply); resolves with its result. */
export type AsyncCommandRunner = (command: string, args: readonly string[], cwd?: string, quiet?: boolean, input?: string) => Promise<CommandResult>;

/**
 * A runner of real processes that passes their output through to `echo` line by line as it comes
 * (Terraform's progress; not when `quiet`), and keeps it for the error line.
 */
export function asyncProcessRunner(env: NodeJS.ProcessEnv, echo: (line: string) => void): AsyncCommandRunner {
  return (command, args, cwd, quiet, input) =>
    new Promise((resolve) => {
      const child = spawn(command, [...args], { env, cwd });
      child.stdin.end(input ?? '');
      let stdout = '';
      let stderr = '';
      let pending = '';
      const pass = (chunk: string): void => {
        if (quiet === true) return;
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const l of lines) echo(l);
      };
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        pass(d.toString());
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        pass(d.toString());
      });
      child.on('error', (e) => resolve({ status: 127, stdout, stderr: `${command}: ${e.message}` }));
      child.on('close', (code) => {
        if (pending !== '') echo(pending);
        resolve({ status: code ?? 1, stdout, stderr });
      });
    });
}
