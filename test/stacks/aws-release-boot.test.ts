/**
 * How the AWS hosts get the app (issue 12, finding 2): from releases in a bucket, which
 * `npm run release` uploads. A host that boots before the first release waits for it; nothing of the
 * app starts before a release is installed; the stack outputs what the release command needs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { ListenerCertificate } from '../../constructs/aws/load-balancer';
import { AwsVmStack } from '../../stacks/aws-vm-stack';
import { RELEASE_OUTPUTS } from '../../stacks/release-outputs';
import { EZPLATFORM_VM_PROFILE } from '../../stacks/aws/profiles/ezplatform';
import { SHOPWARE_VM_PROFILE } from '../../stacks/aws/profiles/shopware';
import { STEEDOS_VM_PROFILE } from '../../stacks/aws/profiles/steedos';
import type { VmAppProfile } from '../../stacks/aws/vm-profile';
import { localOf, runCommands, SynthJson, writtenFile } from '../util';

function synth(profile: VmAppProfile): SynthJson {
  const stack = new AwsVmStack(Testing.app(), `${profile.name}-aws`, {
    profile,
    region: 'eu-central-1',
    domain: 'shop.example.com',
    certificate: ListenerCertificate.dnsValidated('shop.example.com', 'Z0123456789ABCDEFGHIJ'),
    cdn: false,
  });
  return JSON.parse(Testing.synth(stack)) as SynthJson;
}

const SCRIPT = fs.readFileSync(path.join(__dirname, '../../constructs/aws/scripts/release/webcluster-release'), 'utf8');

describe.each([
  [SHOPWARE_VM_PROFILE, 'Private', 'php-fpm.service nginx.service'],
  [EZPLATFORM_VM_PROFILE, 'Private', 'php-fpm.service nginx.service'],
  [STEEDOS_VM_PROFILE, 'Files', 'webcluster-app.service'],
])('%s: releases', (profile, bucket, services) => {
  const json = synth(profile as VmAppProfile);
  const hosts = { app: localOf(json, 'AppServers_UserData'), admin: localOf(json, 'Admin_UserData') };

  test('the release script and its configuration are on app and admin hosts; no download in the boot commands', () => {
    for (const userData of Object.values(hosts)) {
      expect(writtenFile(userData, '/usr/local/sbin/webcluster-release')).toBe(SCRIPT);
      expect(writtenFile(userData, '/etc/webcluster/release.env').split('\n')).toEqual([
        expect.stringMatching(new RegExp(`^RELEASE_BUCKET=\\$\\{aws_s3_bucket\\.Storage_${bucket}_[0-9A-F]+\\.bucket\\}$`)),
        'APP_DIR=/var/www/app',
        'APP_USER=webapp',
        `RESTART_SERVICES='${services}'`,
        '',
      ]);
      expect(runCommands(userData).join('\n')).not.toContain('releases/current.tar.gz');
    }
  });

  test('at boot a oneshot unit without a start timeout installs the current release (waiting for the first one)', () => {
    for (const userData of Object.values(hosts)) {
      const unit = writtenFile(userData, '/etc/systemd/system/webcluster-release.service');
      expect(unit).toContain('Type=oneshot');
      expect(unit).toContain('User=root');
      expect(unit).toContain('ExecStart=/usr/local/sbin/webcluster-release boot');
      expect(unit).not.toMatch(/TimeoutStartSec=(?!infinity)/);
      expect(runCommands(userData)).toContain('systemctl enable --now --no-block webcluster-release.service');
    }
    expect(SCRIPT).toMatch(/until id=\$\(current_id 2> \/dev\/null\) && \[ -n "\$id" \]; do\n.*\n\s+sleep 30\n\s+done/);
  });

  test('the web services and every unit of the app start only after a release is installed, without blocking cloud-init', () => {
    for (const userData of Object.values(hosts)) {
      for (const service of services.split(' ')) {
        const dropIn = writtenFile(userData, `/etc/systemd/system/${service}.d/webcluster.conf`);
        expect(dropIn).toContain('After=webcluster-secrets.service webcluster-release.service');
        expect(dropIn).toContain('Requires=webcluster-secrets.service webcluster-release.service');
        expect(runCommands(userData)).toContain(`systemctl enable --now --no-block ${service.replace(/\.service$/, '')}`);
      }
      const doc = JSON.parse(userData.replace(/^#cloud-config\n/, '')) as { write_files: { path: string; content: string }[] };
      const appUnits = doc.write_files.filter((f) => /^\/etc\/systemd\/system\/webcluster-(worker@|setup|scheduler)\.service$/.test(f.path));
      for (const unit of appUnits) expect(unit.content).toMatch(/^Requires=.*webcluster-release\.service/m);
    }
    // A secret rotation restarts the app, never the release unit (which could install a release outside npm run release).
    expect(writtenFile(hosts.app, '/usr/local/sbin/webcluster-fetch-secrets')).not.toContain('webcluster-release');
  });

  test('the stack outputs the bucket, the admin host and the app group under the names npm run release reads', () => {
    const outputs = json.output ?? {};
    expect(outputs[RELEASE_OUTPUTS.bucket]?.value).toMatch(new RegExp(`^\\$\\{aws_s3_bucket\\.Storage_${bucket}_[0-9A-F]+\\.bucket\\}$`));
    expect(outputs[RELEASE_OUTPUTS.adminInstance]?.value).toMatch(/^\$\{aws_instance\.Admin_[0-9A-F]+\.id\}$/);
    expect(outputs[RELEASE_OUTPUTS.appGroup]?.value).toMatch(/^\$\{aws_autoscaling_group\.AppServers_[0-9A-F]+\.name\}$/);
    for (const name of Object.values(RELEASE_OUTPUTS)) expect(outputs[name]?.description).toBeTruthy();
  });
});

test('Ibexa: the release hook puts the TLS cache pool into each release and drops its compiled container', () => {
  const userData = localOf(synth(EZPLATFORM_VM_PROFILE), 'AppServers_UserData');
  expect(writtenFile(userData, '/etc/webcluster/release-hook')).toBe(
    [
      '#!/bin/bash',
      'set -euo pipefail',
      'install -d config/packages/prod',
      'install -m 0644 /etc/webcluster/webcluster_cache_redis_tls.yaml config/packages/prod/webcluster_cache_redis_tls.yaml',
      'rm -rf var/cache/prod',
      '',
    ].join('\n'),
  );
  expect(SCRIPT).toContain('elif [ -x "$HOOK" ] && ! (cd "$new" && "$HOOK"); then');
});
