import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Testing, TerraformStack } from 'cdktf';
import { DatabaseCluster } from '../../../constructs/aws/database-cluster';
import { InstanceRole } from '../../../constructs/aws/instance-role';
import { SecurityGroup } from '../../../constructs/aws/security-group';
import { Port } from '../../../constructs/core/port';
import { makeNetwork, makeStack, resolveToken, resolveTokenAndSynth, resourcesOf, stubNetwork, synthJson, synthTextAndJson } from '../../util';

describe('DatabaseCluster', () => {
  let stack: TerraformStack;

  beforeEach(() => {
    stack = makeStack();
  });

  test('defaults: encrypted Aurora MySQL with managed master password, backups and protection', () => {
    // GIVEN
    const network = makeNetwork(stack);
    // WHEN
    const db = new DatabaseCluster(stack, 'Database', { network });
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(RdsCluster, {
      cluster_identifier: 'test-database',
      engine: 'aurora-mysql',
      engine_version: '8.0.mysql_aurora.3.08.2',
      port: 3306,
      database_name: 'app',
      master_username: 'admin_user',
      manage_master_user_password: true,
      storage_encrypted: true,
      iam_database_authentication_enabled: true,
      deletion_protection: true,
      backup_retention_period: 14,
      preferred_backup_window: '02:00-03:00',
      copy_tags_to_snapshot: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: 'test-database-final',
      enabled_cloudwatch_logs_exports: ['audit', 'error', 'slowquery'],
      lifecycle: expect.objectContaining({ prevent_destroy: true }),
    });
    expect(db.databaseName).toBe('app');
    expect(db.masterUsername).toBe('admin_user');
    expect(db.engineVersion).toBe('8.0.mysql_aurora.3.08.2');
    expect(db.instanceClass).toBe('db.r7g.large');
    expect(db.readers).toBe(1);
    expect(db.backupRetentionDays).toBe(14);
    expect(db.preventDestroy).toBe(true);
    expect(db.deletionProtection).toBe(true);
  });

  test('cluster sits in the data subnets behind its own security group, without fixed zones', () => {
    // GIVEN
    const network = makeNetwork(stack);
    // WHEN
    const db = new DatabaseCluster(stack, 'Database', { network });
    // THEN
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(DbSubnetGroup, {
      name: 'test-database',
      subnet_ids: network.dataSubnetIds.map((id) => resolveToken(stack, id)),
    });
    const cluster = resourcesOf(json, 'aws_rds_cluster')[0];
    expect(cluster).toMatchObject({
      vpc_security_group_ids: [resolveToken(stack, db.securityGroup.securityGroupId)],
      db_subnet_group_name: resolveToken(stack, db.subnetGroup.name),
      db_cluster_parameter_group_name: resolveToken(stack, db.parameterGroup.name),
    });
    expect(cluster.availability_zones).toBeUndefined();
    expect(db.connections).toBe(db.securityGroup);
    expect(db.connections.defaultPort).toEqual(Port.tcp(3306));
  });

  test('parameter group has the secure baseline merged with presets in sorted order', () => {
    // GIVEN
    const network = makeNetwork(stack);
    // WHEN
    const db = new DatabaseCluster(stack, 'Database', {
      network,
      parameters: { sql_mode: 'STRICT_TRANS_TABLES', group_concat_max_len: '320000', character_set_server: 'utf8mb4' },
    });
    // THEN
    const parameter = (name: string, value: string) => ({ name, value, apply_method: 'pending-reboot' });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(RdsClusterParameterGroup, {
      family: 'aurora-mysql8.0',
      name_prefix: 'test-database-',
      parameter: [
        parameter('character_set_server', 'utf8mb4'),
        parameter('collation_server', 'utf8mb4_unicode_ci'),
        parameter('group_concat_max_len', '320000'),
        parameter('long_query_time', '2'),
        parameter('require_secure_transport', 'ON'),
        parameter('server_audit_events', 'CONNECT,QUERY_DCL,QUERY_DDL'),
        parameter('server_audit_logging', '1'),
        parameter('slow_query_log', '1'),
        parameter('sql_mode', 'STRICT_TRANS_TABLES'),
      ],
    });
    expect(Object.keys(db.parameters)).toEqual([
      'character_set_server',
      'collation_server',
      'group_concat_max_len',
      'long_query_time',
      'require_secure_transport',
      'server_audit_events',
      'server_audit_logging',
      'slow_query_log',
      'sql_mode',
    ]);
  });

  test('writer in the first zone, readers round-robin over the other zones after the writer', () => {
    // GIVEN
    const network = makeNetwork(stack);
    // WHEN
    const db = new DatabaseCluster(stack, 'Database', { network, readers: 3, instanceClass: 'db.r7g.xlarge' });
    // THEN
    const { text: synth, json } = synthTextAndJson(stack);
    const common = { instance_class: 'db.r7g.xlarge', publicly_accessible: false, performance_insights_enabled: true, auto_minor_version_upgrade: true };
    expect(synth).toHaveResourceWithProperties(RdsClusterInstance, {
      ...common,
      identifier: 'test-database-writer',
      availability_zone: 'eu-central-1a',
      promotion_tier: 0,
    });
    const writerRef = `aws_rds_cluster_instance.${db.writerInstance.friendlyUniqueId}`;
    for (const [n, az] of [
      [1, 'eu-central-1b'],
      [2, 'eu-central-1c'],
      [3, 'eu-central-1b'],
    ] as const) {
      expect(synth).toHaveResourceWithProperties(RdsClusterInstance, {
        ...common,
        identifier: `test-database-reader-${n}`,
        availability_zone: az,
        promotion_tier: n,
        depends_on: [writerRef],
      });
    }
    expect(db.node.tryFindChild('Writer')).toBe(db.writerInstance);
    expect(db.readerInstances.map((r) => r.node.id)).toEqual(['Reader1', 'Reader2', 'Reader3']);
    expect(resourcesOf(json, 'aws_rds_cluster_instance')).toHaveLength(4);
  });

  test('endpoints and the master user secret come from the cluster', () => {
    // GIVEN
    const network = makeNetwork(stack);
    // WHEN
    const db = new DatabaseCluster(stack, 'Database', { network, databaseName: 'shopware' });
    // THEN
    const ref = `aws_rds_cluster.${db.resource.friendlyUniqueId}`;
    expect(db.writerEndpoint.port).toBe(3306);
    expect(db.readerEndpoint.port).toBe(3306);
    expect(resolveToken(stack, db.writerEndpoint.hostname)).toBe(`\${${ref}.endpoint}`);
    expect(resolveToken(stack, db.readerEndpoint.hostname)).toBe(`\${${ref}.reader_endpoint}`);
    expect(resolveToken(stack, db.masterUserSecretArn)).toBe(`\${${ref}.master_user_secret[0].secret_arn}`);
    expect(db.databaseName).toBe('shopware');
  });

  test('grantSecretRead lets a role read the master user secret', () => {
    // GIVEN
    const network = makeNetwork(stack);
    const db = new DatabaseCluster(stack, 'Database', { network });
    const role = new InstanceRole(stack, 'AppRole', { namePrefix: 'test-app' });
    // WHEN
    db.grantSecretRead(role);
    // THEN
    const policy = JSON.parse(String(resourcesOf(synthJson(stack), 'aws_iam_role_policy')[0].policy)) as {
      Statement: Array<Record<string, unknown>>;
    };
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: `\${aws_rds_cluster.${db.resource.friendlyUniqueId}.master_user_secret[0].secret_arn}`,
      }),
    ]);
  });

  test('preventDestroy and deletionProtection can be turned off', () => {
    // GIVEN
    const network = makeNetwork(stack);
    // WHEN
    new DatabaseCluster(stack, 'Database', { network, preventDestroy: false, deletionProtection: false, backupRetentionDays: 35 });
    // THEN
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(RdsCluster, { deletion_protection: false, backup_retention_period: 35 });
    expect(resourcesOf(json, 'aws_rds_cluster')[0].lifecycle).toEqual({ ignore_changes: ['engine_version'] });
  });

  test('security group gets ingress only when allowDefaultPortFrom is called', () => {
    // GIVEN
    const network = makeNetwork(stack);
    const db = new DatabaseCluster(stack, 'Database', { network });
    const client = new SecurityGroup(stack, 'App', { network, description: 'app servers' });
    expect(resourcesOf(synthJson(stack), 'aws_vpc_security_group_ingress_rule')).toHaveLength(0);
    // WHEN
    db.connections.allowDefaultPortFrom(client);
    // THEN
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      ip_protocol: 'tcp',
      from_port: 3306,
      to_port: 3306,
      security_group_id: resolveToken(stack, db.securityGroup.securityGroupId),
      referenced_security_group_id: resolveToken(stack, client.securityGroupId),
    });
    expect(resourcesOf(json, 'aws_vpc_security_group_ingress_rule')).toHaveLength(1);
  });

  test('no literal password appears in the synthesized configuration', () => {
    // GIVEN
    const network = makeNetwork(stack);
    // WHEN
    new DatabaseCluster(stack, 'Database', { network });
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).not.toMatch(/"master_password(_wo)?"/);
    const passwordKeys = synth.match(/"[a-z_]*password[a-z_]*"/g) ?? [];
    expect(passwordKeys).toEqual(['"manage_master_user_password"']);
  });

  test('exported logs go to log groups with a retention that exist before the cluster (RDS would create its own that never expire)', () => {
    // GIVEN
    const network = makeNetwork(stack);
    // WHEN
    new DatabaseCluster(stack, 'Database', { network });
    new DatabaseCluster(stack, 'Reports', { network, logRetentionDays: 90 });
    // THEN
    const json = synthJson(stack);
    const groups = Object.entries(json.resource.aws_cloudwatch_log_group ?? {});
    for (const [id, days] of [['database', 365], ['reports', 90]] as const) {
      const cluster = resourcesOf(json, RdsCluster.tfResourceType).find((c) => c.cluster_identifier === `test-${id}`);
      const exported = cluster?.enabled_cloudwatch_logs_exports as string[];
      expect(exported).toEqual(['audit', 'error', 'slowquery']);
      const own = exported.map((log) => groups.find(([, g]) => g.name === `/aws/rds/cluster/test-${id}/${log}`));
      expect(own.map((g) => g?.[1].retention_in_days)).toEqual([days, days, days]);
      expect(cluster?.depends_on).toEqual(expect.arrayContaining(own.map((g) => `aws_cloudwatch_log_group.${g?.[0]}`)));
    }
  });

  test('fails when logRetentionDays is not a CloudWatch Logs retention period', () => {
    const network = makeNetwork(stack);
    expect(() => new DatabaseCluster(stack, 'Database', { network, logRetentionDays: 100 })).toThrow(
      /logRetentionDays: got 100; allowed: 1, 3, 5, 7, .*, 3653 \(CloudWatch Logs retention periods\); fix: pick the nearest allowed value/,
    );
  });

  test('fails when databaseName is not a MySQL identifier', () => {
    const network = makeNetwork(stack);
    expect(() => new DatabaseCluster(stack, 'Database', { network, databaseName: 'my-db' })).toThrow(
      /databaseName: got 'my-db'; allowed: 1 to 64 letters, digits or underscores/,
    );
  });

  test('fails when masterUsername is not a MySQL identifier of at most 16 characters', () => {
    const network = makeNetwork(stack);
    expect(() => new DatabaseCluster(stack, 'Database', { network, masterUsername: '1admin' })).toThrow(
      /masterUsername: got '1admin'; allowed: a MySQL identifier of 1 to 16/,
    );
    expect(() => new DatabaseCluster(stack, 'Database2', { network, masterUsername: 'a_much_too_long_user' })).toThrow(/masterUsername: got/);
  });

  test('fails when masterUsername is reserved by RDS', () => {
    const network = makeNetwork(stack);
    expect(() => new DatabaseCluster(stack, 'Database', { network, masterUsername: 'rdsadmin' })).toThrow(/masterUsername: got 'rdsadmin'/);
  });

  test('fails when readers is outside 1-15', () => {
    const network = makeNetwork(stack);
    expect(() => new DatabaseCluster(stack, 'Database', { network, readers: 0 })).toThrow(/readers: got 0; allowed: an integer from 1 to 15/);
    expect(() => new DatabaseCluster(stack, 'Database2', { network, readers: 16 })).toThrow(/readers: got 16/);
  });

  test('fails when backupRetentionDays is outside 7-35', () => {
    const network = makeNetwork(stack);
    expect(() => new DatabaseCluster(stack, 'Database', { network, backupRetentionDays: 6 })).toThrow(
      /backupRetentionDays: got 6; allowed: an integer from 7 to 35/,
    );
    expect(() => new DatabaseCluster(stack, 'Database2', { network, backupRetentionDays: 36 })).toThrow(/backupRetentionDays: got 36/);
  });

  test('fails when a parameter name is invalid', () => {
    const network = makeNetwork(stack);
    expect(() => new DatabaseCluster(stack, 'Database', { network, parameters: { 'max allowed packet': '64M' } })).toThrow(
      /parameters: got invalid name\(s\) \[max allowed packet\]/,
    );
  });

  test('fails when a parameter value is empty', () => {
    const network = makeNetwork(stack);
    expect(() => new DatabaseCluster(stack, 'Database', { network, parameters: { sql_mode: ' ' } })).toThrow(
      /parameters: got empty value\(s\) for \[sql_mode\]/,
    );
  });

  test('fails when require_secure_transport is turned off', () => {
    const network = makeNetwork(stack);
    expect(() => new DatabaseCluster(stack, 'Database', { network, parameters: { require_secure_transport: 'OFF' } })).toThrow(
      /parameters.require_secure_transport: got 'OFF'; allowed: 'ON'/,
    );
  });

  test('fails when the network has fewer than two zones', () => {
    expect(() => new DatabaseCluster(stack, 'Database', { network: stubNetwork(['eu-central-1a']) })).toThrow(
      /network.availabilityZones: got 1 zone\(s\) \[eu-central-1a\]; allowed: at least 2 zones/,
    );
  });

  test('fails when the cluster identifier is too long or malformed', () => {
    const network = stubNetwork(['eu-central-1a', 'eu-central-1b'], 'a-very-long-name-prefix-for-a-shopware-production');
    expect(() => new DatabaseCluster(stack, 'Database', { network })).toThrow(
      /cluster identifier: got 'a-very-long-name-prefix-for-a-shopware-production-database'.*allowed: up to 53/,
    );
    expect(() => new DatabaseCluster(stack, 'Main Db', { network: makeNetwork(stack) })).toThrow(/cluster identifier: got 'test-main db'/);
  });

  test("minorVersionUpgrades 'terraform': no automatic upgrades, engine_version tracked by Terraform", () => {
    new DatabaseCluster(stack, 'Database', { network: makeNetwork(stack), minorVersionUpgrades: 'terraform', preventDestroy: false });
    const json = synthJson(stack);
    expect(resourcesOf(json, 'aws_rds_cluster')[0].lifecycle).toBeUndefined();
    for (const instance of resourcesOf(json, 'aws_rds_cluster_instance')) expect(instance.auto_minor_version_upgrade).toBe(false);
  });

  test('the app user: its own secret, created by a provisioning step that stores a new password only after the user has it', () => {
    const db = new DatabaseCluster(stack, 'Database', { network: makeNetwork(stack), databaseName: 'shop', appUser: { username: 'shop_app', databases: ['shop_dfs'] } });
    const role = new InstanceRole(stack, 'Role', { namePrefix: 'test-admin' });
    db.grantAppUserProvisioning(role);
    const step = db.appUserProvisioning();
    const resolved = resolveTokenAndSynth(stack, step.script);
    const script = String(resolved.value);
    expect(step.name).toBe('database-user');
    expect(step.packages).toContain('mariadb105');
    expect(db.appDatabases).toEqual(['shop', 'shop_dfs']);
    // Databases and grants on them only; TLS required; the password reaches mysql on stdin, never argv.
    expect(script).toContain('CREATE DATABASE IF NOT EXISTS \\`shop_dfs\\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;');
    expect(script).toContain("CREATE USER IF NOT EXISTS 'shop_app'@'%' IDENTIFIED BY '$password' REQUIRE SSL;");
    expect(script).toContain("GRANT ALL PRIVILEGES ON \\`shop\\`.* TO 'shop_app'@'%';");
    expect(script).not.toMatch(/GRANT .* ON \*\.\*/);
    expect(script.indexOf('put-secret-value')).toBeGreaterThan(script.indexOf("ALTER USER 'shop_app'"));
    expect(script).toContain('--ssl-verify-server-cert');
    // Kept in a Terraform local: no literal template syntax besides the references cdktf renders.
    expect(step.script.replace(/\$\{TfToken\[[^\]]+\]\}/g, '')).not.toMatch(/\$\{|%\{/);
    const grants = Object.entries(resolved.json.resource.aws_iam_role_policy ?? {}).find(([name]) => name.startsWith('Role_Grants'));
    const policy = String(grants?.[1].policy);
    expect(policy).toContain('secretsmanager:PutSecretValue');
    expect(policy).toContain('Database_AppUserSecret');
    expect(policy).toContain('master_user_secret');
  });

  test('fails on an unknown minorVersionUpgrades', () => {
    expect(() => new DatabaseCluster(stack, 'Database', { network: makeNetwork(stack), minorVersionUpgrades: 'never' as 'automatic' })).toThrow(
      /minorVersionUpgrades: got 'never'; allowed: 'automatic' or 'terraform'/,
    );
  });

  test('fails when the app user is the master user', () => {
    expect(() => new DatabaseCluster(stack, 'Database', { network: makeNetwork(stack), appUser: { username: 'admin_user' } })).toThrow(
      /appUser.username: got 'admin_user'; allowed: .*not the master user/,
    );
  });

  test('fails on a malformed app database name', () => {
    expect(() => new DatabaseCluster(stack, 'Database', { network: makeNetwork(stack), appUser: { databases: ['app-dfs'] } })).toThrow(
      /appUser.databases: got 'app-dfs'; allowed: 1 to 64 letters, digits or underscores/,
    );
  });

  test('fails on a collation_server that is not a collation name', () => {
    expect(() => new DatabaseCluster(stack, 'Database', { network: makeNetwork(stack), parameters: { collation_server: "x'; DROP" } })).toThrow(
      /parameters.collation_server: got 'x'; DROP'; allowed: a MySQL collation name/,
    );
  });

  test('fails on an instance class AWS does not sell', () => {
    expect(() => new DatabaseCluster(stack, 'Database', { network: makeNetwork(stack), instanceClass: 'db.r7g.huge' })).toThrow(
      /instanceClass: got 'db.r7g.huge' \('huge' is not an instance size\); allowed: an RDS instance class/,
    );
  });
});
