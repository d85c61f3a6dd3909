/**
 * Renders cloud-init user data for app and admin hosts: an environment file, a secrets fetcher
 * that reads Secrets Manager at boot (so no secret is ever in Terraform JSON or state), systemd
 * units for long-running services and one-shot tasks, and extra boot commands.
 */
import * as fs from 'fs';
import * as path from 'path';
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

/** A systemd service run by the host. */
export interface ServiceUnit {
  /** Unit name without `.service`, e.g. `webcluster-worker@`. */
  readonly name: string;
  /** What it does. */
  readonly description: string;
  /** Command line; runs with the app's environment files. */
  readonly command: string;
  /** `simple` (restarted on failure) or `oneshot` (runs once per boot, must succeed). */
  readonly type: 'simple' | 'oneshot';
  /** Instances to enable for a template unit (`name@N`). */
  readonly instances?: number;
  /** Units this one must start after (and requires: it does not start when one of them failed). */
  readonly after?: readonly string[];
  /**
   * OS user of the process.
   * @default - the app user
   */
  readonly user?: string;
  /**
   * For a `oneshot` unit: run it again 30 s after a failure, at most 40 times in 2 hours (a step
   * that waits for something another host or AWS creates).
   * @default false
   */
  readonly retryOnFailure?: boolean;
  /**
   * Runs before the app secrets are fetched and without them: a step that creates a secret the app
   * reads (the database user). The secrets unit wants it and starts after it.
   * @default false
   */
  readonly beforeSecrets?: boolean;
}

/** Where a host gets the app from: releases in a bucket, installed by `webcluster-release`. */
export interface HostRelease {
  /** Bucket holding `releases/<id>.tar.gz` and `releases/current` (the live release's id). */
  readonly bucketName: string;
  /**
   * Bash run as root in each new release directory before it goes live (e.g. files the host adds
   * to the app); free of `${` and `%{`.
   * @default - none
   */
  readonly hook?: string;
}

/** Path of the release script on the hosts; `npm run release` runs it through SSM. */
export const RELEASE_SCRIPT_PATH = '/usr/local/sbin/webcluster-release';
/** The unit that installs the current release at boot (waiting for the first one). */
export const RELEASE_UNIT = 'webcluster-release';

/** The release script (constructs/aws/scripts/release/webcluster-release), read at synth time. */
export function releaseScript(): string {
  return fs.readFileSync(path.join(__dirname, '..', 'scripts', 'release', 'webcluster-release'), 'utf8');
}

/** Everything a host's user data contains. */
export interface HostBootSpec {
  /** AWS region of the host; the AWS CLI calls of the boot scripts and the app's SDKs use it. */
  readonly region: string;
  /** OS user that runs the app processes. */
  readonly runAsUser: string;
  /** Directory holding the app code. */
  readonly appDirectory: string;
  /** OS packages to install. */
  readonly packages: readonly string[];
  /** Plain environment (no secrets). */
  readonly environment: Readonly<Record<string, string>>;
  /** Environment read from Secrets Manager at boot. */
  readonly secretEnvironment: Readonly<Record<string, SecretEnvironmentVariable>>;
  /** Commands run as root after packages and before services start (mounts, release download, agents). */
  readonly bootCommands: readonly string[];
  /** System services to enable and start (`nginx`, `php-fpm`). */
  readonly systemServices: readonly string[];
  /** Our own services. */
  readonly units: readonly ServiceUnit[];
  /**
   * Shared file systems (fstab entries) every app process needs: the system services and our units
   * do not start while one is not mounted, so nothing ever writes to the local disk below it.
   * @default []
   */
  readonly requiredMounts?: readonly string[];
  /**
   * Further files to write (scripts the units run).
   * @default []
   */
  readonly files?: readonly { readonly path: string; readonly permissions: string; readonly content: string }[];
  /**
   * Install the app from releases in a bucket: at every boot a unit waits for the first release
   * and installs the current one before the system services and our units start.
   * @default - the boot commands install the app
   */
  readonly release?: HostRelease;
}

const ENV_FILE = '/etc/webcluster/app.env';

/**
 * Shell function `generate <secret-arn> <value>`: stores `value` only when the secret has no version
 * yet. Any other outcome (throttling, IAM not yet propagated, network) is retried and never leads to
 * a new value, which would break every node still using the old one.
 */
export const GENERATE_SECRET_FUNCTION = awsAsset('app-host/generate-secret.sh').replace(/\n$/, '');

const SECRETS_FILE = '/etc/webcluster/secrets.env';
const UNIT_LOG_DIR = '/var/log/webcluster';

/**
 * The spec with the release unit: a oneshot (no start timeout, so it may wait for the first release)
 * that every unit using the app code, and every system service, starts after.
 */
function withRelease(spec: HostBootSpec): HostBootSpec {
  const release = spec.release;
  if (release === undefined) return spec;
  const unit: ServiceUnit = {
    name: RELEASE_UNIT,
    description: 'Install the current release of the app (waits for the first one)',
    command: `${RELEASE_SCRIPT_PATH} boot`,
    type: 'oneshot',
    user: 'root',
  };
  const config = [
    `RELEASE_BUCKET=${release.bucketName}`,
    `APP_DIR=${spec.appDirectory}`,
    `APP_USER=${spec.runAsUser}`,
    `RESTART_SERVICES='${spec.systemServices.map((s) => `${s}.service`).join(' ')}'`,
    '',
  ].join('\n');
  return {
    ...spec,
    units: [unit, ...spec.units.map((u) => (u.beforeSecrets === true ? u : { ...u, after: [`${RELEASE_UNIT}.service`, ...(u.after ?? [])] }))],
    files: [
      { path: RELEASE_SCRIPT_PATH, permissions: '0750', content: releaseScript() },
      { path: '/etc/webcluster/release.env', permissions: '0640', content: config },
      ...(release.hook !== undefined ? [{ path: '/etc/webcluster/release-hook', permissions: '0750', content: `#!/bin/bash\nset -euo pipefail\n${release.hook}\n` }] : []),
      ...(spec.files ?? []),
    ],
  };
}

/** Renders the spec as a `#cloud-config` document. */
export function renderCloudConfig(input: HostBootSpec): string {
  const spec = withRelease(input);
  const afterRelease = spec.release !== undefined ? [`${RELEASE_UNIT}.service`] : [];
  const enable = spec.units.flatMap((u) =>
    u.instances !== undefined
      ? Array.from({ length: u.instances }, (_, i) => `${u.name}${i + 1}.service`)
      : [`${u.name}.service`],
  );
  const beforeSecrets = spec.units.filter((u) => u.beforeSecrets === true).map((u) => `${u.name}.service`);
  const requiresMounts = (spec.requiredMounts ?? []).length > 0 ? [`RequiresMountsFor=${(spec.requiredMounts ?? []).join(' ')}`] : [];
  const files: { path: string; permissions: string; content: string }[] = [
    { path: ENV_FILE, permissions: '0640', content: envFile({ AWS_DEFAULT_REGION: spec.region, ...spec.environment }) },
    {
      path: '/usr/local/sbin/webcluster-fetch-secrets',
      permissions: '0750',
      // Restarted when a secret changed: everything that reads them, not the steps that run before them.
      // Not the release unit: a secret rotation must not install a release outside `npm run release`.
      content: secretsScript(spec.secretEnvironment, [
        ...spec.systemServices.map((s) => `${s}.service`),
        ...enable.filter((u) => !beforeSecrets.includes(u) && u !== `${RELEASE_UNIT}.service`),
      ]),
    },
    {
      path: '/etc/systemd/system/webcluster-secrets.service',
      permissions: '0644',
      content: unitFile({
        name: 'webcluster-secrets',
        description: 'Fetch app secrets from AWS Secrets Manager',
        command: '/usr/local/sbin/webcluster-fetch-secrets',
        type: 'oneshot',
        after: beforeSecrets,
      }, 'root', '/'),
    },
    ...spec.systemServices.map((svc) => ({
      path: `/etc/systemd/system/${svc}.service.d/webcluster.conf`,
      permissions: '0644',
      content: [
        '[Unit]',
        `After=${['webcluster-secrets.service', ...afterRelease].join(' ')}`,
        `Requires=${['webcluster-secrets.service', ...afterRelease].join(' ')}`,
        ...requiresMounts,
        '',
        '[Service]',
        `EnvironmentFile=${ENV_FILE}`,
        `EnvironmentFile=${SECRETS_FILE}`,
        '',
      ].join('\n'),
    })),
    ...spec.units.map((u) => ({
      path: `/etc/systemd/system/${u.name}.service`,
      permissions: '0644',
      content: unitFile(u, spec.runAsUser, spec.appDirectory, requiresMounts),
    })),
    ...(spec.files ?? []),
    {
      path: '/etc/logrotate.d/webcluster',
      permissions: '0644',
      content: [`${UNIT_LOG_DIR}/*.log {`, '  daily', '  rotate 14', '  compress', '  missingok', '  notifempty', '  copytruncate', '}', ''].join('\n'),
    },
    // Secrets change (RDS rotates its managed master password every 7 days): fetch them again every
    // 15 minutes; the fetcher restarts the services only when a value changed.
    {
      path: '/etc/systemd/system/webcluster-secrets-refresh.service',
      permissions: '0644',
      content: ['[Unit]', 'Description=Refresh app secrets from AWS Secrets Manager', '', '[Service]', 'Type=oneshot', `EnvironmentFile=${ENV_FILE}`, 'ExecStart=/usr/local/sbin/webcluster-fetch-secrets', ''].join('\n'),
    },
    {
      path: '/etc/systemd/system/webcluster-secrets-refresh.timer',
      permissions: '0644',
      content: ['[Unit]', 'Description=Refresh app secrets every 15 minutes', '', '[Timer]', 'OnBootSec=15min', 'OnUnitActiveSec=15min', 'RandomizedDelaySec=60', '', '[Install]', 'WantedBy=timers.target', ''].join('\n'),
    },
  ];
  const noBlock = spec.release !== undefined ? ' --no-block' : '';
  // cloud-init runs all runcmd entries as one script, so the export reaches every command.
  const runcmd = [
    `export AWS_DEFAULT_REGION=${spec.region}`,
    `id -u ${spec.runAsUser} >/dev/null 2>&1 || useradd --system --home-dir ${spec.appDirectory} --shell /sbin/nologin ${spec.runAsUser}`,
    `install -d -o ${spec.runAsUser} -g ${spec.runAsUser} -m 0750 ${spec.appDirectory}`,
    `chgrp ${spec.runAsUser} ${ENV_FILE}`,
    `install -d -o ${spec.runAsUser} -g ${spec.runAsUser} -m 0750 ${UNIT_LOG_DIR}`,
    ...spec.bootCommands,
    'systemctl daemon-reload',
    'systemctl enable --now webcluster-secrets.service',
    // With releases, what waits for the first one is only queued: cloud-init finishes meanwhile.
    ...spec.systemServices.map((s) => `systemctl enable --now${noBlock} ${s}`),
    ...enable.map((u) => `systemctl enable --now${noBlock} ${u}`),
    'systemctl enable --now webcluster-secrets-refresh.timer',
  ];
  const doc = {
    package_update: true,
    packages: [...spec.packages],
    write_files: files,
    runcmd,
  };
  // JSON is valid YAML; cloud-init accepts it after the #cloud-config header.
  return `#cloud-config\n${JSON.stringify(doc, null, 1)}\n`;
}

function envFile(env: Readonly<Record<string, string>>): string {
  return Object.keys(env)
    .sort()
    .map((k) => `${k}=${env[k]}`)
    .join('\n')
    .concat('\n');
}

/** jq program turning a JSON secret into the templated value. */
function jqProgram(template: string): string {
  const parts = template.split(/(\{[A-Za-z0-9_]+\})/).filter((p) => p !== '');
  return parts
    .map((p) => (/^\{[A-Za-z0-9_]+\}$/.test(p) ? `(.${p.slice(1, -1)}|@uri)` : JSON.stringify(p)))
    .join(' + ');
}

/** The fetcher: writes the secrets file; when it already existed and a value changed, restarts `services`. */
function secretsScript(secrets: Readonly<Record<string, SecretEnvironmentVariable>>, services: readonly string[]): string {
  const lines = [
    '#!/bin/bash',
    '# Reads the app secrets with the instance role and writes them where only root and the app user can read.',
    'set -euo pipefail',
    'umask 077',
    'tmp=$(mktemp)',
    'fetch() {',
    // A secret another host fills (the app secret, the database user) may take a while on a first deploy.
    '  for _ in $(seq 1 180); do',
    '    if aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text 2>/dev/null; then return 0; fi',
    '    sleep 10',
    '  done',
    '  echo "secret $1 not readable after 30 minutes" >&2; return 1',
    '}',
  ];
  for (const name of Object.keys(secrets).sort()) {
    const s = secrets[name];
    const value = s.template === undefined ? `fetch '${s.secretArn}'` : `fetch '${s.secretArn}' | jq -er '${jqProgram(s.template)}'`;
    // An assignment fails the script when the command substitution fails (an argument would not),
    // and an empty value is refused: services must not start with a blank secret.
    lines.push(`v=$(${value}) || { echo "could not read ${name}" >&2; exit 1; }`);
    lines.push(`[ -n "$v" ] || { echo "${name} is empty" >&2; exit 1; }`);
    lines.push(`printf '%s=%s\\n' ${name} "$v" >> "$tmp"`);
  }
  // systemd reads EnvironmentFile= as root before dropping privileges, so root-only is enough.
  lines.push(
    `if [ -f ${SECRETS_FILE} ] && cmp -s "$tmp" ${SECRETS_FILE}; then rm -f "$tmp"; exit 0; fi`,
    `changed=$([ -f ${SECRETS_FILE} ] && echo yes || echo no)`,
    `install -m 0600 -o root -g root "$tmp" ${SECRETS_FILE}`,
    'rm -f "$tmp"',
    ...(services.length > 0 ? [`if [ "$changed" = yes ]; then systemctl try-restart ${services.join(' ')}; fi`] : []),
  );
  return lines.join('\n') + '\n';
}

/** Where a unit's output goes: `/var/log/webcluster/<name without webcluster- and @>.log`. */
export function unitLogFile(unitName: string): string {
  return `${UNIT_LOG_DIR}/${unitName.replace(/^webcluster-/, '').replace(/@$/, '')}.log`;
}

function unitFile(u: ServiceUnit, user: string, workDir: string, requiresMounts: readonly string[] = []): string {
  const secrets = u.name === 'webcluster-secrets';
  // Without the app secrets: the fetcher itself and the steps that run before it.
  const independent = secrets || u.beforeSecrets === true;
  const after = ['network-online.target', ...(independent ? [] : ['webcluster-secrets.service']), ...(u.after ?? [])];
  // The fetcher only wants the steps before it: a failing step must not keep the app's secrets away.
  const requires = secrets ? [] : [...(independent ? [] : ['webcluster-secrets.service']), ...(u.after ?? [])];
  const wants = ['network-online.target', ...(secrets ? (u.after ?? []) : [])];
  const retry = u.type === 'oneshot' && u.retryOnFailure === true;
  const lines = [
    '[Unit]',
    `Description=${u.description}`,
    `After=${after.join(' ')}`,
    ...(u.beforeSecrets === true ? ['Before=webcluster-secrets.service'] : []),
    `Wants=${wants.join(' ')}`,
    ...(requires.length > 0 ? [`Requires=${requires.join(' ')}`] : []),
    ...(independent ? [] : requiresMounts),
    ...(retry ? ['StartLimitIntervalSec=2h', 'StartLimitBurst=40'] : []),
    '',
    '[Service]',
    `Type=${u.type}`,
    `User=${u.user ?? user}`,
    `WorkingDirectory=${workDir}`,
    `EnvironmentFile=${ENV_FILE}`,
    ...(independent ? [] : [`EnvironmentFile=${SECRETS_FILE}`]),
    `ExecStart=${u.command}`,
    // Output to a file the log agent collects (webcluster-worker@ → /var/log/webcluster/worker.log).
    ...(u.name === 'webcluster-secrets' ? [] : [`StandardOutput=append:${unitLogFile(u.name)}`, 'StandardError=inherit']),
    ...(u.type === 'simple' ? ['Restart=always', 'RestartSec=5'] : ['RemainAfterExit=yes']),
    ...(retry ? ['Restart=on-failure', 'RestartSec=30'] : []),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ];
  return lines.join('\n') + '\n';
}
