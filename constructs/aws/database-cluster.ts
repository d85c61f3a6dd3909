/**
 * DatabaseCluster: an Aurora MySQL cluster with one writer and readers spread over the zones, in the
 * isolated data subnets, with a master password managed by RDS in Secrets Manager.
 */
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import type { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import type { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import { Construct } from 'constructs';
import type { IConnections } from '../core/connections';
import { Port } from '../core/port';
import type { Endpoint, IDatabaseCluster } from '../core/roles';
import { validate } from '../core/validation-error';
import type { ProvisioningStep } from './host-workload';
import type { IGrantable } from './instance-role';
import type { IAwsNetwork } from './network';
import { appUserScript, appUserSecret } from './private/database-app-user';
import { databaseClusterRules } from './private/database-cluster-rules';
import { createDatabaseInstances } from './private/database-instances';
import { exportLogGroups, LOG_EXPORTS } from './private/database-log-exports';
import { clusterParameterGroup, mergedParameters } from './private/database-parameters';
import { secretAccess } from './private/iam';
import { SecurityGroup } from './security-group';
import type { IEncryptionKey } from './encryption-key';

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
    const upgrades = props.minorVersionUpgrades ?? 'automatic';
    const appUsername = props.appUser?.username ?? 'app_user';
    const appDatabases = [...new Set([databaseName, ...(props.appUser?.databases ?? [])])];
    const logRetention = props.logRetentionDays ?? 365;
    validate(
      this,
      databaseClusterRules({
        databaseName,
        masterUsername,
        instanceClass: props.instanceClass,
        minorVersionUpgrades: upgrades,
        appUsername,
        appDatabases,
        readers,
        backupRetentionDays: retention,
        parameters: extra,
        logRetentionDays: logRetention,
        availabilityZones: azs,
        clusterId,
      }),
    );

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
    this.parameters = mergedParameters(extra);

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

    this.parameterGroup = clusterParameterGroup(this, clusterId, this.parameters);

    this.resource = this.createCluster(logRetention, props.encryptionKey);

    const instances = createDatabaseInstances(this, {
      cluster: this.resource,
      clusterId,
      subnetGroup: this.subnetGroup,
      instanceClass: this.instanceClass,
      availabilityZones: azs,
      readers,
      minorVersionUpgrades: upgrades,
      encryptionKey: props.encryptionKey,
    });
    this.writerInstance = instances.writer;
    this.readerInstances = instances.readers;

    this.writerEndpoint = { hostname: this.resource.endpoint, port: MYSQL_PORT };
    this.readerEndpoint = { hostname: this.resource.readerEndpoint, port: MYSQL_PORT };
    this.masterUserSecretArn = this.resource.masterUserSecret.get(0).secretArn;
    this.appUserSecretArn = appUserSecret(this, clusterId, appUsername, props.encryptionKey).arn;
  }

  /**
   * The cluster (`Resource`), after the log groups it exports to: encrypted, IAM authentication,
   * backups and a final snapshot, protected as {@link preventDestroy} and {@link deletionProtection} say.
   */
  private createCluster(logRetentionDays: number, key: IEncryptionKey | undefined): RdsCluster {
    const clusterId = this.clusterIdentifier;
    return new RdsCluster(this, 'Resource', {
      clusterIdentifier: clusterId,
      engine: 'aurora-mysql',
      engineVersion: this.engineVersion,
      port: MYSQL_PORT,
      databaseName: this.databaseName,
      masterUsername: this.masterUsername,
      manageMasterUserPassword: true,
      storageEncrypted: true,
      ...(key ? { kmsKeyId: key.keyArn, masterUserSecretKmsKeyId: key.keyArn } : {}),
      iamDatabaseAuthenticationEnabled: true,
      deletionProtection: this.deletionProtection,
      backupRetentionPeriod: this.backupRetentionDays,
      preferredBackupWindow: '02:00-03:00',
      preferredMaintenanceWindow: 'sun:04:00-sun:05:00',
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: false,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${clusterId}-final`,
      enabledCloudwatchLogsExports: [...LOG_EXPORTS],
      // RDS writes into these instead of creating its own groups, which would never expire.
      dependsOn: exportLogGroups(this, clusterId, logRetentionDays, key),
      vpcSecurityGroupIds: [this.securityGroup.securityGroupId],
      dbSubnetGroupName: this.subnetGroup.name,
      dbClusterParameterGroupName: this.parameterGroup.name,
      applyImmediately: false,
      tags: { Name: clusterId },
      // AWS upgrades minor versions itself; without ignore_changes every later plan would try a
      // downgrade, which fails (InvalidParameterCombination).
      ...(this.preventDestroy || this.minorVersionUpgrades === 'automatic'
        ? {
            lifecycle: {
              ...(this.preventDestroy ? { preventDestroy: true } : {}),
              ...(this.minorVersionUpgrades === 'automatic' ? { ignoreChanges: ['engine_version'] } : {}),
            },
          }
        : {}),
    });
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
