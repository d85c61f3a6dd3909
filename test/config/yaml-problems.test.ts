/**
 * Problems that only the constructs find (a field combined with the app profile, or with other
 * fields), reached from webcluster.yaml: one line naming the YAML field at its line (or, for a
 * default, the line of the block it would go into), what is allowed and the fix in YAML terms.
 */
import { Testing } from 'cdktf';
import { ConfigError } from '../../config/errors';
import { parseConfigSource } from '../../config/load';
import { ListenerCertificate } from '../../constructs/aws/load-balancer';
import { App } from '../../constructs/core/cdktf';
import { ValidationError } from '../../constructs/core/validation-error';
import { yamlProblemLine } from '../../stacks/config-problems';
import { AwsVmStack } from '../../stacks/aws-vm-stack';
import { addEnvironmentStacks, environmentErrorLine, validateEnvironmentStacks } from '../../stacks/from-config';
import { STEEDOS_VM_PROFILE } from '../../stacks/aws/profiles/steedos';

const FILE = 'webcluster.yaml';

/** The problem lines of `yaml` (construct checks in constructors and in addValidation). */
function problems(yaml: string): string[] {
  const { config, source } = parseConfigSource(yaml, FILE);
  const app = Testing.app();
  try {
    addEnvironmentStacks(app, config, FILE, { source });
  } catch (err) {
    if (ConfigError.isConfigError(err)) return err.problems;
    throw err;
  }
  return validateEnvironmentStacks(app, config, FILE, { source });
}

const aws = (app: string, ...extra: string[]): string =>
  [
    'environments:',
    '  - name: acme-shop',
    `    app: ${app}`,
    '    backend: aws',
    '    region: eu-central-1',
    '    domain: shop.example.com',
    '    certificate: { hostedZoneId: Z0123456789ABCDEFGHIJ }',
    ...extra,
    '',
  ].join('\n');

const docker = (app: string, ...extra: string[]): string =>
  ['environments:', '  - name: acme-shop', `    app: ${app}`, '    backend: docker', '    domain: shop.example.com', ...extra, ''].join('\n');

describe('AWS', () => {
  test('steedos with the default cdn: points at the environment, says (default), fix is cdn: false', () => {
    expect(problems(aws('steedos'))).toEqual([
      "webcluster.yaml:2: environments[0].cdn: got true (default); allowed: false for app steedos (it has no public bucket for CloudFront to serve); fix: set 'cdn: false' in environment 'acme-shop'",
    ]);
  });

  test('ezplatform with cdn: true written: points at the cdn line', () => {
    expect(problems(aws('ezplatform', '    cdn: true'))).toEqual([
      "webcluster.yaml:8: environments[0].cdn: got true; allowed: false for app ezplatform (it has no public bucket for CloudFront to serve); fix: set 'cdn: false' in environment 'acme-shop'",
    ]);
  });

  test('split stacks: the data stack problem is still the environment field', () => {
    expect(problems(aws('steedos', '    split: true'))).toEqual([
      "webcluster.yaml:2: environments[0].cdn: got true (default); allowed: false for app steedos (it has no public bucket for CloudFront to serve); fix: set 'cdn: false' in environment 'acme-shop'",
    ]);
  });

  test('a name too long for the ElastiCache ids: names the name field and the longest name the app allows', () => {
    const yaml = aws('shopware').replace('name: acme-shop', `name: acme-shop-${'x'.repeat(16)}`);
    expect(problems(yaml)).toEqual([
      "webcluster.yaml:2: environments[0].name: got \"acme-shop-xxxxxxxxxxxxxxxx\"; allowed: for app shopware at most 25 characters, no '--' and no '-' at the end (the name prefixes the ElastiCache id 'acme-shop-xxxxxxxxxxxxxxxx-redis-sessions', which takes 1 to 40 lowercase letters, digits and single hyphens); fix: shorten name to 25 characters or less (the stack and every resource are renamed with it)",
    ]);
  });

  test('a name with a double hyphen: the fix is the hyphens, not the length', () => {
    expect(problems(aws('steedos', '    cdn: false').replace('name: acme-shop', 'name: acme--shop'))).toEqual([
      "webcluster.yaml:2: environments[0].name: got \"acme--shop\"; allowed: for app steedos at most 28 characters, no '--' and no '-' at the end (the name prefixes the ElastiCache id 'acme--shop-redis-cache', which takes 1 to 40 lowercase letters, digits and single hyphens); fix: write name with single hyphens and no '-' at the end (the stack and every resource are renamed with it)",
    ]);
  });

  test('more admin blocks than the ALB admin rule takes: names adminCidrs, not addPathTarget', () => {
    expect(problems(aws('shopware', '    adminCidrs: [10.0.0.0/16, 10.1.0.0/16, 10.2.0.0/16, 10.3.0.0/16]'))).toEqual([
      'webcluster.yaml:8: environments[0].adminCidrs: got 4 blocks; allowed: at most 3 blocks for app shopware (the load balancer rule that routes its 2 admin path(s) takes 5 values in all); fix: merge adminCidrs into 3 blocks or fewer (two neighbouring /24 make one /23), e.g. the ranges of your VPN',
    ]);
  });
});

describe('Docker', () => {
  test('steedos on swarm: names docker.mode, not stickiness', () => {
    expect(problems(docker('steedos', '    docker:', '      mode: swarm'))).toEqual([
      "webcluster.yaml:7: environments[0].docker.mode: got \"swarm\"; allowed: 'standalone' for app steedos (it needs sticky sessions, and Swarm's virtual IP cannot pin a client to a replica); fix: set 'mode: standalone' under docker, or use backend aws for app steedos on several hosts",
    ]);
  });

  test('ezplatform on swarm: names docker.mode, not posixShares', () => {
    expect(problems(docker('ezplatform', '    docker:', '      mode: swarm'))).toEqual([
      "webcluster.yaml:7: environments[0].docker.mode: got \"swarm\"; allowed: 'standalone' for app ezplatform (its shared files live on a named volume, which exists on one node only); fix: set 'mode: standalone' under docker, or use backend aws for app ezplatform on several hosts",
    ]);
  });

  test('httpPort 443 with acmeEmail: names docker.httpPort, not httpsPort', () => {
    expect(problems(docker('shopware', '    docker:', '      acmeEmail: ops@example.com', '      httpPort: 443'))).toEqual([
      'webcluster.yaml:8: environments[0].docker.httpPort: got 443; allowed: a port other than 443 (with acmeEmail the load balancer publishes HTTPS on port 443); fix: set docker.httpPort to 80 or another free port, or remove docker.acmeEmail to serve plain HTTP only',
    ]);
  });

  test('memory reservations beyond the host (addValidation): names docker.hostMemoryMb, at the docker block when it is the default', () => {
    expect(problems(docker('shopware', '    docker:', '      mode: standalone', '    workers: 16'))).toEqual([
      'webcluster.yaml:6: environments[0].docker.hostMemoryMb: got 8192 (default) while the memory reservations add up to 9088 MiB (largest: worker 16×256, database 1024, app 2×512, redis.cache 512); allowed: at most 7168 MiB on a host of hostMemoryMb 8192 (less 1024 MiB per host for the OS and the engine); fix: lower resources.<role>.memoryMb or reservationMb, replicas.app, workers or database.replica, or raise docker.hostMemoryMb if the host has more memory',
    ]);
  });

  test('a data store below its minimum memory: names resources.<role>.memoryMb', () => {
    expect(problems(docker('shopware', '    resources:', '      database: { memoryMb: 16 }'))).toEqual([
      'webcluster.yaml:7: environments[0].resources.database.memoryMb: got 16; allowed: an integer from 256 to 1048576 (MiB); fix: set resources.database.memoryMb within that range, or remove it for the default',
    ]);
  });

  test('a reservation above the default limit: names resources.<role>.reservationMb', () => {
    expect(problems(docker('steedos', '    resources:', '      app:', '        reservationMb: 4000'))).toEqual([
      'webcluster.yaml:8: environments[0].resources.app.reservationMb: got 4000; allowed: an integer from 0 to memoryMb (1024); fix: set resources.app.reservationMb to at most memoryMb, or raise resources.app.memoryMb',
    ]);
  });

  test('a worker reservation: the app servers prop workerResources is the YAML role worker', () => {
    expect(problems(docker('shopware', '    resources:', '      worker: { reservationMb: 4000 }'))).toEqual([
      'webcluster.yaml:7: environments[0].resources.worker.reservationMb: got 4000; allowed: an integer from 0 to memoryMb (512); fix: set resources.worker.reservationMb to at most memoryMb, or raise resources.worker.memoryMb',
    ]);
  });

  test('a limit below the default reservation: names the reservation, marked (default), at the role line', () => {
    expect(problems(docker('shopware', '    resources:', '      backup: { memoryMb: 16 }'))).toEqual([
      'webcluster.yaml:7: environments[0].resources.backup.reservationMb: got 64 (default); allowed: an integer from 0 to memoryMb (16); fix: set resources.backup.reservationMb to at most memoryMb, or raise resources.backup.memoryMb',
    ]);
  });

  test('sizes for a Redis class the app does not run: names resources.redis and the entries to remove', () => {
    expect(problems(docker('ezplatform', '    resources:', '      redis:', '        queue: { memoryMb: 256 }'))).toEqual([
      'webcluster.yaml:7: environments[0].resources.redis: got sizes for queue; allowed: sizes for the Redis classes app ezplatform runs: cache, sessions; fix: remove resources.redis.queue',
    ]);
  });
});

test('one line per environment that fails, in file order', () => {
  const yaml = [aws('steedos').trimEnd(), docker('steedos', '    docker: { mode: swarm }').replace('environments:\n', '').replace('name: acme-shop', 'name: acme-chat'), ''].join('\n');
  expect(problems(yaml).map((l) => l.split(': got')[0])).toEqual(['webcluster.yaml:2: environments[0].cdn', 'webcluster.yaml:12: environments[1].docker.mode']);
});

test('a construct problem no rule maps is printed whole, marked as a construct API check, on its environment line', () => {
  const { config, source } = parseConfigSource(aws('shopware'), FILE);
  const line = yamlProblemLine({ index: 0, env: config.environments[0], construct: 'Network', problem: 'foo: got 1; allowed: 2; fix: use 2' }, FILE, source);
  expect(line).toBe(
    'webcluster.yaml:2: environments[0] (acme-shop): Network: foo: got 1; allowed: 2; fix: use 2 (a check of the construct API with no webcluster.yaml field mapped to it: the props named are construct props)',
  );
});

test('a ValidationError raised later (while synthesizing) by a construct of a split stack: same YAML terms, its environment found by the stack', () => {
  const { config, source } = parseConfigSource(aws('steedos', '    cdn: false', '    split: true'), FILE);
  const app = Testing.app();
  addEnvironmentStacks(app, config, FILE, { source });
  const storage = app.node.findChild('acme-shop-data').node.findChild('Storage');
  const err = new ValidationError('foo: got 1; allowed: 2; fix: use 2', storage);
  expect(environmentErrorLine(app, err, config, FILE, { source })).toBe(
    'webcluster.yaml:2: environments[0] (acme-shop): Storage: foo: got 1; allowed: 2; fix: use 2 (a check of the construct API with no webcluster.yaml field mapped to it: the props named are construct props)',
  );
});

test('without a source (a configuration built in code) the lines have no line number', () => {
  const { config } = parseConfigSource(aws('steedos'), FILE);
  expect(() => addEnvironmentStacks(Testing.app(), config, FILE)).toThrow(
    /^webcluster\.yaml: environments\[0\]\.cdn: got true; allowed: false for app steedos/,
  );
});

test('construct users (no YAML) keep the construct prop wording', () => {
  // The stack used directly, not through addEnvironmentStacks: the construct's own ValidationError.
  let thrown: unknown;
  try {
    new AwsVmStack(new App(), 'acme-shop', {
      profile: STEEDOS_VM_PROFILE,
      region: 'eu-central-1',
      availabilityZones: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'],
      domain: 'shop.example.com',
      certificate: ListenerCertificate.dnsValidated('shop.example.com', 'Z0123456789ABCDEFGHIJ'),
      cdn: true,
    });
  } catch (err) {
    thrown = err;
  }
  expect(ValidationError.isValidationError(thrown)).toBe(true);
  expect((thrown as ValidationError).message).toBe(
    'acme-shop/Storage: cdn: got true with 0 publicRead bucket(s) []; allowed: exactly one publicRead bucket behind the CDN; fix: set publicRead: true on the one bucket of public files, or set cdn: false',
  );
});
