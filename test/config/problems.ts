/**
 * The problems `parseConfig` reports for a configuration text, for the config tests that check what a
 * problem says: each line must carry the line number of its field (`<file>:<line>: ...`, checked
 * here), which is then left out so that the cases compare the rest exactly. Which line each problem
 * names is tested on its own in test/config/load.test.ts ("problems point at the line of their field").
 */
import { ConfigError } from '../../config/errors';
import { parseConfig } from '../../config/load';

/** `problem` without its `:<line>` after the file name; throws when it has none. */
export function withoutLine(problem: string, file: string): string {
  const prefix = `${file}:`;
  const m = /^(\d+): /.exec(problem.slice(prefix.length));
  if (!problem.startsWith(prefix) || m === null) throw new Error(`expected '${file}:<line>: ...', got: ${problem}`);
  return `${file}: ${problem.slice(prefix.length + m[0].length)}`;
}

/** The problems of `text` without their line numbers (fails the test when it does not throw a ConfigError). */
export function problemsOf(text: string, file: string): string[] {
  try {
    parseConfig(text, file);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => withoutLine(p, file));
    throw err;
  }
  throw new Error('expected a ConfigError');
}
