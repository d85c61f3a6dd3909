/**
 * The Docker rules of the policy pack, on small Docker fixtures (containers, Swarm services, images,
 * networks). They are not applicable to AWS resources.
 */
import { Container, ContainerConfig } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { Network } from '@cdktf/provider-docker/lib/network';
import { Service } from '@cdktf/provider-docker/lib/service';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { TerraformStack, Testing } from 'cdktf';
import { DataStoreInternalNetworkOnly } from '../../policies/rules/DataStoreInternalNetworkOnly';
import { DataStoreNoPublishedPorts } from '../../policies/rules/DataStoreNoPublishedPorts';
import { DockerImagePinned } from '../../policies/rules/DockerImagePinned';
import { DockerSocketReadOnly } from '../../policies/rules/DockerSocketReadOnly';
import { DOCKER_RULES } from '../../policies/catalog';

let stack: TerraformStack;
let backend: Network;
let frontend: Network;
beforeEach(() => {
  stack = new TerraformStack(Testing.app(), 'docker');
  backend = new Network(stack, 'Backend', { name: 'shop-backend', internal: true });
  frontend = new Network(stack, 'Frontend', { name: 'shop-frontend', internal: false });
});

/** A container of `image` (a docker_image resource), with extra settings. */
function container(id: string, image: string, extra: Partial<ContainerConfig> = {}): Container {
  const img = new Image(stack, `${id}Image`, { name: image });
  return new Container(stack, id, { name: id.toLowerCase(), image: img.imageId, ...extra });
}

describe('DockerImagePinned (WC-DKR-001)', () => {
  test('compliant: a version tag, a digest, a tag plus digest', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const images = [
      new Image(stack, 'Tag', { name: 'valkey/valkey:8.0.2' }),
      new Image(stack, 'Digest', { name: `mariadb@${digest}` }),
      new Image(stack, 'Both', { name: `registry.example.com:5000/shop/app:latest@${digest}` }),
    ];
    expect(images.map((i) => DockerImagePinned.check(i))).toEqual(['compliant', 'compliant', 'compliant']);
  });

  test("non-compliant: no tag, 'latest', a literal unpinned image on a container and on a service", () => {
    const nodes = [
      new Image(stack, 'NoTag', { name: 'traefik' }),
      new Image(stack, 'Latest', { name: 'minio/minio:latest' }),
      new Container(stack, 'Literal', { name: 'x', image: 'redis' }),
      new Service(stack, 'Svc', { name: 'svc', taskSpec: { containerSpec: { image: 'nginx:latest' } } }),
    ];
    expect(nodes.map((n) => DockerImagePinned.check(n))).toEqual(Array(4).fill('non-compliant'));
  });

  test('not applicable: a container whose image is a docker_image reference (the image is checked)', () => {
    expect(DockerImagePinned.check(container('App', 'traefik'))).toBe('not-applicable');
  });
});

describe('DataStoreInternalNetworkOnly (WC-DKR-002)', () => {
  test('compliant: Valkey and MariaDB only on the internal network; MariaDB with networking off', () => {
    const valkey = container('Valkey', 'valkey/valkey:8.0.2', { networksAdvanced: [{ name: backend.name }] });
    const byName = container('Db', 'mariadb:11.4', { networksAdvanced: [{ name: 'shop-backend' }] });
    const isolated = container('Offline', 'mariadb:11.4', { networkMode: 'none' });
    expect([valkey, byName, isolated].map((n) => DataStoreInternalNetworkOnly.check(n))).toEqual(['compliant', 'compliant', 'compliant']);
  });

  test('non-compliant: also on the frontend network, on the default bridge, on an unknown network, a Swarm service on a public network', () => {
    const nodes = [
      container('Both', 'redis:7.4', { networksAdvanced: [{ name: backend.name }, { name: frontend.name }] }),
      container('Bridge', 'mysql:8.4'),
      container('Unknown', 'mongo:7.0', { networksAdvanced: [{ name: 'somebody-elses-network' }] }),
      new Service(stack, 'Minio', {
        name: 'minio',
        taskSpec: { containerSpec: { image: new Image(stack, 'MinioImage', { name: 'minio/minio:RELEASE.2025-01-20T14-49-07Z' }).name }, networksAdvanced: [{ name: frontend.id }] },
      }),
    ];
    expect(nodes.map((n) => DataStoreInternalNetworkOnly.check(n))).toEqual(Array(4).fill('non-compliant'));
  });

  test('not applicable: app containers, whatever their networks', () => {
    expect(DataStoreInternalNetworkOnly.check(container('App', 'ghcr.io/shopware/docker-base:8.3', { networksAdvanced: [{ name: frontend.name }] }))).toBe(
      'not-applicable',
    );
    expect(DataStoreInternalNetworkOnly.check(container('Client', 'minio/mc:RELEASE.2025-01-17T23-25-50Z'))).toBe('not-applicable');
  });
});

describe('DataStoreNoPublishedPorts (WC-DKR-003)', () => {
  test('compliant: no ports, or a debug port on 127.0.0.1', () => {
    const none = container('Valkey', 'valkey/valkey:8.0.2', { networksAdvanced: [{ name: backend.name }] });
    const loopback = container('Db', 'mariadb:11.4', { ports: [{ internal: 3306, external: 13306, ip: '127.0.0.1' }] });
    expect(DataStoreNoPublishedPorts.check(none)).toBe('compliant');
    expect(DataStoreNoPublishedPorts.check(loopback)).toBe('compliant');
  });

  test('non-compliant: a port on every address (the default), and any published port of a Swarm service', () => {
    const everywhere = container('Redis', 'redis:7.4', { ports: [{ internal: 6379, external: 6379 }] });
    const swarm = new Service(stack, 'Db', {
      name: 'db',
      taskSpec: { containerSpec: { image: 'mariadb:11.4' } },
      endpointSpec: { ports: [{ targetPort: 3306, publishedPort: 3306 }] },
    });
    expect(DataStoreNoPublishedPorts.check(everywhere)).toBe('non-compliant');
    expect(DataStoreNoPublishedPorts.check(swarm)).toBe('non-compliant');
  });

  test('not applicable: the load balancer publishes 80/443 on every address', () => {
    expect(DataStoreNoPublishedPorts.check(container('Traefik', 'traefik:v3.3.5', { ports: [{ internal: 80, external: 80 }] }))).toBe('not-applicable');
  });
});

describe('DockerSocketReadOnly (WC-DKR-004)', () => {
  test('compliant: no socket, or the socket read-only (volume and bind mount)', () => {
    const plain = container('App', 'nginx:1.27');
    const volume = container('Traefik', 'traefik:v3.3.5', { volumes: [{ hostPath: '/var/run/docker.sock', containerPath: '/var/run/docker.sock', readOnly: true }] });
    const mount = container('Proxy', 'tecnativa/docker-socket-proxy:0.3.0', {
      mounts: [{ type: 'bind', source: '/run/docker.sock', target: '/var/run/docker.sock', readOnly: true }],
    });
    expect([plain, volume, mount].map((n) => DockerSocketReadOnly.check(n))).toEqual(['compliant', 'compliant', 'compliant']);
  });

  test('non-compliant: the socket writable, /var/run mounted, a Swarm service binding the socket', () => {
    const nodes = [
      container('Traefik', 'traefik:v3.3.5', { volumes: [{ hostPath: '/var/run/docker.sock', containerPath: '/var/run/docker.sock' }] }),
      container('Agent', 'portainer/agent:2.21.5', { mounts: [{ type: 'bind', source: '/var/run', target: '/host/run' }] }),
      new Service(stack, 'Svc', {
        name: 'svc',
        taskSpec: { containerSpec: { image: 'traefik:v3.3.5', mounts: [{ type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock' }] } },
      }),
    ];
    expect(nodes.map((n) => DockerSocketReadOnly.check(n))).toEqual(Array(3).fill('non-compliant'));
  });
});

describe('Docker rules on AWS resources', () => {
  test('are not applicable', () => {
    const bucket = new S3Bucket(stack, 'Bucket', {});
    expect(DOCKER_RULES.map((r) => r.check(bucket))).toEqual(Array(DOCKER_RULES.length).fill('not-applicable'));
  });
});
