/**
 * The systemd units of the app hosts' own services and steps, and the drop-ins that make the system
 * services (`nginx`, `php-fpm`) wait for the secrets, the release and the shared mounts; all rendered
 * by the one unit renderer (private/systemd-unit.ts).
 */
import { INSTALL_MULTI_USER, renderSystemdUnit } from './systemd-unit';

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

/** The app's plain environment. */
export const ENV_FILE = '/etc/webcluster/app.env';
/** The app's secrets, written by the fetcher. */
export const SECRETS_FILE = '/etc/webcluster/secrets.env';
/** Where our units' output goes. */
export const UNIT_LOG_DIR = '/var/log/webcluster';
/** The unit that runs the secrets fetcher. */
export const SECRETS_UNIT = 'webcluster-secrets';

/** Where a unit's output goes: `/var/log/webcluster/<name without webcluster- and @>.log`. */
export function unitLogFile(unitName: string): string {
  return `${UNIT_LOG_DIR}/${unitName.replace(/^webcluster-/, '').replace(/@$/, '')}.log`;
}

/** The drop-in of a system service: after (and requiring) the secrets and `afterRelease`, with the app's environment. */
export function systemServiceDropIn(afterRelease: readonly string[], requiresMounts: readonly string[]): string {
  const after = [`${SECRETS_UNIT}.service`, ...afterRelease].join(' ');
  return renderSystemdUnit({
    Unit: [`After=${after}`, `Requires=${after}`, ...requiresMounts],
    Service: [`EnvironmentFile=${ENV_FILE}`, `EnvironmentFile=${SECRETS_FILE}`],
  });
}

/** The unit file of one of our services or steps, run as `user` in `workDir`. */
export function unitFile(u: ServiceUnit, user: string, workDir: string, requiresMounts: readonly string[] = []): string {
  const secrets = u.name === SECRETS_UNIT;
  // Without the app secrets: the fetcher itself and the steps that run before it.
  const independent = secrets || u.beforeSecrets === true;
  const after = ['network-online.target', ...(independent ? [] : [`${SECRETS_UNIT}.service`]), ...(u.after ?? [])];
  // The fetcher only wants the steps before it: a failing step must not keep the app's secrets away.
  const requires = secrets ? [] : [...(independent ? [] : [`${SECRETS_UNIT}.service`]), ...(u.after ?? [])];
  const wants = ['network-online.target', ...(secrets ? (u.after ?? []) : [])];
  const retry = u.type === 'oneshot' && u.retryOnFailure === true;
  return renderSystemdUnit({
    Unit: [
      `Description=${u.description}`,
      `After=${after.join(' ')}`,
      ...(u.beforeSecrets === true ? [`Before=${SECRETS_UNIT}.service`] : []),
      `Wants=${wants.join(' ')}`,
      ...(requires.length > 0 ? [`Requires=${requires.join(' ')}`] : []),
      ...(independent ? [] : requiresMounts),
      ...(retry ? ['StartLimitIntervalSec=2h', 'StartLimitBurst=40'] : []),
    ],
    Service: [
      `Type=${u.type}`,
      `User=${u.user ?? user}`,
      `WorkingDirectory=${workDir}`,
      `EnvironmentFile=${ENV_FILE}`,
      ...(independent ? [] : [`EnvironmentFile=${SECRETS_FILE}`]),
      `ExecStart=${u.command}`,
      // Output to a file the log agent collects (webcluster-worker@ → /var/log/webcluster/worker.log).
      ...(secrets ? [] : [`StandardOutput=append:${unitLogFile(u.name)}`, 'StandardError=inherit']),
      ...(u.type === 'simple' ? ['Restart=always', 'RestartSec=5'] : ['RemainAfterExit=yes']),
      ...(retry ? ['Restart=on-failure', 'RestartSec=30'] : []),
    ],
    Install: INSTALL_MULTI_USER,
  });
}
