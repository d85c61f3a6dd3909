/**
 * The `backup:` block of Docker environments: defaults (on, daily, seven kept, a host path named after
 * the environment), the shapes it accepts, and one line per bad value in YAML terms.
 */
import { stringify } from 'yaml';
import { parseConfig } from '../../config/load';
import { problemsOf } from './problems';
import type { DockerEnvironmentConfig } from '../../config/schema';

const FILE = 'webcluster.yaml';
const docker = (backup?: unknown): string =>
  stringify({ environments: [{ name: 'shop-local', app: 'shopware', backend: 'docker', domain: 'shop.localhost', ...(backup === undefined ? {} : { backup }) }] });

function parsed(backup?: unknown): DockerEnvironmentConfig['backup'] {
  return (parseConfig(docker(backup), FILE).environments[0] as DockerEnvironmentConfig).backup;
}

/** The problems of a backup block, each checked for its line number and then without it. */
function refused(backup: unknown): string[] {
  return problemsOf(docker(backup), FILE);
}

const S3 = { endpoint: 'https://s3.eu-central-1.amazonaws.com', bucket: 'shop-backups', region: 'eu-central-1' };

describe('backup: defaults and accepted shapes', () => {
  test('on by default: daily, seven kept, in /var/backups/webcluster/<name>', () => {
    expect(parsed()).toEqual({ enabled: true, target: { hostPath: '/var/backups/webcluster/shop-local' }, intervalHours: 24, keep: 7 });
  });

  test('on a swarm the default is named volumes beside the stores (a bind source would have to exist on the data node)', () => {
    const config = parseConfig(
      stringify({ environments: [{ name: 'shop-local', app: 'shopware', backend: 'docker', domain: 'shop.localhost', docker: { mode: 'swarm' } }] }),
      FILE,
    );
    expect((config.environments[0] as DockerEnvironmentConfig).backup.target).toEqual({ volume: 'backups' });
  });

  test('a host path, an interval anchored at a UTC time, and retention', () => {
    expect(parsed({ target: { hostPath: '/srv/backups' }, intervalHours: 6, at: '02:30', keep: 14 })).toEqual({
      enabled: true,
      target: { hostPath: '/srv/backups' },
      intervalHours: 6,
      at: '02:30',
      keep: 14,
    });
  });

  test('an S3 bucket, the prefix defaulting to the bucket root', () => {
    expect(parsed({ target: { s3: S3 } }).target).toEqual({ s3: { ...S3, prefix: '' } });
  });

  test('off', () => {
    expect(parsed({ enabled: false }).enabled).toBe(false);
  });
});

describe('backup: one line per bad value', () => {
  const esc = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const at = (field: string, got: string | RegExp, allowed: RegExp): RegExp =>
    new RegExp(`^webcluster\\.yaml: environments\\[0\\]\\.backup\\.${esc(field)}: got ${typeof got === 'string' ? esc(got) : got.source}; allowed: ${allowed.source}; fix: .+$`);

  test.each<[string, unknown, RegExp]>([
    ['enabled as a string', { enabled: 'yes' }, at('enabled', '"yes"', /.*/)],
    ['intervalHours 0', { intervalHours: 0 }, at('intervalHours', '0', /an integer from 1 to 168 \(hours between backups\)/)],
    ['intervalHours 200', { intervalHours: 200 }, at('intervalHours', '200', /an integer from 1 to 168 .*/)],
    ['at not HH:MM', { at: '2:30' }, at('at', '"2:30"', /a UTC time 'HH:MM' from 00:00 to 23:59, quoted/)],
    ['at with an interval that does not divide 24', { at: '02:30', intervalHours: 5 }, at('intervalHours', '5', /1, 2, 3, 4, 6, 8, 12 or 24 with at '02:30' .*/)],
    ['keep 1', { keep: 1 }, at('keep', '1', /an integer from 2 to 365 \(backups kept per store; .*\)/)],
    ['a relative host path', { target: { hostPath: 'backups' } }, at('target.hostPath', '"backups"', /an absolute path .*/)],
    ['a host path with ..', { target: { hostPath: '/srv/../etc' } }, at('target.hostPath', '"/srv/../etc"', /an absolute path .* without '\.\.'.*/)],
    ['a volume name with capitals', { target: { volume: 'Bad' } }, at('target.volume', '"Bad"', /1-31 lowercase letters, digits and '-', starting with a letter/)],
    ['both targets', { target: { hostPath: '/srv/backups', s3: S3 } }, at('target', /\{"hostPath":"\/srv\/backups","s3":.*/, /exactly one of \{hostPath: <absolute path>\}, \{volume: <name>\} or \{s3: .*/)],
    ['an S3 endpoint with a path', { target: { s3: { ...S3, endpoint: 'https://s3.example.com/backups' } } }, at('target.s3.endpoint', '"https://s3.example.com/backups"', /an http\(s\) URL without a path.*/)],
    ['an S3 bucket name with capitals', { target: { s3: { ...S3, bucket: 'Shop' } } }, at('target.s3.bucket', '"Shop"', /an S3 bucket name .*/)],
    ['an S3 region with capitals', { target: { s3: { ...S3, region: 'EU-CENTRAL-1' } } }, at('target.s3.region', '"EU-CENTRAL-1"', /a region name .*/)],
    ['an S3 prefix starting with /', { target: { s3: { ...S3, prefix: '/shop' } } }, at('target.s3.prefix', '"/shop"', /'' or path segments .*/)],
    ['an S3 target without a bucket', { target: { s3: { endpoint: S3.endpoint, region: S3.region } } }, at('target.s3.bucket', 'nothing', /.*/)],
    ['an unknown key', { schedule: 'daily' }, at('schedule', '"daily"', /the keys of environments\[0\]\.backup: .*/)],
  ])('%s', (_, backup, expected) => {
    const problems = refused(backup);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });
});
