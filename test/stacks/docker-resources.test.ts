/**
 * Every long-running container and service of the default Docker stacks has memory and CPU limits
 * in the form the provider reads back, the reservations fit the default host, and the config's
 * `resources:` block reaches the containers. Bad sizes give one line in YAML terms.
 */
import { TerraformStack, Testing } from 'cdktf';
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { parseConfig } from '../../config/load';
import { DEFAULT_HOST_MEMORY_MB, DEFAULT_RESOURCES, HOST_RESERVE_MB, resolveResources } from '../../constructs/docker/container-resources';
import { DockerStack } from '../../stacks/docker-stack';
import { addEnvironmentStacks } from '../../stacks/from-config';
import { EZPLATFORM_CONTAINER_PROFILE } from '../../stacks/docker/profiles/ezplatform';
import { SHOPWARE_CONTAINER_PROFILE } from '../../stacks/docker/profiles/shopware';
import { STEEDOS_CONTAINER_PROFILE } from '../../stacks/docker/profiles/steedos';
import { problemsOf as problemsOfText } from '../config/problems';
import { resourcesOf, synthJson } from '../util';
import { synthDefaultStacks } from './default-stacks';

const MIB = 1024 * 1024;

describe('resources of the default Docker stacks', () => {
  const stacks = synthDefaultStacks('docker');

  test.each(stacks.map((s) => [s.name, s]))('%s: every container has a memory limit without swap and a CPU weight', (_name, { json }) => {
    const containers = resourcesOf(json, 'docker_container');
    expect(containers.length).toBeGreaterThan(0);
    for (const c of containers) {
      expect({ name: c.name, memory: typeof c.memory === 'number' && c.memory >= 16 }).toEqual({ name: c.name, memory: true });
      expect({ name: c.name, swap: c.memory_swap }).toEqual({ name: c.name, swap: c.memory });
      expect({ name: c.name, cpu: typeof c.cpu_shares === 'number' && c.cpu_shares >= 2 }).toEqual({ name: c.name, cpu: true });
    }
  });

  test.each(stacks.map((s) => [s.name, s]))('%s: every Swarm service has memory and CPU limits and a memory reservation', (_name, { json }) => {
    for (const s of resourcesOf(json, 'docker_service')) {
      const resources = (s.task_spec as { resources?: { limits?: Record<string, number>; reservation?: Record<string, number> } }).resources;
      expect({ name: s.name, limit: (resources?.limits?.memory_bytes ?? 0) >= 16 * MIB }).toEqual({ name: s.name, limit: true });
      expect({ name: s.name, cpus: (resources?.limits?.nano_cpus ?? 0) > 0 }).toEqual({ name: s.name, cpus: true });
      expect({ name: s.name, reserved: (resources?.reservation?.memory_bytes ?? 0) > 0 }).toEqual({ name: s.name, reserved: true });
    }
  });
});

describe('the default sizes fit the default host', () => {
  test.each([
    ['shopware', SHOPWARE_CONTAINER_PROFILE, 5504],
    ['ezplatform', EZPLATFORM_CONTAINER_PROFILE, 6528],
    ['steedos', STEEDOS_CONTAINER_PROFILE, 5184],
  ] as const)('%s: the reservations of the default stack (2 app replicas, 2 workers where the app has them) leave room on an 8 GiB host', (_name, profile, reserved) => {
    const stack = new DockerStack(Testing.app(), 'sizing', { profile, domain: 'shop.example.com' });
    expect(stack.cluster.reservedMemoryMb).toBe(reserved);
    expect(reserved).toBeLessThanOrEqual(DEFAULT_HOST_MEMORY_MB - HOST_RESERVE_MB);
    expect(stack.cluster.node.validate()).toEqual([]);
  });
});

describe('resources: in webcluster.yaml', () => {
  const env = (extra: Record<string, unknown>): Record<string, unknown> => ({ name: 'shop-local', app: 'shopware', backend: 'docker', domain: 'shop.localhost', ...extra });

  test('a role sized in the config: the given fields over the role default, derived sizes follow', () => {
    const config = parseConfig(stringify({ environments: [env({ resources: { app: { memoryMb: 2048 }, redis: { queue: { memoryMb: 1000, cpus: 2 } } } })] }), 'webcluster.yaml');
    const app = Testing.app();
    const [stack] = addEnvironmentStacks(app, config, 'webcluster.yaml');
    const json = synthJson(stack as TerraformStack);
    const container = (name: string): Record<string, unknown> => resourcesOf(json, 'docker_container').find((c) => c.name === name) ?? {};
    expect(container('shop-local-app-1')).toMatchObject({ memory: 2048, memory_swap: 2048, cpu_shares: 1024 });
    expect(container('shop-local-redis-queue-1')).toMatchObject({ memory: 1000, cpu_shares: 2048, command: expect.arrayContaining(['--maxmemory', '600mb']) });
    // Untouched roles keep their defaults.
    expect(container('shop-local-db-1')).toMatchObject({ memory: 1024 });
  });

  test('reservations that do not fit the host given by docker.hostMemoryMb fail synthesis with one line', () => {
    const config = parseConfig(stringify({ environments: [env({ docker: { hostMemoryMb: 4096 } })] }), 'webcluster.yaml');
    const app = Testing.app();
    addEnvironmentStacks(app, config, 'webcluster.yaml');
    const problems = app.node.findAll().flatMap((c) => c.node.validate().map((m) => `${c.node.path}: ${m}`));
    expect(problems).toEqual([
      expect.stringMatching(
        /^shop-local\/Cluster: resources: the memory reservations add up to 5504 MiB \(largest: .+\); allowed: at most 3072 MiB on a host of hostMemoryMb 4096 .+; fix: lower resources\.<role>\.memoryMb or reservationMb, run fewer replicas, or raise hostMemoryMb .+$/,
      ),
    ]);
  });

  /** The problems of the environment with `extra`, each checked for its line number and then without it. */
  const problemsOf = (extra: Record<string, unknown>): string[] => problemsOfText(stringify({ environments: [env(extra)] }), 'webcluster.yaml');

  test.each([
    ['a memory limit below 16 MiB', { resources: { app: { memoryMb: 8 } } }, /^webcluster\.yaml: environments\[0\]\.resources\.app\.memoryMb: got 8; allowed: an integer number of MiB from 16 to 1048576; fix: .+/],
    ['a reservation above the limit', { resources: { database: { memoryMb: 512, reservationMb: 1024 } } }, /^webcluster\.yaml: environments\[0\]\.resources\.database\.reservationMb: got 1024; allowed: at most memoryMb \(512\); fix: .+/],
    ['no CPU', { resources: { worker: { cpus: 0 } } }, /^webcluster\.yaml: environments\[0\]\.resources\.worker\.cpus: got 0; allowed: a number of CPUs from 0\.01 to 64; fix: .+/],
    ['an unknown role', { resources: { varnish: { memoryMb: 512 } } }, /^webcluster\.yaml: environments\[0\]\.resources.*varnish.*/],
    ['an unknown Redis class', { resources: { redis: { locks: { memoryMb: 512 } } } }, /^webcluster\.yaml: environments\[0\]\.resources\.redis.*locks.*/],
    ['an open-files limit above the kernel maximum', { docker: { serverOpenFiles: 2000000 } }, /^webcluster\.yaml: environments\[0\]\.docker\.serverOpenFiles: got 2000000; allowed: an integer from 1024 to 1048576, at most the Docker engine's own hard limit; fix: .+/],
    ['swapLimit as a string', { docker: { swapLimit: 'no' } }, /^webcluster\.yaml: environments\[0\]\.docker\.swapLimit: got "no"; allowed: .+; fix: use true .+ or false where 'docker info' warns 'No swap limit support', without quotes$/],
    ['a host below 2 GiB', { docker: { hostMemoryMb: 1024 } }, /^webcluster\.yaml: environments\[0\]\.docker\.hostMemoryMb: got 1024; allowed: an integer number of MiB from 2048 to 4194304; fix: .+/],
  ])('%s', (_name, extra, line) => {
    expect(problemsOf(extra)).toEqual([expect.stringMatching(line)]);
  });
});

describe('the sizing table of docs/docker.md', () => {
  test('lists every default size as the code has it', () => {
    const page = fs.readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'docker.md'), 'utf8');
    const rows = new Map(
      [...page.matchAll(/^\| `([a-zA-Z.]+)`[^|]*\| (\d+) \| (\d+) \| ([\d.]+) \|/gm)].map((m) => [m[1], { memoryMb: Number(m[2]), reservationMb: Number(m[3]), cpus: Number(m[4]) }]),
    );
    const { redis, task: _task, ...roles } = DEFAULT_RESOURCES;
    const expected: [string, { memoryMb: number; cpus: number }, boolean][] = [
      ...Object.entries(roles).map(([role, r]) => [role, r, ['database', 'storage', 'search', 'documentDatabase'].includes(role)] as [string, { memoryMb: number; cpus: number }, boolean]),
      ...Object.entries(redis).map(([c, r]) => [`redis.${c}`, r, true] as [string, { memoryMb: number; cpus: number }, boolean]),
    ];
    for (const [role, r, dataStore] of expected) {
      expect({ role, ...rows.get(role) }).toEqual({ role, ...resolveResources(r, dataStore) });
    }
  });
});
