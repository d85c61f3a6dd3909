import { Container } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Service } from '@cdktf/provider-docker/lib/service';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Testing, TerraformStack } from 'cdktf';
import { DockerCluster } from '../../../constructs/docker/docker-cluster';
import { bucketInitScript, SharedStorage, SharedStorageProps } from '../../../constructs/docker/shared-storage';
import { SwarmRuntime } from '../../../constructs/docker/swarm-runtime';
import { Workload } from '../../../constructs/docker/workload';
import { runTool } from '../../tools';
import { resourcesOf, synthJson, synthTextAndJson } from '../../util';

function makeStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new DockerProvider(stack, 'docker', {});
  return stack;
}

const BACKEND = '${docker_network.Cluster_BackendNetwork_91D09744.name}';
const BUCKETS: SharedStorageProps['buckets'] = [
  { id: 'public', folders: ['public/media', 'public/theme'], publicRead: true },
  { id: 'private', folders: ['files'] },
];

describe('SharedStorage (Docker, standalone)', () => {
  let stack: TerraformStack;
  let cluster: DockerCluster;
  const make = (extra: Partial<SharedStorageProps> = {}): SharedStorage => new SharedStorage(stack, 'Storage', { cluster, buckets: BUCKETS, ...extra });
  beforeEach(() => {
    stack = makeStack();
    cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop' });
  });

  test('MinIO on a protected named volume, checked with mc ready', () => {
    // WHEN
    const storage = make();
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Container, {
      name: 'shop-minio-1',
      command: ['minio', 'server', '/data', '--console-address', ':9001'],
      env: ['MINIO_ROOT_PASSWORD=${var.shop_minio_root_password}', 'MINIO_ROOT_USER=${var.shop_minio_root_user}'],
      healthcheck: expect.objectContaining({ test: ['CMD', 'mc', 'ready', 'local'] }),
      volumes: [expect.objectContaining({ container_path: '/data', volume_name: expect.stringContaining('docker_volume.Storage_DataVolume_') })],
      networks_advanced: [{ name: BACKEND, aliases: ['minio'] }],
      ports: [],
      wait: true,
    });
    expect(synth).toHaveResourceWithProperties(Image, { name: 'minio/minio:RELEASE.2025-04-22T22-12-26Z' });
    expect(synth).toHaveResourceWithProperties(Volume, { name: 'shop-minio-data', lifecycle: { prevent_destroy: true } });
    expect(storage.endpoint).toEqual({ hostname: 'minio', port: 9000 });
    expect(storage.s3Url).toBe('http://minio:9000');
  });

  test('buckets are named <prefix>-<id> and looked up by id', () => {
    // WHEN
    const storage = make();
    // THEN
    expect(storage.buckets).toEqual([
      { id: 'public', bucketName: 'shop-public', folders: ['public/media', 'public/theme'], publicRead: true },
      { id: 'private', bucketName: 'shop-private', folders: ['files'], publicRead: false },
    ]);
    expect(storage.bucket('private').bucketName).toBe('shop-private');
  });

  test('a one-shot task creates the buckets with plain signed S3 requests once MinIO is healthy', () => {
    // WHEN
    make();
    // THEN
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(Container, {
      name: 'shop-minio-init',
      entrypoint: ['/bin/sh', '-c'],
      depends_on: [expect.stringMatching(/^docker_container\.Storage_Server_Container1_/)],
      networks_advanced: [{ name: BACKEND, aliases: ['minio-init'] }],
      must_run: false,
      restart: 'no',
    });
    const task = resourcesOf(json, 'docker_container').find((c) => c.name === 'shop-minio-init') as { command: string[]; env: string[] };
    const script = task.command[0];
    expect(script).toContain('--aws-sigv4 "aws:amz:$S3_REGION:s3"');
    expect(script).toContain('create shop-public');
    expect(script).toContain('create shop-private');
    expect(script).toContain('"Resource":["arn:aws:s3:::shop-public/*"]');
    expect(script).toContain('expect "removing the policy of shop-private" "$(s3 DELETE "/shop-private?policy")" 200 204 404');
    expect(script).not.toMatch(/\bmc\b/);
    // Terraform reads strings as templates: curl's %{http_code} reaches the container only escaped.
    expect(script).toContain('-w "%%{http_code}"');
    expect(script).not.toMatch(/(^|[^%])%\{|(^|[^$])\$\{/);
    expect(task.env).toEqual(
      expect.arrayContaining(['S3_ENDPOINT=http://minio:9000', 'S3_REGION=us-east-1', 'AWS_ACCESS_KEY_ID=${var.shop_minio_root_user}', 'AWS_SECRET_ACCESS_KEY=${var.shop_minio_root_password}']),
    );
    expect(text).toHaveResourceWithProperties(Image, { name: 'curlimages/curl:8.11.1' });
  });

  test('no literal credential appears in the synthesized JSON', () => {
    // WHEN
    const storage = make();
    // THEN
    const json = synthJson(stack);
    const variables = (json as unknown as { variable: Record<string, Record<string, unknown>> }).variable;
    expect(Object.keys(variables).sort()).toEqual(['shop_minio_root_password', 'shop_minio_root_user']);
    for (const v of Object.values(variables)) expect(v).toEqual(expect.objectContaining({ sensitive: true }));
    const env = resourcesOf(json, 'docker_container').flatMap((c) => c.env as string[]);
    expect(env.filter((e) => e.startsWith('MINIO_ROOT_')).every((e) => /=\$\{var\.shop_minio_root_(user|password)\}$/.test(e))).toBe(true);
    expect(storage.accessKeySecret.variableName).toBe('shop_minio_root_user');
    expect(storage.secretKeySecret.variableName).toBe('shop_minio_root_password');
  });

  test('POSIX shares become protected named volumes that workloads mount', () => {
    // GIVEN
    const storage = make({ posixShares: [{ id: 'services', path: '/var/www/html/var/services' }] });
    // WHEN
    const share = storage.posixVolumes[0];
    new Workload(stack, 'App', { cluster, name: 'app', role: 'app', image: 'nginx:1.27.3', volumes: [{ volumeName: share.volumeName, containerPath: share.path }] });
    // THEN
    expect(share.id).toBe('services');
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Volume, { name: 'shop-share-services', lifecycle: { prevent_destroy: true } });
    expect(synth).toHaveResourceWithProperties(Container, {
      name: 'shop-app-1',
      volumes: [expect.objectContaining({ container_path: '/var/www/html/var/services', volume_name: expect.stringContaining('docker_volume.Storage_ShareServices_') })],
    });
  });

  test('clients granted with allowDefaultPortFrom join the backend network', () => {
    // GIVEN
    const storage = make();
    const app = new Workload(stack, 'App', { cluster, name: 'app', role: 'app', image: 'nginx:1.27.3', listenNetwork: cluster.frontend });
    // WHEN
    storage.connections.allowDefaultPortFrom(app);
    // THEN
    const appContainer = resourcesOf(synthJson(stack), 'docker_container').find((c) => c.name === 'shop-app-1') as Record<string, unknown>;
    expect(appContainer.networks_advanced).toEqual(expect.arrayContaining([expect.objectContaining({ name: BACKEND })]));
    expect(storage.connections.defaultPort?.fromPort).toBe(9000);
  });

  test('debugPort publishes the S3 API on 127.0.0.1 only', () => {
    // WHEN
    make({ debugPort: 19000 });
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Container, { name: 'shop-minio-1', ports: [{ internal: 9000, external: 19000, ip: '127.0.0.1', protocol: 'tcp' }] });
  });

  test('images can be overridden', () => {
    // WHEN
    make({ image: 'minio/minio:RELEASE.2025-05-24T17-08-30Z', clientImage: 'curlimages/curl:8.12.0' });
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Image, { name: 'minio/minio:RELEASE.2025-05-24T17-08-30Z' });
    expect(synth).toHaveResourceWithProperties(Image, { name: 'curlimages/curl:8.12.0' });
  });

  test('applies the bucket rules every backend shares (one test each: test/constructs/core/shared-storage-rules.test.ts)', () => {
    expect(() => make({ buckets: [] })).toThrow(/^test\/Storage: buckets: got \[\]; allowed: at least one bucket/);
  });

  test('applies the share rules every backend shares, with its own example path in the fix', () => {
    expect(() => make({ posixShares: [{ id: 'dfs', path: 'var/dfs' }] })).toThrow(
      /posixShares\[\]\.path: got \['var\/dfs'\]; .*; fix: use e\.g\. '\/var\/www\/html\/var\/services'$/,
    );
  });

  test('fails when a bucket name gets too long', () => {
    expect(() => make({ buckets: [{ id: `b${'x'.repeat(60)}`, folders: [] }] })).toThrow(/making bucket names longer than 63 characters/);
  });

  test('fails when asked to publish on 0.0.0.0', () => {
    expect(() => make({ debugPort: 19000, debugHostIp: '0.0.0.0' })).toThrow(/a data store must not publish on 0.0.0.0; fix: use 127.0.0.1 or remove the debug port/);
  });

  test('fails when an unknown bucket is looked up', () => {
    expect(() => make().bucket('media')).toThrow(/bucket: got 'media'; allowed: 'public', 'private'/);
  });

  test('fails when the client image is not pinned', () => {
    expect(() => make({ clientImage: 'curlimages/curl' })).toThrow(/image: got 'curlimages\/curl' \(no tag: the image is not pinned\)/);
  });
});

describe('SharedStorage (Docker, swarm)', () => {
  let stack: TerraformStack;
  let cluster: DockerCluster;
  beforeEach(() => {
    stack = makeStack();
    cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: new SwarmRuntime() });
  });

  test('MinIO is a pinned stop-first service reading its credentials from secret files; the init task stays a container', () => {
    // WHEN
    new SharedStorage(stack, 'Storage', { cluster, buckets: BUCKETS });
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Service, {
      name: 'shop-minio',
      task_spec: expect.objectContaining({
        placement: { constraints: ['node.role == manager'] },
        container_spec: expect.objectContaining({
          args: ['minio', 'server', '/data', '--console-address', ':9001'],
          env: { MINIO_ROOT_USER_FILE: '/run/secrets/shop_minio_root_user', MINIO_ROOT_PASSWORD_FILE: '/run/secrets/shop_minio_root_password' },
        }),
      }),
      update_config: expect.objectContaining({ order: 'stop-first' }),
    });
    expect(synth).toHaveResourceWithProperties(Container, {
      name: 'shop-minio-init',
      entrypoint: ['/bin/sh', '-c'],
      depends_on: [expect.stringMatching(/^docker_service\.Storage_Server_Service_/)],
    });
  });

  test('fails when POSIX shares are asked for on swarm', () => {
    expect(() => new SharedStorage(stack, 'Storage', { cluster, buckets: BUCKETS, posixShares: [{ id: 'dfs', path: '/srv/dfs' }] })).toThrow(
      /posixShares: got \['dfs'\] on a swarm runtime; allowed: POSIX shares on a standalone engine only, a named volume lives on one node; fix: use S3 buckets or an NFS-backed volume driver/,
    );
  });

  test('fails when a debug port is asked for on swarm', () => {
    expect(() => new SharedStorage(stack, 'Storage', { cluster, buckets: BUCKETS, debugPort: 19000 })).toThrow(/debugPort: got 19000 on a swarm runtime/);
  });
});

describe('the bucket set-up script (assets/bucket-init.sh)', () => {
  const buckets = [
    { id: 'public', bucketName: 'shop-public', folders: ['media'], publicRead: true },
    { id: 'private', bucketName: 'shop-private', folders: ['files'], publicRead: false },
  ];
  const script = bucketInitScript(buckets);

  test('creates every bucket, sets the public one\'s read policy and removes the private one\'s, without a final line break', () => {
    expect(script.split('\n').filter((l) => /^(create|expect) /.test(l))).toEqual([
      'create shop-public',
      `expect "public-read policy of shop-public" "$(s3 PUT "/shop-public?policy" '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::shop-public/*"]}]}')" 200 204`,
      'create shop-private',
      'expect "removing the policy of shop-private" "$(s3 DELETE "/shop-private?policy")" 200 204 404',
    ]);
    expect(script.endsWith('echo "buckets ready: shop-public shop-private"')).toBe(true);
    expect(script).not.toMatch(/\{\{/);
  });

  test('passes shellcheck as a POSIX sh script (it runs as sh -c)', () => {
    const result = runTool('shellcheck', ['--shell=sh', '-'], { input: script });
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });
});
