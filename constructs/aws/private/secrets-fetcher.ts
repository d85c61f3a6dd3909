/**
 * The app hosts' secrets fetcher, `/usr/local/sbin/webcluster-fetch-secrets` (`assets/app-host/fetch-secrets.sh`):
 * reads Secrets Manager at boot and every 15 minutes, so no secret is ever in Terraform JSON or state.
 */
import { awsAsset } from './assets';

/** An environment variable whose value is read from Secrets Manager on the host at boot. */
export interface SecretEnvironmentVariable {
  /** ARN of the secret. */
  readonly secretArn: string;
  /**
   * How to build the value from a JSON secret: `{key}` is replaced by the URL-encoded value of
   * that key, e.g. `mysql://{username}:{password}@db:3306/app`.
   * @default - the secret string as it is
   */
  readonly template?: string;
}

/** jq program turning a JSON secret into the templated value. */
function jqProgram(template: string): string {
  const parts = template.split(/(\{[A-Za-z0-9_]+\})/).filter((p) => p !== '');
  return parts
    .map((p) => (/^\{[A-Za-z0-9_]+\}$/.test(p) ? `(.${p.slice(1, -1)}|@uri)` : JSON.stringify(p)))
    .join(' + ');
}

/** The lines that read one secret into the temporary file. */
function secretLines(name: string, s: SecretEnvironmentVariable): string[] {
  const value = s.template === undefined ? `fetch '${s.secretArn}'` : `fetch '${s.secretArn}' | jq -er '${jqProgram(s.template)}'`;
  return [
    // An assignment fails the script when the command substitution fails (an argument would not),
    // and an empty value is refused: services must not start with a blank secret.
    `v=$(${value}) || { echo "could not read ${name}" >&2; exit 1; }`,
    `[ -n "$v" ] || { echo "${name} is empty" >&2; exit 1; }`,
    `printf '%s=%s\\n' ${name} "$v" >> "$tmp"`,
  ];
}

/** The fetcher: writes `secretsFile`; when it already existed and a value changed, restarts `services`. */
export function secretsScript(secrets: Readonly<Record<string, SecretEnvironmentVariable>>, services: readonly string[], secretsFile: string): string {
  return awsAsset(
    'app-host/fetch-secrets.sh',
    {
      secrets: Object.keys(secrets)
        .sort()
        .flatMap((name) => secretLines(name, secrets[name])),
      secretsFile,
      services: services.join(' '),
    },
    { restart: services.length > 0 },
  );
}
