/**
 * `npm run --silent stacks -- [--backend …]`: the pipelines plan and apply the stacks of the config on
 * the chosen backends (AWS by default), as synthesized, in deployment order.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfigFile } from '../config/load';
import { App } from '../constructs/core/cdktf';
import { runListStacks } from '../list-stacks';
import { addEnvironmentStacks } from '../stacks/from-config';

const SPLIT_CONFIG = `environments:
  - name: ez
    app: ezplatform
    backend: aws
    region: eu-central-1
    domain: ez.example.com
    certificate: { hostedZoneId: Z0123456789ABCDEFGHIJ }
    cdn: false
    split: true
  - name: ez-docker
    app: ezplatform
    backend: docker
    domain: ez.localhost
    docker: { host: unix:///var/run/docker.sock, mode: standalone }
`;

let tmp: string;
const savedConfig = process.env.WEBCLUSTER_CONFIG;

/** Synthesizes the config in $WEBCLUSTER_CONFIG (or webcluster.yaml) into `outdir`, as npm run synth does. */
function synth(outdir: string): void {
  const { config, fileLabel } = loadConfigFile();
  const app = new App({ outdir, stackTraces: false });
  addEnvironmentStacks(app, config, fileLabel);
  app.synth();
}

function run(argv: string[], outdir: string): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runListStacks(argv, outdir, (l) => out.push(l), (l) => err.push(l));
  return { code, out, err };
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-stacks-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(() => {
  if (savedConfig === undefined) delete process.env.WEBCLUSTER_CONFIG;
  else process.env.WEBCLUSTER_CONFIG = savedConfig;
});

describe('webcluster.yaml, synthesized', () => {
  const outdir = (): string => path.join(tmp, 'default');
  beforeAll(() => {
    delete process.env.WEBCLUSTER_CONFIG;
    synth(outdir());
  });

  test('no argument: the AWS stacks only (the Docker ones need an engine)', () => {
    expect(run([], outdir())).toEqual({ code: 0, out: ['shopware-aws', 'steedos-aws', 'ezplatform-aws'], err: [] });
  });

  test('--backend docker, aws,docker and all', () => {
    expect(run(['--backend', 'docker'], outdir()).out).toEqual(['shopware-docker', 'shopware-swarm', 'steedos-docker', 'ezplatform-docker']);
    const all = run(['--backend', 'all'], outdir());
    expect(all.code).toBe(0);
    expect([...all.out].sort()).toEqual(Object.keys(JSON.parse(fs.readFileSync(path.join(outdir(), 'manifest.json'), 'utf8')).stacks).sort());
    expect(run(['--backend=aws,docker'], outdir()).out).toEqual(all.out);
  });

  test('an unknown backend: one line, exit 2', () => {
    expect(run(['--backend', 'k8s'], outdir())).toEqual({
      code: 2,
      out: [],
      err: ["error: stacks: --backend: got 'k8s'; allowed: aws, docker, all, or a comma-separated list; fix: npm run --silent stacks -- [--backend aws|docker|all|aws,docker]"],
    });
  });

  test('an unknown argument: one line, exit 2', () => {
    const r = run(['shopware-aws'], outdir());
    expect(r.code).toBe(2);
    expect(r.err).toEqual([expect.stringMatching(/^error: stacks: got 'shopware-aws'; allowed: no argument \(aws\) or --backend/)]);
  });

  test('nothing synthesized: one line saying to synthesize first, exit 1', () => {
    const r = run([], path.join(tmp, 'nothing'));
    expect(r.code).toBe(1);
    expect(r.err).toEqual([expect.stringMatching(/^error: stacks: .*manifest\.json does not exist; .*fix: run npm run synth first$/)]);
  });
});

describe('a split environment', () => {
  test('network, data, app in deployment order; a stack of the config not synthesized is named', () => {
    const file = path.join(tmp, 'split.yaml');
    fs.writeFileSync(file, SPLIT_CONFIG);
    process.env.WEBCLUSTER_CONFIG = file;
    const outdir = path.join(tmp, 'split');
    synth(outdir);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { dependencies: string[] }> };
    // The manifest lists them by name; the dependencies decide the order.
    expect(manifest.stacks['ez-app'].dependencies).toEqual(expect.arrayContaining(['ez-network', 'ez-data']));
    expect(run([], outdir)).toEqual({ code: 0, out: ['ez-network', 'ez-data', 'ez-app'], err: [] });

    delete manifest.stacks['ez-data'];
    fs.writeFileSync(path.join(outdir, 'manifest.json'), JSON.stringify(manifest));
    const r = run([], outdir);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([expect.stringMatching(/^error: stacks: ez-data of .*split\.yaml not in .*manifest\.json; .*fix: run npm run synth with the same WEBCLUSTER_CONFIG first$/)]);
  });
});

test('a bad config: its problems, one line each, exit 1', () => {
  const file = path.join(tmp, 'bad.yaml');
  fs.writeFileSync(file, 'environments:\n  - name: shop\n    app: shopware\n    backend: k8s\n');
  process.env.WEBCLUSTER_CONFIG = file;
  const r = run([], path.join(tmp, 'default'));
  expect(r.code).toBe(1);
  expect(r.out).toEqual([]);
  expect(r.err).toEqual([expect.stringMatching(/^error: .*bad\.yaml:4: environments\[0\]\.backend: got "k8s"; allowed: .*; fix: /)]);
});
