/**
 * Backups of the data stores on a real Docker engine (engine-backup, its own deployment on port
 * 18082): the jobs back up on start, `webcluster-backup now` backs up at once, and the shipped
 * `webcluster-restore` brings back a database row, a key of a durable Redis class and an object of
 * the shared storage after each was destroyed; the plan stays empty; teardown leaves nothing.
 *
 * The MinIO stand-in (moto) keeps its objects in memory, so "destroying" its data is a restart of its
 * container, which loses every bucket and object; the restore puts both back over the S3 API.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { backupEnvironment, BACKUP_PORT, SITE_HOST } from './config';
import { containersOf, DeploymentLifecycle, docker, engineEnvironment, get, inspect, planChanges, remaining, report, run, TestDeployment, waitFor } from './harness';

const NAME = 'engine-backup';
const site = { host: SITE_HOST };
const container = (role: string): string => `${NAME}-${role}`;
const LIB = '/usr/local/lib/webcluster-backup';

/** A statement against the database as root, in the database container. */
function sql(deployment: TestDeployment, statement: string): string {
  const password = deployment.secret('engine_backup_db_root_password');
  return docker(['exec', '-e', `MYSQL_PWD=${password}`, container('db-1'), 'mariadb', '-uroot', '-Nse', statement, 'shopware']);
}

/** `webcluster-backup <args>` in a backup job; its output (the log lines go to stderr). */
function backupCommand(job: string, ...args: string[]): string {
  return run('docker', ['exec', container(`backup-${job}-1`), 'webcluster-backup', ...args], { timeoutSec: 300 }).stdout.trim();
}

/** The newest backup of a unit in a job's list. */
function newest(job: string, unit: string): string {
  const names = backupCommand(job, 'list').split('\n').filter((n) => n.startsWith(`${unit}-`));
  expect(names.length).toBeGreaterThan(0);
  return names[names.length - 1];
}

/** A shell snippet in the MinIO backup job, with the S3 helpers pointed at the stack's MinIO. */
function inMinioJob(snippet: string): string {
  return docker(['exec', container('backup-minio-1'), 'sh', '-c', `set -eu; . ${LIB}/lib.sh; . ${LIB}/minio.sh; source_server; ${snippet}`]);
}

describe('backups of the data stores on a real engine', () => {
  const { dockerHost } = engineEnvironment();
  const deployment = new TestDeployment(NAME);
  const backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-backups-'));
  const lifecycle = new DeploymentLifecycle(
    deployment,
    () => containersOf(NAME, { all: true }).length > 0,
    undefined,
    () => fs.rmSync(backupDir, { recursive: true, force: true }),
  );
  const files = (unit: string): string[] => fs.readdirSync(backupDir).filter((f) => new RegExp(`^${unit}-\\d{8}T\\d{6}Z\\.`).test(f)).sort();

  test('applies; the next plan is empty', () => {
    deployment.synth(backupEnvironment(dockerHost, backupDir));
    const started = Date.now();
    lifecycle.applyOnce();
    report(`backup apply: ${Math.round((Date.now() - started) / 1000)} s, ${containersOf(NAME).length} running containers, backup jobs ${containersOf(NAME, { role: 'backup' }).join(' ')}`);
    expect(containersOf(NAME, { role: 'backup' })).toEqual([container('backup-db-1'), container('backup-minio-1'), container('backup-redis-1')]);
    const plan = deployment.plan();
    expect(plan.status === 0 ? '' : planChanges(plan.stdout)).toBe('');
  });

  test('each job backed up on its start and is healthy; the files are whole', async () => {
    const units = ['db', 'redis-sessions', 'redis-critical', 'redis-queue', 'minio'];
    await waitFor('a first backup of every unit', () => units.every((u) => files(u).length > 0), 180).catch((e: unknown) => {
      // What the jobs said, for the failure report.
      for (const job of containersOf(NAME, { role: 'backup' })) report(`${job} log:\n${run('docker', ['logs', '--tail', '30', job], { allowFailure: true }).stderr}`);
      throw e;
    });
    for (const job of ['db', 'redis', 'minio']) {
      await waitFor(`${container(`backup-${job}-1`)} healthy`, () => inspect(container(`backup-${job}-1`), '{{.State.Health.Status}}') === 'healthy', 120);
    }
    report(`backup files after start: ${fs.readdirSync(backupDir).filter((f) => !f.startsWith('.')).join(' ')}`);
    expect(fs.readdirSync(backupDir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    for (const unit of units) run('gzip', ['-t', path.join(backupDir, files(unit)[0])]);
    expect(run('sh', ['-c', `gzip -dc '${path.join(backupDir, files('db')[0])}' | tail -n 1`]).stdout).toMatch(/^-- Dump completed/);
  });

  test('round trip: data written, backed up now, destroyed, restored with webcluster-restore', async () => {
    // Data in each store.
    expect((await get(BACKUP_PORT, '/probe/record/backup?value=kept-row', site)).status).toBe(200);
    expect((await get(BACKUP_PORT, '/probe/session/backup?value=kept-session', site)).status).toBe(200);
    expect(inMinioJob(`printf kept-object >/tmp/object; s3 PUT /${NAME}-private/restore/probe.txt /tmp/object`)).toBe('200');

    // Backed up now.
    const started = Date.now();
    for (const job of ['db', 'redis', 'minio']) backupCommand(job, 'now');
    report(`backup now of db, redis and minio: ${Math.round((Date.now() - started) / 1000)} s`);
    const dbBackup = newest('db', 'db');
    const sessionsBackup = newest('redis', 'redis-sessions');
    const minioBackup = newest('minio', 'minio');
    expect(run('sh', ['-c', `gzip -dc '${path.join(backupDir, dbBackup)}'`]).stdout).toContain('kept-row');

    // Destroyed: the table dropped, the sessions instance emptied, MinIO restarted (the stand-in keeps objects in memory).
    sql(deployment, 'DROP TABLE probe_records');
    expect(docker(['exec', container('redis-sessions-1'), 'valkey-cli', 'flushall'])).toBe('OK');
    docker(['restart', container('minio-1')]);
    await waitFor('MinIO healthy again', () => inspect(container('minio-1'), '{{.State.Health.Status}}') === 'healthy', 60);
    expect((await get(BACKUP_PORT, '/probe/record/backup', site)).status).toBe(500);
    expect((await get(BACKUP_PORT, '/probe/session/backup', site)).status).toBe(404);
    expect(inMinioJob(`s3 GET /${NAME}-private/restore/probe.txt /tmp/got`)).toBe('404');

    // Restored with the shipped scripts.
    const restoreStarted = Date.now();
    run('docker', ['exec', container('backup-db-1'), 'webcluster-restore', dbBackup], { timeoutSec: 300 });
    run('docker', ['exec', container('backup-redis-1'), 'webcluster-restore', sessionsBackup], { timeoutSec: 300 });
    run('docker', ['exec', container('backup-minio-1'), 'webcluster-restore', minioBackup], { timeoutSec: 300 });
    report(`restore of db, redis-sessions and minio: ${Math.round((Date.now() - restoreStarted) / 1000)} s`);

    // Back.
    const row = await get(BACKUP_PORT, '/probe/record/backup', site);
    expect(JSON.parse(row.body).value).toBe('kept-row');
    const session = await get(BACKUP_PORT, '/probe/session/backup', site);
    expect(JSON.parse(session.body).value).toBe('kept-session');
    expect(inMinioJob(`s3 GET /${NAME}-private/restore/probe.txt /tmp/got; cat /tmp/got`)).toBe('200kept-object');
    // The whole contract works again (a row, a key per class, an object in the recreated bucket).
    const answer = await get(BACKUP_PORT, '/', site);
    expect(JSON.parse(answer.body)).toMatchObject({ ok: true });
    // The restored keys are in the instance's append-only file: they survive a restart.
    docker(['restart', container('redis-sessions-1')]);
    await waitFor('the sessions Redis healthy', () => inspect(container('redis-sessions-1'), '{{.State.Health.Status}}') === 'healthy', 60);
    expect(JSON.parse((await get(BACKUP_PORT, '/probe/session/backup', site)).body).value).toBe('kept-session');
  });

  test('keeps the newest two per unit; a restore refuses a file that is not a backup of the job', () => {
    backupCommand('db', 'now');
    expect(files('db')).toHaveLength(2);
    const refused = run('docker', ['exec', container('backup-db-1'), 'webcluster-restore', newest('redis', 'redis-sessions')], { allowFailure: true });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('not a backup of this job');
  });

  test('the health check fails when the last backup is older than two intervals, and the job catches up', async () => {
    const record = path.join(backupDir, '.last-success-db');
    const countBefore = files('db').length;
    fs.writeFileSync(record, `${Math.floor(Date.now() / 1000) - 49 * 3600}\n`);
    const health = run('docker', ['exec', container('backup-db-1'), 'webcluster-backup', 'health'], { allowFailure: true });
    report(`health with a 49 h old backup: exit ${health.status}, ${health.stdout.trim()}`);
    expect(health.status).not.toBe(0);
    expect(health.stdout).toContain('db: last successful backup 49 h ago');
    // Overdue: the loop (awake every minute) backs up by itself.
    const healthy = (): boolean => run('docker', ['exec', container('backup-db-1'), 'webcluster-backup', 'health'], { allowFailure: true }).stdout.trim() === 'ok';
    await waitFor('a catch-up backup', healthy, 150);
    expect(files('db')).toHaveLength(Math.min(2, countBefore + 1));
  });

  test('the plan is still empty; tears down cleanly', () => {
    const plan = deployment.plan();
    expect(plan.status === 0 ? '' : planChanges(plan.stdout)).toBe('');
    deployment.destroy();
    expect(remaining(NAME)).toEqual({ containers: [], networks: [], volumes: [] });
    deployment.cleanup();
  });
});
