/**
 * RedisCluster: one ElastiCache (Valkey) replication group per Redis data class, each with its own
 * parameter group (eviction policy), behind one shared subnet group and security group.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { ElasticacheParameterGroup } from '@cdktf/provider-aws/lib/elasticache-parameter-group';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import { Construct } from 'constructs';
import { Token } from '../core/cdktf';
import type { IConnections } from '../core/connections';
import { pascalCase } from '../core/names';
import { Port } from '../core/port';
import { Endpoint, IRedisCluster, REDIS_DATA_CLASSES, RedisDataClass } from '../core/roles';
import { dataClassRules } from '../core/redis-data-classes';
import { validate, ValidationError } from '../core/validation-error';
import type { IAwsNetwork } from './network';
import { SecurityGroup } from './security-group';
import type { IEncryptionKey } from './encryption-key';
import { instanceTypeAllowed, instanceTypeProblem } from './instance-types';

/** Properties of a {@link RedisCluster}. */
export interface RedisClusterProps {
  /** The network whose data subnets hold the caches. */
  readonly network: IAwsNetwork;
  /** Data classes to create one replication group for each; non-empty, each class at most once. */
  readonly dataClasses: RedisDataClass[];
  /**
   * ElastiCache node type of every node.
   * @default 'cache.r7g.large'
   */
  readonly nodeType?: string;
  /**
   * Valkey engine version, `<major>.<minor>` with major 7 or later; the parameter group family is
   * `valkey<major>`.
   * @default '8.0'
   */
  readonly engineVersion?: string;
  /**
   * Read replicas per data class (each class gets one primary plus this many replicas); 1 to 5.
   * @default 1
   */
  readonly replicasPerClass?: number;
  /**
   * Days of daily snapshots kept for durable data classes, 1 to 35. The non-durable `cache` class
   * never keeps snapshots.
   * @default 7
   */
  readonly snapshotRetentionDays?: number;
  /**
   * Whether Terraform refuses to destroy the replication groups of durable data classes.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * TCP port of every replication group.
   * @default 6379
   */
  readonly port?: number;
  /**
   * Customer-managed KMS key of the data at rest and the slow-log groups.
   * @default - AWS-managed keys
   */
  readonly encryptionKey?: IEncryptionKey;
}

/** Engine of every replication group. */
const ENGINE = 'valkey';
/** Logical databases of a cluster-mode-disabled group (the engine's `databases` default). */
const DATABASES = 16;
/** Retention of the slow-log log groups, in days. */
const SLOW_LOG_RETENTION_DAYS = 365;

/**
 * One Valkey replication group per data class, since the eviction policy is per instance.
 * Every group is cluster-mode disabled (so `SELECT <db>` works), Multi-AZ with automatic failover,
 * encrypted at rest and in transit (TLS required), and ships its slow log to CloudWatch Logs.
 * Durable classes keep daily snapshots, take a final snapshot on deletion and are protected
 * from `terraform destroy`; the `cache` class keeps no snapshots.
 *
 * @resource aws_elasticache_replication_group
 */
export class RedisCluster extends Construct implements IRedisCluster {
  public readonly dataClasses: readonly RedisDataClass[];
  /** Node type in use. */
  public readonly nodeType: string;
  /** Engine version in use. */
  public readonly engineVersion: string;
  /** Parameter group family in use, e.g. `valkey8`. */
  public readonly parameterGroupFamily: string;
  /** Replicas per data class in use. */
  public readonly replicasPerClass: number;
  /** Snapshot retention of durable classes, in days. */
  public readonly snapshotRetentionDays: number;
  /** Whether durable classes are protected from destroy. */
  public readonly preventDestroy: boolean;
  /** TCP port of every group. */
  public readonly port: number;
  /** The security group shared by every data class. */
  public readonly securityGroup: SecurityGroup;
  /** Network access of the caches; the default port is {@link port}. */
  public readonly connections: IConnections;
  /** The subnet group shared by every data class. */
  public readonly subnetGroup: ElasticacheSubnetGroup;
  private readonly groups = new Map<RedisDataClass, ElasticacheReplicationGroup>();

  constructor(scope: Construct, id: string, props: RedisClusterProps) {
    super(scope, id);
    const classes = props.dataClasses;
    const nodeType = props.nodeType ?? 'cache.r7g.large';
    const engineVersion = props.engineVersion ?? '8.0';
    const replicas = props.replicasPerClass ?? 1;
    const retention = props.snapshotRetentionDays ?? 7;
    const port = props.port ?? 6379;
    const azs = props.network.availabilityZones;
    const baseName = `${props.network.namePrefix}-${id.toLowerCase()}`;
    const versionMatch = /^(\d+)\.(\d+)$/.exec(engineVersion);
    const longestId = classes.map((c) => `${baseName}-${c}`).sort((a, b) => b.length - a.length)[0] ?? baseName;
    validate(this, [
      ...dataClassRules(classes),
      {
        failed: !Token.isUnresolved(nodeType) && instanceTypeProblem(nodeType, 'elasticache') !== undefined,
        message: () => `nodeType: got '${nodeType}' (${instanceTypeProblem(nodeType, 'elasticache')}); allowed: ${instanceTypeAllowed('elasticache')}; fix: use a node type ElastiCache offers for Valkey`,
      },
      {
        failed: !Token.isUnresolved(engineVersion) && (!versionMatch || Number(versionMatch[1]) < 7),
        message: () =>
          `engineVersion: got '${engineVersion}'; allowed: a Valkey version '<major>.<minor>' with major 7 or later; fix: use e.g. '8.0'`,
      },
      {
        failed: !Token.isUnresolved(replicas) && (!Number.isInteger(replicas) || replicas < 1 || replicas > 5),
        message: () =>
          `replicasPerClass: got ${replicas}; allowed: an integer from 1 to 5; fix: use at least 1 replica for automatic failover and at most 5`,
      },
      {
        failed: !Token.isUnresolved(retention) && (!Number.isInteger(retention) || retention < 1 || retention > 35),
        message: () =>
          `snapshotRetentionDays: got ${retention}; allowed: an integer from 1 to 35; fix: keep at least one day of snapshots for durable classes`,
      },
      {
        failed: !Token.isUnresolved(port) && (!Number.isInteger(port) || port < 1024 || port > 65535),
        message: () => `port: got ${port}; allowed: an integer from 1024 to 65535; fix: use the default 6379 or another unprivileged port`,
      },
      {
        failed: azs.length < 2,
        message: () =>
          `network.availabilityZones: got ${azs.length} zone(s) [${azs.join(', ')}]; allowed: at least 2 zones; fix: use a network over two or more zones for Multi-AZ`,
      },
      {
        failed: !Token.isUnresolved(longestId) && !isReplicationGroupId(longestId),
        message: () =>
          `replication group id: got '${longestId}' (from network.namePrefix, construct id and data class); allowed: 1 to 40 lowercase letters, digits and single hyphens, starting with a letter; fix: use a shorter namePrefix or construct id`,
      },
    ]);

    this.dataClasses = [...classes];
    this.nodeType = nodeType;
    this.engineVersion = engineVersion;
    this.parameterGroupFamily = `${ENGINE}${versionMatch ? versionMatch[1] : ''}`;
    this.replicasPerClass = replicas;
    this.snapshotRetentionDays = retention;
    this.preventDestroy = props.preventDestroy ?? true;
    this.port = port;

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      network: props.network,
      description: `Valkey replication groups ${baseName}-* (${classes.join(', ')})`,
      defaultPort: Port.tcp(port),
    });
    this.connections = this.securityGroup;

    this.subnetGroup = new ElasticacheSubnetGroup(this, 'SubnetGroup', {
      name: baseName,
      description: `Data subnets of ${baseName}`,
      subnetIds: [...props.network.dataSubnetIds],
    });

    for (const dataClass of classes) {
      this.groups.set(dataClass, this.createReplicationGroup(dataClass, baseName, props.network, props.encryptionKey));
    }
  }

  /**
   * The namespace of one data class (`<DataClass>`): its parameter group (the eviction policy), its
   * slow-log group and its replication group, spread over the zones.
   */
  private createReplicationGroup(dataClass: RedisDataClass, baseName: string, network: IAwsNetwork, key: IEncryptionKey | undefined): ElasticacheReplicationGroup {
    const azs = network.availabilityZones;
    const numCacheClusters = 1 + this.replicasPerClass;
    const traits = REDIS_DATA_CLASSES[dataClass];
    const groupId = `${baseName}-${dataClass}`;
    const ns = new Construct(this, pascalCase(dataClass));

    const parameterGroup = new ElasticacheParameterGroup(ns, 'ParameterGroup', {
      name: `${groupId}-${this.parameterGroupFamily}`,
      family: this.parameterGroupFamily,
      description: `Parameters of ${groupId}`,
      // ElastiCache has no AOF on current engines and snapshots are driven by the replication
      // group's retention, so the eviction policy is the only per-class engine setting.
      parameter: [{ name: 'maxmemory-policy', value: traits.maxmemoryPolicy }],
      lifecycle: { createBeforeDestroy: true },
    });

    // Under /aws/vendedlogs/: log delivery then needs no resource-policy entry per log group
    // (the account's CloudWatch Logs resource policy is limited to 5120 characters).
    const slowLog = new CloudwatchLogGroup(ns, 'SlowLogGroup', {
      name: `/aws/vendedlogs/webcluster/${network.namePrefix}/elasticache/${groupId}/slow-log`,
      retentionInDays: SLOW_LOG_RETENTION_DAYS,
      ...(key ? { kmsKeyId: key.keyArn } : {}),
    });

    return new ElasticacheReplicationGroup(ns, 'Resource', {
      replicationGroupId: groupId,
      description: `Valkey for data class '${dataClass}' (maxmemory-policy ${traits.maxmemoryPolicy}, ${traits.durable ? 'durable' : 'ephemeral'})`,
      engine: ENGINE,
      engineVersion: this.engineVersion,
      nodeType: this.nodeType,
      port: this.port,
      parameterGroupName: parameterGroup.name,
      subnetGroupName: this.subnetGroup.name,
      securityGroupIds: [this.securityGroup.securityGroupId],
      numCacheClusters,
      preferredCacheClusterAzs: Array.from({ length: numCacheClusters }, (_, i) => azs[i % azs.length]),
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      atRestEncryptionEnabled: 'true',
      ...(key ? { kmsKeyId: key.keyArn } : {}),
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      autoMinorVersionUpgrade: 'true',
      applyImmediately: false,
      maintenanceWindow: 'sun:05:00-sun:06:00',
      snapshotRetentionLimit: traits.durable ? this.snapshotRetentionDays : 0,
      ...(traits.durable ? { snapshotWindow: '03:00-04:00', finalSnapshotIdentifier: `${groupId}-final` } : {}),
      logDeliveryConfiguration: [
        {
          destination: slowLog.name,
          destinationType: 'cloudwatch-logs',
          logFormat: 'json',
          logType: 'slow-log',
        },
      ],
      tags: { Name: groupId, DataClass: dataClass },
      ...(traits.durable && this.preventDestroy ? { lifecycle: { preventDestroy: true } } : {}),
    });
  }

  /** The replication group of one data class; throws for a class the cluster does not serve. */
  public replicationGroup(dataClass: RedisDataClass): ElasticacheReplicationGroup {
    const group = this.groups.get(dataClass);
    if (!group) {
      throw new ValidationError(
        `dataClass: got '${dataClass}'; allowed: ${this.dataClasses.join(', ')}; fix: add '${dataClass}' to dataClasses or use one of the served classes`,
        this,
      );
    }
    return group;
  }

  public endpoint(dataClass: RedisDataClass): Endpoint {
    return { hostname: this.replicationGroup(dataClass).primaryEndpointAddress, port: this.port };
  }

  public url(dataClass: RedisDataClass, database: number = 0): string {
    const { hostname, port } = this.endpoint(dataClass);
    validate(this, [
      {
        failed: !Number.isInteger(database) || database < 0 || database >= DATABASES,
        message: () =>
          `database: got ${database}; allowed: an integer from 0 to ${DATABASES - 1}; fix: use a database index the engine provides`,
      },
    ]);
    return `rediss://${hostname}:${port}/${database}`;
  }
}

/** ElastiCache replication group id rules. */
function isReplicationGroupId(id: string): boolean {
  return id.length <= 40 && /^[a-z][a-z0-9-]*$/.test(id) && !id.includes('--') && !id.endsWith('-');
}
