/**
 * DatabaseCluster: an Aurora MySQL cluster with one writer and readers spread over the zones, in the
 * isolated data subnets, with a master password managed by RDS in Secrets Manager.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { Construct } from 'constructs';
import { Token } from '../core/cdktf';
import type { IConnections } from '../core/connections';
import { pascalCase } from '../core/names';
import { Port } from '../core/port';
import type { Endpoint, IDatabaseCluster } from '../core/roles';
import { validate } from '../core/validation-error';
import type { ProvisioningStep } from './host-workload';
import type { IGrantable } from './instance-role';
import { ALLOWED_RETENTION_DAYS } from './log-shipping';
import type { IAwsNetwork } from './network';
import { assumeRolePolicy, secretAccess } from './private/iam';
import { SecurityGroup } from './security-group';
import type { IEncryptionKey } from './encryption-key';
import { instanceTypeAllowed, instanceTypeProblem } from './instance-types';

/** Properties of a {@link DatabaseCluster}. */
export interface DatabaseClusterProps {
  /** The network whose data subnets hold the cluster. */
  readonly network: IAwsNetwork;
  /**
   * Name of the application database created with the cluster (letters, digits, underscores,
   * starting with a letter, at most 64 characters).
   * @default 'app'
   */
  readonly databaseName?: string;
  /**
   * Name of the master user (letters, digits, underscores, starting with a letter, at most 16
   * characters). Its password is generated and rotated by RDS in Secrets Manager.
   * @default 'admin_user'
   */
  readonly masterUsername?: string;
  /**
   * Aurora MySQL engine version the cluster is created with.
   * @default '8.0.mysql_aurora.3.08.2'
   */
  readonly engineVersion?: string;
  /**
   * Who moves the cluster to new minor versions. `automatic`: AWS, in the maintenance window
   * (`auto_minor_version_upgrade`); Terraform then ignores `engine_version` after creation, or every
   * plan would try a downgrade that fails. `terraform`: only you, by changing `engineVersion`
   * (applied in the next maintenance window).
   * @default 'automatic'
   */
  readonly minorVersionUpgrades?: 'automatic' | 'terraform';
  /**
   * The application's own database user, created by {@link appUserProvisioning} on a host that can
   * reach the cluster: all privileges on `databases` (which it creates) and nothing else, TLS
   * required. Its password is generated once into {@link appUserSecretArn}; the apps never use the
   * master user, whose password RDS rotates every 7 days.
   * @default - user 'app_user' on `databaseName`
   */
  readonly appUser?: {
    /**
     * User name (letters, digits, underscores, starting with a letter, at most 32 characters).
     * @default 'app_user'
     */
    readonly username?: string;
    /**
     * Databases the user owns, `databaseName` first.
     * @default [databaseName]
     */
    readonly databases?: string[];
  };
  /**
   * Instance class of the writer and every reader.
   * @default 'db.r7g.large'
   */
  readonly instanceClass?: string;
  /**
   * Number of reader instances, 1 to 15; placed round-robin over the zones other than the writer's.
   * @default 1
   */
  readonly readers?: number;
  /**
   * Days automated backups are kept, 7 to 35.
   * @default 14
   */
  readonly backupRetentionDays?: number;
  /**
   * Extra cluster parameters (e.g. the app's `group_concat_max_len`, `sql_mode`), merged over the
   * secure baseline (`require_secure_transport=ON`, `character_set_server=utf8mb4`,
   * `collation_server=utf8mb4_unicode_ci`, slow-query and audit logging of connections, DDL and
   * DCL). `require_secure_transport` cannot be turned off.
   * @default - none beyond the secure baseline
   */
  readonly parameters?: Record<string, string>;
  /**
   * Days CloudWatch Logs keeps the exported audit, error and slow-query logs; one of the values
   * CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
   * 1827, 2192, 2557, 2922, 3288, 3653).
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * Whether Terraform refuses to destroy the cluster.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * Whether AWS refuses to delete the cluster until protection is turned off.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Customer-managed KMS key of the storage, Performance Insights, the master and app-user secrets and the exported log groups.
   * @default - AWS-managed keys
   */
  readonly encryptionKey?: IEncryptionKey;
}

/** MySQL port of every Aurora MySQL cluster built here. */
const MYSQL_PORT = 3306;
/** Cluster parameter group family of Aurora MySQL 3. */
const PARAMETER_GROUP_FAMILY = 'aurora-mysql8.0';
/** Parameters every cluster gets; `props.parameters` is merged over them. */
const BASELINE_PARAMETERS: Readonly<Record<string, string>> = {
  require_secure_transport: 'ON',
  character_set_server: 'utf8mb4',
  collation_server: 'utf8mb4_unicode_ci',
  // Fill the exported audit and slow-query logs.
  slow_query_log: '1',
  long_query_time: '2',
  server_audit_logging: '1',
  server_audit_events: 'CONNECT,QUERY_DCL,QUERY_DDL',
};
/** Logs the cluster exports to CloudWatch Logs. */
const LOG_EXPORTS = ['audit', 'error', 'slowquery'] as const;
/** Longest reader suffix (`-reader-15`) an instance identifier gets on top of the cluster's. */
const MAX_CLUSTER_ID_LENGTH = 63 - '-reader-15'.length;

/**
 * An encrypted Aurora MySQL cluster in the data subnets: TLS required, IAM authentication on,
 * audit, error and slow-query logs exported to CloudWatch Logs, automated backups, a final snapshot
 * on deletion, deletion protection and `prevent_destroy`. The master password is never in the
 * Terraform configuration or state: RDS generates it and keeps it in Secrets Manager
 * ({@link masterUserSecretArn}, {@link grantSecretRead}).
 *
 * The writer instance is created first (readers depend on it) in the first zone; readers follow
 * in the other zones with failover priority by position.
 *
 * @resource aws_rds_cluster
 */
export class DatabaseCluster extends Construct implements IDatabaseCluster {
  /** The cluster resource. */
  public readonly resource: RdsCluster;
  /** The writer instance. */
  public readonly writerInstance: RdsClusterInstance;
  /** The reader instances, in order. */
  public readonly readerInstances: readonly RdsClusterInstance[];
  /** The cluster's security group. */
  public readonly securityGroup: SecurityGroup;
  /** Network access of the cluster; the default port is 3306. */
  public readonly connections: IConnections;
  /** The subnet group over the data subnets. */
  public readonly subnetGroup: DbSubnetGroup;
  /** The cluster parameter group. */
  public readonly parameterGroup: RdsClusterParameterGroup;
  /** Cluster identifier. */
  public readonly clusterIdentifier: string;
  public readonly databaseName: string;
  /** Master user name in use. */
  public readonly masterUsername: string;
  /** Engine version in use. */
  public readonly engineVersion: string;
  /** Instance class in use. */
  public readonly instanceClass: string;
  /** Number of readers in use. */
  public readonly readers: number;
  /** Backup retention in use, in days. */
  public readonly backupRetentionDays: number;
  /** Cluster parameters in use (baseline merged with `props.parameters`). */
  public readonly parameters: Readonly<Record<string, string>>;
  /** Whether Terraform refuses to destroy the cluster. */
  public readonly preventDestroy: boolean;
  /** Whether AWS deletion protection is on. */
  public readonly deletionProtection: boolean;
  /** MySQL port. */
  public readonly port: number = MYSQL_PORT;
  public readonly writerEndpoint: Endpoint;
  public readonly readerEndpoint: Endpoint;
  /** ARN of the Secrets Manager secret holding the master user's credentials (administration only). @attribute */
  public readonly masterUserSecretArn: string;
  /** Who moves the cluster to new minor versions. */
  public readonly minorVersionUpgrades: 'automatic' | 'terraform';
  /** The application's database user. */
  public readonly appUsername: string;
  /** Databases the application's user owns, the main one first. */
  public readonly appDatabases: readonly string[];
  /**
   * Secrets Manager secret with `{"username","password"}` of the application's user; it has a value
   * only once {@link appUserProvisioning} created the user. Read it in URL templates. @attribute
   */
  public readonly appUserSecretArn: string;
  private readonly region: string;

  constructor(scope: Construct, id: string, props: DatabaseClusterProps) {
    super(scope, id);
    const databaseName = props.databaseName ?? 'app';
    const masterUsername = props.masterUsername ?? 'admin_user';
    const readers = props.readers ?? 1;
    const retention = props.backupRetentionDays ?? 14;
    const extra = props.parameters ?? {};
    const azs = props.network.availabilityZones;
    const clusterId = `${props.network.namePrefix}-${id.toLowerCase()}`;
    const badNames = Object.keys(extra).filter((k) => !/^[a-z][a-z0-9_.-]*$/i.test(k));
    const emptyValues = Object.keys(extra).filter((k) => !Token.isUnresolved(extra[k]) && extra[k].trim() === '');
    const secureTransport = extra.require_secure_transport;
    const upgrades = props.minorVersionUpgrades ?? 'automatic';
    const appUsername = props.appUser?.username ?? 'app_user';
    const appDatabases = [...new Set([databaseName, ...(props.appUser?.databases ?? [])])];
    const badAppDatabase = appDatabases.find((d) => !Token.isUnresolved(d) && !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(d));
    const logRetention = props.logRetentionDays ?? 365;
    validate(this, [
      {
        failed: !Token.isUnresolved(databaseName) && !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(databaseName),
        message: () =>
          `databaseName: got '${databaseName}'; allowed: 1 to 64 letters, digits or underscores, starting with a letter; fix: use e.g. 'app'`,
      },
      {
        failed:
          !Token.isUnresolved(masterUsername) &&
          (!/^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(masterUsername) || masterUsername.toLowerCase() === 'rdsadmin'),
        message: () =>
          `masterUsername: got '${masterUsername}'; allowed: a MySQL identifier of 1 to 16 letters, digits or underscores, starting with a letter, not 'rdsadmin'; fix: use e.g. 'admin_user'`,
      },
      {
        failed: extra.collation_server !== undefined && !Token.isUnresolved(extra.collation_server) && !/^[A-Za-z0-9_]+$/.test(extra.collation_server),
        message: () => `parameters.collation_server: got '${extra.collation_server}'; allowed: a MySQL collation name such as utf8mb4_unicode_ci; fix: use a collation of the utf8mb4 character set`,
      },
      {
        failed: props.instanceClass !== undefined && !Token.isUnresolved(props.instanceClass) && instanceTypeProblem(props.instanceClass, 'rds') !== undefined,
        message: () =>
          `instanceClass: got '${props.instanceClass}' (${instanceTypeProblem(String(props.instanceClass), 'rds')}); allowed: ${instanceTypeAllowed('rds')}; fix: use a class Aurora MySQL offers, e.g. db.r7g.large`,
      },
      {
        failed: !['automatic', 'terraform'].includes(upgrades),
        message: () => `minorVersionUpgrades: got '${upgrades}'; allowed: 'automatic' or 'terraform'; fix: use 'automatic' unless you upgrade through Terraform`,
      },
      {
        failed:
          !Token.isUnresolved(appUsername) &&
          (!/^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(appUsername) || appUsername === masterUsername || appUsername.toLowerCase().startsWith('rds')),
        message: () =>
          `appUser.username: got '${appUsername}'; allowed: 1 to 32 letters, digits or underscores, starting with a letter, not the master user, not starting with 'rds'; fix: use e.g. 'app_user'`,
      },
      {
        failed: badAppDatabase !== undefined,
        message: () => `appUser.databases: got '${badAppDatabase}'; allowed: 1 to 64 letters, digits or underscores, starting with a letter; fix: use e.g. 'app_dfs'`,
      },
      {
        failed: !Token.isUnresolved(readers) && (!Number.isInteger(readers) || readers < 1 || readers > 15),
        message: () =>
          `readers: got ${readers}; allowed: an integer from 1 to 15; fix: keep at least one reader as failover target, at most 15 (Aurora's limit)`,
      },
      {
        failed: !Token.isUnresolved(retention) && (!Number.isInteger(retention) || retention < 7 || retention > 35),
        message: () => `backupRetentionDays: got ${retention}; allowed: an integer from 7 to 35; fix: keep at least a week of backups`,
      },
      {
        failed: badNames.length > 0,
        message: () =>
          `parameters: got invalid name(s) [${badNames.join(', ')}]; allowed: MySQL parameter names (letters, digits, '_', '.', '-'); fix: use the names of the ${PARAMETER_GROUP_FAMILY} parameter group`,
      },
      {
        failed: emptyValues.length > 0,
        message: () => `parameters: got empty value(s) for [${emptyValues.join(', ')}]; allowed: non-empty values; fix: set a value or drop the entry`,
      },
      {
        failed:
          secureTransport !== undefined && !Token.isUnresolved(secureTransport) && !['ON', '1'].includes(secureTransport.toUpperCase()),
        message: () =>
          `parameters.require_secure_transport: got '${secureTransport}'; allowed: 'ON'; fix: remove the entry, clients must use TLS`,
      },
      {
        failed: !Token.isUnresolved(logRetention) && !ALLOWED_RETENTION_DAYS.includes(logRetention),
        message: () =>
          `logRetentionDays: got ${logRetention}; allowed: ${ALLOWED_RETENTION_DAYS.join(', ')} (CloudWatch Logs retention periods); fix: pick the nearest allowed value, e.g. 365`,
      },
      {
        failed: azs.length < 2,
        message: () =>
          `network.availabilityZones: got ${azs.length} zone(s) [${azs.join(', ')}]; allowed: at least 2 zones; fix: use a network over two or more zones so readers sit apart from the writer`,
      },
      {
        failed:
          !Token.isUnresolved(clusterId) &&
          (clusterId.length > MAX_CLUSTER_ID_LENGTH || !/^[a-z][a-z0-9-]*$/.test(clusterId) || clusterId.includes('--') || clusterId.endsWith('-')),
        message: () =>
          `cluster identifier: got '${clusterId}' (from network.namePrefix and construct id); allowed: up to ${MAX_CLUSTER_ID_LENGTH} lowercase letters, digits and single hyphens, starting with a letter; fix: use a shorter namePrefix or a construct id of letters and digits`,
      },
    ]);

    this.clusterIdentifier = clusterId;
    this.minorVersionUpgrades = upgrades;
    this.appUsername = appUsername;
    this.appDatabases = appDatabases;
    this.region = props.network.region;
    this.databaseName = databaseName;
    this.masterUsername = masterUsername;
    this.engineVersion = props.engineVersion ?? '8.0.mysql_aurora.3.08.2';
    this.instanceClass = props.instanceClass ?? 'db.r7g.large';
    this.readers = readers;
    this.backupRetentionDays = retention;
    this.preventDestroy = props.preventDestroy ?? true;
    this.deletionProtection = props.deletionProtection ?? true;
    const merged: Record<string, string> = { ...BASELINE_PARAMETERS, ...extra };
    this.parameters = Object.fromEntries(Object.keys(merged).sort().map((k) => [k, merged[k]]));

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      network: props.network,
      description: `Aurora MySQL cluster ${clusterId}`,
      defaultPort: Port.tcp(MYSQL_PORT),
    });
    this.connections = this.securityGroup;

    this.subnetGroup = new DbSubnetGroup(this, 'SubnetGroup', {
      name: clusterId,
      description: `Data subnets of ${clusterId}`,
      subnetIds: [...props.network.dataSubnetIds],
      tags: { Name: clusterId },
    });

    this.parameterGroup = new RdsClusterParameterGroup(this, 'ParameterGroup', {
      namePrefix: `${clusterId}-`,
      family: PARAMETER_GROUP_FAMILY,
      description: `Cluster parameters of ${clusterId}`,
      parameter: Object.entries(this.parameters).map(([name, value]) => ({ name, value, applyMethod: 'pending-reboot' })),
      lifecycle: { createBeforeDestroy: true },
    });

    this.resource = new RdsCluster(this, 'Resource', {
      clusterIdentifier: clusterId,
      engine: 'aurora-mysql',
      engineVersion: this.engineVersion,
      port: MYSQL_PORT,
      databaseName,
      masterUsername,
      manageMasterUserPassword: true,
      storageEncrypted: true,
      ...(props.encryptionKey ? { kmsKeyId: props.encryptionKey.keyArn, masterUserSecretKmsKeyId: props.encryptionKey.keyArn } : {}),
      iamDatabaseAuthenticationEnabled: true,
      deletionProtection: this.deletionProtection,
      backupRetentionPeriod: retention,
      preferredBackupWindow: '02:00-03:00',
      preferredMaintenanceWindow: 'sun:04:00-sun:05:00',
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: false,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${clusterId}-final`,
      enabledCloudwatchLogsExports: [...LOG_EXPORTS],
      // RDS writes into these instead of creating its own groups, which would never expire.
      dependsOn: exportLogGroups(this, clusterId, logRetention, props.encryptionKey),
      vpcSecurityGroupIds: [this.securityGroup.securityGroupId],
      dbSubnetGroupName: this.subnetGroup.name,
      dbClusterParameterGroupName: this.parameterGroup.name,
      applyImmediately: false,
      tags: { Name: clusterId },
      // AWS upgrades minor versions itself; without ignore_changes every later plan would try a
      // downgrade, which fails (InvalidParameterCombination).
      ...(this.preventDestroy || upgrades === 'automatic'
        ? {
            lifecycle: {
              ...(this.preventDestroy ? { preventDestroy: true } : {}),
              ...(upgrades === 'automatic' ? { ignoreChanges: ['engine_version'] } : {}),
            },
          }
        : {}),
    });

    // Enhanced monitoring (OS metrics every 60 s) through the AWS-managed monitoring role policy.
    const monitoringRole = new IamRole(this, 'MonitoringRole', {
      namePrefix: `${clusterId.slice(0, 20)}-rds-mon-`,
      assumeRolePolicy: assumeRolePolicy('monitoring.rds.amazonaws.com'),
    });
    new IamRolePolicyAttachment(this, 'MonitoringRolePolicy', {
      role: monitoringRole.name,
      policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole',
    });
    const instance = (instanceId: string, identifier: string, az: string, tier: number, dependsOn?: RdsClusterInstance[]) =>
      new RdsClusterInstance(this, instanceId, {
        identifier,
        clusterIdentifier: this.resource.id,
        engine: this.resource.engine,
        // No engine_version: Aurora instances run the cluster's version, upgraded through the cluster.
        instanceClass: this.instanceClass,
        dbSubnetGroupName: this.subnetGroup.name,
        availabilityZone: az,
        promotionTier: tier,
        publiclyAccessible: false,
        autoMinorVersionUpgrade: upgrades === 'automatic',
        performanceInsightsEnabled: true,
        ...(props.encryptionKey ? { performanceInsightsKmsKeyId: props.encryptionKey.keyArn } : {}),
        monitoringInterval: 60,
        monitoringRoleArn: monitoringRole.arn,
        applyImmediately: false,
        tags: { Name: identifier },
        ...(dependsOn ? { dependsOn } : {}),
      });
    this.writerInstance = instance('Writer', `${clusterId}-writer`, azs[0], 0);
    const readerAzs = azs.slice(1);
    this.readerInstances = Array.from({ length: readers }, (_, i) =>
      instance(`Reader${i + 1}`, `${clusterId}-reader-${i + 1}`, readerAzs[i % readerAzs.length], Math.min(i + 1, 15), [
        this.writerInstance,
      ]),
    );

    this.writerEndpoint = { hostname: this.resource.endpoint, port: MYSQL_PORT };
    this.readerEndpoint = { hostname: this.resource.readerEndpoint, port: MYSQL_PORT };
    this.masterUserSecretArn = this.resource.masterUserSecret.get(0).secretArn;
    this.appUserSecretArn = new SecretsmanagerSecret(this, 'AppUserSecret', {
      namePrefix: `${clusterId}/app-user-`,
      description: `Credentials of the database user '${appUsername}' of ${clusterId}; generated once by the host that provisions the user`,
      recoveryWindowInDays: 30,
      ...(props.encryptionKey ? { kmsKeyId: props.encryptionKey.keyArn } : {}),
    }).arn;
  }

  /** Lets `grantee` read the application user's secret (the app and admin hosts). */
  public grantAppUserRead(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPolicy(secretAccess('ReadDatabaseAppUser', this.appUserSecretArn));
  }

  /**
   * Lets the host that runs {@link appUserProvisioning} read the master secret and store the
   * application user's secret.
   */
  public grantAppUserProvisioning(host: IGrantable): void {
    host.grantPrincipal.addToPolicy(secretAccess('ProvisionDatabaseAppUser', this.masterUserSecretArn));
    host.grantPrincipal.addToPolicy(secretAccess('StoreDatabaseAppUser', this.appUserSecretArn, true));
  }

  /**
   * The step that creates or updates the application's user, for one host that reaches the cluster
   * (the admin host; grant it with {@link grantAppUserProvisioning}). Idempotent: it waits (bounded) for the writer, creates the databases and the user, grants it all
   * privileges on its databases only (TLS required), and stores a newly generated password only
   * after the user has it, so no host ever reads a password the database does not know.
   */
  public appUserProvisioning(): ProvisioningStep {
    return {
      name: 'database-user',
      description: `Create or update the database user ${this.appUsername}`,
      packages: ['mariadb105', 'jq', 'openssl'],
      script: appUserScript({
        region: this.region,
        writerHost: this.writerEndpoint.hostname,
        port: MYSQL_PORT,
        masterSecretArn: this.masterUserSecretArn,
        appSecretArn: this.appUserSecretArn,
        username: this.appUsername,
        databases: this.appDatabases,
        collation: this.parameters.collation_server ?? 'utf8mb4_unicode_ci',
      }),
    };
  }

  /** Lets `grantee` read the master user's secret (`GetSecretValue`, `DescribeSecret`): administration only, the apps use {@link grantAppUserRead}. */
  public grantSecretRead(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPolicy(secretAccess('ReadDatabaseMasterUser', this.masterUserSecretArn));
  }
}

/** What the application user's provisioning script needs. */
interface AppUserScriptSpec {
  readonly region: string;
  readonly writerHost: string;
  readonly port: number;
  readonly masterSecretArn: string;
  readonly appSecretArn: string;
  readonly username: string;
  readonly databases: readonly string[];
  /** Collation of the databases it creates (the server's `collation_server`; CREATE DATABASE would otherwise take MySQL 8's utf8mb4 default). */
  readonly collation: string;
}

/**
 * The provisioning script (bash, run as root). Passwords never reach a command line: the master
 * password goes to the client through MYSQL_PWD, the SQL through stdin, the new secret through
 * stdin. The generated password is hex, so it needs no quoting in SQL. No `${` or `%{` (Terraform).
 */
function appUserScript(spec: AppUserScriptSpec): string {
  const user = `'${spec.username}'@'%'`;
  return [
    '#!/bin/bash',
    `# Creates or updates the database user ${spec.username} of the app; rendered by webcluster, idempotent.`,
    'set -euo pipefail',
    `export AWS_DEFAULT_REGION=${spec.region}`,
    'ca=/etc/webcluster/rds-ca.pem',
    '[ -s "$ca" ] || curl -fsSL --retry 5 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem | install -m 0644 /dev/stdin "$ca"',
    'secret() { aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text; }',
    `master=$(secret '${spec.masterSecretArn}')`,
    `db() { MYSQL_PWD=$(jq -r .password <<<"$master") mysql --host='${spec.writerHost}' --port=${spec.port} --user="$(jq -r .username <<<"$master")" --ssl-ca="$ca" --ssl-verify-server-cert --batch "$@"; }`,
    '# The writer may still be starting on a first deploy: wait up to 10 minutes.',
    'for _ in $(seq 1 60); do if db -e "SELECT 1" >/dev/null 2>&1; then break; fi; sleep 10; done',
    'db -e "SELECT 1" >/dev/null',
    '# A new password only when the secret has no value yet; any error stops here (and the unit retries).',
    `versions=$(aws secretsmanager describe-secret --secret-id '${spec.appSecretArn}' --query 'length(keys(VersionIdsToStages || \`{}\`))' --output text)`,
    'if [ "$versions" = 0 ]; then password=$(openssl rand -hex 32); new=yes',
    `else password=$(secret '${spec.appSecretArn}' | jq -er .password); new=no; fi`,
    'db <<SQL',
    ...spec.databases.map((d) => `CREATE DATABASE IF NOT EXISTS \\\`${d}\\\` CHARACTER SET utf8mb4 COLLATE ${spec.collation};`),
    `CREATE USER IF NOT EXISTS ${user} IDENTIFIED BY '$password' REQUIRE SSL;`,
    `ALTER USER ${user} IDENTIFIED BY '$password' REQUIRE SSL;`,
    ...spec.databases.map((d) => `GRANT ALL PRIVILEGES ON \\\`${d}\\\`.* TO ${user};`),
    'SQL',
    'if [ "$new" = yes ]; then',
    `  jq -cn --arg u '${spec.username}' --arg p "$password" '{username: $u, password: $p}' | aws secretsmanager put-secret-value --secret-id '${spec.appSecretArn}' --secret-string file:///dev/stdin >/dev/null`,
    'fi',
    `echo "database user ${spec.username} ready on ${spec.databases.join(', ')}"`,
    '',
  ].join('\n');
}

/** The log groups RDS exports the cluster's logs to (`/aws/rds/cluster/<id>/<log>`), with a retention. */
function exportLogGroups(scope: Construct, clusterId: string, retentionDays: number, key?: IEncryptionKey): CloudwatchLogGroup[] {
  return LOG_EXPORTS.map(
    (log) =>
      new CloudwatchLogGroup(scope, `${pascalCase(log)}LogGroup`, {
        name: `/aws/rds/cluster/${clusterId}/${log}`,
        retentionInDays: retentionDays,
        ...(key ? { kmsKeyId: key.keyArn } : {}),
      }),
  );
}
