/**
 * Loads and validates `webcluster.yaml`.
 */
import { readFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { ConfigError, configErrorMap, formatIssues } from './errors';
import { type WebclusterConfig, webclusterConfigSchema } from './schema';
import { type ConfigSource, documentSource } from './source';

export { ConfigError } from './errors';
export type { ConfigSource, FieldLocation } from './source';
export type { AwsEnvironmentConfig, EnvironmentConfig, StateBackendConfig, WebclusterConfig } from './schema';

/** Environment variable naming the configuration file. */
export const CONFIG_ENV_VAR = 'WEBCLUSTER_CONFIG';
/** File name used when neither a path nor the environment variable is given. */
export const DEFAULT_CONFIG_FILE = 'webcluster.yaml';

/**
 * The file `loadConfig(path)` reads: `path`, else `$WEBCLUSTER_CONFIG`, else `<cwd>/webcluster.yaml`.
 * @param cwd the directory a relative path is resolved against (default: the working directory)
 */
export function resolveConfigPath(path?: string, cwd: string = process.cwd()): string {
  const fromEnv = process.env[CONFIG_ENV_VAR];
  const chosen = path ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined) ?? nodePath.join(cwd, DEFAULT_CONFIG_FILE);
  return nodePath.resolve(cwd, chosen);
}

/** How a file is named in problems: relative to `cwd` when inside it, else absolute. */
function fileLabel(file: string, cwd: string): string {
  const rel = nodePath.relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !nodePath.isAbsolute(rel) ? rel : file;
}

const FIX_OF_YAML_CODE: Record<string, string> = {
  DUPLICATE_KEY: 'remove or rename the repeated key',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BAD_INDENT: 'align the line with its siblings (indent with spaces)',
  MISSING_CHAR: 'add the missing character, or align the line with the lines above it',
  MULTILINE_IMPLICIT_KEY: 'put each key and its value on one line, or quote the value',
  BLOCK_AS_IMPLICIT_KEY: 'start the nested mapping on a new, further indented line',
  MULTIPLE_DOCS: "keep one document per file (remove the extra '---')",
};

function yamlProblem(file: string, err: YAMLError): string {
  const reason = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?\s*$/, '');
  const where = err.linePos ? `:${err.linePos[0].line}:${err.linePos[0].col}` : '';
  const fix = FIX_OF_YAML_CODE[err.code] ?? 'correct the YAML syntax at that position';
  return `${file}${where}: got invalid YAML (${reason}); allowed: YAML syntax; fix: ${fix}`;
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

/**
 * Parses and validates configuration text. `fileLabel` names the source in problems.
 * @throws ConfigError listing every problem, one line each
 */
export function parseConfig(text: string, fileLabel: string): WebclusterConfig {
  return parseConfigSource(text, fileLabel).config;
}

/**
 * Like {@link parseConfig}, and also returns where each field is written, for problems found later.
 * @throws ConfigError listing every problem, one line each
 */
export function parseConfigSource(text: string, fileLabel: string): { config: WebclusterConfig; source: ConfigSource } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  // Only the first syntax error: the ones after it mostly follow from it (one misplaced indent gives
  // dozens), so the rest are counted, not listed.
  if (doc.errors.length > 0) {
    const more = doc.errors.length - 1;
    const rest = more > 0 ? ` (${more} more syntax error${more > 1 ? 's' : ''} after it, most likely caused by this one: run again once it is fixed)` : '';
    throw new ConfigError([`${yamlProblem(fileLabel, doc.errors[0])}${rest}`]);
  }

  let data: unknown;
  try {
    // An empty file (or one with only comments) has no contents: that is "nothing", not null.
    data = doc.contents === null ? undefined : doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError([`${fileLabel}: got invalid YAML (${errorText(err)}); allowed: YAML syntax; fix: define each anchor (&name) before its aliases (*name) and do not nest aliases deeply`]);
  }

  const source = documentSource(fileLabel, doc, lineCounter);
  const result = webclusterConfigSchema.safeParse(data, { error: configErrorMap });
  // Each problem at the line of its field (of the mapping it belongs in, for a missing field).
  if (!result.success) throw new ConfigError(formatIssues(result.error.issues, data, fileLabel, (path) => source.locate(path).line));
  return { config: result.data, source };
}

/**
 * Reads, parses and validates the configuration file: `path`, else `$WEBCLUSTER_CONFIG`, else
 * `<cwd>/webcluster.yaml`.
 * @throws ConfigError listing every problem, one line each
 */
export function loadConfig(path?: string): WebclusterConfig {
  return loadConfigFile(path).config;
}

/** A loaded configuration and how its file is named in problems. */
export interface LoadedConfig {
  /** The validated configuration, defaults applied. */
  readonly config: WebclusterConfig;
  /** The file it came from, as problems name it (relative to the working directory when inside it). */
  readonly fileLabel: string;
  /** Where each field is written, for problems found after loading (see stacks/from-config.ts). */
  readonly source: ConfigSource;
}

/**
 * Like {@link loadConfig}, and also returns the file label, for callers that report later problems
 * (e.g. the stack layer) against the same file.
 * @param cwd the directory a relative path is resolved against and the label is relative to (default:
 *   the working directory; the app passes its own, see stacks/synth-app.ts)
 * @throws ConfigError listing every problem, one line each
 */
export function loadConfigFile(path?: string, cwd: string = process.cwd()): LoadedConfig {
  const file = resolveConfigPath(path, cwd);
  const label = fileLabel(file, cwd);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
    const got = code === 'ENOENT' ? 'nothing (no such file)' : code === 'EISDIR' ? 'a directory' : `an unreadable file (${errorText(err)})`;
    throw new ConfigError([
      `${label}: got ${got}; allowed: a readable YAML file; fix: create it (start from webcluster.yaml in the repository root), ` +
        `or pass another path / set ${CONFIG_ENV_VAR} to an existing file`,
    ]);
  }
  const { config, source } = parseConfigSource(text, label);
  return { config, fileLabel: label, source };
}
