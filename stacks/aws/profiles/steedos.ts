/**
 * Steedos on AWS VMs: {@link STEEDOS_APP} with Node.js 20 on Amazon Linux 2023, started by
 * `steedos-start`, and a self-managed MongoDB replica set.
 */
import { STEEDOS_APP, STEEDOS_MONGODB_OPTIONS } from '../../profiles/steedos';
import { mongoDbAwsTier } from '../tiers/mongodb';
import type { AwsTier, VmAppProfile } from '../vm-profile';

const APP_DIR = '/var/www/app';
const LOG_DIR = '/var/log/webcluster';
/** Port of the Steedos server on a VM (`PORT`, and `B6_PORT` of the 3.x server). */
const VM_PORT = 5000;
/** Starts Steedos on a VM: `steedos-start web` (app hosts) or `steedos-start cron` (admin host). */
const START = '/usr/local/sbin/steedos-start';

/** The `mongodb` tier of Steedos on AWS (see {@link STEEDOS_MONGODB_OPTIONS}). */
export const STEEDOS_MONGODB_AWS_TIER: AwsTier = mongoDbAwsTier(STEEDOS_MONGODB_OPTIONS);

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
      writeFile(
        START,
        [
          '#!/bin/bash',
          '# Starts Steedos: web (app hosts) or cron (the scheduled jobs, admin host only), with the shared',
          '# secrets derived from STEEDOS_TENANT_TOKEN_SECRET so that every host computes the same values.',
          'set -euo pipefail',
          'derive() { printf "%s" "$1:$STEEDOS_TENANT_TOKEN_SECRET" | sha256sum | cut -c1-48; }',
          'export B6_JWT_SECRET="$(derive b6-jwt-secret)"',
          'export STEEDOS_ENCRYPTION_PASSWORD="$(derive steedos-encryption-password)"',
          'export STEEDOS_ENCRYPTION_SALT="$(derive steedos-encryption-salt)"',
          'if [ "$1" = cron ]; then export STEEDOS_CRON=true; fi',
          `exec /usr/local/bin/webcluster-node ${APP_DIR}/node_modules/.bin/steedos start >> "${LOG_DIR}/steedos-$1.log" 2>&1`,
        ],
        '0755',
      ),
      // The web server runs on every host except the admin host, which runs the cron process (also
      // serving HTTP, for the /supervisor target's health check) in webcluster-scheduler.
      writeFile(
        '/etc/systemd/system/webcluster-app.service',
        [
          '[Unit]',
          'Description=Steedos web server',
          'After=network-online.target',
          'Wants=network-online.target',
          'ConditionPathExists=!/etc/systemd/system/webcluster-scheduler.service',
          '',
          '[Service]',
          'Type=simple',
          'User=webapp',
          `WorkingDirectory=${APP_DIR}`,
          `ExecStart=${START} web`,
          'Restart=always',
          'RestartSec=5',
          '',
          '[Install]',
          'WantedBy=multi-user.target',
        ],
        '0644',
      ),
      writeFile('/etc/logrotate.d/webcluster', [`${LOG_DIR}/*.log {`, 'daily', 'rotate 14', 'compress', 'missingok', 'notifempty', 'copytruncate', '}'], '0644'),
    ],
    environment: () => ({ PORT: String(VM_PORT), B6_PORT: String(VM_PORT), STEEDOS_STORAGE_DIR: '/var/lib/steedos' }),
  },
  tiers: [STEEDOS_MONGODB_AWS_TIER],
};
