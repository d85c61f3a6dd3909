import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { ConfigError } from '../../config/errors';
import { CONFIG_ENV_VAR, loadConfig, loadConfigFile, parseConfig } from '../../config/load';
import { problemsOf as problemsOfText, withoutLine } from './problems';
import type { AwsEnvironmentConfig, WebclusterConfig } from '../../config/schema';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const FILE = 'webcluster.yaml';
const ENV = 'webcluster.yaml: environments[0]';
const ENV_KEYS =
  'name, app, backend, region, availabilityZones, zoneNames, vpcCidr, natGateways, domain, certificate, ingressCidrs, adminCidrs, ' +
  'sshCidrs, sizes, workers, logRetentionDays, cdn, encryptionKey, allowDestroy, stateBackend, split, tags, policy';

/** The first environment, which these tests expect on AWS. */
function awsEnvOf(config: WebclusterConfig): AwsEnvironmentConfig {
  const env = config.environments[0];
  if (env.backend !== 'aws') throw new Error(`expected an aws environment, got ${env.backend}`);
  return env;
}

/** The smallest valid AWS environment. */
function minimalEnv(): Record<string, unknown> {
  return {
    name: 'shop-dev',
    app: 'shopware',
    backend: 'aws',
    region: 'eu-central-1',
    domain: 'shop.example.com',
    certificate: { hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
  };
}

/** YAML text of one environment: the minimal one with `overrides` applied (undefined removes a key). */
function configWith(overrides: Record<string, unknown>): string {
  const env: Record<string, unknown> = { ...minimalEnv(), ...overrides };
  for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete env[k];
  return stringify({ environments: [env] });
}

/** The problems `parseConfig` reports for `text`, each checked for its line number and then without it. */
function problemsOf(text: string): string[] {
  return problemsOfText(text, FILE);
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

let tmp: string;
const savedEnv = process.env[CONFIG_ENV_VAR];

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-config-'));
  delete process.env[CONFIG_ENV_VAR];
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  if (savedEnv === undefined) delete process.env[CONFIG_ENV_VAR];
  else process.env[CONFIG_ENV_VAR] = savedEnv;
  jest.restoreAllMocks();
});

describe('loading', () => {
  test('the default webcluster.yaml loads with defaults applied', () => {
    // GIVEN the repository root as working directory and no WEBCLUSTER_CONFIG
    jest.spyOn(process, 'cwd').mockReturnValue(REPO_ROOT);
    // WHEN
    const config = loadConfig();
    // THEN
    expect(config.environments.map((e) => `${e.name}:${e.backend}`)).toEqual([
      'shopware-aws:aws',
      'shopware-docker:docker',
      'shopware-swarm:docker',
      'steedos-aws:aws',
      'steedos-docker:docker',
      'ezplatform-aws:aws',
      'ezplatform-docker:docker',
    ]);
    const env = awsEnvOf(config);
    expect(env).toMatchObject({
      name: 'shopware-aws',
      app: 'shopware',
      backend: 'aws',
      region: 'eu-central-1',
      availabilityZones: 3,
      zoneNames: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'],
      vpcCidr: '10.0.0.0/16',
      natGateways: 'per-az',
      domain: 'shop.example.com',
      certificate: { hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
      ingressCidrs: ['0.0.0.0/0'],
      adminCidrs: ['203.0.113.0/24'],
      sshCidrs: [],
      workers: 2,
      logRetentionDays: 365,
      cdn: true,
      allowDestroy: false,
      stateBackend: { type: 'local' },
    });
    expect(env.sizes).toEqual({
      app: { instanceType: 'm7i.large', min: 2, max: 6 },
      admin: { instanceType: 't3.medium' },
      database: { instanceClass: 'db.r7g.large', readers: 1 },
      redis: { nodeType: 'cache.r7g.large', replicas: 1 },
    });
    expect(env.tags).toMatchObject({ project: 'webcluster', owner: expect.any(String) });
    expect(config.environments[1]).toMatchObject({
      docker: { host: 'unix:///var/run/docker.sock', mode: 'standalone', listenAddress: '0.0.0.0', httpPort: 80, debugPorts: false, endpointMode: 'vip' },
      replicas: { app: 2 },
      database: { replica: false },
      images: {},
    });
    expect(config.environments[2]).toMatchObject({ docker: { mode: 'swarm' }, replicas: { app: 3 } });
  });

  test('loadConfigFile names the file relative to the working directory', () => {
    jest.spyOn(process, 'cwd').mockReturnValue(REPO_ROOT);
    expect(loadConfigFile().fileLabel).toBe('webcluster.yaml');
  });

  test('a minimal environment gets every default', () => {
    const env = awsEnvOf(parseConfig(configWith({}), FILE));
    expect(env.availabilityZones).toBe(3);
    expect(env.zoneNames).toEqual(['eu-central-1a', 'eu-central-1b', 'eu-central-1c']);
    expect(env.tags).toEqual({});
    expect(env.adminCidrs).toEqual([]);
    expect(env.sizes.app.desired).toBeUndefined();
  });

  test('WEBCLUSTER_CONFIG overrides the default file, an explicit path overrides both', () => {
    // GIVEN
    const fromEnv = path.join(tmp, 'from-env.yaml');
    fs.writeFileSync(fromEnv, configWith({ name: 'from-env' }));
    const explicit = path.join(tmp, 'explicit.yaml');
    fs.writeFileSync(explicit, configWith({ name: 'explicit' }));
    process.env[CONFIG_ENV_VAR] = fromEnv;
    // THEN
    expect(loadConfig().environments[0].name).toBe('from-env');
    expect(loadConfig(explicit).environments[0].name).toBe('explicit');
  });

  test('a missing file is one clear line', () => {
    const missing = path.join(tmp, 'nope.yaml');
    const err = errorOf(() => loadConfig(missing));
    expect(err.problems).toEqual([
      `${missing}: got nothing (no such file); allowed: a readable YAML file; fix: create it (start from webcluster.yaml in the repository root), ` +
        'or pass another path / set WEBCLUSTER_CONFIG to an existing file',
    ]);
  });

  test('a missing file named by WEBCLUSTER_CONFIG is reported under that name', () => {
    process.env[CONFIG_ENV_VAR] = path.join(tmp, 'gone.yaml');
    expect(errorOf(() => loadConfig()).problems).toEqual([expect.stringMatching(/gone\.yaml: got nothing \(no such file\); allowed: .*; fix: /)]);
  });

  test('a YAML syntax error gives line and column', () => {
    const file = path.join(tmp, 'bad.yaml');
    fs.writeFileSync(file, 'environments:\n  - name: shop\n   app: shopware\n');
    expect(errorOf(() => loadConfig(file)).problems).toEqual([
      `${file}:3:1: got invalid YAML (Sequence item without - indicator); allowed: YAML syntax; fix: add the missing character, or align the line with the lines above it`,
    ]);
  });

  test('a cascade of YAML syntax errors: one line, for the first, with the count of the others', () => {
    // One bad indent under a long list makes the parser report many errors.
    const text = ['environments:', '  - name: shop', '   app: shopware', ...Array.from({ length: 20 }, (_, i) => `     key${i}: [unclosed`), ''].join('\n');
    const problems = errorOf(() => parseConfig(text, FILE)).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^webcluster\.yaml:3:1: got invalid YAML \(.+\); allowed: YAML syntax; fix: .+ \(\d+ more syntax errors after it, most likely caused by this one: run again once it is fixed\)$/);
  });

  test('a duplicate YAML key gives line and column', () => {
    expect(errorOf(() => parseConfig('environments: []\nenvironments: []\n', FILE)).problems).toEqual([
      'webcluster.yaml:2:1: got invalid YAML (Map keys must be unique); allowed: YAML syntax; fix: remove or rename the repeated key',
    ]);
  });

  test('an empty file', () => {
    expect(problemsOf('# nothing here\n')).toEqual([
      "webcluster.yaml: (top level): got nothing; allowed: a mapping with the key 'environments' (a list of environments); " +
        "fix: add an 'environments' list (start from webcluster.yaml in the repository root)",
    ]);
  });

  test('zoneNames alone set the zone count', () => {
    const env = awsEnvOf(parseConfig(configWith({ zoneNames: ['eu-central-1a', 'eu-central-1c'] }), FILE));
    expect(env.availabilityZones).toBe(2);
    expect(env.zoneNames).toEqual(['eu-central-1a', 'eu-central-1c']);
  });

  test('the S3 state key defaults to <name>/terraform.tfstate', () => {
    const env = awsEnvOf(parseConfig(configWith({ stateBackend: { type: 's3', bucket: 'my-state', region: 'eu-west-1' } }), FILE));
    expect(env.stateBackend).toEqual({ type: 's3', bucket: 'my-state', key: 'shop-dev/terraform.tfstate', region: 'eu-west-1', encrypt: true, useLockfile: true });
  });
});

describe('malformed configurations: one exact line each', () => {
  const cases: Array<[string, string, string]> = [
    [
      'wrong type',
      configWith({ workers: 'two' }),
      `${ENV}.workers: got "two"; allowed: an integer from 1 to 16; fix: set workers to the number of queue-worker processes per app server (default 2)`,
    ],
    [
      'unknown key, with the allowed keys and a suggestion',
      configWith({ zonenames: ['eu-central-1a', 'eu-central-1b'] }),
      `${ENV}.zonenames: got ["eu-central-1a","eu-central-1b"]; allowed: the keys of environments[0]: ${ENV_KEYS}; fix: rename 'zonenames' to 'zoneNames'`,
    ],
    [
      'unknown nested key',
      configWith({ sizes: { app: { minimum: 3 } } }),
      `${ENV}.sizes.app.minimum: got 3; allowed: the keys of environments[0].sizes.app: instanceType, min, max, desired; fix: rename 'minimum' to 'min'`,
    ],
    [
      'missing required field',
      configWith({ region: undefined }),
      `${ENV}.region: got nothing; allowed: an AWS region name such as eu-central-1; fix: add 'region': use a region name such as eu-central-1 or us-east-1`,
    ],
    [
      'one availability zone',
      configWith({ availabilityZones: 1 }),
      `${ENV}.availabilityZones: got 1; allowed: an integer from 2 to 6 (the number of zones); fix: use 2 to 6 zones; 3 is the default`,
    ],
    [
      'zero redis replicas',
      configWith({ sizes: { redis: { replicas: 0 } } }),
      `${ENV}.sizes.redis.replicas: got 0; allowed: an integer from 1 to 5; fix: set replicas to 1 or more (a replica takes over when the primary fails)`,
    ],
    [
      'a CIDR with host bits set',
      configWith({ ingressCidrs: ['10.1.2.3/16'] }),
      `${ENV}.ingressCidrs[0]: got "10.1.2.3/16"; allowed: an IPv4 CIDR block with zero host bits, e.g. 203.0.113.0/24; fix: use '10.1.0.0/16'`,
    ],
    [
      'not a CIDR at all',
      configWith({ adminCidrs: ['office'] }),
      `${ENV}.adminCidrs[0]: got "office"; allowed: an IPv4 CIDR block with zero host bits, e.g. 203.0.113.0/24; ` +
        "fix: write address/prefix, e.g. '203.0.113.0/24' or '198.51.100.7/32'",
    ],
    [
      'admin open to the world',
      configWith({ adminCidrs: ['0.0.0.0/0'] }),
      `${ENV}.adminCidrs[0]: got "0.0.0.0/0"; allowed: specific blocks, not 0.0.0.0/0 (the admin area must not be reachable from the whole internet); ` +
        'fix: list your office or VPN ranges, e.g. 203.0.113.0/24, or leave adminCidrs empty',
    ],
    [
      'SSH from a /8',
      configWith({ sshCidrs: ['10.0.0.0/8'] }),
      `${ENV}.sshCidrs[0]: got "10.0.0.0/8"; allowed: blocks with prefix /16 or longer (at most 65,536 addresses); ` +
        "fix: list the office or VPN block you connect from, e.g. '203.0.113.0/24'",
    ],
    [
      'SSH open to the world',
      configWith({ sshCidrs: ['0.0.0.0/0'] }),
      `${ENV}.sshCidrs[0]: got "0.0.0.0/0"; allowed: specific blocks, not 0.0.0.0/0 (SSH must never be open to the whole internet); ` +
        "fix: list the office or VPN block you connect from, e.g. '203.0.113.0/24'",
    ],
    [
      'unknown app',
      configWith({ app: 'magento' }),
      `${ENV}.app: got "magento"; allowed: 'shopware', 'ezplatform' (alias 'ibexa') or 'steedos'; fix: set app to one of the allowed names`,
    ],
    [
      'unknown backend',
      configWith({ backend: 'gcp' }),
      `${ENV}.backend: got "gcp"; allowed: one of 'aws', 'docker'; fix: set backend to 'aws' or 'docker'`,
    ],
    ['missing backend', configWith({ backend: undefined }), `${ENV}.backend: got nothing; allowed: one of 'aws', 'docker'; fix: set backend to 'aws' or 'docker'`],
    [
      'min above max',
      configWith({ sizes: { app: { min: 8, max: 4 } } }),
      `${ENV}.sizes.app.min: got 8; allowed: at most sizes.app.max (4); fix: lower min to 4 or less, or raise max to 8 or more`,
    ],
    [
      'min above the default max',
      configWith({ sizes: { app: { min: 8 } } }),
      `${ENV}.sizes.app.min: got 8; allowed: at most sizes.app.max (6); fix: lower min to 6 or less, or raise max to 8 or more`,
    ],
    [
      'desired outside min..max',
      configWith({ sizes: { app: { min: 2, max: 4, desired: 5 } } }),
      `${ENV}.sizes.app.desired: got 5; allowed: between min (2) and max (4); fix: set desired within min..max, or remove it`,
    ],
    [
      'duplicate environment names',
      stringify({ environments: [minimalEnv(), minimalEnv()] }),
      'webcluster.yaml: environments[1].name: got "shop-dev"; allowed: a name no other environment uses (environments[0] is already named \'shop-dev\'); ' +
        'fix: rename one of them; the name becomes the stack name and prefixes resource names',
    ],
    [
      'bad region',
      configWith({ region: 'Frankfurt' }),
      `${ENV}.region: got "Frankfurt"; allowed: an AWS region name such as eu-central-1; fix: use a region name such as eu-central-1 or us-east-1`,
    ],
    [
      'bad certificate ARN',
      configWith({ certificate: { arn: 'arn:aws:acm:eu-central-1:123:certificate/x' } }),
      `${ENV}.certificate.arn: got "arn:aws:acm:eu-central-1:123:certificate/x"; ` +
        'allowed: an ACM certificate ARN such as arn:aws:acm:eu-central-1:123456789012:certificate/0a1b2c3d-...; ' +
        'fix: copy the ARN of an issued certificate from the ACM console (same region as the environment)',
    ],
    [
      'certificate of another region',
      configWith({ certificate: { arn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b-2c3d' } }),
      `${ENV}.certificate.arn: got "arn:aws:acm:us-east-1:123456789012:certificate/0a1b-2c3d"; ` +
        "allowed: a certificate in the environment's region eu-central-1 (the load balancer can only use certificates of its own region); " +
        'fix: request or import the certificate in eu-central-1, or use hostedZoneId to have one created',
    ],
    [
      'certificate with both forms',
      configWith({ certificate: { arn: 'x', hostedZoneId: 'Z1' } }),
      `${ENV}.certificate: got {"arn":"x","hostedZoneId":"Z1"}; allowed: exactly one of {arn: <ACM certificate ARN>} or {hostedZoneId: <Route 53 zone id>}; ` +
        'fix: give arn for an existing certificate, or hostedZoneId to create a DNS-validated certificate for domain',
    ],
    [
      'bad retention value',
      configWith({ logRetentionDays: 100 }),
      `${ENV}.logRetentionDays: got 100; allowed: one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653; ` +
        'fix: use one of the retention periods CloudWatch Logs supports, e.g. 365 or 731',
    ],
    [
      'VPC block too small',
      configWith({ vpcCidr: '10.0.0.0/24' }),
      `${ENV}.vpcCidr: got "10.0.0.0/24"; allowed: an IPv4 block with prefix /16 to /18 and zero host bits; fix: use e.g. '10.0.0.0/16'`,
    ],
    [
      'unknown state backend type',
      configWith({ stateBackend: { type: 'consul' } }),
      `${ENV}.stateBackend.type: got "consul"; allowed: one of 'local', 's3'; ` +
        "fix: set type to 'local' (state file in the project directory) or 's3' (shared state in an S3 bucket, with bucket and region)",
    ],
    [
      'unquoted number as tag value',
      configWith({ tags: { year: 2024 } }),
      `${ENV}.tags.year: got 2024; allowed: a tag value: a string of at most 256 characters; fix: quote the value ('2024'), YAML reads it unquoted as a number`,
    ],
    [
      'environment name with capitals',
      configWith({ name: 'Shop_Prod' }),
      `${ENV}.name: got "Shop_Prod"; allowed: lowercase letters, digits and hyphens, starting with a letter, 2 to 31 characters; ` +
        "fix: use a short lowercase name such as 'shopware-prod'; it names the stack and prefixes resource names",
    ],
    [
      'boolean given as a string',
      configWith({ cdn: 'yes' }),
      `${ENV}.cdn: got "yes"; allowed: true or false; fix: use true (serve public files through CloudFront) or false, without quotes`,
    ],
    [
      'environments not a list',
      stringify({ environments: { shop: minimalEnv() } }),
      "webcluster.yaml: environments: got {\"shop\":{\"name\":\"shop-dev\",\"app\":\"shopware\",\"backend\":\"aw...; allowed: a list of at least one environment; fix: write it as a list (lines starting with '- ', or [a, b])",
    ],
    [
      'no environments',
      'environments: []\n',
      "webcluster.yaml: environments: got []; allowed: a list of at least one environment; fix: add at least one environment under 'environments:' (see webcluster.yaml in the repository root)",
    ],
    [
      'unknown top-level key',
      `${configWith({})}defaults: {}\n`,
      "webcluster.yaml: defaults: got {}; allowed: the keys of the top level: environments; fix: remove 'defaults' (unknown keys are not ignored)",
    ],
  ];

  test.each(cases)('%s', (_name, text, expected) => {
    expect(problemsOf(text)).toEqual([expected]);
  });

  test('zone names of another region, too many and repeated', () => {
    expect(problemsOf(configWith({ availabilityZones: 2, zoneNames: ['eu-west-1a', 'eu-central-1b', 'eu-central-1b'] }))).toEqual([
      `${ENV}.zoneNames[2]: got "eu-central-1b"; allowed: each entry once (already listed at index 1); fix: remove the duplicate entry at index 2`,
      `${ENV}.zoneNames: got ["eu-west-1a","eu-central-1b","eu-central-1b"]; allowed: exactly availabilityZones (2) zone names; ` +
        'fix: list 2 zones, or set availabilityZones to 3 (or remove it: it follows zoneNames)',
      `${ENV}.zoneNames[0]: got "eu-west-1a"; allowed: a zone of region eu-central-1 (eu-central-1a, eu-central-1b, ...); fix: use zone names that start with 'eu-central-1'`,
    ]);
  });

  test('an S3 state backend without bucket and region names both', () => {
    expect(problemsOf(configWith({ stateBackend: { type: 's3' } }))).toEqual([
      `${ENV}.stateBackend.bucket: got nothing; allowed: an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens); ` +
        "fix: add 'bucket': set bucket to the existing state bucket, e.g. my-org-terraform-state",
      `${ENV}.stateBackend.region: got nothing; allowed: the AWS region of the state bucket, e.g. eu-central-1; fix: add 'region': set region to the region the state bucket lives in`,
    ]);
  });

  test('long values are cut to 60 characters', () => {
    const [line] = problemsOf(configWith({ tags: { note: 'x'.repeat(300) } }));
    const got = /: got (.*?); allowed: /.exec(line)?.[1] ?? '';
    expect(got).toHaveLength(60);
    expect(got).toBe(`"${'x'.repeat(56)}...`);
  });
});

describe('problems point at the line of their field', () => {
  // Written by hand: comments, blank lines, flow and block styles, two environments.
  const text = [
    '# yaml-language-server: $schema=./webcluster.schema.json',
    'environments:',
    '  - name: shop-dev',
    '    app: shopware',
    '',
    '    # where it runs',
    '    backend: aws',
    '    region: eu-central-1',
    '    domain: shop.example.com',
    '    certificate: { hostedZoneId: Z0123456789ABCDEFGHIJ }',
    '    sizes:',
    '      app: { min: 0 }',
    '  - name: shop-local',
    '    app: shopware',
    '    backend: docker',
    '    domain: shop.localhost',
    '    docker:',
    '      mode: kube',
    '    images:',
    '      - nginx',
    '',
  ].join('\n');

  test('a value at its key, a missing field at the mapping it belongs in, a list item at its entry', () => {
    expect(errorOf(() => parseConfig(text, FILE)).problems.map((p) => p.split(': got ')[0])).toEqual([
      'webcluster.yaml:12: environments[0].sizes.app.min',
      'webcluster.yaml:18: environments[1].docker.mode',
      'webcluster.yaml:19: environments[1].images',
    ]);
    const missing = errorOf(() => parseConfig(text.replace('    region: eu-central-1\n', ''), FILE)).problems[0];
    expect(missing).toMatch(/^webcluster\.yaml:3: environments\[0\]\.region: got nothing;/);
  });
});

describe('several problems', () => {
  const text = configWith({
    name: 'X',
    region: 'mars-1',
    availabilityZones: 9,
    adminCidrs: ['0.0.0.0/0'],
    sizes: { database: { readers: 20, engine: 'mysql' } },
    extra: true,
  });

  test('are all reported, one line each, in the message too', () => {
    const err = errorOf(() => parseConfig(text, FILE));
    // Each at the line of its field in the text configWith writes (a list item at its own line).
    expect(err.problems.map((p) => p.split(': got ')[0])).toEqual([
      'webcluster.yaml:2: environments[0].name',
      'webcluster.yaml:5: environments[0].region',
      'webcluster.yaml:9: environments[0].availabilityZones',
      'webcluster.yaml:11: environments[0].adminCidrs[0]',
      'webcluster.yaml:14: environments[0].sizes.database.readers',
      'webcluster.yaml:15: environments[0].sizes.database.engine',
      'webcluster.yaml:16: environments[0].extra',
    ]);
    expect(err.message).toBe(err.problems.join('\n'));
    for (const line of err.problems) {
      expect(line).not.toContain('\n');
      expect(line).toMatch(/^webcluster\.yaml:\d+: \S+: got .+; allowed: .+; fix: .+$/);
    }
  });

  test('readers out of range is reported next to the unknown key of the same object', () => {
    const err = errorOf(() => parseConfig(configWith({ sizes: { database: { readers: 20, engine: 'mysql' } } }), FILE));
    expect(err.problems.map((p) => withoutLine(p, FILE))).toEqual([
      `${ENV}.sizes.database.readers: got 20; allowed: an integer from 1 to 15; fix: set readers to 1 or more (one reader keeps the database available during a failover)`,
      `${ENV}.sizes.database.engine: got "mysql"; allowed: the keys of environments[0].sizes.database: instanceClass, readers; fix: remove 'engine' (unknown keys are not ignored)`,
    ]);
  });

  test('messages carry no stack frames', () => {
    const texts = [text, '', 'environments: [\n', configWith({ certificate: 'Z123' }), configWith({ tags: { '': 'x' } })];
    for (const t of texts) {
      const err = errorOf(() => parseConfig(t, FILE));
      expect(ConfigError.isConfigError(err)).toBe(true);
      expect(err.name).toBe('ConfigError');
      expect(err.message).not.toMatch(/^\s*at /m);
      expect(err.message).not.toMatch(/\bat \S+ \(.*:\d+:\d+\)/);
      for (const p of err.problems) expect(p).not.toMatch(/\bat [\w.<>]+ \(|\n/);
    }
  });
});
