/**
 * Credentials never reach an error line: the masking rules, and the three error kinds that print
 * values (configuration, construct validation, policy).
 */
import { Testing, TerraformStack } from 'cdktf';
import { stringify } from 'yaml';
import { ConfigError } from '../../config/errors';
import { parseConfig } from '../../config/load';
import { redactCredentials } from '../../constructs/core/redact';
import { DockerCluster } from '../../constructs/docker/docker-cluster';
import { Workload } from '../../constructs/docker/workload';
import { PolicyError } from '../../policies/policy-error';

describe('redactCredentials', () => {
  test.each([
    ['URL user and password', 'got "https://deploy:s3cr3t@registry.example.com/shop:1"', 'got "https://deploy:***@registry.example.com/shop:1"'],
    ['a token as URL user', 'https://ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/x.git', 'https://***@github.com/x.git'],
    ['password=', "fix: remove password=hunter22 from the URL", 'fix: remove password=*** from the URL'],
    ['a JSON api_key', 'got {"api_key": "abc"} nothing', 'got {"api_key": "***"} nothing'],
    ['db_password=', 'DB_PASSWORD=p4ss;next', 'DB_PASSWORD=***;next'],
    ['an AWS access key id', 'key AKIAABCDEFGHIJKLMNOP in value', 'key AKIA*** in value'],
    ['a PEM private key', 'got "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"', 'got "-----BEGIN PRIVATE KEY----- ***"'],
  ])('%s', (_name, input, expected) => {
    expect(redactCredentials(input)).toBe(expected);
  });

  test("an error line about a field named like a secret keeps its 'got'", () => {
    expect(redactCredentials("clientSecret: got 'abc'; allowed: x")).toBe("clientSecret: got 'abc'; allowed: x");
  });

  test('text without credentials is unchanged', () => {
    const line = "webcluster.yaml: environments[0].images.app: got \"shop/app\"; allowed: an image reference pinned by tag or digest; fix: add a version tag, e.g. 'shop/app:<version>'";
    expect(redactCredentials(line)).toBe(line);
  });
});

describe('error lines never echo a credential', () => {
  const IMAGE = 'https://deploy:s3cr3t@registry.example.com/shop';

  test('configuration: the value and the suggested fix are masked', () => {
    const yaml = stringify({ environments: [{ name: 'shop-local', app: 'shopware', backend: 'docker', domain: 'shop.localhost', images: { app: IMAGE } }] });
    let problems: string[] = [];
    try {
      parseConfig(yaml, 'webcluster.yaml');
    } catch (err) {
      if (err instanceof ConfigError) problems = err.problems;
    }
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^webcluster\.yaml:7: environments\[0\]\.images\.app: got "https:\/\/deploy:\*\*\*@registry\.example\.com\/shop"/);
    expect(problems.join('\n')).not.toContain('s3cr3t');
  });

  test('construct validation', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop' });
    expect(() => new Workload(stack, 'App', { cluster, name: 'app', role: 'app', image: IMAGE })).toThrow(/image: got 'https:\/\/deploy:\*\*\*@registry/);
    expect(() => new Workload(stack, 'App2', { cluster, name: 'app2', role: 'app', image: IMAGE })).not.toThrow(/s3cr3t/);
  });

  test('policy findings', () => {
    expect(new PolicyError([`[WC-X] resource: got ${IMAGE}`]).problems).toEqual(['[WC-X] resource: got https://deploy:***@registry.example.com/shop']);
  });
});
