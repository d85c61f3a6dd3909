/**
 * Apply-time and day-2 invariants of the AWS stacks that hashicorp/aws would only reveal on a real
 * account (issue 11). Each block checks every default AWS stack of webcluster.yaml, so a construct
 * added later is held to the same rule.
 */
import { SynthJson, writtenFile } from '../util';
import { synthDefaultStacks } from './default-stacks';

/** Every resource of `type` in `json` with its Terraform name. */
function named(json: SynthJson, type: string): [string, Record<string, unknown>][] {
  return Object.entries(json.resource[type] ?? {});
}

const STACKS = synthDefaultStacks('aws');

test('the default configuration has the three AWS stacks', () => {
  expect(STACKS.map((s) => s.name).sort()).toEqual(['ezplatform-aws', 'shopware-aws', 'steedos-aws']);
});

describe.each(STACKS)('$name', ({ json }) => {
  test('finding 1: no aws_instance takes its AMI as resolve:ssm (InvalidAMIID.Malformed with a root_block_device); a data source reads it and later AMIs are ignored', () => {
    const instances = named(json, 'aws_instance');
    expect(instances.length).toBeGreaterThan(0);
    for (const [name, instance] of instances) {
      expect({ name, ami: instance.ami }).toEqual({ name, ami: expect.stringMatching(/^\$\{data\.aws_ssm_parameter\.[A-Za-z0-9_-]+\.insecure_value\}$/) });
      expect((instance.lifecycle as { ignore_changes?: string[] }).ignore_changes).toContain('ami');
    }
    for (const [, parameter] of named({ resource: json.data ?? {} }, 'aws_ssm_parameter')) {
      expect(parameter.name).toMatch(/^\/aws\/service\//);
    }
  });

  test('user data is gzip-compressed and fits in 16 KB', () => {
    const userData = [
      ...named(json, 'aws_instance').map(([, r]) => r.user_data_base64),
      ...named(json, 'aws_launch_template').map(([, r]) => r.user_data),
    ];
    expect(userData.length).toBeGreaterThan(0);
    for (const value of userData) expect(value).toMatch(/^\$\{base64gzip\(local\.[A-Za-z0-9_-]+\)\}$/);
  });
});

/** The Terraform local (user data document) whose name starts with `prefix`. */
function local(json: SynthJson, prefix: string): string {
  const key = Object.keys(json.locals ?? {}).find((k) => k.startsWith(prefix));
  if (key === undefined) throw new Error(`no local ${prefix}`);
  return (json.locals as Record<string, string>)[key];
}

/** The inline policy of the role of construct `owner` (e.g. `AppServers`). */
function grantsOf(json: SynthJson, owner: string): string {
  const found = named(json, 'aws_iam_role_policy').find(([name]) => name.startsWith(`${owner}_Role_Grants`));
  if (found === undefined) throw new Error(`no grants of ${owner}`);
  return String(found[1].policy);
}

const WITH_DATABASE = STACKS.filter((s) => named(s.json, 'aws_rds_cluster').length > 0);

describe.each(WITH_DATABASE)('$name (Aurora)', ({ json }) => {
  test('finding 2: AWS upgrades minor versions and Terraform ignores engine_version afterwards (no downgrade plan); instances take the version from the cluster', () => {
    for (const [, cluster] of named(json, 'aws_rds_cluster')) {
      expect((cluster.lifecycle as { ignore_changes?: string[] }).ignore_changes).toContain('engine_version');
    }
    for (const [, instance] of named(json, 'aws_rds_cluster_instance')) {
      expect(instance.auto_minor_version_upgrade).toBe(true);
      expect(instance.engine_version).toBeUndefined();
    }
  });

  test('finding 3: the apps log in as their own database user; the master secret is read by the admin host only, to provision that user', () => {
    const [[clusterName]] = named(json, 'aws_rds_cluster');
    const secretEnvironment = (json.output?.app_secret_environment?.value ?? {}) as Record<string, string>;
    const databaseUrls = Object.entries(secretEnvironment).filter(([name]) => /DATABASE.*URL/.test(name));
    expect(databaseUrls.length).toBeGreaterThan(0);
    for (const [, arn] of databaseUrls) expect(arn).toMatch(/^\$\{aws_secretsmanager_secret\.Database_AppUserSecret_[0-9A-F]+\.arn\}$/);
    expect(local(json, 'AppServers_UserData')).not.toContain('master_user_secret');
    expect(grantsOf(json, 'AppServers')).not.toContain('master_user_secret');
    expect(grantsOf(json, 'Admin')).toContain(`aws_rds_cluster.${clusterName}.master_user_secret`);
    const admin = local(json, 'Admin_UserData');
    expect(admin).toContain('/etc/systemd/system/webcluster-database-user.service');
    expect(admin).toMatch(/CREATE USER IF NOT EXISTS 'app_user'@'%' IDENTIFIED BY '\$password' REQUIRE SSL;/);
  });

  test('finding 4: hosts boot after the writer instance exists; setup waits for the database-user step and retries while the writer is not up', () => {
    const writer = named(json, 'aws_rds_cluster_instance').find(([name]) => name.startsWith('Database_Writer'));
    expect(writer).toBeDefined();
    const ref = `aws_rds_cluster_instance.${writer?.[0]}`;
    for (const [, host] of [...named(json, 'aws_autoscaling_group').filter(([n]) => n.startsWith('AppServers')), ...named(json, 'aws_instance').filter(([n]) => n.startsWith('Admin'))]) {
      expect(host.depends_on).toContain(ref);
    }
    const unit = writtenFile(local(json, 'Admin_UserData'), '/etc/systemd/system/webcluster-setup.service');
    expect(unit).toContain('Requires=webcluster-secrets.service webcluster-release.service webcluster-database-user.service');
    expect(unit).toContain('Restart=on-failure');
    expect(unit).toContain('StartLimitBurst=40');
    // The database-user step runs before the app secrets and without them (it creates one of them):
    // a dependency on the fetcher would deadlock the first boot.
    const step = writtenFile(local(json, 'Admin_UserData'), '/etc/systemd/system/webcluster-database-user.service');
    expect(step).toContain('Before=webcluster-secrets.service');
    expect(step).not.toMatch(/^(Requires|After)=.*webcluster-secrets/m);
    expect(step).not.toContain('secrets.env');
    const fetcherUnit = writtenFile(local(json, 'Admin_UserData'), '/etc/systemd/system/webcluster-secrets.service');
    expect(fetcherUnit).toMatch(/^After=.*webcluster-database-user\.service/m);
    expect(fetcherUnit).toMatch(/^Wants=.*webcluster-database-user\.service/m);
    expect(fetcherUnit).not.toMatch(/^Requires=/m);
    expect(writtenFile(local(json, 'Admin_UserData'), '/usr/local/sbin/webcluster-fetch-secrets')).not.toMatch(/try-restart .*database-user/);
  });
});

describe.each(STACKS)('$name (hosts)', ({ json }) => {
  test('finding 6: hosts without data on their root volume are replaced when their user data changes (EC2 runs it at first boot only)', () => {
    for (const [name, instance] of named(json, 'aws_instance')) {
      if (name.startsWith('DocumentDatabase_')) continue; // members keep their user data; see the mongo tests
      expect({ name, replace: instance.user_data_replace_on_change }).toEqual({ name, replace: true });
    }
  });

  test('finding 8: instance refreshes launch before they terminate and wait for the real boot', () => {
    const [, group] = named(json, 'aws_autoscaling_group').find(([name]) => name.startsWith('AppServers')) ?? [];
    expect(group).toBeDefined();
    const refresh = (group as { instance_refresh: { preferences: Record<string, unknown> } }).instance_refresh.preferences;
    expect(refresh).toEqual(expect.objectContaining({ min_healthy_percentage: 100, max_healthy_percentage: 200 }));
    expect(Number(refresh.instance_warmup)).toBeGreaterThanOrEqual(600);
    expect(group?.health_check_grace_period).toBeGreaterThanOrEqual(600);
    expect(group?.instance_maintenance_policy).toEqual({ min_healthy_percentage: 100, max_healthy_percentage: 200 });
  });
});

test('finding 4: on ezplatform-aws the hosts also wait for the EFS mount targets, and no app process starts on an unmounted share', () => {
  const { json } = STACKS.find((s) => s.name === 'ezplatform-aws') as { json: SynthJson };
  const targets = named(json, 'aws_efs_mount_target').map(([name]) => `aws_efs_mount_target.${name}`);
  expect(targets.length).toBe(3);
  for (const [name, host] of [...named(json, 'aws_autoscaling_group'), ...named(json, 'aws_instance')]) {
    if (!name.startsWith('AppServers') && !name.startsWith('Admin')) continue;
    expect(host.depends_on).toEqual(expect.arrayContaining(targets));
  }
  for (const prefix of ['AppServers_UserData', 'Admin_UserData']) {
    const doc = local(json, prefix);
    expect(doc).toContain('php-fpm.service.d/webcluster.conf');
    expect(doc.match(/RequiresMountsFor=\/var\/www\/shared\/dfs/g)?.length).toBeGreaterThanOrEqual(3);
  }
});

test('finding 6: Solr is reached by a stable name, so replacing its host changes no app configuration', () => {
  const { json } = STACKS.find((s) => s.name === 'ezplatform-aws') as { json: SynthJson };
  expect(local(json, 'AppServers_UserData')).toContain('SOLR_DSN=http://solr.search.ezplatform-aws.internal:8983/solr');
  const [[, record]] = named(json, 'aws_route53_record').filter(([name]) => name.startsWith('SearchService_Name'));
  expect(record).toEqual(expect.objectContaining({ name: 'solr.search.ezplatform-aws.internal', type: 'A', records: [expect.stringContaining('aws_instance.SearchService_')] }));
});
