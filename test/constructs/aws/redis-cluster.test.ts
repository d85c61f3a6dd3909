import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { ElasticacheParameterGroup } from '@cdktf/provider-aws/lib/elasticache-parameter-group';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Testing, TerraformStack } from 'cdktf';
import { RedisCluster } from '../../../constructs/aws/redis-cluster';
import { SecurityGroup } from '../../../constructs/aws/security-group';
import { Port } from '../../../constructs/core/port';
import type { RedisDataClass } from '../../../constructs/core/roles';
import { ValidationError } from '../../../constructs/core/validation-error';
import { makeNetwork, makeStack, resolveToken, resourcesOf, stubNetwork, SynthJson, synthJson, synthTextAndJson } from '../../util';

/** The replication group body of one data class, by its construct path. */
function groupOf(json: SynthJson, className: string): Record<string, unknown> {
  const groups = json.resource.aws_elasticache_replication_group;
  const key = Object.keys(groups).find((k) => k.startsWith(`Redis_${className}_`));
  if (!key) throw new Error(`no replication group for ${className}`);
  return groups[key];
}

describe('RedisCluster', () => {
  let stack: TerraformStack;

  beforeEach(() => {
    stack = makeStack();
  });

  test('defaults: one encrypted Multi-AZ Valkey 8.0 group per data class with its eviction policy', () => {
    // GIVEN
    const network = makeNetwork(stack);
    // WHEN
    const redis = new RedisCluster(stack, 'Redis', { network, dataClasses: ['cache', 'sessions', 'critical', 'queue'] });
    // THEN
    const { text: synth, json } = synthTextAndJson(stack);
    expect(synth).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      replication_group_id: 'test-redis-sessions',
      engine: 'valkey',
      engine_version: '8.0',
      node_type: 'cache.r7g.large',
      port: 6379,
      num_cache_clusters: 2,
      preferred_cache_cluster_azs: ['eu-central-1a', 'eu-central-1b'],
      automatic_failover_enabled: true,
      multi_az_enabled: true,
      at_rest_encryption_enabled: 'true',
      transit_encryption_enabled: true,
      transit_encryption_mode: 'required',
      auto_minor_version_upgrade: 'true',
      apply_immediately: false,
      maintenance_window: 'sun:05:00-sun:06:00',
      description: "Valkey for data class 'sessions' (maxmemory-policy allkeys-lru, durable)",
    });
    for (const [name, policy] of [
      ['test-redis-cache-valkey8', 'volatile-lru'],
      ['test-redis-sessions-valkey8', 'allkeys-lru'],
      ['test-redis-critical-valkey8', 'volatile-lru'],
      ['test-redis-queue-valkey8', 'noeviction'],
    ]) {
      expect(synth).toHaveResourceWithProperties(ElasticacheParameterGroup, {
        name,
        family: 'valkey8',
        parameter: [{ name: 'maxmemory-policy', value: policy }],
      });
    }
    expect(resourcesOf(json, 'aws_elasticache_replication_group')).toHaveLength(4);
    expect(resourcesOf(json, 'aws_elasticache_subnet_group')).toHaveLength(1);
    expect(resourcesOf(json, 'aws_security_group')).toHaveLength(1);
    expect(redis.dataClasses).toEqual(['cache', 'sessions', 'critical', 'queue']);
    expect(redis.nodeType).toBe('cache.r7g.large');
    expect(redis.parameterGroupFamily).toBe('valkey8');
    expect(redis.replicasPerClass).toBe(1);
    expect(redis.snapshotRetentionDays).toBe(7);
    expect(redis.preventDestroy).toBe(true);
    expect(redis.port).toBe(6379);
  });

  test('each data class lives under its own PascalCase namespace with Resource and ParameterGroup', () => {
    // GIVEN
    const network = makeNetwork(stack);
    // WHEN
    const redis = new RedisCluster(stack, 'Redis', { network, dataClasses: ['cache', 'sessions', 'critical', 'queue'] });
    // THEN
    for (const ns of ['Cache', 'Sessions', 'Critical', 'Queue']) {
      const child = redis.node.findChild(ns);
      expect(child.node.tryFindChild('Resource')).toBeInstanceOf(ElasticacheReplicationGroup);
      expect(child.node.tryFindChild('ParameterGroup')).toBeInstanceOf(ElasticacheParameterGroup);
    }
    expect(redis.replicationGroup('queue')).toBe(redis.node.findChild('Queue').node.findChild('Resource'));
  });

  test('subnet group spans the data subnets and the group uses the shared security group', () => {
    // GIVEN
    const network = makeNetwork(stack);
    // WHEN
    const redis = new RedisCluster(stack, 'Redis', { network, dataClasses: ['cache'] });
    // THEN
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(ElasticacheSubnetGroup, {
      name: 'test-redis',
      subnet_ids: network.dataSubnetIds.map((id) => resolveToken(stack, id)),
    });
    expect(groupOf(json, 'Cache')).toMatchObject({
      security_group_ids: [resolveToken(stack, redis.securityGroup.securityGroupId)],
      subnet_group_name: resolveToken(stack, redis.subnetGroup.name),
    });
    expect(redis.connections).toBe(redis.securityGroup);
    expect(redis.connections.defaultPort).toEqual(Port.tcp(6379));
  });

  test('the cache class keeps no snapshots and may be destroyed', () => {
    // GIVEN
    const network = makeNetwork(stack);
    // WHEN
    new RedisCluster(stack, 'Redis', { network, dataClasses: ['cache'] });
    // THEN
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      replication_group_id: 'test-redis-cache',
      snapshot_retention_limit: 0,
      description: "Valkey for data class 'cache' (maxmemory-policy volatile-lru, ephemeral)",
    });
    const cache = groupOf(json, 'Cache');
    expect(cache.final_snapshot_identifier).toBeUndefined();
    expect(cache.snapshot_window).toBeUndefined();
    expect(cache.lifecycle).toBeUndefined();
  });

  test('durable classes keep snapshots, take a final snapshot and are protected from destroy', () => {
    // GIVEN
    const network = makeNetwork(stack);
    // WHEN
    new RedisCluster(stack, 'Redis', { network, dataClasses: ['queue'], snapshotRetentionDays: 14 });
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      replication_group_id: 'test-redis-queue',
      snapshot_retention_limit: 14,
      snapshot_window: '03:00-04:00',
      final_snapshot_identifier: 'test-redis-queue-final',
      lifecycle: expect.objectContaining({ prevent_destroy: true }),
    });
  });

  test('preventDestroy false drops the lifecycle guard of durable classes', () => {
    // GIVEN
    const network = makeNetwork(stack);
    // WHEN
    new RedisCluster(stack, 'Redis', { network, dataClasses: ['sessions'], preventDestroy: false });
    // THEN
    const sessions = groupOf(synthJson(stack), 'Sessions');
    expect(sessions.lifecycle).toBeUndefined();
    expect(sessions.final_snapshot_identifier).toBe('test-redis-sessions-final');
  });

  test('slow log goes to a CloudWatch log group per class under /aws/vendedlogs/, kept a year', () => {
    // GIVEN
    const network = makeNetwork(stack);
    // WHEN
    new RedisCluster(stack, 'Redis', { network, dataClasses: ['cache', 'sessions'] });
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/aws/vendedlogs/webcluster/test/elasticache/test-redis-sessions/slow-log',
      retention_in_days: 365,
    });
    expect(synth).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      replication_group_id: 'test-redis-sessions',
      log_delivery_configuration: [
        expect.objectContaining({ destination_type: 'cloudwatch-logs', log_format: 'json', log_type: 'slow-log' }),
      ],
    });
  });

  test('custom node type, version, replicas and port', () => {
    // GIVEN
    const network = makeNetwork(stack);
    // WHEN
    const redis = new RedisCluster(stack, 'Redis', {
      network,
      dataClasses: ['critical'],
      nodeType: 'cache.m7g.xlarge',
      engineVersion: '7.2',
      replicasPerClass: 3,
      port: 6380,
    });
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      node_type: 'cache.m7g.xlarge',
      engine_version: '7.2',
      port: 6380,
      num_cache_clusters: 4,
      preferred_cache_cluster_azs: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c', 'eu-central-1a'],
    });
    expect(synth).toHaveResourceWithProperties(ElasticacheParameterGroup, { name: 'test-redis-critical-valkey7', family: 'valkey7' });
    expect(redis.connections.defaultPort).toEqual(Port.tcp(6380));
  });

  test('endpoint and url point at the primary endpoint over TLS', () => {
    // GIVEN
    const network = makeNetwork(stack);
    const redis = new RedisCluster(stack, 'Redis', { network, dataClasses: ['cache', 'sessions'] });
    // WHEN
    const endpoint = redis.endpoint('sessions');
    // THEN
    expect(endpoint.port).toBe(6379);
    expect(resolveToken(stack, endpoint.hostname)).toMatch(/^\$\{aws_elasticache_replication_group\.Redis_Sessions_[0-9A-F]+\.primary_endpoint_address\}$/);
    expect(resolveToken(stack, redis.url('sessions', 3))).toMatch(
      /^rediss:\/\/\$\{aws_elasticache_replication_group\.Redis_Sessions_[0-9A-F]+\.primary_endpoint_address\}:6379\/3$/,
    );
    expect(resolveToken(stack, redis.url('cache'))).toMatch(/^rediss:\/\/.*Redis_Cache_.*:6379\/0$/);
  });

  test('security group gets ingress only when allowDefaultPortFrom is called', () => {
    // GIVEN
    const network = makeNetwork(stack);
    const redis = new RedisCluster(stack, 'Redis', { network, dataClasses: ['cache'] });
    const client = new SecurityGroup(stack, 'App', { network, description: 'app servers' });
    expect(resourcesOf(synthJson(stack), 'aws_vpc_security_group_ingress_rule')).toHaveLength(0);
    // WHEN
    redis.connections.allowDefaultPortFrom(client);
    // THEN
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      ip_protocol: 'tcp',
      from_port: 6379,
      to_port: 6379,
      security_group_id: resolveToken(stack, redis.securityGroup.securityGroupId),
      referenced_security_group_id: resolveToken(stack, client.securityGroupId),
    });
    expect(resourcesOf(json, 'aws_vpc_security_group_ingress_rule')).toHaveLength(1);
  });

  test('no auth token or password appears in the synthesized configuration', () => {
    // GIVEN
    const network = makeNetwork(stack);
    // WHEN
    new RedisCluster(stack, 'Redis', { network, dataClasses: ['cache', 'sessions', 'critical', 'queue'] });
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).not.toMatch(/auth_token/);
    expect(synth).not.toMatch(/password/i);
  });

  test('fails for a data class the cluster does not serve', () => {
    const network = makeNetwork(stack);
    const redis = new RedisCluster(stack, 'Redis', { network, dataClasses: ['cache'] });
    expect(() => redis.endpoint('queue')).toThrow(ValidationError);
    expect(() => redis.url('sessions')).toThrow(/dataClass: got 'sessions'; allowed: cache; fix:/);
  });

  test('fails when the url database index is out of range', () => {
    const network = makeNetwork(stack);
    const redis = new RedisCluster(stack, 'Redis', { network, dataClasses: ['cache'] });
    expect(() => redis.url('cache', 16)).toThrow(/database: got 16; allowed: an integer from 0 to 15/);
  });

  test('fails when dataClasses is empty', () => {
    const network = makeNetwork(stack);
    expect(() => new RedisCluster(stack, 'Redis', { network, dataClasses: [] })).toThrow(/dataClasses: got \[\]; allowed: one or more of/);
  });

  test('fails when dataClasses has an unknown class', () => {
    const network = makeNetwork(stack);
    expect(
      () => new RedisCluster(stack, 'Redis', { network, dataClasses: ['cache', 'carts' as RedisDataClass] }),
    ).toThrow(/dataClasses: got unknown class\(es\) \[carts\]; allowed: cache, sessions, critical, queue/);
  });

  test('fails when dataClasses has duplicates', () => {
    const network = makeNetwork(stack);
    expect(() => new RedisCluster(stack, 'Redis', { network, dataClasses: ['cache', 'cache'] })).toThrow(
      /dataClasses: got duplicates in \[cache, cache\]/,
    );
  });

  test('fails when nodeType is not an ElastiCache node type', () => {
    const network = makeNetwork(stack);
    expect(() => new RedisCluster(stack, 'Redis', { network, dataClasses: ['cache'], nodeType: 'r7g.large' })).toThrow(
      /nodeType: got 'r7g.large' \(it does not start with 'cache.'\); allowed: an ElastiCache node type/,
    );
  });

  test('fails when engineVersion is not a Valkey 7+ major.minor version', () => {
    const network = makeNetwork(stack);
    expect(() => new RedisCluster(stack, 'Redis', { network, dataClasses: ['cache'], engineVersion: '6.2' })).toThrow(
      /engineVersion: got '6.2'; allowed: a Valkey version/,
    );
  });

  test('fails when replicasPerClass is outside 1-5', () => {
    const network = makeNetwork(stack);
    expect(() => new RedisCluster(stack, 'Redis', { network, dataClasses: ['cache'], replicasPerClass: 0 })).toThrow(
      /replicasPerClass: got 0; allowed: an integer from 1 to 5/,
    );
    expect(() => new RedisCluster(stack, 'Redis2', { network, dataClasses: ['cache'], replicasPerClass: 6 })).toThrow(
      /replicasPerClass: got 6/,
    );
  });

  test('fails when snapshotRetentionDays is outside 1-35', () => {
    const network = makeNetwork(stack);
    expect(() => new RedisCluster(stack, 'Redis', { network, dataClasses: ['sessions'], snapshotRetentionDays: 0 })).toThrow(
      /snapshotRetentionDays: got 0; allowed: an integer from 1 to 35/,
    );
  });

  test('fails when port is privileged or out of range', () => {
    const network = makeNetwork(stack);
    expect(() => new RedisCluster(stack, 'Redis', { network, dataClasses: ['cache'], port: 80 })).toThrow(
      /port: got 80; allowed: an integer from 1024 to 65535/,
    );
  });

  test('fails when the network has fewer than two zones', () => {
    expect(() => new RedisCluster(stack, 'Redis', { network: stubNetwork(['eu-central-1a']), dataClasses: ['cache'] })).toThrow(
      /network.availabilityZones: got 1 zone\(s\) \[eu-central-1a\]; allowed: at least 2 zones/,
    );
  });

  test('fails when the replication group id would exceed 40 characters', () => {
    const network = stubNetwork(['eu-central-1a', 'eu-central-1b'], 'a-very-long-name-prefix-for-shop');
    expect(() => new RedisCluster(stack, 'Redis', { network, dataClasses: ['sessions'] })).toThrow(
      /replication group id: got 'a-very-long-name-prefix-for-shop-redis-sessions'.*allowed: 1 to 40 lowercase letters/,
    );
  });
});
