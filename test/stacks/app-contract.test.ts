/**
 * The app contract (stacks/app-contract.ts): the order each backend merges the app's environment in,
 * the database URLs, the default-target tier rule, the client loop and the contract's outputs; and,
 * through both stacks, that the order table is the one they build with.
 */
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { ListenerCertificate } from '../../constructs/aws/load-balancer';
import type { IConnectable, IConnections } from '../../constructs/core/connections';
import type { IPeer } from '../../constructs/core/peer';
import type { Port } from '../../constructs/core/port';
import type { IBucket, IDatabaseCluster, IRedisCluster, ISharedStorage, RedisDataClass } from '../../constructs/core/roles';
import {
  addAppContractOutputs,
  type AppClient,
  connectClients,
  CONTRACT_ORDER,
  databaseUrls,
  dataStoreEndpoints,
  defaultTargetRule,
  defaultTargetTier,
  fillDatabaseUrl,
  mergeParts,
  secretReferences,
} from '../../stacks/app-contract';
import { AwsVmStack } from '../../stacks/aws-vm-stack';
import { DockerStack } from '../../stacks/docker-stack';
import type { AwsTier, VmAppProfile } from '../../stacks/aws/vm-profile';
import { SHOPWARE_VM_PROFILE } from '../../stacks/aws/profiles/shopware';
import type { ContainerAppProfile, DockerTier } from '../../stacks/docker/container-profile';
import { SHOPWARE_CONTAINER_PROFILE } from '../../stacks/docker/profiles/shopware';
import type { ClusterEndpoints } from '../../stacks/profiles/app-profile';
import { synthJson } from '../util';

const ENDPOINTS: ClusterEndpoints = {
  siteUrl: 'https://shop.example.com',
  trustedProxyCidr: '10.0.0.0/16',
  redisScheme: 'redis',
  redisUrls: {},
  redisHosts: {},
  database: { writerHost: 'writer', readerHost: 'reader', name: 'shop' },
  bucketNames: {},
  region: 'eu-central-1',
  publicFilesUrl: 'https://files.example.com',
};

/** Overlapping parts: every variable set by two parts shows which part wins and which keeps the place. */
const PARTS: { profile: Record<string, string>; runtime: Record<string, string>; tiers: Record<string, string>[]; databaseUrls: Record<string, string> } = {
  profile: { A: 'profile', B: 'profile' },
  runtime: { B: 'runtime', C: 'runtime' },
  tiers: [
    { C: 'tier1', D: 'tier1' },
    { A: 'tier2', E: 'tier2' },
  ],
  databaseUrls: { D: 'db', F: 'db' },
};

describe('mergeParts, in each backend order', () => {
  test('AWS: profile, runtime, then the tiers in order; a later part wins, a variable keeps its first place', () => {
    const merged = mergeParts(CONTRACT_ORDER.aws.environment, { profile: PARTS.profile, runtime: PARTS.runtime, tiers: PARTS.tiers });
    expect(Object.entries(merged)).toEqual([
      ['A', 'tier2'],
      ['B', 'runtime'],
      ['C', 'tier1'],
      ['D', 'tier1'],
      ['E', 'tier2'],
    ]);
  });

  test('Docker: the tiers first, then profile, runtime and the database URLs, which win over all', () => {
    const merged = mergeParts(CONTRACT_ORDER.docker.environment, PARTS);
    expect(Object.entries(merged)).toEqual([
      ['C', 'runtime'],
      ['D', 'db'],
      ['A', 'profile'],
      ['E', 'tier2'],
      ['B', 'runtime'],
      ['F', 'db'],
    ]);
  });

  test('the secret environment: AWS ends with the app secret after the database URLs, Docker with the storage keys after the app secret', () => {
    const tiers = [{ X: 'tier', APP_SECRET: 'tier' }];
    const aws = mergeParts(CONTRACT_ORDER.aws.secretEnvironment, { tiers, databaseUrls: { DATABASE_URL: 'db' }, appSecret: { APP_SECRET: 'app' } });
    const docker = mergeParts(CONTRACT_ORDER.docker.secretEnvironment, { tiers, appSecret: { APP_SECRET: 'app' }, storageCredentials: { AWS_ACCESS_KEY_ID: 'key' } });
    expect(Object.entries(aws)).toEqual([
      ['X', 'tier'],
      ['APP_SECRET', 'app'],
      ['DATABASE_URL', 'db'],
    ]);
    expect(Object.entries(docker)).toEqual([
      ['X', 'tier'],
      ['APP_SECRET', 'app'],
      ['AWS_ACCESS_KEY_ID', 'key'],
    ]);
  });

  test('no parts, no variables', () => {
    expect(mergeParts(CONTRACT_ORDER.aws.environment, { profile: {}, runtime: {}, tiers: [] })).toEqual({});
  });
});

describe('databaseUrls', () => {
  const profile = {
    redisDataClasses: [] as RedisDataClass[],
    appSecretVariable: 'APP_SECRET',
    database: {
      name: 'shop',
      parameters: {},
      urlTemplates: (e: ClusterEndpoints) => ({ DATABASE_URL: `mysql://{username}:{password}@${e.database?.writerHost}/shop`, REPLICA_URL: `mysql://{username}:{password}@${e.database?.readerHost}/shop` }),
    },
  };

  test('each template, made a value by fill, under its variable', () => {
    expect(databaseUrls(profile, ENDPOINTS, (template) => ({ template }))).toEqual({
      DATABASE_URL: { template: 'mysql://{username}:{password}@writer/shop' },
      REPLICA_URL: { template: 'mysql://{username}:{password}@reader/shop' },
    });
  });

  test('none when the profile has no database', () => {
    expect(databaseUrls({ ...profile, database: undefined }, ENDPOINTS, (t) => t)).toEqual({});
  });

  test('none when the endpoints have no database', () => {
    expect(databaseUrls(profile, { ...ENDPOINTS, database: undefined }, (t) => t)).toEqual({});
  });

  test('fillDatabaseUrl fills the first {username} and {password}', () => {
    expect(fillDatabaseUrl('mysql://{username}:{password}@db/{username}', 'app', 'p%40ss')).toBe('mysql://app:p%40ss@db/{username}');
  });
});

describe('dataStoreEndpoints', () => {
  const endpoint = (c: string) => ({ hostname: `${c}.redis`, port: 6379 });
  const redis = { dataClasses: ['cache', 'queue'], endpoint, url: (c: RedisDataClass) => `redis://${c}.redis:6379` } as unknown as IRedisCluster;
  const buckets: IBucket[] = [{ id: 'public', bucketName: 'shop-public', folders: [], publicRead: true }];
  const storage = { buckets } as unknown as ISharedStorage;
  const database = { writerEndpoint: { hostname: 'w', port: 3306 }, readerEndpoint: { hostname: 'r', port: 3306 }, databaseName: 'shop' } as unknown as IDatabaseCluster;
  const profile = { redisDataClasses: ['cache', 'queue'] as RedisDataClass[], appSecretVariable: 'APP_SECRET' };

  test('Redis URL and host:port of each class the profile asks for, the database hosts, the bucket names', () => {
    expect(dataStoreEndpoints(profile, { redis, database, storage })).toEqual({
      redisUrls: { cache: 'redis://cache.redis:6379', queue: 'redis://queue.redis:6379' },
      redisHosts: { cache: 'cache.redis:6379', queue: 'queue.redis:6379' },
      database: { writerHost: 'w', readerHost: 'r', name: 'shop' },
      bucketNames: { public: 'shop-public' },
    });
  });

  test('no database endpoints without a database', () => {
    expect(dataStoreEndpoints(profile, { redis, storage }).database).toBeUndefined();
  });
});

describe('the default-target tier', () => {
  const cache = { name: 'varnish', defaultTargetHealthCheckPath: '/varnish-health' };
  const search = { name: 'solr' };

  test('defaultTargetTier is the first tier that declares the health path', () => {
    expect(defaultTargetTier([search, cache])).toBe(cache);
    expect(defaultTargetTier([search])).toBeUndefined();
  });

  test('passes when no tier takes the target, or the one declaring its health path does', () => {
    expect(defaultTargetRule([search], [false], 'appTarget').failed).toBe(false);
    expect(defaultTargetRule([search, cache], [false, true], 'appTarget').failed).toBe(false);
  });

  test('fails when a tier takes the target without declaring its health path', () => {
    const rule = defaultTargetRule([search, cache], [true, false], 'appTarget');
    expect(rule.failed).toBe(true);
    expect(rule.message()).toMatch(/^profile.tiers: got \[solr\] taking the load balancer's default target \(appTarget\) and \[varnish\] declaring .*; fix: set defaultTargetHealthCheckPath on the tier that returns appTarget/);
  });

  test('fails when two tiers take the target', () => {
    const other = { ...cache, name: 'other' };
    expect(defaultTargetRule([cache, other], [true, true], 'appTarget').message()).toMatch(/got \[varnish, other\] taking .* and \[varnish, other\] declaring/);
  });
});

describe('connectClients', () => {
  /** A store that records who it was opened to. */
  function recordingStore(name: string, log: string[]): IConnectable {
    const connections: IConnections = {
      allowFrom: (_o: IConnectable | IPeer, _p: Port, _d: string) => undefined,
      allowTo: (_o: IConnectable | IPeer, _p: Port, _d: string) => undefined,
      allowDefaultPortFrom: (other, description) => {
        log.push(`${name} <- ${(other as AppClient).node.id} (${description ?? 'no description'})`);
      },
    };
    return { connections };
  }
  const clients = (): AppClient[] => {
    const root = Testing.app();
    return ['App', 'Admin'].map((id) => Object.assign(new Construct(root, id), { connections: {} as IConnections }));
  };

  test('client by client, step by step: network access with its description, grants, skipped stores', () => {
    const log: string[] = [];
    connectClients(clients(), [
      { store: recordingStore('redis', log), label: 'Redis' },
      { store: undefined, label: 'NFS' },
      { grant: (c) => log.push(`grant ${c.node.id}`) },
      { store: recordingStore('db', log) },
    ]);
    expect(log).toEqual([
      'redis <- App (Redis from App)',
      'grant App',
      'db <- App (no description)',
      'redis <- Admin (Redis from Admin)',
      'grant Admin',
      'db <- Admin (no description)',
    ]);
  });
});

describe('the contract outputs', () => {
  const synth = (sensitive: boolean) => {
    const stack = new TerraformStack(Testing.app(), 'test');
    addAppContractOutputs(stack, {
      environment: { APP_ENV: 'prod' },
      secretEnvironment: secretReferences({ APP_SECRET: { arn: 'arn:secret' } }, (s) => s.arn),
      environmentDescription: 'env',
      secretEnvironmentDescription: 'secrets',
      sensitive,
    });
    return synthJson(stack).output ?? {};
  };

  test('app_environment and app_secret_environment, the secrets as references', () => {
    expect(synth(false)).toEqual({
      app_environment: { value: { APP_ENV: 'prod' }, description: 'env' },
      app_secret_environment: { value: { APP_SECRET: 'arn:secret' }, description: 'secrets' },
    });
  });

  test('both sensitive when asked', () => {
    const outputs = synth(true);
    expect([outputs.app_environment.sensitive, outputs.app_secret_environment.sensitive]).toEqual([true, true]);
  });
});

describe('both stacks build with CONTRACT_ORDER (which part wins; the outputs list variables sorted)', () => {
  // A tier that sets a variable of the profile (APP_ENV), a database URL variable and one of its own.
  const variables = { APP_ENV: 'tier', DATABASE_URL: 'tier', TIER_ONLY: 'tier' };
  const awsTier: AwsTier = { name: 'probe', aws: () => ({ environment: variables, secretEnvironment: {}, connect: () => undefined }) };
  const dockerTier: DockerTier = { name: 'probe', docker: () => ({ environment: variables, secrets: {}, dependsOn: [], connect: () => undefined }) };
  const vmProfile: VmAppProfile = { ...SHOPWARE_VM_PROFILE, tiers: [awsTier] };
  const containerProfile: ContainerAppProfile = { ...SHOPWARE_CONTAINER_PROFILE, tiers: [dockerTier] };
  const environmentOf = (stack: TerraformStack) => synthJson(stack).output?.app_environment.value as Record<string, string>;

  test('AWS: the tier comes after the profile and wins; the database URLs are secret, not in the plain environment', () => {
    const stack = new AwsVmStack(Testing.app(), 'contract-aws', {
      profile: vmProfile,
      region: 'eu-central-1',
      domain: 'shop.example.com',
      certificate: ListenerCertificate.fromArn('arn:aws:acm:eu-central-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666'),
    });
    const environment = environmentOf(stack);
    expect([environment.APP_ENV, environment.DATABASE_URL, environment.TIER_ONLY]).toEqual(['tier', 'tier', 'tier']);
    expect(environment.APP_URL).toBe('https://shop.example.com');
  });

  test('Docker: the tier comes first, so the profile and the filled database URLs win over it', () => {
    const stack = new DockerStack(Testing.app(), 'contract-docker', { profile: containerProfile, domain: 'shop.example.com' });
    const environment = environmentOf(stack);
    expect([environment.APP_ENV, environment.TIER_ONLY]).toEqual(['prod', 'tier']);
    expect(environment.DATABASE_URL).toMatch(/^mysql:\/\/app:\$\{urlencode\(var\.contract_docker_db_password\)\}@/);
  });
});
