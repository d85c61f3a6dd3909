/**
 * The backup scripts DataBackup ships (constructs/docker/scripts/backup/): every file passes
 * shellcheck (a missing shellcheck fails the test: CI installs it), and the schedule arithmetic of
 * lib.sh agrees with JavaScript's dates under a POSIX shell.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BACKUP_SCRIPTS_DIR } from '../../../constructs/docker/data-backup';
import { runTool } from '../../tools';

const files = fs.readdirSync(BACKUP_SCRIPTS_DIR).sort();

/** Runs `snippet` under /bin/sh with lib.sh sourced and `env` set; its standard output. */
function withLib(snippet: string, env: Record<string, string> = {}): string {
  const r = spawnSync('sh', ['-c', `set -eu; . "${BACKUP_SCRIPTS_DIR}/lib.sh"; ${snippet}`], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sh exited ${r.status}: ${r.stderr}`);
  return r.stdout.trim();
}

const epoch = (iso: string): number => Date.parse(iso) / 1000;

describe('backup scripts', () => {
  test('the folder holds the commands and the store modules', () => {
    expect(files).toEqual(['lib.sh', 'mariadb.sh', 'minio.sh', 'mongodb.sh', 's3.sh', 'valkey.sh', 'webcluster-backup', 'webcluster-restore', 'webcluster-upload']);
  });

  test.each(files)('%s passes shellcheck', (file) => {
    // Libraries have no shebang: they are sourced by the commands under /bin/sh.
    const shell = file.endsWith('.sh') ? ['--shell=sh'] : [];
    const result = runTool('shellcheck', [...shell, '--external-sources', '--source-path=SCRIPTDIR', file], { cwd: BACKUP_SCRIPTS_DIR });
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  test('commands start with #!/bin/sh; libraries declare their shell', () => {
    for (const file of files) {
      const first = fs.readFileSync(path.join(BACKUP_SCRIPTS_DIR, file), 'utf8').split('\n')[0];
      expect(`${file}: ${first}`).toBe(`${file}: ${file.endsWith('.sh') ? '# shellcheck shell=sh' : '#!/bin/sh'}`);
    }
  });

  test('epoch_of reads backup stamps as UTC, across months, leap days and years', () => {
    for (const iso of ['1970-01-01T00:00:00Z', '2024-02-29T23:59:59Z', '2025-03-01T00:00:00Z', '2026-12-31T08:09:07Z', '2099-01-01T12:00:00Z']) {
      const stamp = iso.replace(/[-:]/g, '');
      expect(Number(withLib(`epoch_of ${stamp}`))).toBe(epoch(iso));
    }
  });

  test('slot_after: every interval after the last backup, or the day slots from the UTC anchor', () => {
    const at = (t: string, env: Record<string, string>): string => new Date(Number(withLib(`slot_after ${epoch(t)}`, env)) * 1000).toISOString();
    expect(at('2026-05-01T10:15:00Z', { BACKUP_INTERVAL_HOURS: '24' })).toBe('2026-05-02T10:15:00.000Z');
    expect(at('2026-05-01T10:15:00Z', { BACKUP_INTERVAL_HOURS: '24', BACKUP_AT: '02:30' })).toBe('2026-05-02T02:30:00.000Z');
    expect(at('2026-05-01T01:00:00Z', { BACKUP_INTERVAL_HOURS: '24', BACKUP_AT: '02:30' })).toBe('2026-05-01T02:30:00.000Z');
    expect(at('2026-05-01T02:30:00Z', { BACKUP_INTERVAL_HOURS: '6', BACKUP_AT: '02:30' })).toBe('2026-05-01T08:30:00.000Z');
    expect(at('2026-05-01T23:00:00Z', { BACKUP_INTERVAL_HOURS: '6', BACKUP_AT: '02:30' })).toBe('2026-05-02T02:30:00.000Z');
    // No backup yet (0): the first slot is long past, so the job backs up at once.
    expect(Number(withLib('slot_after 0', { BACKUP_INTERVAL_HOURS: '24', BACKUP_AT: '02:30' }))).toBeLessThan(epoch('1970-01-02T00:00:00Z'));
  });

  test('backups lists complete backups of one unit, oldest first; unit_of accepts only those names', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webcluster-backup-lib-'));
    try {
      for (const f of ['db-20260102T000000Z.sql.gz', 'db-20260101T000000Z.sql.gz', '.db-20260103T000000Z.sql.gz.partial', 'db-old.sql.gz', 'redis-queue-20260101T000000Z.rdb.gz']) {
        fs.writeFileSync(path.join(dir, f), 'x');
      }
      const env = { BACKUP_DIR: dir, BACKUP_EXT: 'sql.gz', BACKUP_UNITS: 'db' };
      expect(withLib('backups db', env)).toBe('db-20260101T000000Z.sql.gz\ndb-20260102T000000Z.sql.gz');
      expect(withLib('unit_of /backups/db-20260101T000000Z.sql.gz', env)).toBe('db');
      expect(withLib('unit_of redis-queue-20260101T000000Z.rdb.gz || echo refused', env)).toBe('refused');
      expect(withLib('unit_of db-20260101T000000Z.tar.gz || echo refused', env)).toBe('refused');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
