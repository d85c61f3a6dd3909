import { Container } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Service } from '@cdktf/provider-docker/lib/service';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Testing, TerraformStack } from 'cdktf';
import { DatabaseCluster, DatabaseClusterProps } from '../../../constructs/docker/database-cluster';
import { DockerCluster } from '../../../constructs/docker/docker-cluster';
import { SwarmRuntime } from '../../../constructs/docker/swarm-runtime';
import { Workload } from '../../../constructs/docker/workload';
import { resourcesOf, synthJson, synthTextAndJson } from '../../util';

function makeStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new DockerProvider(stack, 'docker', {});
  return stack;
}

const BACKEND = '${docker_network.Cluster_BackendNetwork_91D09744.name}';

describe('DatabaseCluster (Docker, standalone)', () => {
  let stack: TerraformStack;
  let cluster: DockerCluster;
  const make = (extra: Partial<DatabaseClusterProps> = {}): DatabaseCluster => new DatabaseCluster(stack, 'Db', { cluster, ...extra });
  beforeEach(() => {
    stack = makeStack();
    cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop' });
  });

  test('MariaDB on a protected named volume with the image health check', () => {
    // WHEN
    const db = make();
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Container, {
      name: 'shop-db-1',
      // The buffer pool: half of the default 1024 MiB limit.
      command: ['mariadbd', '--character-set-server=utf8mb4', '--collation-server=utf8mb4_unicode_ci', '--innodb-buffer-pool-size=512M'],
      env: expect.arrayContaining(['MARIADB_DATABASE=app', 'MARIADB_USER=app']),
      healthcheck: expect.objectContaining({ test: ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'] }),
      volumes: [expect.objectContaining({ container_path: '/var/lib/mysql', volume_name: '${docker_volume.Db_DataVolume_966345B7.name}' })],
      wait: true,
      destroy_grace_seconds: 60,
    });
    expect(synth).toHaveResourceWithProperties(Image, { name: 'mariadb:11.4.4' });
    expect(synth).toHaveResourceWithProperties(Volume, { name: 'shop-db-data', lifecycle: { prevent_destroy: true } });
    expect(db.writerEndpoint).toEqual({ hostname: 'db', port: 3306 });
    expect(db.readerEndpoint).toEqual({ hostname: 'db', port: 3306 });
    expect(db.databaseName).toBe('app');
    expect(db.username).toBe('app');
  });

  test('server parameters become --name=value args merged over the baseline', () => {
    // WHEN
    const db = make({ parameters: { group_concat_max_len: '320000', sql_mode: 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION', collation_server: 'utf8mb4_bin' } });
    // THEN
    expect(db.parameters).toEqual({
      'character-set-server': 'utf8mb4',
      'collation-server': 'utf8mb4_bin',
      'group-concat-max-len': '320000',
      'innodb-buffer-pool-size': '512M',
      'sql-mode': 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION',
    });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Container, {
      name: 'shop-db-1',
      command: [
        'mariadbd',
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_bin',
        '--group-concat-max-len=320000',
        '--innodb-buffer-pool-size=512M',
        '--sql-mode=STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION',
      ],
    });
  });

  test('passwords are sensitive variables; no literal password appears in the synthesized JSON', () => {
    // WHEN
    const db = make({ replica: true, databaseName: 'shopware', username: 'shopware' });
    // THEN
    const json = synthJson(stack);
    const variables = (json as unknown as { variable: Record<string, Record<string, unknown>> }).variable;
    expect(Object.keys(variables).sort()).toEqual(['shop_db_password', 'shop_db_replication_password', 'shop_db_root_password']);
    for (const v of Object.values(variables)) {
      expect(v).toEqual(expect.objectContaining({ sensitive: true, nullable: false }));
      expect(v.default).toBeUndefined();
    }
    const env = resourcesOf(json, 'docker_container').flatMap((c) => c.env as string[]);
    const secretEnv = env.filter((e) => /PASSWORD=/.test(e));
    expect(secretEnv.length).toBeGreaterThan(0);
    for (const e of secretEnv) expect(e).toMatch(/^MARIADB_\w*PASSWORD=\$\{var\.shop_db_\w+\}$/);
    expect(db.passwordSecret.variableName).toBe('shop_db_password');
  });

  test('a replica replicates from the primary and serves the reader endpoint', () => {
    // WHEN
    const db = make({ replica: true });
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Container, {
      name: 'shop-db-1',
      command: expect.arrayContaining(['--log-bin', '--log-basename=db', '--server-id=1']),
      env: expect.arrayContaining(['MARIADB_REPLICATION_USER=replicator', 'MARIADB_REPLICATION_PASSWORD=${var.shop_db_replication_password}']),
    });
    expect(synth).toHaveResourceWithProperties(Container, {
      name: 'shop-db-replica-1',
      command: expect.arrayContaining(['--server-id=2', '--read-only', '--log-basename=db-replica']),
      env: [
        'MARIADB_AUTO_UPGRADE=1',
        'MARIADB_MASTER_HOST=db',
        'MARIADB_MASTER_PORT=3306',
        'MARIADB_REPLICATION_PASSWORD=${var.shop_db_replication_password}',
        'MARIADB_REPLICATION_USER=replicator',
        'MARIADB_ROOT_PASSWORD=${var.shop_db_root_password}',
      ],
      depends_on: ['docker_container.Db_Primary_Container1_4C2998B8'],
      volumes: [expect.objectContaining({ container_path: '/var/lib/mysql', volume_name: '${docker_volume.Db_ReplicaDataVolume_EB1882EE.name}' })],
    });
    expect(synth).toHaveResourceWithProperties(Volume, { name: 'shop-db-replica-data', lifecycle: { prevent_destroy: true } });
    expect(db.readerEndpoint).toEqual({ hostname: 'db-replica', port: 3306 });
    expect(db.writerEndpoint).toEqual({ hostname: 'db', port: 3306 });
  });

  test('attaches only to the internal backend network and publishes no port', () => {
    // WHEN
    make({ replica: true });
    // THEN
    for (const c of resourcesOf(synthJson(stack), 'docker_container')) {
      expect(c.networks_advanced).toEqual([{ name: BACKEND, aliases: [expect.stringMatching(/^db/)] }]);
      expect(c.ports).toEqual([]);
    }
  });

  test('clients granted with allowDefaultPortFrom join the backend network and can wait for a healthy primary', () => {
    // GIVEN
    const db = make();
    // WHEN
    const app = new Workload(stack, 'App', { cluster, name: 'app', role: 'app', image: 'nginx:1.27.3', listenNetwork: cluster.frontend, dependsOn: [db.workload] });
    db.connections.allowDefaultPortFrom(app);
    // THEN
    const appContainer = resourcesOf(synthJson(stack), 'docker_container').find((c) => c.name === 'shop-app-1') as Record<string, unknown>;
    expect(appContainer.networks_advanced).toEqual(expect.arrayContaining([expect.objectContaining({ name: BACKEND })]));
    expect(appContainer.depends_on).toEqual(['docker_container.Db_Primary_Container1_4C2998B8']);
  });

  test('debugPort publishes the primary on 127.0.0.1 only', () => {
    // WHEN
    make({ debugPort: 13306, replica: true });
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Container, { name: 'shop-db-1', ports: [{ internal: 3306, external: 13306, ip: '127.0.0.1', protocol: 'tcp' }] });
    expect(synth).toHaveResourceWithProperties(Container, { name: 'shop-db-replica-1', ports: [] });
  });

  test('fails when the database name is not an identifier', () => {
    expect(() => make({ databaseName: 'my-db' })).toThrow(/databaseName: got 'my-db'; allowed: 1 to 64 letters, digits or underscores/);
  });

  test('fails when the user is root', () => {
    expect(() => make({ username: 'root' })).toThrow(/username: got 'root'; allowed: .* not 'root'/);
  });

  test('fails when a parameter name is invalid', () => {
    expect(() => make({ parameters: { 'max allowed': '1' } })).toThrow(/parameters: got invalid name\(s\) \['max allowed'\]/);
  });

  test('fails when a parameter is set by the construct', () => {
    expect(() => make({ parameters: { server_id: '7' } })).toThrow(/parameters: got \['server_id'\]; allowed: parameters other than server-id/);
  });

  test('fails when a parameter value is empty', () => {
    expect(() => make({ parameters: { sql_mode: ' ' } })).toThrow(/parameters: got empty or multi-line value\(s\) for \['sql_mode'\]/);
  });

  test('fails when asked to publish on 0.0.0.0', () => {
    expect(() => make({ debugPort: 13306, debugHostIp: '0.0.0.0' })).toThrow(/a data store must not publish on 0.0.0.0; fix: use 127.0.0.1 or remove the debug port/);
  });

  test('fails when the debug port is privileged', () => {
    expect(() => make({ debugPort: 306 })).toThrow(/debugPort: got 306; allowed: an integer from 1024 to 65535/);
  });

  test('fails when the image is not pinned', () => {
    expect(() => make({ image: 'mariadb' })).toThrow(/image: got 'mariadb' \(no tag: the image is not pinned\)/);
  });
});

describe('DatabaseCluster (Docker, swarm)', () => {
  let stack: TerraformStack;
  let cluster: DockerCluster;
  beforeEach(() => {
    stack = makeStack();
    cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: new SwarmRuntime() });
  });

  test('stop-first services pinned to the manager, passwords as Docker secret files', () => {
    // WHEN
    new DatabaseCluster(stack, 'Db', { cluster, replica: true });
    // THEN
    const { text: synth, json } = synthTextAndJson(stack);
    for (const name of ['shop-db', 'shop-db-replica']) {
      expect(synth).toHaveResourceWithProperties(Service, {
        name,
        task_spec: expect.objectContaining({ placement: { constraints: ['node.role == manager'] } }),
        update_config: expect.objectContaining({ order: 'stop-first', failure_action: 'rollback' }),
      });
    }
    const primary = resourcesOf(json, 'docker_service').find((s) => s.name === 'shop-db') as {
      task_spec: { container_spec: { env: Record<string, string>; command?: string[]; args: string[] } };
    };
    expect(primary.task_spec.container_spec.env).toEqual({
      MARIADB_AUTO_UPGRADE: '1',
      MARIADB_DATABASE: 'app',
      MARIADB_USER: 'app',
      MARIADB_REPLICATION_USER: 'replicator',
      MARIADB_PASSWORD_FILE: '/run/secrets/shop_db_password',
      MARIADB_REPLICATION_PASSWORD_FILE: '/run/secrets/shop_db_replication_password',
      MARIADB_ROOT_PASSWORD_FILE: '/run/secrets/shop_db_root_password',
    });
    // The image's entrypoint stays; the server and its options are the arguments.
    expect(primary.task_spec.container_spec.command).toBeUndefined();
    expect(primary.task_spec.container_spec.args[0]).toBe('mariadbd');
    expect(resourcesOf(json, 'docker_secret')).toHaveLength(5);
  });

  test('fails when a debug port is asked for on swarm', () => {
    expect(() => new DatabaseCluster(stack, 'Db', { cluster, debugPort: 13306 })).toThrow(/debugPort: got 13306 on a swarm runtime/);
  });

  test('fails when the store has no placement on swarm', () => {
    expect(() => new DatabaseCluster(stack, 'Db', { cluster, placement: [] })).toThrow(/placement: got \[\] on a swarm runtime/);
  });
});
