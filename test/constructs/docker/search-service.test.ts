import { Container } from '@cdktf/provider-docker/lib/container';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Testing, TerraformStack } from 'cdktf';
import { DockerCluster } from '../../../constructs/docker/docker-cluster';
import { SearchService, SearchServiceProps } from '../../../constructs/docker/search-service';
import { SwarmRuntime } from '../../../constructs/docker/swarm-runtime';
import { Workload } from '../../../constructs/docker/workload';
import { resolveTokenAndSynth, resourcesOf, SynthJson, synthJson, synthTextAndJson } from '../../util';

const PREPARE = 'bash bin/generate-solr-config.sh --destination-dir="$CONFIG_SET_DIR/conf" --solr-install-dir=/opt/solr';

function makeStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new DockerProvider(stack, 'docker', {});
  return stack;
}

type ContainerJson = { name: string; command?: string[]; networks_advanced: { name: string }[]; volumes: { container_path: string; read_only: boolean; volume_name: string }[] };

describe('SearchService (Docker)', () => {
  let stack: TerraformStack;
  let cluster: DockerCluster;
  const make = (extra: Partial<SearchServiceProps> = {}): SearchService => new SearchService(stack, 'SearchService', { cluster, ...extra });
  const solr = (json: SynthJson): ContainerJson =>
    (resourcesOf(json, Container.tfResourceType) as unknown as ContainerJson[]).find((c) => c.name === 'ibexa-solr-1') as ContainerJson;

  beforeEach(() => {
    stack = makeStack();
    cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'ibexa' });
  });

  test('solr:9.7.0 pinned, the core precreated from _default, index on a protected named volume, backend network only', () => {
    // WHEN
    const search = make();
    // THEN
    const { text: synth, json } = synthTextAndJson(stack);
    expect(synth).toContain('"name": "solr:9.7.0"');
    expect(solr(json).command).toEqual(['solr-precreate', 'collection1']);
    expect(solr(json).networks_advanced.map((n) => n.name)).toEqual(['${docker_network.Cluster_BackendNetwork_91D09744.name}']);
    expect(solr(json).volumes).toEqual([expect.objectContaining({ container_path: '/var/solr', volume_name: '${docker_volume.SearchService_DataVolume_BE88999D.name}' })]);
    expect(synth).toHaveResourceWithProperties(Volume, { name: 'ibexa-solr-data', lifecycle: { prevent_destroy: true } });
    expect(search.url).toBe('http://solr:8983/solr');
    expect(search.configSourceVolume).toBeUndefined();
  });

  test('health check pings the core', () => {
    make({ coreName: 'products' });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Container, {
      name: 'ibexa-solr-1',
      healthcheck: expect.objectContaining({ test: ['CMD-SHELL', expect.stringContaining('http://127.0.0.1:8983/solr/products/admin/ping')] }),
      wait: true,
    });
  });

  test('with a config set Solr waits for the published source, prepares it and precreates the core from it', () => {
    // WHEN
    const search = make({ configSet: { prepareCommand: PREPARE } });
    // THEN
    const json = synthJson(stack);
    const script = solr(json).command?.[2] ?? '';
    expect(solr(json).command?.slice(0, 2)).toEqual(['bash', '-c']);
    expect(script).toContain('until [ -f "$src/.ready" ]; do sleep 5; done');
    expect(script).toContain(`(cd "$src" && ${PREPARE})`);
    expect(script).toContain('exec solr-precreate "$core" "$build"');
    expect(script).toContain('if [ -f "/var/solr/data/$core/core.properties" ]; then exec solr-foreground; fi');
    expect(search.configSourceVolume?.containerPath).toBe('/var/lib/webcluster/solr-source');
    const volumeName = resolveTokenAndSynth(stack, search.configSourceVolume?.volumeName);
    expect(volumeName.value).toBe('${docker_volume.SearchService_ConfigSourceVolume_7AEC46AD.name}');
    expect(solr(volumeName.json).volumes).toContainEqual(expect.objectContaining({ container_path: '/var/lib/webcluster/solr-source', read_only: true }));
    // Republished on every deploy: not protected.
    expect(volumeName.text).toHaveResourceWithProperties(Volume, { name: 'ibexa-solr-config-source', lifecycle: { prevent_destroy: false } });
  });

  test('clients join the backend network to reach it', () => {
    // GIVEN
    const search = make();
    const client = new Workload(stack, 'Client', { cluster, name: 'client', role: 'app', image: 'php:8.3-apache' });
    // WHEN
    search.connections.allowDefaultPortFrom(client);
    // THEN
    expect(client.connections.networks.map((n) => n.networkName)).toEqual([cluster.backend.networkName]);
  });

  test('on Swarm: a service pinned like the other stateful stores', () => {
    cluster = new DockerCluster(stack, 'Swarm', { namePrefix: 'swarm', runtime: new SwarmRuntime() });
    new SearchService(stack, 'SwarmSearch', { cluster });
    const service = Object.values(synthJson(stack).resource.docker_service ?? {})[0] as { name: string; task_spec: { placement: { constraints: string[] } } };
    expect(service.name).toBe('swarm-solr');
    expect(service.task_spec.placement.constraints).toEqual(['node.role == manager']);
  });

  test.each<[string, Partial<SearchServiceProps>, RegExp]>([
    ['a bad core name', { coreName: '1core' }, /coreName: got '1core'; allowed: letters/],
    ['a bad heap', { heapSize: '1024' }, /heapSize: got '1024'; allowed: a size in m or g/],
    ['a Terraform template in the prepare command', { configSet: { prepareCommand: 'cp ${SRC} .' } }, /configSet.prepareCommand: got 'cp \$\{SRC\} \.'; allowed: /],
    ['a debug port on 0.0.0.0', { debugPort: 18983, debugHostIp: '0.0.0.0' }, /debugHostIp: got '0.0.0.0'; allowed: 127.0.0.1 only/],
    ['an unpinned image', { image: 'solr:latest' }, /image: got 'solr:latest'/],
  ])('fails on %s', (_name, extra, message) => {
    expect(() => make(extra)).toThrow(message);
  });
});
