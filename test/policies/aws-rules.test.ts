/**
 * The AWS rules of the policy pack: for each rule, resources that comply, resources that do not, and
 * resources the rule does not apply to. Rules are pure functions, so each case calls `rule.check(node)`
 * on a tiny stack.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { EfsFileSystemPolicy } from '@cdktf/provider-aws/lib/efs-file-system-policy';
import { ElasticacheReplicationGroup, ElasticacheReplicationGroupConfig } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { RdsCluster, RdsClusterConfig } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SecurityGroupRule } from '@cdktf/provider-aws/lib/security-group-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { TerraformStack } from 'cdktf';
import { SecureBucket } from '../../constructs/aws/secure-bucket';
import { DataStoreEncryptedAtRest } from '../../policies/rules/DataStoreEncryptedAtRest';
import { EfsTlsOnlyPolicy } from '../../policies/rules/EfsTlsOnlyPolicy';
import { ElastiCacheTransitEncryption } from '../../policies/rules/ElastiCacheTransitEncryption';
import { Imdsv2Required } from '../../policies/rules/Imdsv2Required';
import { LoadBalancerTlsListener } from '../../policies/rules/LoadBalancerTlsListener';
import { LogGroupRetention } from '../../policies/rules/LogGroupRetention';
import { NoPublicSsh } from '../../policies/rules/NoPublicSsh';
import { NoWorldOpenIngress } from '../../policies/rules/NoWorldOpenIngress';
import { RdsRequireSecureTransport } from '../../policies/rules/RdsRequireSecureTransport';
import { S3PublicAccessBlocked } from '../../policies/rules/S3PublicAccessBlocked';
import { S3TlsOnlyPolicy } from '../../policies/rules/S3TlsOnlyPolicy';
import { StatefulDeletionProtection } from '../../policies/rules/StatefulDeletionProtection';
import { StatefulMultiAz } from '../../policies/rules/StatefulMultiAz';
import { makeStack } from '../util';

let stack: TerraformStack;
beforeEach(() => {
  stack = makeStack();
});

const TLS_ONLY_POLICY = (arn: string): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [arn, `${arn}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ],
  });

const CLUSTER: RdsClusterConfig = {
  engine: 'aurora-mysql',
  storageEncrypted: true,
  deletionProtection: true,
  skipFinalSnapshot: false,
  finalSnapshotIdentifier: 'db-final',
  lifecycle: { preventDestroy: true },
};

const REDIS: ElasticacheReplicationGroupConfig = {
  replicationGroupId: 'shop-sessions',
  description: 'sessions',
  engine: 'valkey',
  nodeType: 'cache.t4g.small',
  numCacheClusters: 2,
  multiAzEnabled: true,
  automaticFailoverEnabled: true,
  atRestEncryptionEnabled: 'true',
  transitEncryptionEnabled: true,
  transitEncryptionMode: 'required',
  snapshotRetentionLimit: 7,
  finalSnapshotIdentifier: 'shop-sessions-final',
  lifecycle: { preventDestroy: true },
};

describe('DataStoreEncryptedAtRest (WC-AWS-001)', () => {
  test('compliant: encrypted RDS cluster, DB instance, ElastiCache, EFS and a bucket with default encryption', () => {
    const bucket = new S3Bucket(stack, 'Bucket', { bucketPrefix: 'data-' });
    new S3BucketServerSideEncryptionConfigurationA(stack, 'Sse', {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' } }],
    });
    const nodes = [
      new RdsCluster(stack, 'Db', CLUSTER),
      new DbInstance(stack, 'Instance', { instanceClass: 'db.t4g.small', engine: 'mysql', storageEncrypted: true }),
      new ElasticacheReplicationGroup(stack, 'Redis', REDIS),
      new EfsFileSystem(stack, 'Fs', { encrypted: true }),
      bucket,
    ];
    expect(nodes.map((n) => DataStoreEncryptedAtRest.check(n))).toEqual(Array(5).fill('compliant'));
  });

  test('non-compliant: unencrypted RDS, ElastiCache, EFS, and a bucket without default encryption', () => {
    const nodes = [
      new RdsCluster(stack, 'Db', { ...CLUSTER, storageEncrypted: false }),
      new DbInstance(stack, 'Instance', { instanceClass: 'db.t4g.small', engine: 'mysql' }),
      new ElasticacheReplicationGroup(stack, 'Redis', { ...REDIS, atRestEncryptionEnabled: 'false' }),
      new EfsFileSystem(stack, 'Fs', {}),
      new S3Bucket(stack, 'Bucket', { bucketPrefix: 'data-' }),
    ];
    expect(nodes.map((n) => DataStoreEncryptedAtRest.check(n))).toEqual(Array(5).fill('non-compliant'));
  });

  test("another bucket's encryption does not count", () => {
    const other = new S3Bucket(stack, 'Other', { bucketPrefix: 'other-' });
    new S3BucketServerSideEncryptionConfigurationA(stack, 'Sse', { bucket: other.id, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] });
    const bucket = new S3Bucket(stack, 'Bucket', { bucketPrefix: 'data-' });
    expect(DataStoreEncryptedAtRest.check(bucket)).toBe('non-compliant');
    expect(DataStoreEncryptedAtRest.check(other)).toBe('compliant');
  });

  test('not applicable to other resources and to plain constructs', () => {
    expect(DataStoreEncryptedAtRest.check(new CloudwatchLogGroup(stack, 'Logs', {}))).toBe('not-applicable');
    expect(DataStoreEncryptedAtRest.check(stack)).toBe('not-applicable');
  });
});

describe('ElastiCacheTransitEncryption (WC-AWS-002)', () => {
  test('compliant: TLS required', () => {
    expect(ElastiCacheTransitEncryption.check(new ElasticacheReplicationGroup(stack, 'Redis', REDIS))).toBe('compliant');
  });

  test('non-compliant: no TLS, or TLS only preferred', () => {
    const off = new ElasticacheReplicationGroup(stack, 'Off', { ...REDIS, transitEncryptionEnabled: false, transitEncryptionMode: undefined });
    const preferred = new ElasticacheReplicationGroup(stack, 'Preferred', { ...REDIS, transitEncryptionMode: 'preferred' });
    expect(ElastiCacheTransitEncryption.check(off)).toBe('non-compliant');
    expect(ElastiCacheTransitEncryption.check(preferred)).toBe('non-compliant');
  });
});

describe('RdsRequireSecureTransport (WC-AWS-003)', () => {
  test('compliant: Aurora MySQL with require_secure_transport=ON in its own cluster parameter group', () => {
    const group = new RdsClusterParameterGroup(stack, 'Params', { family: 'aurora-mysql8.0', parameter: [{ name: 'require_secure_transport', value: 'ON' }] });
    const db = new RdsCluster(stack, 'Db', { ...CLUSTER, dbClusterParameterGroupName: group.name });
    expect(RdsRequireSecureTransport.check(db)).toBe('compliant');
  });

  test('compliant: PostgreSQL instance with rds.force_ssl=1, group referenced by its literal name', () => {
    new DbParameterGroup(stack, 'Params', { name: 'pg-tls', family: 'postgres16', parameter: [{ name: 'rds.force_ssl', value: '1' }] });
    const db = new DbInstance(stack, 'Db', { instanceClass: 'db.t4g.small', engine: 'postgres', parameterGroupName: 'pg-tls' });
    expect(RdsRequireSecureTransport.check(db)).toBe('compliant');
  });

  test('non-compliant: the default parameter group, TLS turned off, or a group of another stack', () => {
    const defaultGroup = new RdsCluster(stack, 'NoGroup', CLUSTER);
    const off = new RdsClusterParameterGroup(stack, 'Off', { family: 'aurora-mysql8.0', parameter: [{ name: 'require_secure_transport', value: 'OFF' }] });
    const turnedOff = new RdsCluster(stack, 'TurnedOff', { ...CLUSTER, dbClusterParameterGroupName: off.name });
    const external = new DbInstance(stack, 'External', { instanceClass: 'db.t4g.small', engine: 'mariadb', parameterGroupName: 'somewhere-else' });
    expect([defaultGroup, turnedOff, external].map((n) => RdsRequireSecureTransport.check(n))).toEqual(['non-compliant', 'non-compliant', 'non-compliant']);
  });

  test('not applicable to engines without a TLS parameter and to cluster instances', () => {
    const oracle = new DbInstance(stack, 'Oracle', { instanceClass: 'db.m5.large', engine: 'oracle-ee' });
    const member = new RdsClusterInstance(stack, 'Member', { clusterIdentifier: 'x', instanceClass: 'db.r7g.large', engine: 'aurora-mysql' });
    expect(RdsRequireSecureTransport.check(oracle)).toBe('not-applicable');
    expect(RdsRequireSecureTransport.check(member)).toBe('not-applicable');
  });
});

describe('S3TlsOnlyPolicy (WC-AWS-004)', () => {
  test('compliant: a bucket policy denying aws:SecureTransport false (SecureBucket)', () => {
    const secure = new SecureBucket(stack, 'Secure', { bucketPrefix: 'secure-' });
    expect(S3TlsOnlyPolicy.check(secure.resource)).toBe('compliant');
  });

  test('compliant: the deny statement comes from an aws_iam_policy_document', () => {
    const bucket = new S3Bucket(stack, 'Bucket', { bucketPrefix: 'data-' });
    const doc = new DataAwsIamPolicyDocument(stack, 'Doc', {
      statement: [
        {
          effect: 'Deny',
          actions: ['s3:*'],
          resources: [bucket.arn],
          principals: [{ type: '*', identifiers: ['*'] }],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
      ],
    });
    new S3BucketPolicy(stack, 'Policy', { bucket: bucket.id, policy: doc.json });
    expect(S3TlsOnlyPolicy.check(bucket)).toBe('compliant');
  });

  test('non-compliant: no policy, or a policy without the TLS deny', () => {
    const none = new S3Bucket(stack, 'None', { bucketPrefix: 'none-' });
    const allowOnly = new S3Bucket(stack, 'AllowOnly', { bucketPrefix: 'allow-' });
    new S3BucketPolicy(stack, 'Policy', {
      bucket: allowOnly.id,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject', Resource: '*' }] }),
    });
    expect(S3TlsOnlyPolicy.check(none)).toBe('non-compliant');
    expect(S3TlsOnlyPolicy.check(allowOnly)).toBe('non-compliant');
  });
});

describe('EfsTlsOnlyPolicy (WC-AWS-005)', () => {
  test('compliant: a file system policy denying insecure transport', () => {
    const fs = new EfsFileSystem(stack, 'Fs', { encrypted: true });
    new EfsFileSystemPolicy(stack, 'Policy', { fileSystemId: fs.id, policy: TLS_ONLY_POLICY(fs.arn) });
    expect(EfsTlsOnlyPolicy.check(fs)).toBe('compliant');
  });

  test('non-compliant: no file system policy', () => {
    expect(EfsTlsOnlyPolicy.check(new EfsFileSystem(stack, 'Fs', { encrypted: true }))).toBe('non-compliant');
  });
});

describe('LoadBalancerTlsListener (WC-AWS-006)', () => {
  let lb: Lb;
  beforeEach(() => {
    lb = new Lb(stack, 'Lb', { loadBalancerType: 'application' });
  });

  test('compliant: HTTPS with a TLS 1.3 policy, HTTP that only redirects, a 403 rule on the HTTP listener', () => {
    const https = new LbListener(stack, 'Https', {
      loadBalancerArn: lb.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
      defaultAction: [{ type: 'forward', targetGroupArn: 'arn:tg' }],
    });
    const http = new LbListener(stack, 'Http', {
      loadBalancerArn: lb.arn,
      port: 80,
      protocol: 'HTTP',
      defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
    });
    const deny = new LbListenerRule(stack, 'Deny', {
      listenerArn: http.arn,
      condition: [{ pathPattern: { values: ['/admin*'] } }],
      action: [{ type: 'fixed-response', fixedResponse: { contentType: 'text/plain', statusCode: '403' } }],
    });
    expect([https, http, deny].map((n) => LoadBalancerTlsListener.check(n))).toEqual(['compliant', 'compliant', 'compliant']);
  });

  test('non-compliant: an old TLS policy, an HTTP listener that forwards, a forwarding rule on the HTTP listener', () => {
    const oldTls = new LbListener(stack, 'OldTls', {
      loadBalancerArn: lb.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: 'ELBSecurityPolicy-2016-08',
      defaultAction: [{ type: 'forward', targetGroupArn: 'arn:tg' }],
    });
    const plain = new LbListener(stack, 'Plain', { loadBalancerArn: lb.arn, port: 80, protocol: 'HTTP', defaultAction: [{ type: 'forward', targetGroupArn: 'arn:tg' }] });
    const rule = new LbListenerRule(stack, 'Forward', {
      listenerArn: plain.arn,
      condition: [{ pathPattern: { values: ['/api*'] } }],
      action: [{ type: 'forward', targetGroupArn: 'arn:tg' }],
    });
    expect([oldTls, plain, rule].map((n) => LoadBalancerTlsListener.check(n))).toEqual(['non-compliant', 'non-compliant', 'non-compliant']);
  });

  test('not applicable: TCP listeners and rules of HTTPS listeners', () => {
    const tcp = new LbListener(stack, 'Tcp', { loadBalancerArn: lb.arn, port: 5432, protocol: 'TCP', defaultAction: [{ type: 'forward', targetGroupArn: 'arn:tg' }] });
    const https = new LbListener(stack, 'Https', {
      loadBalancerArn: lb.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06',
      defaultAction: [{ type: 'forward', targetGroupArn: 'arn:tg' }],
    });
    const rule = new LbListenerRule(stack, 'Rule', { listenerArn: https.arn, condition: [{ pathPattern: { values: ['/x'] } }], action: [{ type: 'forward', targetGroupArn: 'arn:tg' }] });
    expect(LoadBalancerTlsListener.check(tcp)).toBe('not-applicable');
    expect(LoadBalancerTlsListener.check(rule)).toBe('not-applicable');
  });
});

describe('NoWorldOpenIngress (WC-AWS-007)', () => {
  let lbGroup: SecurityGroup;
  let appGroup: SecurityGroup;
  beforeEach(() => {
    lbGroup = new SecurityGroup(stack, 'LbGroup', { vpcId: 'vpc-1' });
    appGroup = new SecurityGroup(stack, 'AppGroup', { vpcId: 'vpc-1' });
    new Lb(stack, 'Lb', { securityGroups: [lbGroup.id] });
  });
  const rule = (id: string, group: SecurityGroup, port: number, cidr = '0.0.0.0/0'): VpcSecurityGroupIngressRule =>
    new VpcSecurityGroupIngressRule(stack, id, { securityGroupId: group.id, ipProtocol: 'tcp', fromPort: port, toPort: port, cidrIpv4: cidr });

  test('compliant: 80 and 443 from anywhere on the load balancer, anything from a private block elsewhere', () => {
    expect([rule('Https', lbGroup, 443), rule('Http', lbGroup, 80), rule('Office', appGroup, 8080, '203.0.113.0/24')].map((n) => NoWorldOpenIngress.check(n))).toEqual([
      'compliant',
      'compliant',
      'compliant',
    ]);
  });

  test('non-compliant: 443 from anywhere on a group no load balancer uses, another port on the load balancer, ::/0, inline and legacy rules', () => {
    const ipv6 = new VpcSecurityGroupIngressRule(stack, 'Ipv6', { securityGroupId: appGroup.id, ipProtocol: '-1', cidrIpv6: '::/0' });
    const inline = new SecurityGroup(stack, 'Inline', {
      vpcId: 'vpc-1',
      ingress: [{ protocol: 'tcp', fromPort: 3306, toPort: 3306, cidrBlocks: ['0.0.0.0/0'] }],
    });
    const legacy = new SecurityGroupRule(stack, 'Legacy', { type: 'ingress', securityGroupId: appGroup.id, protocol: 'tcp', fromPort: 6379, toPort: 6379, cidrBlocks: ['0.0.0.0/0'] });
    const nodes = [rule('AppHttps', appGroup, 443), rule('LbAdmin', lbGroup, 8443), ipv6, inline, legacy];
    expect(nodes.map((n) => NoWorldOpenIngress.check(n))).toEqual(Array(5).fill('non-compliant'));
  });

  test('not applicable: egress rules and groups without ingress', () => {
    const sgRuleEgress = new SecurityGroupRule(stack, 'Egress', { type: 'egress', securityGroupId: appGroup.id, protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'] });
    expect(NoWorldOpenIngress.check(sgRuleEgress)).toBe('not-applicable');
    expect(NoWorldOpenIngress.check(appGroup)).toBe('not-applicable');
  });
});

describe('NoPublicSsh (WC-AWS-008)', () => {
  test('compliant: SSH from an office block, 443 from anywhere', () => {
    const office = new VpcSecurityGroupIngressRule(stack, 'Office', { securityGroupId: 'sg-1', ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '203.0.113.0/24' });
    const web = new VpcSecurityGroupIngressRule(stack, 'Web', { securityGroupId: 'sg-1', ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' });
    expect(NoPublicSsh.check(office)).toBe('compliant');
    expect(NoPublicSsh.check(web)).toBe('compliant');
  });

  test('non-compliant: 22 from anywhere, a port range over 22, all protocols from ::/0, an inline rule', () => {
    const ssh = new VpcSecurityGroupIngressRule(stack, 'Ssh', { securityGroupId: 'sg-1', ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' });
    const range = new SecurityGroupRule(stack, 'Range', { type: 'ingress', securityGroupId: 'sg-1', protocol: 'tcp', fromPort: 0, toPort: 1024, cidrBlocks: ['0.0.0.0/0'] });
    const all = new VpcSecurityGroupIngressRule(stack, 'All', { securityGroupId: 'sg-1', ipProtocol: '-1', cidrIpv6: '::/0' });
    const inline = new SecurityGroup(stack, 'Inline', { ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidrBlocks: ['10.0.0.0/8', '0.0.0.0/0'] }] });
    expect([ssh, range, all, inline].map((n) => NoPublicSsh.check(n))).toEqual(Array(4).fill('non-compliant'));
  });
});

describe('Imdsv2Required (WC-AWS-009)', () => {
  test('compliant: tokens required on a launch template and an instance; metadata off; an instance from a template', () => {
    const template = new LaunchTemplate(stack, 'Template', { metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 1 } });
    const instance = new Instance(stack, 'Instance', { ami: 'ami-1', instanceType: 't3.small', metadataOptions: { httpTokens: 'required' } });
    const off = new Instance(stack, 'Off', { ami: 'ami-1', instanceType: 't3.small', metadataOptions: { httpEndpoint: 'disabled' } });
    const fromTemplate = new Instance(stack, 'FromTemplate', { launchTemplate: { id: template.id } });
    expect([template, instance, off].map((n) => Imdsv2Required.check(n))).toEqual(['compliant', 'compliant', 'compliant']);
    expect(Imdsv2Required.check(fromTemplate)).toBe('not-applicable');
  });

  test('non-compliant: no metadata options, or tokens optional', () => {
    const template = new LaunchTemplate(stack, 'Template', {});
    const optional = new Instance(stack, 'Instance', { ami: 'ami-1', instanceType: 't3.small', metadataOptions: { httpTokens: 'optional' } });
    expect(Imdsv2Required.check(template)).toBe('non-compliant');
    expect(Imdsv2Required.check(optional)).toBe('non-compliant');
  });
});

describe('S3PublicAccessBlocked (WC-AWS-010)', () => {
  const allOn = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };

  test('compliant: all four switches on (SecureBucket, and a raw bucket referenced by name)', () => {
    const secure = new SecureBucket(stack, 'Secure', { bucketPrefix: 'secure-' });
    const named = new S3Bucket(stack, 'Named', { bucket: 'shop-named' });
    new S3BucketPublicAccessBlock(stack, 'NamedBlock', { bucket: 'shop-named', ...allOn });
    expect(S3PublicAccessBlocked.check(secure.resource)).toBe('compliant');
    expect(S3PublicAccessBlocked.check(named)).toBe('compliant');
  });

  test('non-compliant: no block, or one switch off', () => {
    const none = new S3Bucket(stack, 'None', {});
    const partial = new S3Bucket(stack, 'Partial', {});
    new S3BucketPublicAccessBlock(stack, 'PartialBlock', { bucket: partial.id, ...allOn, restrictPublicBuckets: false });
    expect(S3PublicAccessBlocked.check(none)).toBe('non-compliant');
    expect(S3PublicAccessBlocked.check(partial)).toBe('non-compliant');
  });
});

describe('StatefulMultiAz (WC-AWS-011)', () => {
  test('compliant: Aurora with a reader, Multi-AZ RDS, ElastiCache with a replica, Regional EFS', () => {
    const cluster = new RdsCluster(stack, 'Db', CLUSTER);
    new RdsClusterInstance(stack, 'Writer', { clusterIdentifier: cluster.id, instanceClass: 'db.r7g.large', engine: 'aurora-mysql' });
    new RdsClusterInstance(stack, 'Reader', { clusterIdentifier: cluster.id, instanceClass: 'db.r7g.large', engine: 'aurora-mysql' });
    const nodes = [
      cluster,
      new DbInstance(stack, 'Instance', { instanceClass: 'db.t4g.small', engine: 'mysql', multiAz: true }),
      new ElasticacheReplicationGroup(stack, 'Redis', REDIS),
      new EfsFileSystem(stack, 'Fs', { encrypted: true }),
    ];
    expect(nodes.map((n) => StatefulMultiAz.check(n))).toEqual(Array(4).fill('compliant'));
  });

  test('non-compliant: Aurora writer only, single-AZ RDS, ElastiCache without failover or replica, One Zone EFS', () => {
    const cluster = new RdsCluster(stack, 'Db', CLUSTER);
    new RdsClusterInstance(stack, 'Writer', { clusterIdentifier: cluster.id, instanceClass: 'db.r7g.large', engine: 'aurora-mysql' });
    const nodes = [
      cluster,
      new DbInstance(stack, 'Instance', { instanceClass: 'db.t4g.small', engine: 'mysql' }),
      new ElasticacheReplicationGroup(stack, 'NoFailover', { ...REDIS, automaticFailoverEnabled: false }),
      new ElasticacheReplicationGroup(stack, 'NoReplica', { ...REDIS, numCacheClusters: 1 }),
      new EfsFileSystem(stack, 'Fs', { availabilityZoneName: 'eu-central-1a' }),
    ];
    expect(nodes.map((n) => StatefulMultiAz.check(n))).toEqual(Array(5).fill('non-compliant'));
  });

  test('a warning, not an error', () => {
    expect(StatefulMultiAz.level).toBe('warning');
  });
});

describe('LogGroupRetention (WC-AWS-012)', () => {
  test('compliant: retention set', () => {
    expect(LogGroupRetention.check(new CloudwatchLogGroup(stack, 'Logs', { retentionInDays: 90 }))).toBe('compliant');
  });

  test('non-compliant: retention missing or 0 (never expire)', () => {
    expect(LogGroupRetention.check(new CloudwatchLogGroup(stack, 'Forever', {}))).toBe('non-compliant');
    expect(LogGroupRetention.check(new CloudwatchLogGroup(stack, 'Zero', { retentionInDays: 0 }))).toBe('non-compliant');
  });
});

describe('StatefulDeletionProtection (WC-AWS-013)', () => {
  test('compliant: protected database, durable cache, file system and bucket', () => {
    const nodes = [
      new RdsCluster(stack, 'Db', CLUSTER),
      new ElasticacheReplicationGroup(stack, 'Redis', REDIS),
      new EfsFileSystem(stack, 'Fs', { encrypted: true, lifecycle: { preventDestroy: true } }),
      new S3Bucket(stack, 'Bucket', { forceDestroy: false, lifecycle: { preventDestroy: true } }),
    ];
    expect(nodes.map((n) => StatefulDeletionProtection.check(n))).toEqual(Array(4).fill('compliant'));
  });

  test('non-compliant: no deletion protection, skipped final snapshot, no prevent_destroy, force_destroy', () => {
    const nodes = [
      new RdsCluster(stack, 'NoProtection', { ...CLUSTER, deletionProtection: false }),
      new RdsCluster(stack, 'NoSnapshot', { ...CLUSTER, skipFinalSnapshot: true }),
      new DbInstance(stack, 'Instance', { instanceClass: 'db.t4g.small', engine: 'mysql', deletionProtection: true }),
      new ElasticacheReplicationGroup(stack, 'Redis', { ...REDIS, lifecycle: undefined }),
      new EfsFileSystem(stack, 'Fs', { encrypted: true }),
      new S3Bucket(stack, 'Bucket', { forceDestroy: true, lifecycle: { preventDestroy: true } }),
    ];
    expect(nodes.map((n) => StatefulDeletionProtection.check(n))).toEqual(Array(6).fill('non-compliant'));
  });

  test('not applicable: a cache without snapshots (nothing to lose)', () => {
    const cache = new ElasticacheReplicationGroup(stack, 'Cache', { ...REDIS, snapshotRetentionLimit: 0, lifecycle: undefined, finalSnapshotIdentifier: undefined });
    expect(StatefulDeletionProtection.check(cache)).toBe('not-applicable');
  });

  test('is turned off by allowDestroy', () => {
    expect(StatefulDeletionProtection.offWhenAllowDestroy).toBe(true);
  });
});
