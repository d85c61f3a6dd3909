/**
 * Split stacks (`split: true`): `<env>-network`, `<env>-data` and `<env>-app` with cdktf cross-stack
 * references, the app stack free of stateful resources, and no dependency cycle.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { ConfigError } from '../../config/errors';
import { parseConfig } from '../../config/load';
import { STATEFUL_RESOURCE_TYPES } from '../../policies/stateful';
import { addEnvironmentStacks } from '../../stacks/from-config';
import type { SynthJson } from '../util';

const STATEFUL: readonly string[] = STATEFUL_RESOURCE_TYPES;

function config(env: string): ReturnType<typeof parseConfig> {
  return parseConfig(`environments:\n${env}`, 'test.yaml');
}

const EZ_AWS = `  - name: ez
    app: ezplatform
    backend: aws
    region: eu-central-1
    domain: ez.example.com
    certificate: { hostedZoneId: Z0123456789ABCDEFGHIJ }
    cdn: false
`;

interface Synthesized {
  readonly stacks: TerraformStack[];
  readonly json: Record<string, SynthJson & { data?: Record<string, Record<string, { config?: Record<string, unknown> }>>; output?: Record<string, unknown> }>;
}

/** Synthesizes every stack the way app.synth() does: cross-stack references are added while preparing. */
function synthAll(yaml: string): Synthesized {
  const app = Testing.app();
  const stacks = addEnvironmentStacks(app, config(yaml), 'test.yaml');
  for (const stack of stacks) stack.prepareStack();
  return { stacks, json: Object.fromEntries(stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s))])) };
}

function statefulAddresses(json: SynthJson): string[] {
  return Object.entries(json.resource ?? {})
    .filter(([type]) => STATEFUL.includes(type))
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
}

function remoteStates(json: Synthesized['json'][string]): string[] {
  return Object.keys(json.data?.terraform_remote_state ?? {}).sort();
}

describe('split stacks (AWS)', () => {
  const split = synthAll(`${EZ_AWS}    split: true\n`);
  const mono = synthAll(EZ_AWS);
  const { network, data, app } = { network: split.json['ez-network'], data: split.json['ez-data'], app: split.json['ez-app'] };

  test('three stacks in deployment order instead of one', () => {
    expect(split.stacks.map((s) => s.node.id)).toEqual(['ez-network', 'ez-data', 'ez-app']);
    expect(mono.stacks.map((s) => s.node.id)).toEqual(['ez']);
  });

  test('the app stack holds no stateful resource; the data stack holds all of them, at the addresses of the single stack', () => {
    expect(statefulAddresses(app)).toEqual([]);
    expect(statefulAddresses(network)).toEqual([]);
    expect(statefulAddresses(data)).toEqual(statefulAddresses(mono.json.ez));
    expect(statefulAddresses(data).length).toBeGreaterThan(5);
    // The tiers: Solr (stateful) in data, Varnish in app.
    expect(Object.keys(data.resource?.aws_ebs_volume ?? {})).toEqual([expect.stringMatching(/^SearchService_/)]);
    expect(Object.keys(app.resource?.aws_autoscaling_group ?? {}).some((n) => n.startsWith('HttpCache_'))).toBe(true);
    expect(Object.keys(app.resource?.aws_autoscaling_group ?? {}).some((n) => n.startsWith('AppServers_'))).toBe(true);
  });

  test('every resource of the single stack is in exactly one split stack, under the same address', () => {
    // Security-group rules are named after the peer's construct path, which starts with the stack name.
    const addresses = (json: SynthJson): string[] =>
      Object.entries(json.resource ?? {})
        .filter(([type]) => !/^aws_vpc_security_group_(ingress|egress)_rule$/.test(type))
        .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
        .sort();
    const splitAll = [network, data, app].flatMap(addresses).sort();
    expect(new Set(splitAll).size).toBe(splitAll.length);
    expect(splitAll).toEqual(addresses(mono.json.ez));
  });

  test('the app stack reads data-stack values through terraform_remote_state, and the data stack has the outputs', () => {
    expect(remoteStates(app)).toEqual(['cross-stack-reference-input-ez-data', 'cross-stack-reference-input-ez-network']);
    expect(app.data?.terraform_remote_state['cross-stack-reference-input-ez-data'].config).toEqual({ path: '../../../terraform.ez-data.tfstate' });
    const used = [...JSON.stringify(app).matchAll(/terraform_remote_state\.cross-stack-reference-input-ez-data\.outputs\.([\w-]+)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(5);
    for (const output of new Set(used)) expect(Object.keys(data.output ?? {})).toContain(output);
    // e.g. the database endpoint and the Redis endpoints end up in the app hosts' environment
    expect(Object.keys(data.output ?? {})).toEqual(expect.arrayContaining([expect.stringMatching(/^cross-stack-output-aws_rds_clusterDatabase_/)]));
  });

  test('no cycle: the data stack reads only the network stack, the network stack reads nothing', () => {
    expect(remoteStates(data)).toEqual(['cross-stack-reference-input-ez-network']);
    expect(remoteStates(network)).toEqual([]);
    expect(JSON.stringify(data)).not.toContain('ez-app');
    const [net, dat, ap] = split.stacks;
    expect(ap.dependencies).toEqual(expect.arrayContaining([dat, net]));
    expect(dat.dependencies).toEqual([net]);
    expect(net.dependencies).toEqual([]);
  });

  test('security-group rules between stacks live in the app stack; the data stack has none towards the app', () => {
    const rules = { ...app.resource?.aws_vpc_security_group_ingress_rule, ...app.resource?.aws_vpc_security_group_egress_rule };
    const dbIngress = Object.entries(rules).filter(([name]) => /^AppServers_SecurityGroup_IngresstoezdataDatabase|^AppServers_SecurityGroup_Ingresstoez-dataDatabase/.test(name));
    expect(dbIngress).toHaveLength(1);
    expect(JSON.stringify(dbIngress[0][1])).toContain('cross-stack-reference-input-ez-data');
    for (const type of ['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule']) {
      expect(JSON.stringify(data.resource?.[type] ?? {})).not.toMatch(/AppServers|Admin_SecurityGroup|HttpCache/);
    }
  });

  test('each stack has its own provider and local state file', () => {
    for (const [name, json] of Object.entries(split.json)) {
      expect(json.provider).toHaveProperty('aws');
      expect(json.terraform).toMatchObject({ backend: { local: { path: `../../../terraform.${name}.tfstate` } } });
    }
  });

  test('S3 state: one key per part next to the configured key, use_lockfile as configured', () => {
    const s3 = synthAll(`${EZ_AWS}    split: true
    stateBackend: { type: s3, bucket: my-state, region: eu-central-1, key: team/ez/terraform.tfstate, useLockfile: false }
`);
    for (const part of ['network', 'data', 'app']) {
      const backend = (s3.json[`ez-${part}`].terraform as { backend: { s3: Record<string, unknown> } }).backend.s3;
      expect(backend).toEqual({ bucket: 'my-state', key: `team/ez/${part}/terraform.tfstate`, region: 'eu-central-1', encrypt: true });
    }
    const locked = synthAll(`${EZ_AWS.replace('ez', 'shop')}    split: true\n    stateBackend: { type: s3, bucket: my-state, region: eu-central-1 }\n`);
    const dataBackend = (locked.json['shop-data'].terraform as { backend: { s3: Record<string, unknown> } }).backend.s3;
    expect(dataBackend).toMatchObject({ key: 'shop/data/terraform.tfstate', use_lockfile: true });
    const remote = locked.json['shop-app'].data?.terraform_remote_state['cross-stack-reference-input-shop-data'];
    expect(remote).toMatchObject({ backend: 's3', config: { bucket: 'my-state', key: 'shop/data/terraform.tfstate' } });
  });

  test('app.synth() writes three stacks and the manifest lists their dependencies', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-split-'));
    try {
      const cdkApp = new App({ outdir, stackTraces: false });
      addEnvironmentStacks(cdkApp, config(`${EZ_AWS}    split: true\n`), 'test.yaml');
      cdkApp.synth();
      const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
        stacks: Record<string, { dependencies: string[] }>;
      };
      expect(Object.keys(manifest.stacks).sort()).toEqual(['ez-app', 'ez-data', 'ez-network']);
      expect(manifest.stacks['ez-network'].dependencies).toEqual([]);
      expect(manifest.stacks['ez-data'].dependencies).toEqual(['ez-network']);
      expect([...manifest.stacks['ez-app'].dependencies].sort()).toEqual(['ez-data', 'ez-network']);
      for (const name of Object.keys(manifest.stacks)) expect(fs.existsSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'))).toBe(true);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('split: true on a Docker environment is a one-line configuration error', () => {
    const docker = config(`  - name: shop-docker
    app: shopware
    backend: docker
    domain: shop.localhost
    split: true
`);
    let err: unknown;
    try {
      addEnvironmentStacks(Testing.app(), docker, 'test.yaml');
    } catch (e) {
      err = e;
    }
    expect(ConfigError.isConfigError(err)).toBe(true);
    expect((err as ConfigError).problems).toEqual([
      'test.yaml: environments[0].split: got true; allowed on backend docker: false (split stacks are implemented for backend aws); fix: remove split or use backend aws',
    ]);
  });
});
