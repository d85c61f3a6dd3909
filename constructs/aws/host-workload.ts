/**
 * HostWorkload: what runs on an app or admin host (the app profile's part of a VM), shared by
 * AppServerGroup and AdminServer.
 */
import type { HostRelease, SecretEnvironmentVariable } from './private/user-data';

export type { HostRelease, SecretEnvironmentVariable } from './private/user-data';

/** What an app or admin host installs and runs. */
export interface HostWorkload {
  /**
   * OS packages to install (Amazon Linux 2023 names).
   * @default []
   */
  readonly packages?: string[];
  /**
   * Plain environment of every app process. Never put secrets here: they would land in the
   * Terraform JSON; use `secretEnvironment`.
   * @default {}
   */
  readonly environment?: Record<string, string>;
  /**
   * Environment read from Secrets Manager on the host at boot (never in Terraform JSON or state).
   * @default {}
   */
  readonly secretEnvironment?: Record<string, SecretEnvironmentVariable>;
  /**
   * Commands run as root at first boot after packages are installed and before services start,
   * e.g. fetching the release and mounting shares.
   * @default []
   */
  readonly bootCommands?: string[];
  /**
   * System services to enable, given the app environment (e.g. `php-fpm`, `nginx`).
   * @default []
   */
  readonly systemServices?: string[];
  /**
   * Mount points of shared file systems (in /etc/fstab, e.g. from `SharedStorage.mountCommands()`)
   * the app needs: its services do not start while one is not mounted.
   * @default []
   */
  readonly requiredMounts?: string[];
  /**
   * OS user that runs the app's own processes.
   * @default 'webapp'
   */
  readonly runAsUser?: string;
  /**
   * Directory holding the app code.
   * @default '/var/www/app'
   */
  readonly appDirectory?: string;
  /**
   * Install the app from releases in a bucket (`releases/<id>.tar.gz`, `releases/current` naming
   * the live one; `npm run release` uploads them): at every boot the host waits for the first
   * release and installs the current one before the app's services start.
   * @default - the boot commands install the app
   */
  readonly release?: HostRelease;
}

/** A root script a host runs at every boot before the app's setup (e.g. creating the app's database user). */
export interface ProvisioningStep {
  /** Name of lowercase letters, digits and hyphens: the unit is `webcluster-<name>.service`. */
  readonly name: string;
  /** What it does. */
  readonly description: string;
  /**
   * Bash script; must be idempotent, and free of `${` and `%{` (it is kept in a Terraform local).
   * Retried every 30 s on failure (at most 40 times in 2 hours).
   */
  readonly script: string;
  /**
   * OS packages the script needs.
   * @default []
   */
  readonly packages?: string[];
}
