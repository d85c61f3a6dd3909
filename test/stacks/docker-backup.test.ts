/**
 * Backups in the Docker stacks: on by default for every store with data to keep, configurable through
 * DockerStack's `backup` prop and webcluster.yaml's `backup:` block, off with `false`.
 */
import { Testing } from 'cdktf';
import { DockerStack, DockerStackProps } from '../../stacks/docker-stack';
import { SHOPWARE_CONTAINER_PROFILE } from '../../stacks/docker/profiles/shopware';
import { resourcesOf, SynthJson } from '../util';
import { synthDefaultStacks } from './default-stacks';

const BASE: DockerStackProps = { profile: SHOPWARE_CONTAINER_PROFILE, domain: 'shop.localhost' };

function containers(extra: Partial<DockerStackProps> = {}, id = 'shop'): { name: string; env: string[]; volumes?: { host_path?: string }[] }[] {
  const json = JSON.parse(Testing.synth(new DockerStack(Testing.app(), id, { ...BASE, ...extra }))) as SynthJson;
  return resourcesOf(json, 'docker_container') as unknown as { name: string; env: string[]; volumes?: { host_path?: string }[] }[];
}

const backupNames = (list: { name: string }[]): string[] => list.map((c) => c.name).filter((n) => n.includes('-backup-')).sort();

describe('DockerStack backups', () => {
  test('on by default: a job per store, daily, seven kept, into /var/backups/webcluster/<stack>', () => {
    const list = containers();
    expect(backupNames(list)).toEqual(['shop-backup-db-1', 'shop-backup-minio-1', 'shop-backup-redis-1']);
    const db = list.find((c) => c.name === 'shop-backup-db-1');
    expect(db?.volumes).toEqual([expect.objectContaining({ host_path: '/var/backups/webcluster/shop' })]);
    expect(db?.env).toEqual(expect.arrayContaining(['BACKUP_INTERVAL_HOURS=24', 'BACKUP_KEEP=7']));
  });

  test('configured target and schedule; off with false', () => {
    const list = containers({ backup: { target: { hostPath: '/srv/backups' }, intervalHours: 12, at: '01:00', keep: 3 } });
    const redis = list.find((c) => c.name === 'shop-backup-redis-1');
    expect(redis?.env).toEqual(expect.arrayContaining(['BACKUP_INTERVAL_HOURS=12', 'BACKUP_AT=01:00', 'BACKUP_KEEP=3', 'BACKUP_UNITS=redis-sessions redis-critical redis-queue']));
    expect(redis?.volumes).toEqual([expect.objectContaining({ host_path: '/srv/backups' })]);
    expect(backupNames(containers({ backup: false }))).toEqual([]);
  });

  test('the default stacks of webcluster.yaml back up every store with data, the document database included', () => {
    const jobs = Object.fromEntries(
      synthDefaultStacks('docker').map(({ name, json }) => [
        name,
        [...resourcesOf(json, 'docker_container'), ...resourcesOf(json, 'docker_service')]
          .map((r) => String(r.name))
          .filter((n) => n.includes('-backup-'))
          .map((n) => n.replace(`${name}-`, '').replace(/-1$/, ''))
          .sort(),
      ]),
    );
    expect(jobs).toEqual({
      'shopware-docker': ['backup-db', 'backup-minio', 'backup-redis'],
      'shopware-swarm': ['backup-db', 'backup-minio', 'backup-redis'],
      'steedos-docker': ['backup-minio', 'backup-mongo'],
      'ezplatform-docker': ['backup-db', 'backup-minio', 'backup-redis'],
    });
  });
});
