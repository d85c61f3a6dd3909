/**
 * Hardening of Docker workloads: how each runtime renders a user, a read-only root filesystem,
 * tmpfs scratch directories, an init process and an open-files limit (in the form the provider
 * reads back), which roles get what, and the validation lines.
 */
import { Container } from '@cdktf/provider-docker/lib/container';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Service } from '@cdktf/provider-docker/lib/service';
import { Testing, TerraformStack } from 'cdktf';
import { DockerCluster } from '../../../constructs/docker/docker-cluster';
import { SwarmRuntime } from '../../../constructs/docker/swarm-runtime';
import { Workload, WorkloadProps } from '../../../constructs/docker/workload';
import { DockerStack } from '../../../stacks/docker-stack';
import { EZPLATFORM_CONTAINER_PROFILE } from '../../../stacks/docker/profiles/ezplatform';
import { SHOPWARE_CONTAINER_PROFILE } from '../../../stacks/docker/profiles/shopware';
import { resourcesOf, synthJson, synthTextAndJson } from '../../util';

function makeStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new DockerProvider(stack, 'docker', {});
  return stack;
}

const HARDENED = { user: '999:999', readOnlyRootfs: true, tmpfs: ['/run/mysqld', '/tmp'], init: true, nofile: 65536 };

describe('workload security', () => {
  let stack: TerraformStack;
  let cluster: DockerCluster;
  const make = (id: string, extra: Partial<WorkloadProps> = {}): Workload =>
    new Workload(stack, id, { cluster, name: id.toLowerCase(), role: id.toLowerCase(), image: 'mariadb:11.4.4', ...extra });
  beforeEach(() => {
    stack = makeStack();
    cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop' });
  });

  test('standalone: user, read-only root, tmpfs with noexec, init and nofile as container arguments', () => {
    make('Db', { security: HARDENED });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Container, {
      name: 'shop-db-1',
      user: '999:999',
      read_only: true,
      // Owned by the user: the engine mounts tmpfs owned by root.
      tmpfs: { '/run/mysqld': 'rw,noexec,nosuid,nodev,uid=999,gid=999', '/tmp': 'rw,noexec,nosuid,nodev,uid=999,gid=999' },
      init: true,
      ulimit: [{ name: 'nofile', soft: 65536, hard: 65536 }],
    });
  });

  test('standalone: init and tmpfs are carried by labels, so a change replaces the container (the provider neither updates them nor replaces for them)', () => {
    make('Db', { security: HARDENED });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Container, {
      name: 'shop-db-1',
      labels: expect.arrayContaining([
        { label: 'webcluster.init', value: 'true' },
        { label: 'webcluster.tmpfs', value: '/run/mysqld,/tmp' },
      ]),
    });
  });

  test('standalone: nothing is written for what is not asked (the image keeps its defaults)', () => {
    make('Plain');
    const [c] = resourcesOf(synthJson(stack), 'docker_container');
    for (const key of ['user', 'read_only', 'tmpfs', 'init', 'ulimit']) expect(c).not.toHaveProperty(key);
  });

  test('swarm: user, read-only root and tmpfs mounts (without tmpfs_options); no init or ulimits on services', () => {
    cluster = new DockerCluster(stack, 'Swarm', { namePrefix: 'sw', runtime: new SwarmRuntime() });
    make('Db', { security: { ...HARDENED, user: '0:0' }, volumes: [{ volumeName: 'sw-db-data', containerPath: '/var/lib/mysql' }] });
    const { text, json } = synthTextAndJson(stack);
    const [service] = resourcesOf(json, 'docker_service');
    const spec = (service.task_spec as { container_spec: Record<string, unknown> }).container_spec;
    expect(spec).toMatchObject({ user: '0:0', read_only: true });
    expect(spec.mounts).toEqual([
      { target: '/var/lib/mysql', source: 'sw-db-data', type: 'volume', read_only: false },
      { target: '/run/mysqld', type: 'tmpfs', read_only: false },
      { target: '/tmp', type: 'tmpfs', read_only: false },
    ]);
    expect(JSON.stringify(service)).not.toMatch(/ulimit|"init"|tmpfs_options/);
    expect(text).toHaveResourceWithProperties(Service, { name: 'sw-db' });
  });

  describe('validation', () => {
    test.each([
      ['a user name instead of ids', { user: 'mysql' }, /^test\/Bad: security\.user: got 'mysql'; allowed: a numeric '<uid>:<gid>'.+; fix: use e\.g\. '999:999'$/],
      ['tmpfs over the root', { tmpfs: ['/'] }, /^test\/Bad: security\.tmpfs: got \['\/'\]; allowed: absolute paths other than '\/'; fix: .+/],
      ['a tiny open-files limit', { nofile: 16 }, /^test\/Bad: security\.nofile: got 16; allowed: an integer from 1024 to 1048576; fix: .+/],
    ])('%s', (_name, security, message) => {
      expect(() => make('Bad', { security })).toThrow(message);
    });

    test('tmpfs for a non-root user on Swarm (mounted owned by root; the provider cannot set its options)', () => {
      cluster = new DockerCluster(stack, 'Swarm', { namePrefix: 'sw', runtime: new SwarmRuntime() });
      expect(() => make('Bad', { security: { user: '999:999', tmpfs: ['/run/mysqld'] } })).toThrow(
        /^test\/Bad: security\.tmpfs: got \[\/run\/mysqld\] with user '999:999' on a swarm runtime; allowed: tmpfs for root only on Swarm .+; fix: .+/,
      );
    });

    test('a read-only root with rendered files on a standalone engine', () => {
      expect(() => make('Bad', { security: { readOnlyRootfs: true }, files: [{ path: '/etc/app.conf', content: 'x' }] })).toThrow(
        /^test\/Bad: security\.readOnlyRootfs: got true with files \[\/etc\/app\.conf\] on a standalone engine; allowed: .+; fix: .+/,
      );
    });
  });
});

describe('hardening of the stacks', () => {
  const containers = (profile: typeof SHOPWARE_CONTAINER_PROFILE): Map<string, Record<string, unknown>> => {
    const stack = new DockerStack(Testing.app(), 'hs', { profile, domain: 'shop.example.com' });
    return new Map(resourcesOf(synthJson(stack), 'docker_container').map((c) => [c.name as string, c]));
  };

  test('Shopware: the data stores and Traefik run unprivileged on read-only roots; the app image runs with an init', () => {
    const c = containers(SHOPWARE_CONTAINER_PROFILE);
    expect(c.get('hs-db-1')).toMatchObject({ user: '999:999', read_only: true, ulimit: [{ name: 'nofile', soft: 65536, hard: 65536 }] });
    for (const cls of ['cache', 'sessions', 'critical', 'queue']) {
      expect(c.get(`hs-redis-${cls}-1`)).toMatchObject({ user: '999:999', read_only: true, ulimit: [{ name: 'nofile', soft: 65536, hard: 65536 }] });
    }
    expect(c.get('hs-traefik-1')).toMatchObject({ user: '65534:65534', read_only: true });
    for (const name of ['hs-app-1', 'hs-app-2', 'hs-app-worker-1', 'hs-app-scheduler-1', 'hs-admin-1', 'hs-app-init']) expect(c.get(name)).toMatchObject({ init: true });
  });

  test('Ibexa: MariaDB with an init SQL file keeps a writable root (the file is copied in before the start)', () => {
    const db = containers(EZPLATFORM_CONTAINER_PROFILE).get('hs-db-1');
    expect(db).toMatchObject({ user: '999:999', ulimit: [{ name: 'nofile', soft: 65536, hard: 65536 }] });
    expect(db).not.toHaveProperty('read_only');
  });

  test("the servers' open-files limit follows serverOpenFiles (for engines whose own hard limit is lower)", () => {
    const stack = new DockerStack(Testing.app(), 'hs', { profile: SHOPWARE_CONTAINER_PROFILE, domain: 'shop.example.com', serverOpenFiles: 16384 });
    const byName = new Map(resourcesOf(synthJson(stack), 'docker_container').map((c) => [c.name as string, c]));
    for (const name of ['hs-db-1', 'hs-redis-queue-1']) expect(byName.get(name)).toMatchObject({ ulimit: [{ name: 'nofile', soft: 16384, hard: 16384 }] });
  });

  test('an open-files limit below 1024 is refused', () => {
    expect(() => new DockerStack(Testing.app(), 'hs', { profile: SHOPWARE_CONTAINER_PROFILE, domain: 'shop.example.com', serverOpenFiles: 100 })).toThrow(
      /^hs\/Cluster: serverOpenFiles: got 100; allowed: an integer from 1024 to 1048576, at most the engine's own hard limit; fix: .+/,
    );
  });

  test('with ACME, Traefik keeps root to write acme.json on its new volume', () => {
    const stack = new DockerStack(Testing.app(), 'hs', { profile: SHOPWARE_CONTAINER_PROFILE, domain: 'shop.example.com', acmeEmail: 'ops@example.com' });
    const traefik = resourcesOf(synthJson(stack), 'docker_container').find((c) => c.name === 'hs-traefik-1');
    expect(traefik).toMatchObject({ read_only: true });
    expect(traefik).not.toHaveProperty('user');
  });
});
