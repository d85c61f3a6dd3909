/**
 * The cloud-init user data of the AdminServer: the provisioning steps, the setup unit and the
 * scheduler as systemd units, in that order, and the secrets it generates at first boot.
 */
import type { HostWorkload, ProvisioningStep } from '../host-workload';
import { GENERATE_SECRET_FUNCTION, renderCloudConfig, ServiceUnit } from './user-data';

/** What the admin host runs. */
export interface AdminUserDataSpec {
  /** AWS region of the host. */
  readonly region: string;
  /** What the host installs and runs (the same code as the app hosts). */
  readonly workload: HostWorkload;
  /** Steps run as root at every boot, in order, before the setup command. */
  readonly provisioning: readonly ProvisioningStep[];
  /** One-shot setup/migration command, after the provisioning steps. */
  readonly setupCommand?: string;
  /** The scheduled-task runner, after the setup (or the provisioning steps). */
  readonly schedulerCommand?: string;
  /** Secrets filled once, at first boot, with 32 random bytes in hex. */
  readonly generatedSecretArns: readonly string[];
  /** Boot commands of the log agent. */
  readonly logShippingCommands: readonly string[];
}

/**
 * One `webcluster-<step>` oneshot unit per provisioning step (root, retried, before the app secrets,
 * each after the previous ones), then `webcluster-setup` (retried) and `webcluster-scheduler`.
 */
function adminUnits(spec: AdminUserDataSpec): ServiceUnit[] {
  const provisioningUnits = spec.provisioning.map((p) => `webcluster-${p.name}.service`);
  const units: ServiceUnit[] = spec.provisioning.map((p, i) => ({
    name: `webcluster-${p.name}`,
    description: p.description,
    command: `/usr/local/sbin/webcluster-${p.name}`,
    type: 'oneshot',
    user: 'root',
    retryOnFailure: true,
    // Before the app secrets and without them: a step may create one (the database user's).
    beforeSecrets: true,
    after: provisioningUnits.slice(0, i),
  }));
  if (spec.setupCommand) {
    units.push({
      name: 'webcluster-setup',
      description: 'One-shot setup and migrations',
      command: spec.setupCommand,
      type: 'oneshot',
      // Migrations wait for a database that may still be starting on a first deploy.
      retryOnFailure: true,
      after: provisioningUnits,
    });
  }
  if (spec.schedulerCommand) {
    units.push({
      name: 'webcluster-scheduler',
      description: 'The cluster-wide scheduled-task runner',
      command: spec.schedulerCommand,
      type: 'simple',
      after: spec.setupCommand ? ['webcluster-setup.service'] : provisioningUnits,
    });
  }
  return units;
}

/** The admin host's cloud-config; each provisioning step's script goes to `/usr/local/sbin/webcluster-<step>`. */
export function adminUserData(spec: AdminUserDataSpec): string {
  const { workload, provisioning, generatedSecretArns: generated } = spec;
  return renderCloudConfig({
    region: spec.region,
    runAsUser: workload.runAsUser ?? 'webapp',
    appDirectory: workload.appDirectory ?? '/var/www/app',
    packages: [...new Set(['jq', 'openssl', ...(workload.packages ?? []), ...provisioning.flatMap((p) => p.packages ?? [])])],
    environment: workload.environment ?? {},
    secretEnvironment: workload.secretEnvironment ?? {},
    bootCommands: [
      ...(generated.length > 0 ? [GENERATE_SECRET_FUNCTION] : []),
      ...generated.map((arn) => `generate '${arn}' "$(openssl rand -hex 32)"`),
      ...spec.logShippingCommands,
      ...(workload.bootCommands ?? []),
    ],
    systemServices: workload.systemServices ?? [],
    units: adminUnits(spec),
    requiredMounts: workload.requiredMounts,
    release: workload.release,
    files: provisioning.map((p) => ({ path: `/usr/local/sbin/webcluster-${p.name}`, permissions: '0700', content: p.script })),
  });
}
