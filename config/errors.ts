/**
 * Errors of the configuration loader, and the formatter that turns zod issues into one-line problems of the form
 * `<file>: <path>: got <value>; allowed: <what>; fix: <how>`.
 */
import { z } from 'zod';
import { redactCredentials } from '../constructs/core/redact';

const BRAND = Symbol.for('webcluster.ConfigError');

/**
 * A configuration file that cannot be used. `problems` holds one line per problem (all problems found, not
 * only the first); the message is those lines joined by newlines.
 */
export class ConfigError extends Error {
  /** True for any `ConfigError`, also across copies of this package. */
  public static isConfigError(x: unknown): x is ConfigError {
    return typeof x === 'object' && x !== null && BRAND in x;
  }

  /** One line per problem: `<file>: <path>: got <value>; allowed: <what>; fix: <how>`. */
  public readonly problems: string[];

  constructor(problems: readonly string[]) {
    // Echoed values may hold credentials (a registry URL with a password): never into a log.
    const lines = problems.length > 0 ? problems.map((p) => redactCredentials(oneLine(p))) : ['unknown configuration problem'];
    super(lines.join('\n'));
    Object.defineProperty(this, BRAND, { value: true });
    this.name = 'ConfigError';
    this.problems = lines;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Hints: what is allowed and how to fix it, attached to schemas.
// ---------------------------------------------------------------------------------------------------------------

/** Text for the `allowed:` and `fix:` parts of a problem about one schema. */
export interface FieldHint {
  /** What the field accepts; when absent it is derived from the issue (type, limit, pattern, values). */
  readonly allowed?: string;
  /** How to fix a bad value. */
  readonly fix: string;
}

/** Hints by schema. Register the innermost schema (before `.optional()` / `.default()`). */
export const fieldHints = z.registry<FieldHint>();

/** Registers `hint` for `schema` and returns the schema, for use inline in schema definitions. */
export function withHint<T extends z.core.$ZodType>(schema: T, hint: FieldHint): T {
  fieldHints.add(schema, hint);
  return schema;
}

/**
 * Registers a description of `schema` (zod's global registry, which `z.toJSONSchema` reads) and returns the
 * same instance, so hints registered on it still apply. Editors show it for the field (webcluster.schema.json).
 */
export function documented<T extends z.core.$ZodType>(schema: T, description: string): T {
  z.globalRegistry.add(schema, { description });
  return schema;
}

/** `params` of a custom issue raised by our own refinements. */
export interface CustomIssueParams {
  readonly allowed: string;
  readonly fix: string;
}

/** What the error map passes on to the formatter, encoded in the issue message. */
interface IssueDetail {
  allowed?: string;
  fix?: string;
  /** The keys an object schema accepts. */
  keys?: string[];
}

const DETAIL_TAG = '\u0000webcluster:';

function isZodType(x: unknown): x is z.core.$ZodType {
  return x instanceof z.core.$ZodType;
}

function hintOf(x: unknown): FieldHint | undefined {
  return isZodType(x) ? fieldHints.get(x) : undefined;
}

/**
 * Zod error map used while parsing the configuration: it looks up the hint of the schema (or of the schema
 * owning the failed check) and the accepted keys of an object schema, and passes them on in the message.
 */
export function configErrorMap(issue: z.core.$ZodRawIssue): string | undefined {
  const hint = hintOf(issue.inst) ?? hintOf(issue.schema);
  const keys = issue.inst instanceof z.core.$ZodObject ? Object.keys(issue.inst._zod.def.shape) : undefined;
  if (!hint && !keys) return undefined;
  const detail: IssueDetail = { allowed: hint?.allowed, fix: hint?.fix, keys };
  return DETAIL_TAG + JSON.stringify(detail);
}

function detailOf(message: string): IssueDetail {
  if (!message.startsWith(DETAIL_TAG)) return {};
  const parsed: unknown = JSON.parse(message.slice(DETAIL_TAG.length));
  if (!isRecord(parsed)) return {};
  const detail: IssueDetail = {};
  if (typeof parsed.allowed === 'string') detail.allowed = parsed.allowed;
  if (typeof parsed.fix === 'string') detail.fix = parsed.fix;
  if (Array.isArray(parsed.keys)) detail.keys = parsed.keys.filter((k): k is string => typeof k === 'string');
  return detail;
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------------------------

const MAX_GOT = 60;

/** JSON of a value, cut to 60 characters, or `nothing` for a missing value. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  if (typeof value === 'number' && !Number.isFinite(value)) text = String(value);
  else if (typeof value === 'bigint') text = value.toString();
  else text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_GOT ? `${text.slice(0, MAX_GOT - 3)}...` : text;
}

/** `environments[0].sizes.app.min`; `(top level)` for the empty path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out === '' ? '(top level)' : out;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The raw input value at `path`, or undefined when there is none. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isRecord(cur) && typeof seg === 'string' && Object.prototype.hasOwnProperty.call(cur, seg)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

function quote(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : String(v);
}

function listValues(values: readonly unknown[]): string {
  return values.length === 1 ? quote(values[0]) : `one of ${values.map(quote).join(', ')}`;
}

const EXPECTED_TEXT: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function expectedText(expected: string, keys: readonly string[] | undefined): string {
  if (keys) return keys.length > 0 ? `a mapping with the keys ${keys.join(', ')}` : 'an empty mapping';
  return EXPECTED_TEXT[expected] ?? expected;
}

function limitText(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const n = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' || issue.origin === 'set' ? ' entries' : '';
  if (issue.exact) return `exactly ${n}${unit}`;
  if (issue.inclusive === false) return `${small ? 'more' : 'less'} than ${n}${unit}`;
  return `${small ? 'at least' : 'at most'} ${n}${unit}`;
}

/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

function closestKey(key: string, keys: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of keys) {
    const a = key.toLowerCase();
    const b = k.toLowerCase();
    const prefix = Math.min(a.length, b.length) >= 3 && (a.startsWith(b) || b.startsWith(a));
    const d = a === b ? 0 : prefix ? 1 : distance(key, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

interface Line {
  readonly path: readonly PropertyKey[];
  readonly got: string;
  readonly allowed: string;
  readonly fix: string;
}

/** True when a union branch failed because the input has a different shape (wrong type or foreign keys). */
function branchMismatch(branch: readonly z.core.$ZodIssue[]): boolean {
  return branch.some((i) => i.path.length === 0 && (i.code === 'unrecognized_keys' || i.code === 'invalid_type'));
}

function issueLines(issue: z.core.$ZodIssue, base: readonly PropertyKey[], input: unknown): Line[] {
  const path = [...base, ...issue.path];
  const value = valueAt(input, path);
  const got = describeValue(value);
  const detail = detailOf(issue.message);
  const at = path.length > 0 ? String(path[path.length - 1]) : formatPath(path);

  switch (issue.code) {
    case 'invalid_type': {
      const allowed = detail.allowed ?? expectedText(issue.expected, detail.keys);
      let fix: string;
      if (issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
        fix = `quote the value ('${String(value)}'), YAML reads it unquoted as a ${typeof value}`;
      } else if (value !== undefined && (issue.expected === 'object' || issue.expected === 'record')) {
        fix = 'write it as a mapping (indented key: value lines)';
      } else if (value !== undefined && issue.expected === 'array') {
        fix = "write it as a list (lines starting with '- ', or [a, b])";
      } else if (value === undefined) {
        fix = detail.fix ?? `add '${at}'`;
        if (!fix.toLowerCase().startsWith('add')) fix = `add '${at}': ${fix}`;
      } else {
        fix = detail.fix ?? `replace it with ${allowed}`;
      }
      return [{ path, got, allowed, fix }];
    }
    case 'too_small':
    case 'too_big': {
      const allowed = detail.allowed ?? limitText(issue);
      return [{ path, got, allowed, fix: detail.fix ?? `use a value that is ${limitText(issue)}` }];
    }
    case 'invalid_format': {
      const allowed = detail.allowed ?? (issue.pattern ? `a string matching ${issue.pattern}` : `a valid ${issue.format}`);
      return [{ path, got, allowed, fix: detail.fix ?? 'correct the value to the allowed format' }];
    }
    case 'invalid_value':
      return [{ path, got, allowed: detail.allowed ?? listValues(issue.values), fix: detail.fix ?? 'use one of the allowed values' }];
    case 'unrecognized_keys': {
      const keys = detail.keys ?? [];
      const where = path.length > 0 ? formatPath(path) : 'the top level';
      return issue.keys.map((key) => {
        const suggestion = closestKey(key, keys);
        return {
          path: [...path, key],
          got: describeValue(valueAt(input, [...path, key])),
          allowed: `the keys of ${where}: ${keys.join(', ')}`,
          fix: suggestion ? `rename '${key}' to '${suggestion}'` : `remove '${key}' (unknown keys are not ignored)`,
        };
      });
    }
    case 'invalid_union': {
      if (issue.discriminator !== undefined && issue.errors.length === 0) {
        const options = 'options' in issue ? (issue.options ?? []) : [];
        return [{ path, got, allowed: listValues(options), fix: detail.fix ?? `set '${issue.discriminator}' to ${listValues(options)}` }];
      }
      // A plain union: if exactly one branch has the input's shape, its problems are the useful ones.
      const matching = issue.errors.filter((branch) => !branchMismatch(branch));
      if (matching.length === 1) return matching[0].flatMap((i) => issueLines(i, path, input));
      return [{ path, got, allowed: detail.allowed ?? 'one of the documented forms', fix: detail.fix ?? 'use one of the documented forms' }];
    }
    case 'invalid_key': {
      // A record key: report the key itself, with the key schema's problems.
      const key = path[path.length - 1];
      return issue.issues.map((inner) => {
        const innerDetail = detailOf(inner.message);
        const base = issueLines(inner, path, input)[0];
        return {
          path,
          got: describeValue(typeof key === 'symbol' ? String(key) : key),
          allowed: innerDetail.allowed ?? `a key that is ${base?.allowed ?? 'valid'}`,
          fix: innerDetail.fix ?? base?.fix ?? 'rename the key',
        };
      });
    }
    case 'invalid_element':
      return issue.issues.flatMap((i) => issueLines(i, path, input));
    case 'not_multiple_of':
      return [{ path, got, allowed: `a multiple of ${issue.divisor}`, fix: detail.fix ?? `use a multiple of ${issue.divisor}` }];
    case 'custom': {
      const params = issue.params;
      const allowed = typeof params?.allowed === 'string' ? params.allowed : issue.message;
      const fix = typeof params?.fix === 'string' ? params.fix : 'correct the value';
      return [{ path, got, allowed, fix }];
    }
    default:
      return [{ path, got, allowed: detail.allowed ?? 'a valid value', fix: detail.fix ?? 'correct the value' }];
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

/**
 * Formats zod issues as problem lines `<file>[:<line>]: <path>: got <value>; allowed: <what>; fix: <how>`,
 * one per problem, in the order found, without duplicates. `input` is the raw parsed YAML the values are
 * taken from; `lineOf` gives the line of a field (of the mapping it belongs in when it is missing).
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], input: unknown, file: string, lineOf?: (path: readonly PropertyKey[]) => number): string[] {
  const lines = issues
    .flatMap((issue) => issueLines(issue, [], input))
    .map((l) => oneLine(`${file}${lineOf ? `:${lineOf(l.path)}` : ''}: ${formatPath(l.path)}: got ${l.got}; allowed: ${l.allowed}; fix: ${l.fix}`));
  return [...new Set(lines)];
}
