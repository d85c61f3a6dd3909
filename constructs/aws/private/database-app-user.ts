/**
 * The application's own database user of a DatabaseCluster: the Secrets Manager secret that receives
 * its credentials, and the provisioning script that creates the user on a host that reaches the cluster.
 */
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import type { Construct } from 'constructs';
import type { IEncryptionKey } from '../encryption-key';

/**
 * The secret `AppUserSecret` of the application user `username` of `clusterId`; it has no value until
 * the provisioning script stored one.
 */
export function appUserSecret(scope: Construct, clusterId: string, username: string, key?: IEncryptionKey): SecretsmanagerSecret {
  return new SecretsmanagerSecret(scope, 'AppUserSecret', {
    namePrefix: `${clusterId}/app-user-`,
    description: `Credentials of the database user '${username}' of ${clusterId}; generated once by the host that provisions the user`,
    recoveryWindowInDays: 30,
    ...(key ? { kmsKeyId: key.keyArn } : {}),
  });
}

/** What the application user's provisioning script needs. */
export interface AppUserScriptSpec {
  readonly region: string;
  readonly writerHost: string;
  readonly port: number;
  readonly masterSecretArn: string;
  readonly appSecretArn: string;
  readonly username: string;
  readonly databases: readonly string[];
  /** Collation of the databases it creates (the server's `collation_server`; CREATE DATABASE would otherwise take MySQL 8's utf8mb4 default). */
  readonly collation: string;
}

/**
 * The provisioning script (bash, run as root). Passwords never reach a command line: the master
 * password goes to the client through MYSQL_PWD, the SQL through stdin, the new secret through
 * stdin. The generated password is hex, so it needs no quoting in SQL. No `${` or `%{` (Terraform).
 */
export function appUserScript(spec: AppUserScriptSpec): string {
  const user = `'${spec.username}'@'%'`;
  return [
    '#!/bin/bash',
    `# Creates or updates the database user ${spec.username} of the app; rendered by webcluster, idempotent.`,
    'set -euo pipefail',
    `export AWS_DEFAULT_REGION=${spec.region}`,
    'ca=/etc/webcluster/rds-ca.pem',
    '[ -s "$ca" ] || curl -fsSL --retry 5 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem | install -m 0644 /dev/stdin "$ca"',
    'secret() { aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text; }',
    `master=$(secret '${spec.masterSecretArn}')`,
    `db() { MYSQL_PWD=$(jq -r .password <<<"$master") mysql --host='${spec.writerHost}' --port=${spec.port} --user="$(jq -r .username <<<"$master")" --ssl-ca="$ca" --ssl-verify-server-cert --batch "$@"; }`,
    '# The writer may still be starting on a first deploy: wait up to 10 minutes.',
    'for _ in $(seq 1 60); do if db -e "SELECT 1" >/dev/null 2>&1; then break; fi; sleep 10; done',
    'db -e "SELECT 1" >/dev/null',
    '# A new password only when the secret has no value yet; any error stops here (and the unit retries).',
    `versions=$(aws secretsmanager describe-secret --secret-id '${spec.appSecretArn}' --query 'length(keys(VersionIdsToStages || \`{}\`))' --output text)`,
    'if [ "$versions" = 0 ]; then password=$(openssl rand -hex 32); new=yes',
    `else password=$(secret '${spec.appSecretArn}' | jq -er .password); new=no; fi`,
    'db <<SQL',
    ...spec.databases.map((d) => `CREATE DATABASE IF NOT EXISTS \\\`${d}\\\` CHARACTER SET utf8mb4 COLLATE ${spec.collation};`),
    `CREATE USER IF NOT EXISTS ${user} IDENTIFIED BY '$password' REQUIRE SSL;`,
    `ALTER USER ${user} IDENTIFIED BY '$password' REQUIRE SSL;`,
    ...spec.databases.map((d) => `GRANT ALL PRIVILEGES ON \\\`${d}\\\`.* TO ${user};`),
    'SQL',
    'if [ "$new" = yes ]; then',
    `  jq -cn --arg u '${spec.username}' --arg p "$password" '{username: $u, password: $p}' | aws secretsmanager put-secret-value --secret-id '${spec.appSecretArn}' --secret-string file:///dev/stdin >/dev/null`,
    'fi',
    `echo "database user ${spec.username} ready on ${spec.databases.join(', ')}"`,
    '',
  ].join('\n');
}
