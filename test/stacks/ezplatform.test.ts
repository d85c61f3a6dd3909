import { EfsAccessPoint } from '@cdktf/provider-aws/lib/efs-access-point';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { ListenerCertificate } from '../../constructs/aws/load-balancer';
import { findSecrets } from '../../policies/secret-guard';
import { AwsVmStack } from '../../stacks/aws-vm-stack';
import { DockerStack, DockerStackProps } from '../../stacks/docker-stack';
import { EZPLATFORM_VM_PROFILE, IBEXA_CACHE_REDIS_TLS_PATH, ibexaCacheRedisTlsYaml } from '../../stacks/aws/profiles/ezplatform';
import { EZPLATFORM_CONTAINER_PROFILE } from '../../stacks/docker/profiles/ezplatform';
import { EZPLATFORM_APP, IBEXA_DFS_PATH } from '../../stacks/profiles/ezplatform';
import type { ClusterEndpoints } from '../../stacks/profiles/app-profile';
import { localOf, resourcesOf, SynthJson } from '../util';

const CERT_ARN = 'arn:aws:acm:eu-central-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666';

/** The env contract of the profile (issue: CACHE_POOL, CACHE_DSN, SESSION_*, HTTPCACHE_*, DFS_*, SEARCH_ENGINE, SOLR_DSN, DATABASE_*). */
const PLAIN_CONTRACT = [
  'APP_HTTP_CACHE',
  'BINARY_DATA_HANDLER',
  'CACHE_DSN',
  'CACHE_POOL',
  'DATABASE_CHARSET',
  'DATABASE_COLLATION',
  'DATABASE_VERSION',
  'DFS_DATABASE_CHARSET',
  'DFS_DATABASE_COLLATION',
  'DFS_DATABASE_DRIVER',
  'DFS_NFS_PATH',
  'HTTPCACHE_PURGE_SERVER',
  'HTTPCACHE_PURGE_TYPE',
  'SEARCH_ENGINE',
  'SESSION_HANDLER_ID',
  'SESSION_SAVE_PATH',
  'SOLR_CORE',
  'SOLR_DSN',
  'TRUSTED_PROXIES',
];
const SECRET_CONTRACT = ['APP_SECRET', 'DATABASE_URL', 'DFS_DATABASE_URL'];

/** Endpoints for rendering the profile's environment directly. */
const ENDPOINTS: ClusterEndpoints = {
  siteUrl: 'https://ibexa.example.com',
  trustedProxyCidr: '10.0.0.0/16',
  redisUrls: {},
  redisScheme: 'redis',
  redisHosts: {},
  bucketNames: { private: 'releases' },
  region: 'eu-central-1',
  publicFilesUrl: 'https://files.example.com',
};

type ContainerJson = {
  name: string;
  env?: string[];
  command?: string[];
  upload?: { file: string; content: string }[];
  networks_advanced?: { name: string }[];
  volumes?: { container_path: string; volume_name: string }[];
  ports?: unknown[];
};

/** The files the profile's boot commands write (`echo <base64> | base64 -d > <path>`), decoded. */
function bootFiles(userData: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const m of userData.matchAll(/echo '([A-Za-z0-9+/=]+)' \| base64 -d > (\S+)/g)) files[m[2]] = Buffer.from(m[1], 'base64').toString('utf8');
  return files;
}

/** `KEY=value` lines of the app environment file in a user data document. */
function envFileKeys(userData: string): string[] {
  const content = /"path": "\/etc\/webcluster\/app\.env",\n\s*"permissions": "0640",\n\s*"content": "(.*?)"\n/.exec(userData)?.[1] ?? '';
  return content.split('\\n').map((l) => l.split('=')[0]).filter((k) => k !== '');
}

describe('eZ Platform / Ibexa on AWS (AwsVmStack)', () => {
  const stack = new AwsVmStack(Testing.app(), 'ezplatform-aws', {
    profile: EZPLATFORM_VM_PROFILE,
    region: 'eu-central-1',
    domain: 'ibexa.example.com',
    certificate: ListenerCertificate.fromArn(CERT_ARN),
    adminCidrs: ['203.0.113.0/24'],
  });
  const synth = Testing.synth(stack);
  const json = JSON.parse(synth) as SynthJson;
  const appUserData = localOf(json, 'AppServers_UserData');
  const adminUserData = localOf(json, 'Admin_UserData');
  const groups = resourcesOf(json, 'aws_autoscaling_group');
  const ingressOf = (sg: string): unknown[] =>
    resourcesOf(json, 'aws_vpc_security_group_ingress_rule')
      .filter((r) => String(r.security_group_id).includes(`${sg}_SecurityGroup_`))
      .map((r) => r.referenced_security_group_id ?? r.cidr_ipv4)
      .sort();

  test('snapshot', () => {
    expect(synth).toMatchSnapshot();
  });

  test('Varnish in front of the app: ALB default target -> cache nodes -> internal NLB -> app hosts', () => {
    const httpsListener = resourcesOf(json, 'aws_lb_listener').find((l) => l.port === 443) as { default_action: { target_group_arn: string }[] };
    const defaultTarget = httpsListener.default_action[0].target_group_arn;
    const cacheGroups = groups.filter((g) => String(g.name_prefix).includes('-httpcache-'));
    expect(cacheGroups).toHaveLength(3);
    for (const g of cacheGroups) expect(g.target_group_arns).toEqual([defaultTarget]);
    const app = groups.find((g) => String(g.name_prefix).includes('-appservers-'));
    expect(app?.target_group_arns).toEqual(['${aws_lb_target_group.HttpCache_Backend_TargetGroup_4A2DA001.arn}']);
    expect(synth).toHaveResourceWithProperties(Lb, { load_balancer_type: 'network', internal: true });
    // The app hosts admit only the internal NLB on their web port: nothing reaches them around Varnish.
    expect(ingressOf('AppServers')).toEqual(['${aws_security_group.HttpCache_Backend_SecurityGroup_6A381910.id}']);
    // /admin goes to the admin host directly, as before.
    expect(ingressOf('Admin')).toEqual(['${aws_security_group.LoadBalancer_SecurityGroup_A28D6DD7.id}']);
  });

  test('purge limited to the app networks: VCL acl of the app subnets, security group of the app, admin and ALB only', () => {
    const cacheUserData = localOf(json, 'HttpCache_UserData');
    const acl = /acl invalidators \{\\n([\s\S]*?)\\n\}/.exec(cacheUserData)?.[1] ?? '';
    expect(acl.split('\\n')).toHaveLength(4);
    expect(acl).toContain('\\"127.0.0.1\\";');
    for (const n of [1, 2, 3]) expect(acl).toContain(`data.aws_subnet.HttpCache_AppSubnet${n}_`);
    expect(Object.values(json.data?.aws_subnet ?? {}).map((s) => s.id)).toEqual([1, 2, 3].map((n) => expect.stringContaining(`Network_Zone${n}_AppSubnet`)));
    expect(ingressOf('HttpCache')).toEqual([
      '${aws_security_group.Admin_SecurityGroup_B8BA831C.id}',
      '${aws_security_group.AppServers_SecurityGroup_602856CA.id}',
      '${aws_security_group.LoadBalancer_SecurityGroup_A28D6DD7.id}',
    ]);
    expect(appUserData).toContain(
      'HTTPCACHE_PURGE_SERVER=http://node-1.httpcache.ezplatform-aws.internal:80,http://node-2.httpcache.ezplatform-aws.internal:80,http://node-3.httpcache.ezplatform-aws.internal:80',
    );
  });

  test('Solr reachable only from the app and admin hosts, on its own host with an encrypted, protected data volume', () => {
    expect(ingressOf('SearchService')).toEqual(['${aws_security_group.Admin_SecurityGroup_B8BA831C.id}', '${aws_security_group.AppServers_SecurityGroup_602856CA.id}']);
    expect(resourcesOf(json, 'aws_vpc_security_group_ingress_rule').filter((r) => r.to_port === 8983).every((r) => r.cidr_ipv4 === undefined)).toBe(true);
    expect(resourcesOf(json, 'aws_ebs_volume')).toEqual([expect.objectContaining({ encrypted: true, lifecycle: { prevent_destroy: true } })]);
    expect(appUserData).toContain('SOLR_DSN=http://solr.search.ezplatform-aws.internal:8983/solr');
    // Only the admin host (the setup step) may publish the config set source.
    const adminPolicy = JSON.stringify(json.resource.aws_iam_role_policy.Admin_Role_Grants_BD275B58);
    const appPolicy = JSON.stringify(json.resource.aws_iam_role_policy.AppServers_Role_Grants_F8474F04);
    expect(adminPolicy).toContain('SearchService_ConfigSource');
    expect(appPolicy).not.toContain('SearchService_ConfigSource');
  });

  test('the DFS share (EFS) is mounted at the DFS path on every app and admin host', () => {
    expect(synth).toHaveResourceWithProperties(EfsAccessPoint, { root_directory: expect.objectContaining({ path: '/dfs' }) });
    for (const userData of [appUserData, adminUserData]) {
      expect(userData).toMatch(new RegExp(`efs _netdev,noresvport,tls,iam,accesspoint=\\$\\{aws_efs_access_point\\.Storage_FileSystem_AccessPointDfs_[0-9A-F]+\\.id\\} 0 0`));
      expect(userData).toContain(`mount ${IBEXA_DFS_PATH} || sleep 10`);
      // The web server, PHP-FPM and every unit wait for the share: nothing writes below an empty mount point.
      expect(userData).toContain(`RequiresMountsFor=${IBEXA_DFS_PATH}`);
      expect(userData).toContain(`DFS_NFS_PATH=${IBEXA_DFS_PATH}`);
    }
    expect(ingressOf('Storage')).toEqual(['${aws_security_group.Admin_SecurityGroup_B8BA831C.id}', '${aws_security_group.AppServers_SecurityGroup_602856CA.id}']);
  });

  test('two databases on the same Aurora cluster; the setup step creates the DFS one and never runs ibexa:install', () => {
    expect(resourcesOf(json, 'aws_rds_cluster')).toEqual([expect.objectContaining({ database_name: 'ibexa' })]);
    expect(appUserData).toMatch(/v=\$\(fetch .*@\$\{aws_rds_cluster\.Database_B269D8BB\.endpoint\}:3306\/ibexa\?charset=utf8mb4.*could not read DATABASE_URL/);
    expect(appUserData).toMatch(/v=\$\(fetch .*@\$\{aws_rds_cluster\.Database_B269D8BB\.endpoint\}:3306\/ibexa_dfs\?charset=utf8mb4.*could not read DFS_DATABASE_URL/);
    const setup = bootFiles(adminUserData)['/usr/local/bin/webcluster-ibexa-setup'];
    expect(setup).not.toContain('doctrine:database:create');
    expect(setup).toContain('console doctrine:migrations:migrate --allow-no-migration');
    expect(setup).toContain('console cache:pool:clear cache.redis');
    expect(setup).toContain('console cache:warmup');
    expect(setup).not.toMatch(/^console ibexa:install/m);
    expect(bootFiles(adminUserData)['/etc/webcluster/ibexa-dfs-schema.sql']).toContain('CREATE TABLE IF NOT EXISTS ibexa_dfs_file');
    expect(adminUserData).toContain('ExecStart=/usr/local/bin/webcluster-ibexa-setup');
  });

  test('one scheduler (ibexa:cron:run on the admin host only), Ibexa Messenger workers on the app hosts', () => {
    expect(adminUserData).toContain('ExecStart=/usr/local/bin/webcluster-ibexa-cron');
    expect(appUserData).toContain('"path": "/etc/systemd/system/webcluster-worker@.service"');
    expect(appUserData).not.toContain('"path": "/etc/systemd/system/webcluster-scheduler.service"');
    expect(appUserData).not.toContain('enable --now --no-block webcluster-scheduler');
    expect(bootFiles(adminUserData)['/usr/local/bin/webcluster-ibexa-cron']).toContain('ibexa:cron:run');
    expect(appUserData).toContain('ExecStart=/usr/local/bin/webcluster-ibexa-worker');
    expect(bootFiles(appUserData)['/usr/local/bin/webcluster-ibexa-worker']).toContain('messenger:consume ibexa.messenger.transport --bus=ibexa.messenger.bus --time-limit=300');
  });

  test('nginx sends DFS image requests to index.php before serving files from disk (seed 002)', () => {
    const nginx = bootFiles(appUserData)['/etc/nginx/nginx.conf'];
    const rewrite = nginx.indexOf('rewrite "^/var/([^/]+/)?storage/images(-versioned)?/(.*)" "/index.php" break;');
    expect(rewrite).toBeGreaterThan(0);
    expect(rewrite).toBeLessThan(nginx.indexOf('try_files'));
  });

  test('env contract keys present; secrets only read at boot', () => {
    expect(envFileKeys(appUserData)).toEqual(expect.arrayContaining(PLAIN_CONTRACT));
    for (const key of SECRET_CONTRACT) expect(appUserData).toContain(`printf '%s=%s\\\\n' ${key} `);
    expect(envFileKeys(appUserData)).not.toEqual(expect.arrayContaining(['DATABASE_URL']));
    expect(findSecrets(json, 'ezplatform-aws')).toEqual([]);
  });

  test('Redis: persistence cache (volatile-lru) and sessions apart, never on localhost, over TLS', () => {
    const groupsByClass = resourcesOf(json, 'aws_elasticache_replication_group');
    expect(groupsByClass).toHaveLength(2);
    const params = resourcesOf(json, 'aws_elasticache_parameter_group').map((p) => JSON.stringify(p.parameter));
    expect(params).toEqual(expect.arrayContaining([expect.stringContaining('volatile-lru'), expect.stringContaining('allkeys-lru')]));
    expect(appUserData).toContain('CACHE_POOL=cache.redis');
    expect(appUserData).toContain('CACHE_DSN=rediss://${aws_elasticache_replication_group.Redis_Cache_4FCAFCB6.primary_endpoint_address}:6379/0');
    // ... read as it is by the cache pool each host writes into the release.
    for (const userData of [appUserData, adminUserData]) expect(userData).toContain(`install -m 0644 /etc/webcluster/webcluster_cache_redis_tls.yaml ${IBEXA_CACHE_REDIS_TLS_PATH}`);
    expect(appUserData).toContain('SESSION_SAVE_PATH=tls://${aws_elasticache_replication_group.Redis_Sessions_756ACB0E.primary_endpoint_address}:6379');
    expect(appUserData).toContain('SESSION_HANDLER_ID=Ibexa\\\\\\\\Bundle\\\\\\\\Core\\\\\\\\Session\\\\\\\\Handler\\\\\\\\NativeSessionHandler');
    for (const key of ['CACHE_DSN', 'SESSION_SAVE_PATH']) expect(appUserData).not.toMatch(new RegExp(`${key}=[^\\\\]*(127\\.0\\.0\\.1|localhost)`));
  });
});

/**
 * The DSN Symfony's cache pool gets: its `provider` with `%env(CACHE_DSN)%` filled in. Symfony's
 * RedisTrait takes only `redis:` (plain) and `rediss:` (TLS) DSNs.
 */
function cachePoolDsn(provider: string, cacheDsn: string): { dsn: string; tls: boolean; host: string } {
  const dsn = provider.replace('%env(CACHE_DSN)%', cacheDsn);
  const match = /^(rediss?):\/\/([^/:]+):(\d+)\/(\d+)$/.exec(dsn);
  if (!match) throw new Error(`Symfony would refuse the Redis DSN '${dsn}'`);
  return { dsn, tls: match[1] === 'rediss', host: match[2] };
}

/** `provider` of Ibexa's own config/packages/cache_pool/cache.redis.yaml. */
const IBEXA_STOCK_PROVIDER = 'redis://%env(CACHE_DSN)%';

test('CACHE_DSN works as it is: over TLS with the cache pool the VMs configure (ElastiCache requires TLS), plain with Ibexa\'s own file on Docker', () => {
  const awsConfig = parse(ibexaCacheRedisTlsYaml()) as { services: Record<string, { tags: { name: string; provider: string }[] }> };
  const pool = awsConfig.services['cache.redis'].tags.find((t) => t.name === 'cache.pool');
  expect(pool?.provider).toBe('%env(CACHE_DSN)%');
  const awsValue = EZPLATFORM_APP.environment({ ...ENDPOINTS, redisScheme: 'rediss', redisHosts: { cache: 'cache.example.internal:6379' } }).CACHE_DSN;
  expect(cachePoolDsn(String(pool?.provider), awsValue)).toEqual({ dsn: 'rediss://cache.example.internal:6379/0', tls: true, host: 'cache.example.internal' });
  // Ibexa's stock file with the AWS value would give redis://rediss://..., which Symfony refuses.
  expect(() => cachePoolDsn(IBEXA_STOCK_PROVIDER, awsValue)).toThrow(/would refuse/);
  const dockerValue = EZPLATFORM_APP.environment({ ...ENDPOINTS, redisScheme: 'redis', redisHosts: { cache: 'redis-cache:6379' } }).CACHE_DSN;
  expect(cachePoolDsn(IBEXA_STOCK_PROVIDER, dockerValue)).toEqual({ dsn: 'redis://redis-cache:6379/0', tls: false, host: 'redis-cache' });
});

describe('eZ Platform / Ibexa on Docker (DockerStack)', () => {
  const build = (extra: Partial<DockerStackProps> = {}): { synth: string; json: SynthJson } => {
    const stack = new DockerStack(Testing.app(), 'ezplatform-docker', { profile: EZPLATFORM_CONTAINER_PROFILE, domain: 'ibexa.localhost', adminCidrs: ['203.0.113.0/24'], ...extra });
    const synth = Testing.synth(stack);
    return { synth, json: JSON.parse(synth) as SynthJson };
  };
  const { synth, json } = build();
  const containers = resourcesOf(json, 'docker_container') as unknown as ContainerJson[];
  const byName = (name: string): ContainerJson => containers.find((c) => c.name === name) as ContainerJson;
  const env = (name: string): Record<string, string> => Object.fromEntries((byName(name).env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  const networks = (name: string): string[] => (byName(name).networks_advanced ?? []).map((n) => n.name);
  const appContainers = ['app-1', 'app-2', 'app-worker-1', 'app-worker-2', 'app-scheduler-1', 'app-init', 'admin-1'].map((n) => `ezplatform-docker-${n}`);

  test('snapshot', () => {
    expect(synth).toMatchSnapshot();
  });

  test('the containers: Traefik, Varnish, app replicas, workers, one cron, init, admin, Solr, two Valkeys, MariaDB, MinIO', () => {
    expect(containers.map((c) => c.name.replace('ezplatform-docker-', '')).sort()).toEqual([
      'admin-1',
      'app-1',
      'app-2',
      'app-init',
      'app-scheduler-1',
      'app-worker-1',
      'app-worker-2',
      'backup-db-1',
      'backup-minio-1',
      'backup-redis-1',
      'db-1',
      'fluent-bit-1',
      'fluent-bit-tools',
      'minio-1',
      'minio-init',
      'redis-cache-1',
      'redis-sessions-1',
      'solr-1',
      'traefik-1',
      'traefik-routes',
      'varnish-1',
    ]);
    expect(synth).toContain('"name": "varnish:7.6.1"');
    expect(synth).toContain('"name": "solr:9.7.0"');
    expect(byName('ezplatform-docker-app-scheduler-1').command?.join(' ')).toContain('ibexa:cron:run');
  });

  test('Varnish in front of the app: Traefik routes everything but /admin to Varnish, Varnish reaches the app by name', () => {
    const routes = parse(byName('ezplatform-docker-traefik-routes').upload?.[0].content ?? '').http;
    expect(Object.keys(routes.routers).sort()).toEqual(['admin', 'httpcache']);
    expect(routes.routers.httpcache.rule).toBe('Host(`ibexa.localhost`)');
    expect(routes.services.httpcache.loadBalancer.servers).toEqual([{ url: 'http://${docker_container.HttpCache_Varnish_Container1_15DA9812.name}:6081' }]);
    const vcl = byName('ezplatform-docker-varnish-1').upload?.[0].content ?? '';
    expect(vcl).toContain('new app = dynamic.director(port = "80", ttl = 10s, probe = app_health);');
    expect(vcl).toContain('set req.backend_hint = app.backend("app");');
    expect(vcl).toContain('.url = "/api/ibexa/v2/";');
  });

  test("purge limited to the app's network: the ACL holds that network's subnet, and Traefik is not on it", () => {
    const vcl = byName('ezplatform-docker-varnish-1').upload?.[0].content ?? '';
    const acl = /acl invalidators \{\n([\s\S]*?)\n\}/.exec(vcl)?.[1] ?? '';
    expect(acl.split('\n')).toEqual(['    "127.0.0.1";', expect.stringContaining('data.docker_network.HttpCache_NetworkInfo_E92C300E.ipam_config')]);
    const cacheNetwork = '${docker_network.HttpCache_Network_4158458E.name}';
    expect(networks('ezplatform-docker-traefik-1')).not.toContain(cacheNetwork);
    for (const name of appContainers) expect(networks(name)).toContain(cacheNetwork);
    expect(env('ezplatform-docker-app-1')).toMatchObject({ HTTPCACHE_PURGE_TYPE: 'varnish', HTTPCACHE_PURGE_SERVER: 'http://varnish:6081' });
  });

  test('Solr only on the internal backend network, not published, the app publishes its config source', () => {
    const backend = '${docker_network.Cluster_BackendNetwork_91D09744.name}';
    expect(networks('ezplatform-docker-solr-1')).toEqual([backend]);
    expect(byName('ezplatform-docker-solr-1').ports).toEqual([]);
    expect(synth).toContain('"name": "ezplatform-docker-backend"');
    expect(env('ezplatform-docker-app-1')).toMatchObject({ SEARCH_ENGINE: 'solr', SOLR_DSN: 'http://solr:8983/solr', SOLR_CORE: 'collection1' });
    const init = byName('ezplatform-docker-app-init').command?.[2] ?? '';
    expect(init).toContain('cp -R vendor/ibexa/solr/. "$SOLR_CONFIG_SOURCE_DIR"/');
    expect(byName('ezplatform-docker-app-init').volumes?.map((v) => v.container_path)).toContain('/var/lib/webcluster/solr-source');
  });

  test('the DFS volume is mounted at the DFS path in every app, worker, scheduler, init and admin container', () => {
    for (const name of appContainers) {
      expect(byName(name).volumes).toContainEqual({ container_path: IBEXA_DFS_PATH, read_only: false, volume_name: '${docker_volume.Storage_ShareDfs_F787C8E3.name}' });
      expect(env(name).DFS_NFS_PATH).toBe(IBEXA_DFS_PATH);
    }
    expect(synth).toContain('"name": "ezplatform-docker-share-dfs"');
  });

  test('two databases: MariaDB creates the DFS database at first start for the app user', () => {
    const db = byName('ezplatform-docker-db-1');
    expect(db.upload).toEqual([
      {
        file: '/docker-entrypoint-initdb.d/10-webcluster-databases.sql',
        content: expect.stringContaining("CREATE DATABASE IF NOT EXISTS `ibexa_dfs` CHARACTER SET utf8mb4;\nGRANT ALL PRIVILEGES ON `ibexa_dfs`.* TO 'app'@'%';"),
      },
    ]);
    expect(env('ezplatform-docker-app-1')).toMatchObject({
      DATABASE_URL: 'mysql://app:${urlencode(var.ezplatform_docker_db_password)}@db:3306/ibexa?charset=utf8mb4',
      DFS_DATABASE_URL: 'mysql://app:${urlencode(var.ezplatform_docker_db_password)}@db:3306/ibexa_dfs?charset=utf8mb4',
    });
    const init = byName('ezplatform-docker-app-init').command?.[2] ?? '';
    expect(init).toContain('console dbal:run-sql --connection=dfs "CREATE TABLE IF NOT EXISTS ibexa_dfs_file');
    expect(init).toContain('console doctrine:migrations:migrate --allow-no-migration');
    expect(init).not.toContain('ibexa:install');
  });

  test('env contract keys present in every app container; no literal secret', () => {
    for (const name of appContainers) expect(Object.keys(env(name))).toEqual(expect.arrayContaining([...PLAIN_CONTRACT, ...SECRET_CONTRACT]));
    expect(env('ezplatform-docker-app-1').SESSION_HANDLER_ID).toBe('Ibexa\\Bundle\\Core\\Session\\Handler\\NativeSessionHandler');
    expect(findSecrets(json, 'ezplatform-docker')).toEqual([]);
  });

  test('Redis: persistence cache and sessions on separate Valkeys, never on localhost', () => {
    const app = env('ezplatform-docker-app-1');
    expect(app.CACHE_POOL).toBe('cache.redis');
    expect(app.CACHE_DSN).toBe('redis-cache:6379/0');
    expect(app.SESSION_SAVE_PATH).toBe('tcp://redis-sessions:6379');
    for (const value of [app.CACHE_DSN, app.SESSION_SAVE_PATH]) expect(value).not.toMatch(/127\.0\.0\.1|localhost/);
    expect(byName('ezplatform-docker-redis-cache-1').command).toEqual(expect.arrayContaining(['--maxmemory-policy', 'volatile-lru']));
    expect(byName('ezplatform-docker-redis-sessions-1').command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
  });

  test('on Swarm the DFS volume is refused (a named volume lives on one node)', () => {
    expect(() => build({ mode: 'swarm' })).toThrow(/posixShares: got \['dfs'\] on a swarm runtime; allowed: POSIX shares on a standalone engine only/);
  });
});
