import { Container } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Service } from '@cdktf/provider-docker/lib/service';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Testing, TerraformStack } from 'cdktf';
import { parse } from 'yaml';
import { DockerCluster } from '../../../constructs/docker/docker-cluster';
import { DockerSecret } from '../../../constructs/docker/docker-secret';
import { LogShipping, LogShippingProps } from '../../../constructs/docker/log-shipping';
import { SwarmRuntime } from '../../../constructs/docker/swarm-runtime';
import { Workload } from '../../../constructs/docker/workload';
import { resourcesOf, synthJson, synthTextAndJson } from '../../util';

function makeStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new DockerProvider(stack, 'docker', {});
  return stack;
}

const FLUENTD = { 'fluentd-address': '127.0.0.1:24224', 'fluentd-async': 'true', tag: 'docker.{{.Name}}' };

describe('LogShipping (Docker, standalone)', () => {
  let stack: TerraformStack;
  let cluster: DockerCluster;
  const make = (extra: Partial<LogShippingProps> = {}): LogShipping => new LogShipping(stack, 'Logs', { cluster, ...extra });
  const app = (id = 'App'): Workload => new Workload(stack, id, { cluster, name: id.toLowerCase(), role: 'app', image: 'nginx:1.27.3' });
  beforeEach(() => {
    stack = makeStack();
    cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop' });
  });

  test('Fluent Bit listens with the forward input, published on 127.0.0.1 only, without a Docker socket', () => {
    // WHEN
    const logs = make();
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Container, {
      name: 'shop-fluent-bit-1',
      command: ['/fluent-bit/bin/fluent-bit', '-c', '/fluent-bit/etc/fluent-bit.yaml'],
      ports: [{ internal: 24224, external: 24224, ip: '127.0.0.1', protocol: 'tcp' }],
      upload: [expect.objectContaining({ file: '/fluent-bit/etc/fluent-bit.yaml' })],
      volumes: [{ container_path: '/webcluster-tools', read_only: true, volume_name: expect.stringMatching(/^\$\{docker_volume\.Logs_ToolsVolume_[0-9A-F]+\.name\}$/) }],
      log_driver: 'json-file',
      log_opts: { 'max-size': '10m', 'max-file': '5' },
    });
    expect(synth).toHaveResourceWithProperties(Image, { name: 'fluent/fluent-bit:3.2.4' });
    expect(logs.sinkName).toBe('fluent-bit');
  });

  test("Fluent Bit is health-checked through its /api/v1/health with a static BusyBox that a one-shot task put into a volume (the image is distroless)", () => {
    // WHEN
    make();
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Container, {
      name: 'shop-fluent-bit-1',
      healthcheck: {
        test: ['CMD', '/webcluster-tools/busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:2020/api/v1/health'],
        interval: '10s',
        timeout: '5s',
        retries: 3,
        start_period: '10s',
      },
      wait: true,
      depends_on: [expect.stringMatching(/^docker_container\.Logs_Tools_Task_/)],
    });
    expect(synth).toHaveResourceWithProperties(Container, {
      name: 'shop-fluent-bit-tools',
      image: expect.stringContaining('busybox-1-37-0-musl'),
      command: ['sh', '-c', 'cp /bin/busybox /tools/busybox.new && mv -f /tools/busybox.new /tools/busybox'],
      volumes: [expect.objectContaining({ container_path: '/tools', read_only: false })],
      must_run: false,
    });
    expect(synth).toHaveResourceWithProperties(Image, { name: 'busybox:1.37.0-musl' });
    expect(synth).toHaveResourceWithProperties(Volume, { name: 'shop-fluent-bit-tools' });
  });

  test('the BusyBox image can be replaced', () => {
    // WHEN
    make({ healthcheckToolImage: 'registry.example.com/tools/busybox:1.37.0' });
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Image, { name: 'registry.example.com/tools/busybox:1.37.0' });
  });

  test('fails when the BusyBox image is not pinned', () => {
    expect(() => make({ healthcheckToolImage: 'busybox' })).toThrow(/image: got 'busybox' \(no tag: the image is not pinned\)/);
  });

  test('the rendered configuration has the forward input and, by default, one stdout output for everything', () => {
    // WHEN
    const logs = make();
    // THEN
    const upload = (resourcesOf(synthJson(stack), 'docker_container')[0].upload as { content: string }[])[0];
    expect(upload.content).toBe(logs.config);
    expect(parse(logs.config as string)).toEqual({
      service: expect.objectContaining({ http_server: 'on', health_check: 'on' }),
      pipeline: {
        inputs: [{ name: 'forward', listen: '0.0.0.0', port: 24224 }],
        outputs: [{ name: 'stdout', match: '*', format: 'json_lines' }],
      },
    });
  });

  test('workloads created after it log through the fluentd driver; earlier ones keep json-file', () => {
    // GIVEN
    app('Before');
    // WHEN
    const logs = make();
    app('After');
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Container, { name: 'shop-after-1', log_driver: 'fluentd', log_opts: FLUENTD });
    expect(synth).toHaveResourceWithProperties(Container, { name: 'shop-before-1', log_driver: 'json-file' });
    expect(logs.logTarget).toEqual({ driver: 'fluentd', options: FLUENTD });
  });

  test('routes are configurable; secrets reach Fluent Bit as environment variables, escaped from Terraform', () => {
    // GIVEN
    const password = new DockerSecret(stack, 'LokiPassword', { variableName: 'shop_loki_password', description: 'Loki' });
    // WHEN
    const logs = make({
      outputs: [
        { match: 'docker.shop-app-*', name: 'loki', options: { host: 'loki.example.com', port: '3100', http_user: 'shop', http_passwd: '${LOKI_PASSWORD}' } },
        { match: '*', name: 'stdout', options: {} },
      ],
      secrets: { LOKI_PASSWORD: password },
      forwardPort: 24300,
    });
    app();
    // THEN
    expect(logs.config).toContain('http_passwd: $${LOKI_PASSWORD}');
    expect(parse(logs.config as string).pipeline.outputs).toEqual([
      { name: 'loki', match: 'docker.shop-app-*', host: 'loki.example.com', port: '3100', http_user: 'shop', http_passwd: '$${LOKI_PASSWORD}' },
      { name: 'stdout', match: '*' },
    ]);
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Container, {
      name: 'shop-fluent-bit-1',
      env: ['LOKI_PASSWORD=${var.shop_loki_password}'],
      ports: [{ internal: 24224, external: 24300, ip: '127.0.0.1', protocol: 'tcp' }],
    });
    expect(synth).toHaveResourceWithProperties(Container, { name: 'shop-app-1', log_opts: expect.objectContaining({ 'fluentd-address': '127.0.0.1:24300' }) });
  });

  test('destinationFor names the outputs that take a workload\'s records', () => {
    // WHEN
    const logs = make({
      outputs: [
        { match: 'docker.shop-app-*', name: 'loki', options: {} },
        { match: 'docker.shop-db*', name: 'es', options: {} },
      ],
    });
    // THEN
    expect(logs.destinationFor('app')).toBe("fluent-bit loki (match 'docker.shop-app-*') for tag docker.shop-app-<n>");
    expect(logs.destinationFor('db-replica')).toBe("fluent-bit es (match 'docker.shop-db*') for tag docker.shop-db-replica-<n>");
  });

  test('fails when there is no output', () => {
    expect(() => make({ outputs: [] })).toThrow(/outputs: got \[\]; allowed: at least one output/);
  });

  test('fails when an output plugin name is invalid', () => {
    expect(() => make({ outputs: [{ match: '*', name: 'Loki Out', options: {} }] })).toThrow(/outputs\[\].name: got \['Loki Out'\]/);
  });

  test('fails when a match pattern is invalid', () => {
    expect(() => make({ outputs: [{ match: 'docker app', name: 'stdout', options: {} }] })).toThrow(/outputs\[\].match: got \['docker app'\]/);
  });

  test('fails when an option sets the plugin or the match', () => {
    expect(() => make({ outputs: [{ match: '*', name: 'stdout', options: { Match: 'x' } }] })).toThrow(/outputs\[\].options: got key\(s\) \['Match'\]/);
  });

  test('fails when a secret variable name is not an environment variable name', () => {
    const secret = new DockerSecret(stack, 'S', { variableName: 'shop_x_password', description: 'x' });
    expect(() => make({ secrets: { 'loki-password': secret } })).toThrow(/secrets: got variable name\(s\) \['loki-password'\]/);
  });

  test('fails when the forward port is privileged', () => {
    expect(() => make({ forwardPort: 224 })).toThrow(/forwardPort: got 224; allowed: an integer from 1024 to 65535/);
  });

  test('fails when the json-file rotation size is out of range', () => {
    expect(() => make({ jsonFileMaxSizeMb: 0 })).toThrow(/jsonFileMaxSizeMb: got 0; allowed: an integer from 1 to 1024/);
  });

  test('fails when the number of rotated json-file logs is out of range', () => {
    expect(() => make({ jsonFileMaxFiles: 0 })).toThrow(/jsonFileMaxFiles: got 0; allowed: an integer from 1 to 100/);
  });

  test('fails when destinationFor gets a name that is not a workload name', () => {
    expect(() => make().destinationFor('App Server')).toThrow(/role: got 'App Server'; allowed: a workload name/);
  });

  test('fails when no output takes a workload\'s records', () => {
    const logs = make({ outputs: [{ match: 'docker.shop-app-*', name: 'loki', options: {} }] });
    expect(() => logs.destinationFor('worker')).toThrow(/role: got 'worker' whose records \(tag docker.shop-worker-<n>\) no output takes/);
  });

  test('fails when the image is not pinned', () => {
    expect(() => make({ image: 'fluent/fluent-bit' })).toThrow(/image: got 'fluent\/fluent-bit' \(no tag: the image is not pinned\)/);
  });
});

describe('LogShipping (Docker, swarm)', () => {
  let stack: TerraformStack;
  let cluster: DockerCluster;
  beforeEach(() => {
    stack = makeStack();
    cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: new SwarmRuntime() });
  });

  test('no Fluent Bit runs; services keep json-file with the configured rotation', () => {
    // WHEN
    const logs = new LogShipping(stack, 'Logs', { cluster, jsonFileMaxSizeMb: 20, jsonFileMaxFiles: 3 });
    new Workload(stack, 'App', { cluster, name: 'app', role: 'app', image: 'nginx:1.27.3' });
    // THEN
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(Service, {
      name: 'shop-app',
      task_spec: expect.objectContaining({ log_driver: { name: 'json-file', options: { 'max-size': '20m', 'max-file': '3' } } }),
    });
    expect(resourcesOf(json, 'docker_service')).toHaveLength(1);
    expect(resourcesOf(json, 'docker_container')).toHaveLength(0);
    expect(logs.sinkName).toBe('json-file');
    expect(logs.workload).toBeUndefined();
    expect(logs.destinationFor('app')).toBe('json-file on the node (docker service logs shop-app)');
  });

  test('fails when outputs are asked for on swarm', () => {
    expect(() => new LogShipping(stack, 'Logs', { cluster, outputs: [{ match: '*', name: 'stdout', options: {} }] })).toThrow(
      /outputs: got Fluent Bit outputs on a swarm runtime; allowed: outputs on a standalone engine only/,
    );
  });
});
