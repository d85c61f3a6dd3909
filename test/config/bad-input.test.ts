/**
 * More malformed configurations (on top of test/config/load.test.ts): VPC blocks, suppressions of
 * policy findings, Docker images, sizes and lists. Each gives one line per problem naming the field,
 * the value, what is allowed and how to fix it. The second part runs the bundled app on some of them:
 * exit 1, the same lines prefixed with `error: `, and no cdktf.out written. It runs the app in-process
 * (stacks/synth-app.ts, as main.ts does); test/main.test.ts runs the real process and checks that both
 * agree.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { parseConfig } from '../../config/load';
import { problemsOf as problemsOfText, withoutLine } from './problems';
import { runAppInProcess } from '../fixtures/app-in-process';

const FILE = 'webcluster.yaml';

/** The smallest valid AWS environment. */
function awsEnv(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'shop-dev',
    app: 'shopware',
    backend: 'aws',
    region: 'eu-central-1',
    domain: 'shop.example.com',
    certificate: { hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
    ...overrides,
  };
}

/** The smallest valid Docker environment. */
function dockerEnv(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'shop-local', app: 'shopware', backend: 'docker', domain: 'shop.localhost', ...overrides };
}

const yamlOf = (...environments: Record<string, unknown>[]): string => stringify({ environments });

/** The problems of `text`, each checked for its line number and then without it. */
function problemsOf(text: string, file = FILE): string[] {
  return problemsOfText(text, file);
}

/** A problem line: `<file>: environments[0].<field>: got <value>; allowed: <...>; fix: <...>`. */
function line(field: string, got: string, allowed: RegExp = /.+/, fix: RegExp = /.+/): RegExp {
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${esc(FILE)}: environments\\[0\\]\\.${esc(field)}: got ${esc(got)}; allowed: (${allowed.source}); fix: (${fix.source})$`);
}

const SUPPRESSION = { rule: 'WC-AWS-011', resource: 'Redis/**', reason: 'dev: one cache node is enough' };
const SHORT = { rule: 'WC-AWS-011', resource: 'R', reason: 'dev' };

/** [name, configuration text, expected lines]. */
const CASES: Array<[string, string, RegExp[]]> = [
  ['an app instance type of a size AWS does not sell', yamlOf(awsEnv({ sizes: { app: { instanceType: 't3.gigantic' } } })), [line('sizes.app.instanceType', '"t3.gigantic"', /an EC2 instance type .*/, /'gigantic' is not an instance size; use e\.g\. m7i\.large/)]],
  ['a database instance class without db.', yamlOf(awsEnv({ sizes: { database: { instanceClass: 'r7g.large' } } })), [line('sizes.database.instanceClass', '"r7g.large"', /an RDS instance class .*/, /it does not start with 'db\.'; use e\.g\. db\.r7g\.large/)]],
  ['a Redis node type of a size AWS does not sell', yamlOf(awsEnv({ sizes: { redis: { nodeType: 'cache.r7g.huge' } } })), [line('sizes.redis.nodeType', '"cache.r7g.huge"', /an ElastiCache node type .*/, /'huge' is not an instance size; use e\.g\. cache\.r7g\.large/)]],
  ['encryptionKey given as an alias', yamlOf(awsEnv({ encryptionKey: 'alias/shop' })), [line('encryptionKey', '"alias/shop"', /'create' .* or a KMS key ARN.*/, /write 'create', or copy the key's ARN \(not its alias\).*/)]],
  ['vpcCidr with host bits set', yamlOf(awsEnv({ vpcCidr: '10.0.0.1/16' })), [line('vpcCidr', '"10.0.0.1/16"', /.*\/16 to \/18.*/, /use '10\.0\.0\.0\/16'/)]],
  ['vpcCidr too large', yamlOf(awsEnv({ vpcCidr: '10.0.0.0/8' })), [line('vpcCidr', '"10.0.0.0/8"', /.*\/16 to \/18.*/)]],
  ['vpcCidr without prefix', yamlOf(awsEnv({ vpcCidr: '10.20.0.0' })), [line('vpcCidr', '"10.20.0.0"', /.*\/16 to \/18.*/)]],
  ['vpcCidr as a number', 'environments:\n  - name: shop-dev\n    app: shopware\n    backend: aws\n    region: eu-central-1\n    domain: shop.example.com\n    certificate: { hostedZoneId: Z0123456789ABCDEFGHIJ }\n    vpcCidr: 10\n', [line('vpcCidr', '10')]],
  [
    'suppression without reason',
    yamlOf(awsEnv({ policy: { suppressions: [{ rule: 'WC-AWS-011', resource: 'Redis/**' }] } })),
    [line('policy.suppressions[0].reason', 'nothing', /a non-empty explanation of why the finding is acceptable.*/, /add reason: .*/)],
  ],
  [
    'suppression with a blank reason',
    yamlOf(awsEnv({ policy: { suppressions: [{ ...SUPPRESSION, reason: '   ' }] } })),
    [line('policy.suppressions[0].reason', '"   "', /a non-empty explanation.*/)],
  ],
  [
    'suppression of an unknown rule id',
    yamlOf(awsEnv({ policy: { suppressions: [{ ...SUPPRESSION, rule: 'WC-AWS-999' }] } })),
    [line('policy.suppressions[0].rule', '"WC-AWS-999"', /one of 'WC-AWS-001', .*'WC-DKR-004'/, /use the id printed in brackets with the finding.*/)],
  ],
  [
    'suppression without resource',
    yamlOf(awsEnv({ policy: { suppressions: [{ rule: 'WC-AWS-011', reason: 'dev' }] } })),
    [line('policy.suppressions[0].resource', 'nothing', /a construct path or glob inside the stack.*/)],
  ],
  [
    "suppression with 'justification' instead of 'reason': two problems, two lines",
    yamlOf(awsEnv({ policy: { suppressions: [{ rule: 'WC-AWS-011', resource: 'Redis/**', justification: 'dev' }] } })),
    [line('policy.suppressions[0].reason', 'nothing'), line('policy.suppressions[0].justification', '"dev"', /the keys of .*: rule, resource, reason/)],
  ],
  ['policy as a list', yamlOf(awsEnv({ policy: [SHORT] })), [line('policy', '[{"rule":"WC-AWS-011","resource":"R","reason":"dev"}]', /a mapping.*/)]],
  [
    'suppressions as a mapping',
    yamlOf(awsEnv({ policy: { suppressions: SHORT } })),
    [line('policy.suppressions', '{"rule":"WC-AWS-011","resource":"R","reason":"dev"}', /a list of suppressions.*/)],
  ],
  ['zero database readers', yamlOf(awsEnv({ sizes: { database: { readers: 0 } } })), [line('sizes.database.readers', '0', /an integer from 1 to 15/)]],
  ['zero workers', yamlOf(awsEnv({ workers: 0 })), [line('workers', '0', /an integer from 1 to 16/)]],
  ['no ingress block at all', yamlOf(awsEnv({ ingressCidrs: [] })), [line('ingressCidrs', '[]')]],
  ['the same admin block twice', yamlOf(awsEnv({ adminCidrs: ['203.0.113.0/24', '203.0.113.0/24'] })), [line('adminCidrs[1]', '"203.0.113.0/24"', /each entry once.*/)]],
  ['SSH from the IPv6 internet', yamlOf(awsEnv({ sshCidrs: ['::/0'] })), [line('sshCidrs[0]', '"::/0"', /an IPv4 CIDR block.*/)]],
  ['a single zone name', yamlOf(awsEnv({ zoneNames: ['eu-central-1a'] })), [line('zoneNames', '["eu-central-1a"]')]],
  ['NAT gateways none', yamlOf(awsEnv({ natGateways: 'none' })), [line('natGateways', '"none"', /one of 'per-az', 'single'/)]],
  [
    'S3 state bucket with capitals',
    yamlOf(awsEnv({ stateBackend: { type: 's3', bucket: 'My_State', region: 'eu-central-1' } })),
    [line('stateBackend.bucket', '"My_State"', /an S3 bucket name.*/)],
  ],
  ['unpinned Docker image', yamlOf(dockerEnv({ images: { valkey: 'valkey/valkey' } })), [line('images.valkey', '"valkey/valkey"', /.*pinned.*/)]],
  ["Docker image tagged 'latest'", yamlOf(dockerEnv({ images: { mariadb: 'mariadb:latest' } })), [line('images.mariadb', '"mariadb:latest"', /.*pinned.*/)]],
  [
    'images.minioClient (renamed)',
    yamlOf(dockerEnv({ images: { minioClient: 'minio/mc:RELEASE.2025-04-16T18-13-26Z' } })),
    [line('images.minioClient', '"minio/mc:RELEASE.2025-04-16T18-13-26Z"', /no such key any more.*/, /rename it to images\.s3Client.*/)],
  ],
  [
    'endpointMode on a standalone engine',
    yamlOf(dockerEnv({ docker: { endpointMode: 'dnsrr' } })),
    [line('docker.endpointMode', '"dnsrr"', /'vip' on a standalone engine.*/, /remove endpointMode, or use mode: swarm/)],
  ],
  ['unknown endpointMode', yamlOf(dockerEnv({ docker: { mode: 'swarm', endpointMode: 'ipvs' } })), [line('docker.endpointMode', '"ipvs"', /.*vip.*dnsrr.*/)]],
  [
    'a swarm block on a standalone engine',
    yamlOf(dockerEnv({ docker: { swarm: { nodes: 1 } } })),
    [line('docker.swarm', '{"nodes":1}', /no swarm block on a standalone engine \(nodes and node labels are Swarm settings\)/, /remove swarm, or use mode: swarm/)],
  ],
  [
    'a swarm of three nodes without a data node label',
    yamlOf(dockerEnv({ docker: { mode: 'swarm', swarm: { nodes: 3, edgeNodeLabel: 'webcluster.edge' } } })),
    [
      line(
        'docker.swarm.dataNodeLabel',
        'nothing',
        /a node label key on a swarm of 3 nodes \(stateful services keep their data on a local volume of one node, and the label pins them there\)/,
        /label that one node \(docker node update --label-add webcluster\.data=true <node>\) and set dataNodeLabel to webcluster\.data/,
      ),
    ],
  ],
  [
    'a swarm of three nodes without an edge node label',
    yamlOf(dockerEnv({ docker: { mode: 'swarm', swarm: { nodes: 3, dataNodeLabel: 'webcluster.data' } } })),
    [
      line(
        'docker.swarm.edgeNodeLabel',
        'nothing',
        /a node label key on a swarm of 3 nodes \(Traefik publishes its ports in host mode: only the labelled edge nodes answer, and DNS points at them\)/,
        /label the edge node\(s\) \(docker node update --label-add webcluster\.edge=true <node>\) and set edgeNodeLabel to webcluster\.edge/,
      ),
    ],
  ],
  [
    'a swarm of two nodes without any label: two problems, two lines',
    yamlOf(dockerEnv({ docker: { mode: 'swarm', swarm: { nodes: 2 } } })),
    [line('docker.swarm.dataNodeLabel', 'nothing', /a node label key on a swarm of 2 nodes .*/), line('docker.swarm.edgeNodeLabel', 'nothing', /a node label key on a swarm of 2 nodes .*/)],
  ],
  ['a swarm of zero nodes', yamlOf(dockerEnv({ docker: { mode: 'swarm', swarm: { nodes: 0 } } })), [line('docker.swarm.nodes', '0', /an integer from 1 to 100 \(the nodes of the swarm\)/, /set nodes to the number of nodes 'docker node ls' lists \(default 1\)/)]],
  [
    'a data node label with capitals',
    yamlOf(dockerEnv({ docker: { mode: 'swarm', swarm: { dataNodeLabel: 'Webcluster.Data' } } })),
    [line('docker.swarm.dataNodeLabel', '"Webcluster.Data"', /a Docker label key: lowercase letters, digits, '\.' and '-', .*/, /not in the format of Docker label keys; use e\.g\. webcluster\.data/)],
  ],
  [
    "an edge node label in Docker's namespace",
    yamlOf(dockerEnv({ docker: { mode: 'swarm', swarm: { edgeNodeLabel: 'com.docker.edge' } } })),
    [line('docker.swarm.edgeNodeLabel', '"com.docker.edge"', /a Docker label key: .*/, /the namespace com\.docker\. is reserved by Docker; use e\.g\. webcluster\.edge/)],
  ],
  [
    'an unknown loadBalancer mode',
    yamlOf(dockerEnv({ docker: { mode: 'swarm', swarm: { loadBalancer: 'replicated' } } })),
    [line('docker.swarm.loadBalancer', '"replicated"', /one of 'global', 'pinned'/, /use 'global' \(a Traefik on every labelled edge node\) or 'pinned' \(one Traefik on the labelled edge node\)/)],
  ],
  [
    "'node' instead of 'nodes' in the swarm block",
    yamlOf(dockerEnv({ docker: { mode: 'swarm', swarm: { node: 3 } } })),
    [line('docker.swarm.node', '3', /the keys of environments\[0\]\.docker\.swarm: nodes, dataNodeLabel, edgeNodeLabel, loadBalancer/, /rename 'node' to 'nodes'/)],
  ],
];

describe('malformed configurations: one line per problem', () => {
  test('at least 20 new distinct cases', () => {
    expect(new Set(CASES.map(([name]) => name)).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  test.each(CASES)('%s', (_name, text, expected) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(problems[i]).toMatch(re));
  });

  test('the swarm block gets its defaults; without it there is none', () => {
    const config = parseConfig(
      yamlOf(
        dockerEnv({ docker: { mode: 'swarm', swarm: {} } }),
        dockerEnv({ name: 'shop-edge', docker: { mode: 'swarm', swarm: { nodes: 3, dataNodeLabel: 'webcluster.data', edgeNodeLabel: 'webcluster.edge', loadBalancer: 'pinned' } } }),
        dockerEnv({ name: 'shop-one', docker: { mode: 'swarm' } }),
      ),
      FILE,
    );
    const swarmOf = (i: number): unknown => {
      const env = config.environments[i];
      return env.backend === 'docker' ? env.docker.swarm : 'not docker';
    };
    expect(swarmOf(0)).toEqual({ nodes: 1, loadBalancer: 'global' });
    expect(swarmOf(1)).toEqual({ nodes: 3, dataNodeLabel: 'webcluster.data', edgeNodeLabel: 'webcluster.edge', loadBalancer: 'pinned' });
    expect(swarmOf(2)).toBeUndefined();
  });

  test('a valid suppression and the policy defaults parse', () => {
    const config = parseConfig(yamlOf(awsEnv({ policy: { suppressions: [SUPPRESSION] } }), dockerEnv()), FILE);
    expect(config.environments.map((e) => e.policy)).toEqual([{ suppressions: [SUPPRESSION] }, { suppressions: [] }]);
  });
});

describe('the bundled app on malformed configurations', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-bad-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /**
   * Runs the app on `text`; checks exit 1, one `error:` line per expected problem, and that the output
   * directory is not written (absent before and after, or a previous one left as it was).
   */
  function expectRejected(text: string, expected: RegExp[], previousOutput = false): void {
    const config = path.join(tmp, FILE);
    fs.writeFileSync(config, text);
    const out = path.join(tmp, 'cdktf.out');
    if (previousOutput) {
      fs.mkdirSync(out);
      fs.writeFileSync(path.join(out, 'marker'), 'previous');
    }
    const r = runAppInProcess(config, out);
    expect(r.status).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(expected.length);
    lines.forEach((l, i) => {
      expect(l.startsWith('error: ')).toBe(true);
      expect(withoutLine(l.slice('error: '.length), FILE)).toMatch(expected[i]);
    });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    if (previousOutput) expect(fs.readdirSync(out)).toEqual(['marker']);
    else expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith('cdktf.out.staging'))).toEqual([]);
  }

  const e2e = [
    'vpcCidr with host bits set',
    'suppression without reason',
    'suppression of an unknown rule id',
    "suppression with 'justification' instead of 'reason': two problems, two lines",
    'SSH from the IPv6 internet',
    'unpinned Docker image',
    'a swarm of three nodes without a data node label',
  ];
  test.each(e2e)('%s', (name) => {
    const found = CASES.find(([n]) => n === name);
    if (!found) throw new Error(`no case ${name}`);
    expectRejected(found[1], found[2], name === 'suppression without reason');
  });

  test('not an error: an unused suppression is a warning, allowDestroy an info line, and the synth succeeds', () => {
    const config = path.join(tmp, FILE);
    fs.writeFileSync(config, yamlOf(awsEnv({ allowDestroy: true, policy: { suppressions: [SUPPRESSION] } })));
    const out = path.join(tmp, 'cdktf.out');
    const r = runAppInProcess(config, out);
    expect(r.status).toBe(0);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      "warning: webcluster.yaml: environments[0].policy.suppressions[0]: [WC-AWS-011] 'Redis/**' matched no finding in shop-dev; " +
        'fix: remove the suppression, or correct its rule id or construct path',
      'info: [WC-AWS-013] StatefulDeletionProtection is off for shop-dev: allowDestroy is set, stateful resources may be destroyed',
    ]);
    expect(fs.existsSync(path.join(out, 'stacks', 'shop-dev', 'cdk.tf.json'))).toBe(true);
  });
});
