/**
 * Steedos on AWS VMs: {@link STEEDOS_APP} with Node.js 20 on Amazon Linux 2023, started by
 * `steedos-start`, and a self-managed MongoDB replica set.
 */
import * as path from 'path';
import { renderTemplateFile } from '../../../constructs/core/template';
import { STEEDOS_APP, STEEDOS_MONGODB_OPTIONS } from '../../profiles/steedos';
import { mongoDbAwsTier } from '../tiers/mongodb';
import type { AwsTier, VmAppProfile } from '../vm-profile';

const APP_DIR = '/var/www/app';
/** The templates of the files the hosts get (also in dist/ and lib/, scripts/copy-assets.js). */
const ASSETS_DIR = path.join(__dirname, 'assets');
const LOG_DIR = '/var/log/webcluster';
/** Port of the Steedos server on a VM (`PORT`, and `B6_PORT` of the 3.x server). */
const VM_PORT = 5000;
/** Starts Steedos on a VM: `steedos-start web` (app hosts) or `steedos-start cron` (admin host). */
const START = '/usr/local/sbin/steedos-start';

/** The `mongodb` tier of Steedos on AWS (see {@link STEEDOS_MONGODB_OPTIONS}). */
export const STEEDOS_MONGODB_AWS_TIER: AwsTier = mongoDbAwsTier(STEEDOS_MONGODB_OPTIONS);

/**
 * The files the hosts get (`assets/steedos-*`), by their path on the host, as lines: `steedos-start`;
 * the web server's unit, run on every host except the admin host, which runs the cron process (also
 * serving HTTP, for the /supervisor target's health check) in webcluster-scheduler; the logrotate
 * configuration of the Steedos logs.
 */
export function steedosVmFiles(): Record<string, { readonly lines: string[]; readonly mode: string }> {
  const file = (name: string, mode: string) => ({
    lines: renderTemplateFile(path.join(ASSETS_DIR, name), { appDir: APP_DIR, logDir: LOG_DIR, start: START }).replace(/\n$/, '').split('\n'),
    mode,
  });
  return {
    [START]: file('steedos-start.sh', '0755'),
    '/etc/systemd/system/webcluster-app.service': file('steedos-web.service', '0644'),
    '/etc/logrotate.d/webcluster': file('steedos-logrotate.conf', '0644'),
  };
}

/** `printf` lines writing a file on the host (lines must not contain single quotes). */
function writeFile(path: string, lines: string[], mode: string): string {
  return `printf '%s\\n' ${lines.map((l) => `'${l}'`).join(' ')} > ${path} && chmod ${mode} ${path}`;
}

/**
 * Steedos on AWS VMs: the web server on the app hosts, the cron process on the admin host (both
 * `steedos-start`, which derives the secrets every replica must share from
 * `STEEDOS_TENANT_TOKEN_SECRET`: SHA-256 with a distinct label each, so nothing more has to be
 * generated or stored), MongoDB on EC2.
 */
export const STEEDOS_VM_PROFILE: VmAppProfile = {
  ...STEEDOS_APP,
  logFiles: {
    app: [`${LOG_DIR}/steedos-web.log`],
    admin: [`${LOG_DIR}/steedos-cron.log`],
    mongodb: ['/var/log/mongodb/mongod.log'],
  },
  vm: {
    // Amazon Linux 2023 installs Node.js 20 as node-20 (parallel-installable packages).
    packages: ['nodejs20', 'logrotate'],
    systemServices: ['webcluster-app'],
    port: VM_PORT,
    // Steedos has no queue workers.
    workerCommand: '',
    schedulerCommand: `${START} cron`,
    // None: Steedos migrates its database itself when it starts.
    setupCommand: '',
    bootCommands: () => [
      'ln -sf "$(command -v node-20 || command -v node)" /usr/local/bin/webcluster-node',
      `install -d -o webapp -g webapp ${LOG_DIR} /var/lib/steedos`,
      ...Object.entries(steedosVmFiles()).map(([file, { lines, mode }]) => writeFile(file, lines, mode)),
    ],
    environment: () => ({ PORT: String(VM_PORT), B6_PORT: String(VM_PORT), STEEDOS_STORAGE_DIR: '/var/lib/steedos' }),
  },
  tiers: [STEEDOS_MONGODB_AWS_TIER],
};
