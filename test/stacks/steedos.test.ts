import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { ListenerCertificate } from '../../constructs/aws/load-balancer';
import { findSecrets } from '../../policies/secret-guard';
import { AwsVmStack } from '../../stacks/aws-vm-stack';
import { DockerStack, DockerStackProps } from '../../stacks/docker-stack';
import { STEEDOS_VM_PROFILE } from '../../stacks/aws/profiles/steedos';
import { STEEDOS_CONTAINER_PROFILE } from '../../stacks/docker/profiles/steedos';
import { localOf, resourcesOf, SynthJson } from '../util';

const CERT_ARN = 'arn:aws:acm:eu-central-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666';

type ContainerJson = {
  name: string;
  env?: string[];
  command?: string[];
  upload?: { content: string }[];
  labels?: { label: string; value: string }[];
  networks_advanced?: { name: string }[];
  depends_on?: string[];
};

function buildDocker(extra: Partial<DockerStackProps> = {}): { synth: string; json: SynthJson } {
  const stack = new DockerStack(Testing.app(), 'steedos-docker', { profile: STEEDOS_CONTAINER_PROFILE, domain: 'steedos.localhost', adminCidrs: ['203.0.113.0/24'], ...extra });
  const synth = Testing.synth(stack);
  return { synth, json: JSON.parse(synth) as SynthJson };
}

describe('Steedos on AWS (AwsVmStack)', () => {
  const stack = new AwsVmStack(Testing.app(), 'steedos-aws', {
    profile: STEEDOS_VM_PROFILE,
    region: 'eu-central-1',
    domain: 'steedos.example.com',
    certificate: ListenerCertificate.fromArn(CERT_ARN),
    adminCidrs: ['203.0.113.0/24'],
  });
  const synth = Testing.synth(stack);
  const json = JSON.parse(synth) as SynthJson;

  test('snapshot', () => {
    expect(synth).toMatchSnapshot();
  });

  test('sticky sessions on the app target (ALB cookie), health check /api/health on the Steedos port', () => {
    expect(synth).toHaveResourceWithProperties(LbTargetGroup, {
      port: 5000,
      health_check: expect.objectContaining({ path: '/api/health' }),
      stickiness: expect.objectContaining({ enabled: true, type: 'lb_cookie' }),
    });
  });

  test('three MongoDB members in three zones, each with its data volume in its zone', () => {
    const instances = resourcesOf(json, 'aws_instance').filter((i) => (i.tags as Record<string, string>).Role === 'mongodb');
    expect(instances).toHaveLength(3);
    expect(new Set(instances.map((i) => i.subnet_id)).size).toBe(3);
    expect(resourcesOf(json, 'aws_ebs_volume').map((v) => v.availability_zone).sort()).toEqual(['eu-central-1a', 'eu-central-1b', 'eu-central-1c']);
  });

  test('app hosts get MONGO_URL and MONGO_OPLOG_URL from the credentials secret at boot, and the Redis/S3 contract', () => {
    const userData = localOf(json, 'AppServers_UserData');
    expect(userData).toContain("printf '%s=%s\\\\n' MONGO_OPLOG_URL");
    expect(userData).toContain('/local?replicaSet=rs0&authSource=admin');
    expect(userData).toContain("printf '%s=%s\\\\n' MONGO_URL");
    expect(userData).toContain('STEEDOS_TENANT_TOKEN_SECRET');
    for (const line of ['STEEDOS_CFS_STORE=S3', 'STEEDOS_CFS_AWS_S3_REGION=eu-central-1', 'ROOT_URL=https://steedos.example.com', 'PORT=5000']) {
      expect(userData).toContain(line);
    }
    expect(userData).toMatch(/TRANSPORTER=rediss:\/\/\$\{aws_elasticache_replication_group\.Redis_Cache_[0-9A-F]+\.primary_endpoint_address\}:6379\/0/);
    expect(userData).toMatch(/CACHER=rediss:\/\/\$\{aws_elasticache_replication_group\.Redis_Cache_[0-9A-F]+\.primary_endpoint_address\}:6379\/1/);
    expect(userData).not.toContain('STEEDOS_CFS_AWS_S3_ENDPOINT');
  });

  test('no MySQL, one Redis without persistence, no queue workers', () => {
    expect(resourcesOf(json, 'aws_rds_cluster')).toHaveLength(0);
    expect(resourcesOf(json, 'aws_rds_cluster_instance')).toHaveLength(0);
    expect(resourcesOf(json, 'aws_elasticache_replication_group')).toHaveLength(1);
    expect(synth).toHaveResourceWithProperties(ElasticacheReplicationGroup, { replication_group_id: 'steedos-aws-redis-cache', snapshot_retention_limit: 0 });
    expect(localOf(json, 'AppServers_UserData')).not.toContain('webcluster-worker@');
  });

  test('the admin host runs the single cron process; the web server skips it; /supervisor is admin-only', () => {
    const admin = localOf(json, 'Admin_UserData');
    expect(admin).toContain('ExecStart=/usr/local/sbin/steedos-start cron');
    expect(admin).toContain('ConditionPathExists=!/etc/systemd/system/webcluster-scheduler.service');
    expect(admin).toContain('export STEEDOS_CRON=true');
    const rules = resourcesOf(json, 'aws_lb_listener_rule').map((r) => JSON.stringify(r.condition));
    expect(rules.some((r) => r.includes('/supervisor/*') && r.includes('203.0.113.0/24'))).toBe(true);
  });

  test('outputs name the replica set; no literal secret', () => {
    expect(Object.keys(json.output ?? {})).toEqual(expect.arrayContaining(['mongodb_members', 'mongodb_replica_set', 'mongodb_credentials_secret_arn']));
    expect(findSecrets(json, 'steedos-aws')).toEqual([]);
  });

  test('the members output and the app URLs use the stable member names of the private zone, not EC2 private DNS', () => {
    const names = [1, 2, 3].map((n) => `member-${n}.mongodb.steedos-aws.internal:27017`).join(',');
    expect(json.output?.mongodb_members.value).toBe(names);
    expect(resourcesOf(json, 'aws_route53_zone').map((z) => z.name)).toContain('mongodb.steedos-aws.internal');
    const userData = localOf(json, 'AppServers_UserData');
    expect(userData).toContain(`@${names}/steedos?replicaSet=rs0&authSource=admin`);
    expect(userData).toContain(`@${names}/local?replicaSet=rs0&authSource=admin`);
    expect(synth).not.toContain('private_dns');
  });

  test('an SSM association re-applies the MongoDB member setup to the tagged members, one at a time', () => {
    const [association] = resourcesOf(json, 'aws_ssm_association');
    expect(association).toMatchObject({
      targets: [{ key: 'tag:webcluster:replica-set', values: ['steedos-aws-documentdatabase'] }],
      max_concurrency: '1',
      max_errors: '0',
    });
    const members = resourcesOf(json, 'aws_instance').filter((i) => (i.tags as Record<string, string>).Role === 'mongodb');
    expect(members.map((i) => (i.tags as Record<string, string>)['webcluster:replica-set'])).toEqual(Array(3).fill('steedos-aws-documentdatabase'));
  });
});

describe('Steedos on Docker (DockerStack, standalone)', () => {
  const { synth, json } = buildDocker();
  const containers = resourcesOf(json, 'docker_container') as unknown as ContainerJson[];
  const byName = (name: string): ContainerJson => containers.find((c) => c.name === name) as ContainerJson;
  const traefik = parse((byName('steedos-docker-traefik-routes').upload ?? [])[0].content);

  test('snapshot', () => {
    expect(synth).toMatchSnapshot();
  });

  test('the seed service by service: traefik, 2 replicas, cron, redis, a MongoDB replica set, storage', () => {
    expect(containers.map((c) => c.name).sort()).toEqual([
      'steedos-docker-admin-1',
      'steedos-docker-app-1',
      'steedos-docker-app-2',
      'steedos-docker-app-init',
      'steedos-docker-app-scheduler-1',
      'steedos-docker-backup-minio-1',
      'steedos-docker-backup-mongo-1',
      'steedos-docker-fluent-bit-1',
      'steedos-docker-fluent-bit-tools',
      'steedos-docker-minio-1',
      'steedos-docker-minio-init',
      'steedos-docker-mongo-1-1',
      'steedos-docker-mongo-2-1',
      'steedos-docker-mongo-3-1',
      'steedos-docker-mongo-rs-init',
      'steedos-docker-redis-cache-1',
      'steedos-docker-traefik-1',
      'steedos-docker-traefik-routes',
    ]);
    expect(resourcesOf(json, 'docker_image').map((i) => i.name)).toEqual(expect.arrayContaining(['steedos/steedos-enterprise:3.0', 'mongo:7.0.16']));
  });

  test('Traefik pins clients with the steedos_session cookie and checks /api/health on port 80', () => {
    const service = traefik.http.services.app.loadBalancer;
    expect(service.sticky.cookie.name).toBe('steedos_session');
    expect(service.servers).toHaveLength(2);
    expect(service.servers[0].url).toMatch(/^http:\/\/\$\{docker_container\.AppServers_App_Container1_[0-9A-F]+\.name\}:80$/);
    expect(service.healthCheck.path).toBe('/api/health');
    expect(traefik.http.routers.admin.rule).toContain('PathPrefix(`/supervisor`)');
  });

  test('every replica gets the same contract: MONGO_URL, MONGO_OPLOG_URL, Redis db 0/1, S3 on MinIO, shared secrets', () => {
    const env1 = byName('steedos-docker-app-1').env ?? [];
    expect(env1).toEqual(
      expect.arrayContaining([
        'ROOT_URL=http://steedos.localhost',
        'MONGO_OPLOG_URL=mongodb://steedos:${urlencode(var.steedos_docker_mongo_app_password)}@mongo-1:27017,mongo-2:27017,mongo-3:27017/local?replicaSet=rs0&authSource=admin',
        'MONGO_URL=mongodb://steedos:${urlencode(var.steedos_docker_mongo_app_password)}@mongo-1:27017,mongo-2:27017,mongo-3:27017/steedos?replicaSet=rs0&authSource=admin',
        'TRANSPORTER=redis://redis-cache:6379/0',
        'CACHER=redis://redis-cache:6379/1',
        'STEEDOS_CFS_STORE=S3',
        'STEEDOS_CFS_AWS_S3_ENDPOINT=http://minio:9000',
        'STEEDOS_CFS_AWS_S3_FORCE_PATH_STYLE=true',
        'STEEDOS_CFS_AWS_S3_BUCKET=steedos-docker-files',
        'STEEDOS_TENANT_TOKEN_SECRET=${var.steedos_docker_steedos_tenant_token_secret}',
        'STEEDOS_ENCRYPTION_PASSWORD=${var.steedos_docker_steedos_encryption_password}',
        'B6_JWT_SECRET=${var.steedos_docker_steedos_b6_jwt_secret}',
      ]),
    );
    expect(byName('steedos-docker-app-2').env).toEqual(env1);
    expect(env1.some((e) => e.startsWith('STEEDOS_CRON') || e.startsWith('PORT='))).toBe(false);
    expect(findSecrets(json, 'steedos-docker')).toEqual([]);
  });

  test('one cron container with STEEDOS_CRON=true; no queue workers; init checks the replica set', () => {
    expect(byName('steedos-docker-app-scheduler-1').command).toEqual(['/bin/bash', '-c', 'export STEEDOS_CRON=true; exec /usr/bin/supervisord -n']);
    expect(containers.filter((c) => c.name.includes('worker'))).toHaveLength(0);
    expect(byName('steedos-docker-app-init').command).toEqual(['steedosctl', 'check-replica-set']);
    expect(JSON.stringify(byName('steedos-docker-app-init').depends_on)).toContain('DocumentDatabase_ReplicaSetInit_Task');
  });

  test('Redis without persistence; no MySQL; data stores only on the internal backend network', () => {
    expect(byName('steedos-docker-redis-cache-1').command).toEqual(['valkey-server', '--maxmemory', '384mb', '--maxmemory-policy', 'volatile-lru', '--save', '--appendonly', 'no']);
    expect(containers.some((c) => c.name.includes('-db-'))).toBe(false);
    for (const name of ['steedos-docker-mongo-1-1', 'steedos-docker-redis-cache-1']) {
      expect(JSON.stringify(byName(name).networks_advanced)).toContain('BackendNetwork');
      expect(JSON.stringify(byName(name).networks_advanced)).not.toContain('FrontendNetwork');
    }
  });

  test('only the load balancer publishes a port (no Docker socket, no dashboard, Mongo and Redis not on the host)', () => {
    const published = resourcesOf(json, 'docker_container').filter((c) => ((c.ports as unknown[]) ?? []).length > 0).map((c) => c.name);
    expect(published.sort()).toEqual(['steedos-docker-fluent-bit-1', 'steedos-docker-traefik-1']);
    // The only host directory mounted anywhere is the backup target, into the backup jobs.
    const hostPaths = resourcesOf(json, 'docker_container').flatMap((c) => ((c.volumes as { host_path?: string }[]) ?? []).filter((v) => v.host_path).map((v) => `${c.name}: ${v.host_path}`));
    expect(hostPaths).toEqual(['steedos-docker-backup-minio-1: /var/backups/webcluster/steedos-docker', 'steedos-docker-backup-mongo-1: /var/backups/webcluster/steedos-docker']);
    expect(synth).not.toContain('api.insecure');
  });

  test('replicas 2 -> 4 adds only app containers; only the routes task changes, Traefik stays', () => {
    // GIVEN
    const before = buildDocker({ appReplicas: 2 }).json;
    // WHEN
    const after = buildDocker({ appReplicas: 4 }).json;
    // THEN
    const flat = (j: SynthJson): Record<string, Record<string, unknown>> =>
      Object.fromEntries(Object.entries(j.resource).flatMap(([type, rs]) => Object.entries(rs).map(([id, body]) => [`${type}.${id}`, body])));
    const a = flat(before);
    const b = flat(after);
    const added = Object.keys(b).filter((k) => !(k in a));
    expect(Object.keys(a).filter((k) => !(k in b))).toEqual([]);
    expect(added).toHaveLength(2);
    for (const k of added) {
      expect(k.startsWith('docker_container.AppServers_App_')).toBe(true);
      expect((b[k] as ContainerJson).labels).toEqual(expect.arrayContaining([{ label: 'webcluster.role', value: 'app' }]));
    }
    // Traefik lists the app containers in its file-provider configuration (no Docker socket). The
    // routes reach it through the one-shot routes task (re-run on change) and a watched volume, so
    // the task is the one other change: the server list, nothing else. Traefik is not replaced. (The
    // scheduler also waits for the new app containers: depends_on, which plans no change.)
    const body = (x: unknown): string => JSON.stringify({ ...(x as Record<string, unknown>), depends_on: undefined });
    const changed = Object.keys(a).filter((k) => k in b && body(a[k]) !== body(b[k]));
    expect(changed).toEqual([expect.stringMatching(/^docker_container\.LoadBalancer_Routes_Task_/)]);
    const config = (x: Record<string, unknown>): { http: { services: { app: { loadBalancer: { servers: unknown[] } } } } } =>
      parse(((x as ContainerJson).upload ?? [])[0].content);
    const c2 = config(a[changed[0]]);
    const c4 = config(b[changed[0]]);
    expect(c4.http.services.app.loadBalancer.servers).toHaveLength(4);
    c4.http.services.app.loadBalancer.servers = c2.http.services.app.loadBalancer.servers;
    expect(c4).toEqual(c2);
    // The task also waits for the new containers: routes never point at a container not yet up.
    const { upload: _u2, depends_on: d2, ...rest2 } = a[changed[0]] as ContainerJson & { depends_on: string[] };
    const { upload: _u4, depends_on: d4, ...rest4 } = b[changed[0]] as ContainerJson & { depends_on: string[] };
    expect(rest4).toEqual(rest2);
    expect(d4.filter((d) => !d2.includes(d))).toEqual(added);
    for (const top of ['variable', 'output', 'locals'] as const) expect((after as unknown as Record<string, unknown>)[top]).toEqual((before as unknown as Record<string, unknown>)[top]);
  });
});
