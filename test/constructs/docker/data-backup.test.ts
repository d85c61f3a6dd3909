import { Container } from '@cdktf/provider-docker/lib/container';
import { Network } from '@cdktf/provider-docker/lib/network';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Testing, TerraformStack } from 'cdktf';
import { backupScript, DataBackup, DataBackupProps } from '../../../constructs/docker/data-backup';
import { DatabaseCluster } from '../../../constructs/docker/database-cluster';
import { DockerCluster } from '../../../constructs/docker/docker-cluster';
import { DocumentDatabase } from '../../../constructs/docker/document-database';
import { RedisCluster } from '../../../constructs/docker/redis-cluster';
import { SharedStorage } from '../../../constructs/docker/shared-storage';
import { SwarmRuntime } from '../../../constructs/docker/swarm-runtime';
import { resourcesOf, SynthJson, synthJson, synthTextAndJson } from '../../util';

const BACKEND = '${docker_network.Cluster_BackendNetwork_91D09744.name}';
const HOST_PATH = { hostPath: '/var/backups/webcluster/shop' };
const S3 = { s3: { endpoint: 'https://s3.eu-central-1.amazonaws.com', bucket: 'shop-backups', region: 'eu-central-1', prefix: 'webcluster/shop' } };

interface Stores {
  stack: TerraformStack;
  cluster: DockerCluster;
  db: DatabaseCluster;
  redis: RedisCluster;
  storage: SharedStorage;
}

function makeStores(swarm = false, placement?: string[]): Stores {
  const stack = new TerraformStack(Testing.app(), 'test');
  new DockerProvider(stack, 'docker', {});
  const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'shop', runtime: swarm ? new SwarmRuntime() : undefined });
  const db = new DatabaseCluster(stack, 'Database', { cluster, databaseName: 'shop', additionalDatabases: ['shop_dfs'], placement });
  const redis = new RedisCluster(stack, 'Redis', { cluster, dataClasses: ['cache', 'sessions', 'queue'], placement });
  const storage = new SharedStorage(stack, 'Storage', { cluster, buckets: [{ id: 'public', folders: ['media'], publicRead: true }, { id: 'private', folders: ['files'] }], placement });
  return { stack, cluster, db, redis, storage };
}

function backupOf(s: Stores, extra: Partial<DataBackupProps> = {}): DataBackup {
  return new DataBackup(s.stack, 'Backup', { cluster: s.cluster, target: HOST_PATH, database: s.db, redis: s.redis, storage: s.storage, ...extra });
}

/** The synthesized container of one name. */
function container(json: SynthJson, name: string): Record<string, unknown> {
  const found = resourcesOf(json, 'docker_container').filter((c) => c.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

const env = (c: Record<string, unknown>): string[] => c.env as string[];
const uploads = (c: Record<string, unknown>): { file: string; content: string; executable?: boolean }[] => c.upload as { file: string; content: string; executable?: boolean }[];

describe('DataBackup (Docker, standalone, host path)', () => {
  test('one job per store, in the store image, on the backend network, the host path at /backups', () => {
    // GIVEN
    const s = makeStores();
    // WHEN
    const backup = backupOf(s);
    // THEN
    const { text: synth, json } = synthTextAndJson(s.stack);
    for (const [name, image] of [
      ['shop-backup-db-1', 'mariadb-11-4-4'],
      ['shop-backup-redis-1', 'valkey-valkey-8-0-2'],
      ['shop-backup-minio-1', 'curlimages-curl-8-11-1'],
    ]) {
      expect(synth).toHaveResourceWithProperties(Container, {
        name,
        image: expect.stringContaining(`docker_image.Cluster_Images_${image}_`),
        entrypoint: ['/usr/local/bin/webcluster-backup'],
        command: ['loop'],
        networks_advanced: [{ name: BACKEND, aliases: [name.replace(/^shop-|-1$/g, '')] }],
        volumes: [{ host_path: '/var/backups/webcluster/shop', container_path: '/backups', read_only: false }],
        healthcheck: expect.objectContaining({ test: ['CMD', 'webcluster-backup', 'health'], interval: '30s' }),
        restart: 'unless-stopped',
        wait: true,
      });
    }
    expect(backup.units).toEqual(['db', 'redis-sessions', 'redis-queue', 'minio']);
    expect(backup.jobOf('redis-queue').workloadName).toBe('shop-backup-redis');
    expect(() => backup.jobOf('redis-cache')).toThrow(/unit: got 'redis-cache'; allowed: 'db', 'redis-sessions', 'redis-queue', 'minio'/);
    // Only jobs: no uploader, no egress network, no spool volume.
    expect(backup.uploaders).toEqual([]);
    expect(resourcesOf(json, 'docker_network').map((n) => n.name).sort()).toEqual(['shop-backend', 'shop-frontend']);
    expect(resourcesOf(json, 'docker_volume').map((v) => v.name)).not.toContainEqual(expect.stringContaining('spool'));
  });

  test('the MariaDB job dumps the app databases as root, the password a variable reference', () => {
    const s = makeStores();
    backupOf(s);
    const job = container(synthJson(s.stack), 'shop-backup-db-1');
    expect(env(job)).toEqual([
      'BACKUP_DIR=/backups',
      'BACKUP_EXT=sql.gz',
      'BACKUP_INTERVAL_HOURS=24',
      'BACKUP_KEEP=7',
      'BACKUP_STORE=mariadb',
      'BACKUP_UNITS=db',
      'DB_DATABASES=shop shop_dfs',
      'DB_HOST=db',
      'MARIADB_ROOT_PASSWORD=${var.shop_db_root_password}',
    ]);
    expect(job.depends_on).toEqual([expect.stringContaining('docker_container.Database_Primary_Container1_')]);
  });

  test('the Redis job backs up the durable classes only; the MinIO job runs as root with the MinIO credentials', () => {
    const s = makeStores();
    backupOf(s);
    const json = synthJson(s.stack);
    const redis = container(json, 'shop-backup-redis-1');
    expect(env(redis)).toContain('BACKUP_UNITS=redis-sessions redis-queue');
    expect(env(redis)).toContain('BACKUP_EXT=rdb.gz');
    expect((redis.depends_on as string[]).join()).not.toContain('Redis_Cache_');
    const minio = container(json, 'shop-backup-minio-1');
    expect(minio.user).toBe('0');
    expect(env(minio)).toEqual(
      expect.arrayContaining([
        'S3_SOURCE_ENDPOINT=http://minio:9000',
        'S3_SOURCE_REGION=us-east-1',
        'S3_BUCKETS=shop-public shop-private',
        'AWS_ACCESS_KEY_ID=${var.shop_minio_root_user}',
        'AWS_SECRET_ACCESS_KEY=${var.shop_minio_root_password}',
      ]),
    );
    // It waits for the buckets.
    expect(minio.depends_on).toEqual(expect.arrayContaining([expect.stringContaining('docker_container.Storage_BucketInit_Task_')]));
  });

  test('the scripts are the shipped files: commands executable in /usr/local/bin, libraries beside, escaped for Terraform', () => {
    const s = makeStores();
    backupOf(s);
    const files = uploads(container(synthJson(s.stack), 'shop-backup-minio-1'));
    expect(files.map((f) => [f.file, f.executable ?? false])).toEqual([
      ['/usr/local/bin/webcluster-backup', true],
      ['/usr/local/bin/webcluster-restore', true],
      ['/usr/local/lib/webcluster-backup/lib.sh', false],
      ['/usr/local/lib/webcluster-backup/minio.sh', false],
      ['/usr/local/lib/webcluster-backup/s3.sh', false],
    ]);
    for (const f of files) {
      const name = f.file.split('/').pop() as string;
      // Terraform reads `$${` and `%%{` as literal `${` and `%{`.
      expect(f.content.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{')).toBe(backupScript(name));
    }
    expect(backupScript('webcluster-backup')).toMatch(/^#!\/bin\/sh\n/);
  });

  test('schedule: interval, UTC anchor and retention reach the job', () => {
    const s = makeStores();
    backupOf(s, { intervalHours: 6, at: '02:30', keep: 14 });
    expect(env(container(synthJson(s.stack), 'shop-backup-db-1'))).toEqual(expect.arrayContaining(['BACKUP_INTERVAL_HOURS=6', 'BACKUP_AT=02:30', 'BACKUP_KEEP=14']));
  });

  test('no secret value is a literal: every secret variable is sensitive and referenced', () => {
    const s = makeStores();
    backupOf(s, { target: S3 });
    const json = synthJson(s.stack) as unknown as { variable: Record<string, { sensitive: boolean; default?: unknown }> };
    for (const name of ['shop_backup_s3_access_key_id', 'shop_backup_s3_secret_access_key', 'shop_db_root_password']) {
      expect(json.variable[name]).toMatchObject({ sensitive: true });
      expect(json.variable[name].default).toBeUndefined();
    }
  });
});

describe('DataBackup with an S3 target', () => {
  test('each job writes to a spool volume an uploader beside it ships from, over a network with a route out', () => {
    // GIVEN
    const s = makeStores();
    // WHEN
    const backup = backupOf(s, { target: S3 });
    // THEN
    const { text: synth, json } = synthTextAndJson(s.stack);
    expect(synth).toHaveResourceWithProperties(Network, { name: 'shop-backup-egress', internal: false });
    expect(synth).toHaveResourceWithProperties(Volume, { name: 'shop-backup-db-spool', lifecycle: { prevent_destroy: false } });
    expect(backup.uploaders.map((u) => u.workloadName)).toEqual(['shop-backup-db-upload', 'shop-backup-redis-upload', 'shop-backup-minio-upload']);
    const egress = '${docker_network.Backup_EgressNetwork_';
    const uploader = container(json, 'shop-backup-db-upload-1');
    expect(uploader).toMatchObject({
      entrypoint: ['/usr/local/bin/webcluster-upload'],
      command: ['loop'],
      user: '0',
      healthcheck: expect.objectContaining({ test: ['CMD', 'webcluster-upload', 'health'] }),
      volumes: [expect.objectContaining({ container_path: '/backups', volume_name: expect.stringContaining('docker_volume.Backup_Db_SpoolVolume_') })],
    });
    // The uploader reaches the outside only; the job the backend only.
    expect((uploader.networks_advanced as { name: string }[]).map((n) => n.name)).toEqual([expect.stringContaining(egress)]);
    expect((container(json, 'shop-backup-db-1').networks_advanced as { name: string }[]).map((n) => n.name)).toEqual([BACKEND]);
    expect(container(json, 'shop-backup-db-1').volumes).toEqual(uploader.volumes);
    expect(env(uploader)).toEqual(
      expect.arrayContaining([
        'UPLOAD_ENDPOINT=https://s3.eu-central-1.amazonaws.com',
        'UPLOAD_BUCKET=shop-backups',
        'UPLOAD_REGION=eu-central-1',
        // The environment's own folder under the prefix.
        'UPLOAD_PREFIX=webcluster/shop/shop/',
        'UPLOAD_ACCESS_KEY_ID=${var.shop_backup_s3_access_key_id}',
        'UPLOAD_SECRET_ACCESS_KEY=${var.shop_backup_s3_secret_access_key}',
        'BACKUP_UNITS=db',
      ]),
    );
    expect(uploads(uploader).map((f) => f.file)).toEqual(['/usr/local/bin/webcluster-upload', '/usr/local/lib/webcluster-backup/lib.sh', '/usr/local/lib/webcluster-backup/s3.sh']);
  });
});

describe('DataBackup on Swarm', () => {
  test('jobs and uploaders are placed like their store; the host path is a bind mount; secrets are files', () => {
    // GIVEN
    const s = makeStores(true, ['node.labels.webcluster.data == true']);
    // WHEN
    backupOf(s);
    new DataBackup(s.stack, 'S3Backup', { cluster: s.cluster, target: S3, database: s.db });
    // THEN
    const services = resourcesOf(synthJson(s.stack), 'docker_service');
    const byName = (name: string): Record<string, any> => services.find((x) => x.name === name) as Record<string, any>;
    const db = byName('shop-backup-db');
    expect(db.task_spec.placement).toEqual({ constraints: ['node.labels.webcluster.data == true'] });
    expect(db.task_spec.container_spec.mounts).toEqual([{ source: '/var/backups/webcluster/shop', target: '/backups', type: 'bind', read_only: false }]);
    expect(db.task_spec.container_spec.env).toMatchObject({ MARIADB_ROOT_PASSWORD_FILE: '/run/secrets/shop_db_root_password' });
    expect(JSON.stringify(db.task_spec.container_spec.env)).not.toContain('${var.');
    const configs = db.task_spec.container_spec.configs as { file_name: string; file_mode?: number }[];
    expect(configs.map((c) => [c.file_name, c.file_mode])).toEqual([
      ['/usr/local/bin/webcluster-backup', 0o555],
      ['/usr/local/bin/webcluster-restore', 0o555],
      ['/usr/local/lib/webcluster-backup/lib.sh', undefined],
      ['/usr/local/lib/webcluster-backup/mariadb.sh', undefined],
    ]);
    expect(byName('shop-backup-redis').task_spec.placement).toEqual({ constraints: ['node.labels.webcluster.data == true'] });
    expect(byName('shop-backup-minio').task_spec.placement).toEqual({ constraints: ['node.labels.webcluster.data == true'] });
    // The S3 uploader runs beside the job, whose spool it shares.
    expect(byName('shop-backup-db-upload').task_spec.placement).toEqual({ constraints: ['node.labels.webcluster.data == true'] });
  });
});

describe('DataBackup into named volumes (the default on Swarm)', () => {
  test('each job gets a protected volume of its own on its store node; the Redis job room for a restore', () => {
    // GIVEN
    const s = makeStores(true, ['node.labels.webcluster.data == true']);
    // WHEN
    backupOf(s, { target: { volume: 'backups' } });
    // THEN
    const { text, json } = synthTextAndJson(s.stack);
    const services = resourcesOf(json, 'docker_service');
    const byName = (name: string): Record<string, any> => services.find((x) => x.name === name) as Record<string, any>;
    for (const job of ['db', 'redis', 'minio']) {
      expect(byName(`shop-backup-${job}`).task_spec.container_spec.mounts).toEqual([
        { source: expect.stringContaining(`Backup_${job.charAt(0).toUpperCase()}${job.slice(1)}_BackupVolume`), target: '/backups', type: 'volume', read_only: false },
      ]);
      expect(text).toHaveResourceWithProperties(Volume, { name: `shop-backups-${job}`, lifecycle: { prevent_destroy: true } });
    }
    // The largest durable class (queue, 512 MiB) sets the Redis job's limit; the others keep 256 MiB.
    expect(byName('shop-backup-redis').task_spec.resources.limits.memory_bytes).toBe(512 * 1024 * 1024);
    expect(byName('shop-backup-db').task_spec.resources).toEqual({ limits: { memory_bytes: 256 * 1024 * 1024, nano_cpus: 250000000 }, reservation: { memory_bytes: 64 * 1024 * 1024 } });
  });
});

describe('DataBackup of a document database', () => {
  test('mongodump in the mongo image, against every member, as root', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    new DockerProvider(stack, 'docker', {});
    const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: 'crm' });
    const mongo = new DocumentDatabase(stack, 'DocumentDatabase', { cluster, appDatabases: ['steedos'] });
    new DataBackup(stack, 'Backup', { cluster, target: HOST_PATH, documentDatabase: mongo });
    const job = resourcesOf(synthJson(stack), 'docker_container').find((c) => c.name === 'crm-backup-mongo-1') as Record<string, unknown>;
    expect(job.image).toEqual(expect.stringContaining('docker_image.Cluster_Images_mongo-7-0-16_'));
    expect(env(job)).toEqual(
      expect.arrayContaining([
        'BACKUP_STORE=mongodb',
        'BACKUP_UNITS=mongodb',
        'BACKUP_EXT=archive.gz',
        'MONGO_MEMBERS=mongo-1:27017,mongo-2:27017,mongo-3:27017',
        'MONGO_REPLICA_SET=rs0',
        'MONGO_ROOT_PASSWORD=${var.crm_mongo_root_password}',
      ]),
    );
    expect((job.depends_on as string[]).join()).toContain('DocumentDatabase_ReplicaSetInit_Task_');
  });
});

describe('DataBackup validation', () => {
  const invalid = (extra: Partial<DataBackupProps>, withStores = true): (() => DataBackup) => {
    const s = makeStores();
    return () => new DataBackup(s.stack, 'Backup', { cluster: s.cluster, target: HOST_PATH, ...(withStores ? { database: s.db } : {}), ...extra });
  };

  test.each<[string, Partial<DataBackupProps>, RegExp]>([
    ['intervalHours 0', { intervalHours: 0 }, /intervalHours: got 0; allowed: an integer from 1 to 168/],
    ['intervalHours 1.5', { intervalHours: 1.5 }, /intervalHours: got 1.5; allowed: an integer from 1 to 168/],
    ['at 24:00', { at: '24:00' }, /at: got '24:00'; allowed: a UTC time HH:MM/],
    ['at with 5 hours', { at: '02:30', intervalHours: 5 }, /intervalHours: got 5 with at '02:30'; allowed: 1, 2, 3, 4, 6, 8, 12 or 24/],
    ['keep 1', { keep: 1 }, /keep: got 1; allowed: an integer from 2 to 365 \(with 1, a backup of an empty or broken store would replace the only good one\)/],
    ['relative host path', { target: { hostPath: 'backups' } }, /target.hostPath: got 'backups'; allowed: an absolute path/],
    ['host path with ..', { target: { hostPath: '/var/../etc' } }, /target.hostPath: got '\/var\/..\/etc'/],
    ['endpoint with a path', { target: { s3: { ...S3.s3, endpoint: 'https://s3.example.com/x' } } }, /target.s3.endpoint: got 'https:\/\/s3.example.com\/x'/],
    ['bucket', { target: { s3: { ...S3.s3, bucket: 'Shop_Backups' } } }, /target.s3.bucket: got 'Shop_Backups'/],
    ['region', { target: { s3: { ...S3.s3, region: 'EU' } } }, /target.s3.region: got 'EU'/],
    ['prefix', { target: { s3: { ...S3.s3, prefix: '/abs' } } }, /target.s3.prefix: got '\/abs'/],
    ['volume name', { target: { volume: 'Backups' } }, /target.volume: got 'Backups'; allowed: 1-31 lowercase letters, digits and '-'/],
  ])('%s is refused', (_, extra, message) => {
    expect(invalid(extra)).toThrow(message);
  });

  test('a backup of nothing is refused (a Redis without a durable class counts as nothing)', () => {
    const s = makeStores();
    const cacheOnly = new RedisCluster(s.stack, 'CacheOnly', { cluster: s.cluster, dataClasses: ['cache'] });
    expect(() => new DataBackup(s.stack, 'Backup', { cluster: s.cluster, target: HOST_PATH, redis: cacheOnly })).toThrow(
      /stores: got none with data to keep; allowed: at least one of database, redis \(with a durable class\), storage, documentDatabase/,
    );
  });
});
