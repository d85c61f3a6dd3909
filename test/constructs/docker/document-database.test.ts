import { Container } from '@cdktf/provider-docker/lib/container';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Service } from '@cdktf/provider-docker/lib/service';
import { Testing, TerraformStack } from 'cdktf';
import { DockerCluster } from '../../../constructs/docker/docker-cluster';
import { DocumentDatabase, DocumentDatabaseProps } from '../../../constructs/docker/document-database';
import { SwarmRuntime } from '../../../constructs/docker/swarm-runtime';
import { Workload } from '../../../constructs/docker/workload';
import { findSecrets } from '../../../policies/secret-guard';
import { resolveTokenAndSynth, resourcesOf, SynthJson, synthJson, synthTextAndJson } from '../../util';

function makeStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new DockerProvider(stack, 'docker', {});
  return stack;
}

const BACKEND = '${docker_network.Cluster_BackendNetwork_91D09744.name}';
type ContainerJson = { name: string; env?: string[]; command?: string[]; entrypoint?: string[]; networks_advanced?: { name: string; aliases: string[] }[]; depends_on?: string[] };

describe('DocumentDatabase (Docker, standalone)', () => {
  let stack: TerraformStack;
  let cluster: DockerCluster;
  const make = (extra: Partial<DocumentDatabaseProps> = {}): DocumentDatabase =>
    new DocumentDatabase(stack, 'Mongo', { cluster, appDatabases: ['steedos'], ...extra });
  const containers = (json: SynthJson): ContainerJson[] => resourcesOf(json, 'docker_container') as unknown as ContainerJson[];
  const byName = (json: SynthJson, name: string): ContainerJson => containers(json).find((c) => c.name === name) as ContainerJson;
  beforeEach(() => {
    stack = makeStack();
    cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'wiki' });
  });

  test('three members mongo-1..3, each with its own protected volume, on the backend network only', () => {
    // WHEN
    const db = make();
    // THEN
    expect(db.members.map((m) => `${m.hostname}:${m.port}`)).toEqual(['mongo-1:27017', 'mongo-2:27017', 'mongo-3:27017']);
    const json = synthJson(stack);
    expect(containers(json).map((c) => c.name).sort()).toEqual(['wiki-mongo-1-1', 'wiki-mongo-2-1', 'wiki-mongo-3-1', 'wiki-mongo-rs-init']);
    const volumes = resourcesOf(json, 'docker_volume') as { name: string; lifecycle: { prevent_destroy: boolean } }[];
    expect(volumes.map((v) => v.name).sort()).toEqual(['wiki-mongo-1-data', 'wiki-mongo-2-data', 'wiki-mongo-3-data']);
    expect(volumes.every((v) => v.lifecycle.prevent_destroy)).toBe(true);
    for (const c of containers(json)) expect(c.networks_advanced?.map((n) => n.name)).toEqual([BACKEND]);
    expect(byName(json, 'wiki-mongo-2-1').networks_advanced?.[0].aliases).toEqual(['mongo-2']);
  });

  test('mongod runs with --replSet, --bind_ip_all and the key file, and is checked with mongosh ping', () => {
    make();
    const { text: synth, json } = synthTextAndJson(stack);
    expect(resourcesOf(json, 'docker_image').map((i) => i.name)).toEqual(['mongo:7.0.16']);
    const member = byName(json, 'wiki-mongo-2-1');
    expect(member.entrypoint).toEqual(['bash', '-c']);
    expect(member.command?.[0]).toContain(
      'exec docker-entrypoint.sh mongod --replSet "$MONGO_REPLICA_SET" --bind_ip_all --keyFile /tmp/mongo-keyfile --wiredTigerCacheSizeGB "$MONGO_WIREDTIGER_CACHE_GB"',
    );
    // WiredTiger's cache: mongod's own minimum, 0.25 GiB, for the default 768 MiB limit.
    expect(member.env).toEqual(['MONGO_KEYFILE=${var.wiki_mongo_keyfile}', 'MONGO_REPLICA_SET=rs0', 'MONGO_WIREDTIGER_CACHE_GB=0.25']);
    expect(synth).toHaveResourceWithProperties(Container, {
      name: 'wiki-mongo-3-1',
      healthcheck: expect.objectContaining({ test: ['CMD', 'mongosh', '--quiet', '--eval', 'quit(db.adminCommand({ping: 1}).ok ? 0 : 1)'] }),
    });
  });

  test('only member 1 creates the root user (the others must be empty for rs.initiate)', () => {
    make();
    const json = synthJson(stack);
    expect(byName(json, 'wiki-mongo-1-1').env).toEqual(
      expect.arrayContaining(['MONGO_INITDB_ROOT_USERNAME=root', 'MONGO_INITDB_ROOT_PASSWORD=${var.wiki_mongo_root_password}']),
    );
    for (const name of ['wiki-mongo-2-1', 'wiki-mongo-3-1']) expect((byName(json, name).env ?? []).some((e) => e.startsWith('MONGO_INITDB'))).toBe(false);
  });

  test('a one-shot rs-init task after every member: idempotent rs.initiate, wait for a primary, upsert the app user', () => {
    const db = make();
    const { text, json } = synthTextAndJson(stack);
    const task = byName(json, 'wiki-mongo-rs-init');
    const script = task.command?.[0] ?? '';
    expect(script).toContain('if (e.codeName !== "NotYetInitialized") throw e;');
    expect(script).toContain('rs.initiate(');
    expect(script).toContain('db.hello().primary');
    expect(script).toContain('admin.updateUser(user');
    expect(task.env).toEqual(
      expect.arrayContaining(['MONGO_MEMBERS=mongo-1:27017,mongo-2:27017,mongo-3:27017', 'MONGO_APP_USER=app', 'MONGO_APP_DATABASES=steedos']),
    );
    expect(text).toHaveResourceWithProperties(Container, { name: 'wiki-mongo-rs-init', must_run: false, restart: 'no', attach: true });
    expect(JSON.stringify(task.depends_on)).toContain('Mongo_Member3_Mongo_Container1');
    expect(db.initTask).toBeInstanceOf(Workload);
    // Terraform would read "${" in a script as interpolation.
    for (const c of containers(json)) expect((c.command ?? []).join('\n')).not.toContain('${');
  });

  test('url() carries the password as a variable reference; no literal secret anywhere', () => {
    const db = make({ appUsername: 'steedos' });
    const { value: url, json } = resolveTokenAndSynth(stack, db.url('local'));
    expect(url).toBe(
      'mongodb://steedos:${urlencode(var.wiki_mongo_app_password)}@mongo-1:27017,mongo-2:27017,mongo-3:27017/local?replicaSet=rs0&authSource=admin',
    );
    expect(findSecrets(json, 'test')).toEqual([]);
    const variables = (json as unknown as { variable: Record<string, { sensitive: boolean }> }).variable;
    expect(Object.keys(variables).sort()).toEqual(['wiki_mongo_app_password', 'wiki_mongo_keyfile', 'wiki_mongo_root_password']);
    expect(Object.values(variables).every((v) => v.sensitive)).toBe(true);
  });

  test('clients join the backend network through connections', () => {
    // GIVEN
    const db = make();
    const client = new Workload(stack, 'Client', { cluster, name: 'client', role: 'app', image: 'busybox:1.37' });
    // WHEN
    db.connections.allowDefaultPortFrom(client);
    // THEN
    expect(byName(synthJson(stack), 'wiki-client-1').networks_advanced?.map((n) => n.name)).toEqual([BACKEND]);
  });

  test('one member is a single-node replica set', () => {
    make({ members: 1 });
    expect(containers(synthJson(stack)).map((c) => c.name).sort()).toEqual(['wiki-mongo-1-1', 'wiki-mongo-rs-init']);
  });

  test('the image can be overridden', () => {
    make({ image: 'registry.example.com/mongo:7.0.16-custom' });
    expect(resourcesOf(synthJson(stack), 'docker_image').map((i) => i.name)).toEqual(['registry.example.com/mongo:7.0.16-custom']);
  });

  test('fails on an even member count', () => {
    expect(() => make({ members: 2 })).toThrow(/members: got 2; allowed: 1, 3, 5 or 7 .*; fix: /);
  });

  test('fails on an unpinned image', () => {
    expect(() => make({ image: 'mongo' })).toThrow(/image: got 'mongo' .*; fix: /);
  });

  test('fails on the root user as app user', () => {
    expect(() => make({ appUsername: 'root' })).toThrow(/appUsername: got 'root'; allowed: .*; fix: /);
  });
});

describe('DocumentDatabase (Docker, swarm)', () => {
  test('services pinned like every stateful store; secrets as *_FILE', () => {
    // GIVEN
    const stack = makeStack();
    const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'wiki', runtime: new SwarmRuntime() });
    // WHEN
    new DocumentDatabase(stack, 'Mongo', { cluster });
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Service, {
      name: 'wiki-mongo-1',
      update_config: expect.objectContaining({ order: 'stop-first' }),
      task_spec: expect.objectContaining({
        placement: expect.objectContaining({ constraints: ['node.role == manager'] }),
        container_spec: expect.objectContaining({
          env: expect.objectContaining({ MONGO_KEYFILE_FILE: '/run/secrets/wiki_mongo_keyfile', MONGO_INITDB_ROOT_PASSWORD_FILE: '/run/secrets/wiki_mongo_root_password' }),
        }),
      }),
    });
  });
});
