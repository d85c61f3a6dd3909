/**
 * Secret guard: finds literal secrets in synthesized output before it is written to cdktf.out/.
 *
 * What counts as a literal secret:
 * - a secret-looking key (`password`, `master_password`, `secret_string`, `auth_token`, `private_key`,
 *   `access_key`, `client_secret`, the `default` of a secret-looking variable, `data` of a
 *   `docker_secret`, ...) whose value is a literal string, not a `${...}` expression;
 * - a `KEY=value` environment entry (a Docker `env` item, or a line of a script, env file or user
 *   data) whose KEY looks secret (`APP_SECRET`, `DATABASE_PASSWORD`, `JWT_PRIVATE_KEY`, not
 *   `*_FILE`, `*_ARN`, `*_ID`, `*_NAME`, `*_PATH`, ...) and whose value is literal (not `$VAR`,
 *   `$(...)`, `${...}`, a file path, an ARN or a placeholder);
 * - a password in a URL (`scheme://user:password@host`);
 * - a PEM private key block;
 * - an AWS access key id (`AKIA...`, `ASIA...`).
 *
 * Findings name the stack and the JSON path of the value, never the value itself.
 */
import * as fs from 'fs';
import * as path from 'path';

/** One literal secret. */
export interface SecretFinding {
  /** Stack name, or the file (relative to the output directory) for files outside `stacks/`. */
  readonly stack: string;
  /** JSON path of the value (`resource.docker_container.App_1.env[3]`), or `line <n>` in a text file. */
  readonly path: string;
  /** What was found. */
  readonly kind: string;
  /** How to fix it. */
  readonly fix: string;
}

/** `[secret-guard] <stack>: <path>: <kind>; fix: <fix>`. */
export function formatSecretFinding(f: SecretFinding): string {
  return `[secret-guard] ${f.stack}: ${f.path}: ${f.kind}; fix: ${f.fix}`;
}

/** Words that make a name secret wherever they occur in it. */
const SECRET_WORDS = new Set(['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'credential', 'credentials']);
/** `<qualifier>_key` is secret for these qualifiers (`private_key`, `access_key`, `app_key`, ...). */
const KEY_QUALIFIERS = new Set(['private', 'access', 'secret', 'api', 'signing', 'encryption', 'client', 'master', 'license', 'ssh', 'app', 'hmac', 'session', 'auth']);
/** Suffixes naming the encoding of a key (`private_key_pem`). */
const KEY_ENCODINGS = new Set(['pem', 'der', 'data', 'material', 'content', 'base64', 'b64']);
/** A name ending in one of these is about a secret, not the secret itself (`APP_SECRET_FILE`, `secret_arn`). */
const NOT_SECRET_LAST = new Set([
  'file',
  'path',
  'dir',
  'arn',
  'id',
  'ids',
  'name',
  'names',
  'host',
  'hostname',
  'port',
  'user',
  'username',
  'type',
  'ttl',
  'length',
  'size',
  'version',
  'count',
  'enabled',
  'prefix',
  'suffix',
  'policy',
  'mode',
  'region',
  'endpoint',
  'header',
  'days',
  'seconds',
  'interval',
  'rotation',
  'description',
  'location',
  'algorithm',
  'variable',
  'format',
]);

/** Answers of {@link isSecretName} so far: the same keys and variable names recur in every stack. */
const secretNameCache = new Map<string, boolean>();

/** Whether a key or variable name looks like it holds a secret. */
export function isSecretName(name: string): boolean {
  let known = secretNameCache.get(name);
  if (known === undefined) {
    known = computeIsSecretName(name);
    secretNameCache.set(name, known);
  }
  return known;
}

function computeIsSecretName(name: string): boolean {
  const segments = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((s) => s !== '');
  if (segments.length === 0) return false;
  const last = segments[segments.length - 1];
  if (NOT_SECRET_LAST.has(last) || segments.includes('public')) return false;
  if (segments.some((s) => SECRET_WORDS.has(s))) return true;
  // `<qualifier>_key`, also with an encoding suffix (`private_key_pem`, `signing_key_base64`).
  const core = KEY_ENCODINGS.has(last) ? segments.slice(0, -1) : segments;
  return core.length >= 2 && core[core.length - 1] === 'key' && KEY_QUALIFIERS.has(core[core.length - 2]);
}

/** Whether a value is a literal (not an expression, reference, path, ARN, placeholder or flag). */
export function isLiteralValue(raw: string): boolean {
  const v = raw.trim().replace(/^(['"])(.*)\1$/, '$2');
  if (v === '') return false;
  if (v.startsWith('$') || v.includes('${')) return false; // Terraform expressions, $VAR, $(command)
  if (/^%env\(.+\)%$/.test(v) || /^\{\{.*\}\}$/.test(v)) return false; // Symfony env references, templates
  if (v.startsWith('arn:')) return false;
  if (/^\/[\w./-]*$/.test(v)) return false; // a file path such as /run/secrets/app_secret
  if (/^<[^>]*>$/.test(v)) return false; // a placeholder such as <set me>
  return !/^(true|false|null|none|yes|no|on|off|enabled|disabled|required|optional|\d{1,2})$/i.test(v);
}

const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;
const AWS_ACCESS_KEY_ID = /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/;
const URL_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"'$]*:([^\s@"'$/]+)@/i;
/** `KEY=value` at the start of a line, or after whitespace, a quote or `;` (env files, `export`, JSON-in-strings). */
const ENV_ENTRY = /(?:^|[\s"'`;])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s"'`\\;]*)/g;

const FIX_KEY = 'pass it as a sensitive TerraformVariable (TF_VAR_...), generate it (random_password) or let the service manage it (e.g. manage_master_user_password), and read it at runtime';
const FIX_ENV = 'read the value at runtime (Secrets Manager, a Docker/Swarm secret file with <NAME>_FILE, or a sensitive TerraformVariable reference)';

/** What one string holds: kind and fix of each finding; `key` is the JSON key it is the value of. */
function stringProblems(value: string, key: string | undefined): { kind: string; fix: string }[] {
  const found: { kind: string; fix: string }[] = [];
  const add = (kind: string, fix: string): void => {
    found.push({ kind, fix });
  };
  if (key !== undefined && isSecretName(key) && isLiteralValue(value)) add(`literal value for '${key}'`, FIX_KEY);
  // Each pattern below needs the text tested first (`PRIVATE KEY`, `AKIA`/`ASIA`, `://` and `@`, `=`):
  // most strings have none of them, and the output holds long scripts.
  if (value.includes('PRIVATE KEY') && PEM_PRIVATE_KEY.test(value)) {
    add('a PEM private key block', 'keep private keys out of the configuration; store them in Secrets Manager or a secret file and read them at runtime');
  }
  if ((value.includes('AKIA') || value.includes('ASIA')) && AWS_ACCESS_KEY_ID.test(value)) {
    add('an AWS access key id (AKIA/ASIA...)', 'remove the access key and use an instance or task role (OIDC in CI); rotate the key, it is compromised');
  }
  const url = value.includes('://') && value.includes('@') ? URL_CREDENTIALS.exec(value) : null;
  if (url && isLiteralValue(url[1])) add('a password in a URL (scheme://user:password@host)', FIX_ENV);
  if (!value.includes('=')) return found;
  const secretVariables = new Set<string>();
  for (const line of value.split(/\r?\n|\\n/)) {
    if (!line.includes('=')) continue;
    for (const m of line.matchAll(ENV_ENTRY)) {
      if (isSecretName(m[1]) && isLiteralValue(m[2])) secretVariables.add(m[1]);
    }
  }
  for (const name of secretVariables) add(`literal value for the secret-looking variable ${name}`, FIX_ENV);
  return found;
}

/** Findings in one string, at `pathText()` (only computed when there is one). */
function stringFindings(value: string, key: string | undefined, pathText: () => string, stack: string): SecretFinding[] {
  const problems = stringProblems(value, key);
  if (problems.length === 0) return [];
  const at = pathText();
  return problems.map(({ kind, fix }) => ({ stack, path: at, kind, fix }));
}

/** `resource.aws_db_instance.Db_1234.password`, `env[3]`, `tags["a:b"]`. */
function formatJsonPath(segments: readonly (string | number)[]): string {
  return segments
    .map((s, i) => {
      if (typeof s === 'number') return `[${s}]`;
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(s)) return i === 0 ? s : `.${s}`;
      return `[${JSON.stringify(s)}]`;
    })
    .join('');
}

/** The key whose secrecy decides about a string at `segments`. */
function effectiveKey(segments: readonly (string | number)[]): string | undefined {
  const key = segments[segments.length - 1];
  if (typeof key !== 'string') return undefined;
  // variable.<name>.default: the variable's name decides.
  if (segments[0] === 'variable' && segments.length === 3 && key === 'default') return String(segments[1]);
  // The payload of a Docker/Swarm secret.
  if (segments[0] === 'resource' && segments[1] === 'docker_secret' && segments.length === 4 && key === 'data') return 'secret_data';
  return key;
}

/** Literal secrets in a synthesized JSON document (a stack's `cdk.tf.json`, or any JSON). */
export function findSecrets(json: unknown, stack: string): SecretFinding[] {
  const found: SecretFinding[] = [];
  // The path of the value being walked, one array for the whole walk (copied only for a finding).
  const segments: (string | number)[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      found.push(...stringFindings(value, effectiveKey(segments), () => formatJsonPath(segments), stack));
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        segments.push(i);
        walk(value[i]);
        segments.pop();
      }
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        // The top-level "//" block is cdktf's bookkeeping (construct paths, output names); Terraform ignores it.
        if (segments.length === 0 && k === '//') continue;
        segments.push(k);
        walk(v);
        segments.pop();
      }
    }
  };
  walk(json);
  return found;
}

/** Literal secrets in a text file, by line. */
export function findSecretsInText(text: string, stack: string): SecretFinding[] {
  return text.split(/\r?\n/).flatMap((line, i) => stringFindings(line, undefined, () => `line ${i + 1}`, stack));
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []));
}

/**
 * Scans every file of a synthesis output directory: `stacks/<name>/*.json` under the stack's name,
 * other JSON files under their relative path, other files as text.
 */
export function scanSynthDirectory(dir: string): SecretFinding[] {
  return filesUnder(dir)
    .sort()
    .flatMap((file) => {
      const rel = path.relative(dir, file).split(path.sep).join('/');
      const m = /^stacks\/([^/]+)\/[^/]+\.json$/.exec(rel);
      const label = m ? m[1] : rel;
      const text = fs.readFileSync(file, 'utf8');
      if (file.endsWith('.json')) {
        try {
          return findSecrets(JSON.parse(text), label);
        } catch {
          // Not JSON after all: scan it as text.
        }
      }
      return findSecretsInText(text, label);
    });
}
