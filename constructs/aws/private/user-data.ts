/**
 * Renders cloud-init user data for app and admin hosts: an environment file, a secrets fetcher
 * that reads Secrets Manager at boot (so no secret is ever in Terraform JSON or state), systemd
 * units for long-running services and one-shot tasks, and extra boot commands.
 */
import * as path from 'path';
import { ENV_FILE, SECRETS_FILE, SECRETS_UNIT, ServiceUnit, systemServiceDropIn, UNIT_LOG_DIR, unitFile } from './app-units';
import { readAsset } from '../../core/template';
import { awsAsset } from './assets';
import { renderCloudConfigDocument, writeFile } from './cloud-config';
import { SecretEnvironmentVariable, secretsScript } from './secrets-fetcher';

export { unitLogFile } from './app-units';
export type { ServiceUnit } from './app-units';
export type { SecretEnvironmentVariable } from './secrets-fetcher';

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
  return readAsset(path.join(__dirname, '..', 'scripts', 'release', 'webcluster-release'));
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

/**
 * Shell function `generate <secret-arn> <value>`: stores `value` only when the secret has no version
 * yet. Any other outcome (throttling, IAM not yet propagated, network) is retried and never leads to
 * a new value, which would break every node still using the old one. The file
 * `assets/app-host/generate-secret.sh`, read when this module loads, without its final line break.
 */
export const GENERATE_SECRET_FUNCTION = awsAsset('app-host/generate-secret.sh').replace(/\n$/, '');

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
  const config = awsAsset('app-host/release.env', {
    bucket: release.bucketName,
    appDirectory: spec.appDirectory,
    user: spec.runAsUser,
    services: spec.systemServices.map((s) => `${s}.service`).join(' '),
  });
  return {
    ...spec,
    units: [unit, ...spec.units.map((u) => (u.beforeSecrets === true ? u : { ...u, after: [`${RELEASE_UNIT}.service`, ...(u.after ?? [])] }))],
    files: [
      writeFile(RELEASE_SCRIPT_PATH, '0750', releaseScript()),
      writeFile('/etc/webcluster/release.env', '0640', config),
      ...(release.hook !== undefined ? [writeFile('/etc/webcluster/release-hook', '0750', awsAsset('app-host/release-hook.sh', { hook: release.hook }))] : []),
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
  const files = [
    writeFile(ENV_FILE, '0640', envFile({ AWS_DEFAULT_REGION: spec.region, ...spec.environment })),
    writeFile(
      '/usr/local/sbin/webcluster-fetch-secrets',
      '0750',
      // Restarted when a secret changed: everything that reads them, not the steps that run before them.
      // Not the release unit: a secret rotation must not install a release outside `npm run release`.
      secretsScript(
        spec.secretEnvironment,
        [...spec.systemServices.map((s) => `${s}.service`), ...enable.filter((u) => !beforeSecrets.includes(u) && u !== `${RELEASE_UNIT}.service`)],
        SECRETS_FILE,
      ),
    ),
    writeFile(
      `/etc/systemd/system/${SECRETS_UNIT}.service`,
      '0644',
      unitFile({ name: SECRETS_UNIT, description: 'Fetch app secrets from AWS Secrets Manager', command: '/usr/local/sbin/webcluster-fetch-secrets', type: 'oneshot', after: beforeSecrets }, 'root', '/'),
    ),
    ...spec.systemServices.map((svc) => writeFile(`/etc/systemd/system/${svc}.service.d/webcluster.conf`, '0644', systemServiceDropIn(afterRelease, requiresMounts))),
    ...spec.units.map((u) => writeFile(`/etc/systemd/system/${u.name}.service`, '0644', unitFile(u, spec.runAsUser, spec.appDirectory, requiresMounts))),
    ...(spec.files ?? []),
    writeFile('/etc/logrotate.d/webcluster', '0644', awsAsset('app-host/logrotate.conf', { logDir: UNIT_LOG_DIR })),
    // Fetches the secrets again every 15 minutes (they change: RDS rotates its master password).
    writeFile('/etc/systemd/system/webcluster-secrets-refresh.service', '0644', awsAsset('app-host/webcluster-secrets-refresh.service', { envFile: ENV_FILE })),
    writeFile('/etc/systemd/system/webcluster-secrets-refresh.timer', '0644', awsAsset('app-host/webcluster-secrets-refresh.timer')),
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
  return renderCloudConfigDocument({ packages: spec.packages, files, runcmd });
}

function envFile(env: Readonly<Record<string, string>>): string {
  return Object.keys(env)
    .sort()
    .map((k) => `${k}=${env[k]}`)
    .join('\n')
    .concat('\n');
}
