/**
 * What the command-line entry points (`npm run vars`, `npm run stacks`) share: a bad configuration
 * ends the command with its one-line problems, never a stack trace.
 */
import { ConfigError } from './errors';

/**
 * Runs a command's `body` and returns its exit code; a {@link ConfigError} it throws becomes one
 * `error: <problem>` line per problem on `err` and exit code 1. Other errors pass through.
 */
export function runConfigCommand(body: () => number, err: (line: string) => void): number {
  try {
    return body();
  } catch (e) {
    if (ConfigError.isConfigError(e)) {
      for (const line of e.problems) err(`error: ${line}`);
      return 1;
    }
    throw e;
  }
}
