/**
 * Masks credentials in text that is about to be printed (error lines echo the value they refuse, and
 * those end up in CI logs): the password or token of URL user info, `password=…`-style pairs, AWS
 * access key ids and PEM private keys.
 */

/** What a masked credential is replaced with. */
export const MASK = '***';

const RULES: readonly [RegExp, string][] = [
  // scheme://user:password@host and scheme://token@host: keep the user name, never the secret.
  [/\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:'"]+):([^\s/@'"]+)@/gi, `$1$2:${MASK}@`],
  [/\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:'"]{20,})@/gi, `$1${MASK}@`],
  // password=…, token: …, "api_key": "…" (the name kept, the value masked up to a quote, space, ; or &);
  // not the `got` of an error line about a field so named (`clientSecret: got …`).
  [/\b((?:[a-z0-9_-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)))("?\s*[=:]\s*"?)(?!got\b)([^\s'"`;&,}]+)/gi, `$1$2${MASK}`],
  // AWS access key ids.
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, `$1${MASK}`],
  // PEM private keys.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, `-----BEGIN PRIVATE KEY----- ${MASK}`],
];

/** `text` with every credential it contains masked. */
export function redactCredentials(text: string): string {
  return RULES.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}
