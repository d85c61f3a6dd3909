import { Container } from '@cdktf/provider-docker/lib/container';
import { Network } from '@cdktf/provider-docker/lib/network';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Testing, TerraformStack } from 'cdktf';
import { parse } from 'yaml';
import { AppServerGroup } from '../../../constructs/docker/app-server-group';
import { DockerCluster } from '../../../constructs/docker/docker-cluster';
import { HttpCache, HttpCacheProps } from '../../../constructs/docker/http-cache';
import { LoadBalancer } from '../../../constructs/docker/load-balancer';
import { SwarmRuntime } from '../../../constructs/docker/swarm-runtime';
import { resourcesOf, SynthJson, synthJson, synthTextAndJson } from '../../util';

function makeStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new DockerProvider(stack, 'docker', {});
  return stack;
}

type ContainerJson = { name: string; networks_advanced: { name: string }[]; upload?: { file: string; content: string }[]; entrypoint?: string[]; command?: string[] };

describe('HttpCache (Docker)', () => {
  let stack: TerraformStack;
  let cluster: DockerCluster;
  let lb: LoadBalancer;
  const make = (extra: Partial<HttpCacheProps> = {}): HttpCache =>
    new HttpCache(stack, 'HttpCache', { cluster, loadBalancer: lb, backend: { hostname: 'app', port: 80 }, backendProbePath: '/health', ...extra });
  /** The app group behind the cache, as the Docker stack builds it with the varnish tier. */
  const app = (cache: HttpCache): AppServerGroup => {
    const group = new AppServerGroup(stack, 'AppServers', {
      cluster,
      loadBalancer: lb,
      loadBalancerRoute: false,
      port: 80,
      healthCheckPath: '/health',
      image: 'php:8.3-apache',
      initCommand: ['true'],
    });
    cache.connections.allowDefaultPortFrom(group);
    return group;
  };
  const containers = (json: SynthJson): ContainerJson[] => resourcesOf(json, Container.tfResourceType) as unknown as ContainerJson[];
  const byName = (json: SynthJson, name: string): ContainerJson => containers(json).find((c) => c.name === name) as ContainerJson;

  beforeEach(() => {
    stack = makeStack();
    cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'ibexa' });
    lb = new LoadBalancer(stack, 'LoadBalancer', { cluster, domain: 'ibexa.localhost' });
  });

  test('the varnish image, pinned, running varnishd with the rendered VCL uploaded as a file', () => {
    // WHEN
    const cache = make();
    // THEN
    const { text, json } = synthTextAndJson(stack);
    const varnish = byName(json, 'ibexa-varnish-1');
    expect(varnish.entrypoint).toEqual(['varnishd']);
    expect(varnish.command).toEqual(['-F', '-a', ':6081', '-f', '/etc/varnish/default.vcl', '-s', 'malloc,256m', '-s', 'Transient=malloc,64m']);
    expect(varnish.upload).toEqual([{ file: '/etc/varnish/default.vcl', content: expect.stringContaining('vcl 4.1;') }]);
    expect(text).toContain('"name": "varnish:7.6.1"');
    expect(cache.vcl).toContain('import xkey;');
    expect(cache.vcl).toContain('probe app_health {\n    .url = "/health";');
    expect(cache.vcl).toContain('set req.backend_hint = app.backend("app");');
  });

  test('the image can be overridden (pinned)', () => {
    make({ image: 'registry.example.com/varnish:7.6.1-xkey' });
    expect(Testing.synth(stack)).toContain('"name": "registry.example.com/varnish:7.6.1-xkey"');
  });

  test('between Traefik and the app: the catch-all route goes to Varnish, Varnish reaches the app on its own network', () => {
    // GIVEN
    const cache = make();
    // WHEN
    const group = app(cache);
    // THEN
    expect(group.target).toBeUndefined();
    const { text, json } = synthTextAndJson(stack);
    const routes = parse(byName(json, 'ibexa-traefik-routes').upload?.[0].content ?? '').http;
    expect(Object.keys(routes.routers)).toEqual(['httpcache']);
    expect(routes.routers.httpcache.rule).toBe('Host(`ibexa.localhost`)');
    expect(routes.services.httpcache.loadBalancer.servers).toEqual([{ url: 'http://${docker_container.HttpCache_Varnish_Container1_15DA9812.name}:6081' }]);
    expect(routes.services.httpcache.loadBalancer.healthCheck.path).toBe('/_varnish/health');
    const networks = (name: string): string[] => byName(json, name).networks_advanced.map((n) => n.name);
    const edge = '${docker_network.HttpCache_EdgeNetwork_5AEF26F0.name}';
    const cacheNet = '${docker_network.HttpCache_Network_4158458E.name}';
    expect(networks('ibexa-varnish-1')).toEqual([edge, cacheNet]);
    expect(networks('ibexa-traefik-1')).toContain(edge);
    expect(networks('ibexa-traefik-1')).not.toContain(cacheNet);
    expect(networks('ibexa-app-1')).toContain(cacheNet);
    expect(networks('ibexa-app-init')).toContain(cacheNet);
    expect(networks('ibexa-app-1')).not.toContain(edge);
    expect(text).toHaveResourceWithProperties(Network, { name: 'ibexa-httpcache', internal: true });
    expect(text).toHaveResourceWithProperties(Network, { name: 'ibexa-httpcache-edge', internal: true });
  });

  test("purge ACL: only the subnet of the app's cache network, which Traefik is not on", () => {
    // WHEN
    const cache = make();
    // THEN
    const json = synthJson(stack);
    expect(json.data?.docker_network).toEqual({ HttpCache_NetworkInfo_E92C300E: { name: '${docker_network.HttpCache_Network_4158458E.name}' } });
    const vcl = byName(json, 'ibexa-varnish-1').upload?.[0].content ?? '';
    const acl = /acl invalidators \{\n([\s\S]*?)\n\}/.exec(vcl)?.[1] ?? '';
    expect(acl).toContain('"127.0.0.1";');
    expect(acl).toContain('"${element(split("/", tolist(data.docker_network.HttpCache_NetworkInfo_E92C300E.ipam_config).0.subnet), 0)}"/');
    expect(acl.trim().split('\n')).toHaveLength(2);
    expect(cache.vcl).toContain('return (synth(405, "Method not allowed"));');
    expect(cache.purgeHosts).toEqual(['varnish']);
    expect(cache.port).toBe(6081);
  });

  test('health check without curl or wget, on the synthetic health path', () => {
    make();
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Container, {
      name: 'ibexa-varnish-1',
      healthcheck: expect.objectContaining({ test: ['CMD', 'bash', '-c', expect.stringContaining("printf 'GET /_varnish/health HTTP/1.0")] }),
    });
  });

  test('on Swarm the VCL becomes a Swarm config of the Varnish service', () => {
    // GIVEN
    cluster = new DockerCluster(stack, 'Swarm', { namePrefix: 'swarm', runtime: new SwarmRuntime() });
    lb = new LoadBalancer(stack, 'SwarmLoadBalancer', { cluster });
    // WHEN
    new HttpCache(stack, 'SwarmCache', { cluster, loadBalancer: lb, backend: { hostname: 'app', port: 80 } });
    // THEN
    const json = synthJson(stack);
    expect(Object.values(json.resource.docker_service ?? {}).map((s) => s.name)).toContain('swarm-varnish');
    expect(Object.keys(json.resource.docker_config ?? {}).some((k) => k.startsWith('SwarmCache_Varnish_Config1'))).toBe(true);
  });

  test.each<[string, Partial<HttpCacheProps>, RegExp]>([
    ['an unpinned image', { image: 'varnish' }, /image: got 'varnish' \(no tag: the image is not pinned\)/],
    ['a bad backend port', { backend: { hostname: 'app', port: 0 } }, /backend.port: got 0; allowed: 1 to 65535/],
    ['a bad backend name', { backend: { hostname: 'app_1!', port: 80 } }, /backend.hostname: got 'app_1!'; allowed: a DNS name/],
    ['a relative probe path', { backendProbePath: 'health' }, /backendProbePath: got 'health'; allowed: an absolute path/],
    ['a tiny cache', { cacheSizeMiB: 1 }, /cacheSizeMiB: got 1; allowed: an integer from 16 to half of resources.memoryMb \(256\)/],
  ])('fails on %s', (_name, extra, message) => {
    expect(() => make(extra)).toThrow(message);
  });

  test('fails when the app also takes the catch-all route', () => {
    make();
    expect(
      () => new AppServerGroup(stack, 'AppServers', { cluster, loadBalancer: lb, port: 80, healthCheckPath: '/health', image: 'php:8.3-apache' }),
    ).toThrow(/pathPrefixes: got none \(the catch-all route\), but target 'httpcache' already takes every other path/);
  });
});
