/**
 * The validation rules of the Docker DataBackup: the stores, the schedule, retention and the target.
 */
import type { ValidationRule } from '../../core/validation-error';

const HOST_PATH_PATTERN = /^(?:\/[A-Za-z0-9_][A-Za-z0-9._-]*)+$/;
const ENDPOINT_PATTERN = /^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?$/;
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION_PATTERN = /^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$/;
const PREFIX_PATTERN = /^(?:[A-Za-z0-9_][A-Za-z0-9._-]*\/)*(?:[A-Za-z0-9_][A-Za-z0-9._-]*)?$/;
const AT_PATTERN = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

/** The backup's props with their defaults applied, as the rules read them. */
export interface BackupSettings {
  /** How many stores have data to keep. */
  readonly storeCount: number;
  /** Hours between two backups. */
  readonly intervalHours: number;
  /** UTC anchor `HH:MM`, if any. */
  readonly at?: string;
  /** Backups kept per unit. */
  readonly keep: number;
  /** Host directory target, if that is the target. */
  readonly hostPath?: string;
  /** Volume name part, if named volumes are the target. */
  readonly volume?: string;
  /** The S3 bucket, if that is the target. */
  readonly s3?: { readonly endpoint: string; readonly bucket: string; readonly region: string; readonly prefix?: string };
  /** The cluster's name prefix (the examples in the messages use it). */
  readonly namePrefix: string;
}

/** The rules of a backup's props, in priority order. */
export function dataBackupRules(s: BackupSettings): ValidationRule[] {
  const { intervalHours, at, keep, hostPath, volume, s3, namePrefix } = s;
  return [
    {
      failed: s.storeCount === 0,
      message: () =>
        'stores: got none with data to keep; allowed: at least one of database, redis (with a durable class), storage, documentDatabase; fix: pass the stores to back up, or do not create a DataBackup',
    },
    {
      failed: !Number.isInteger(intervalHours) || intervalHours < 1 || intervalHours > 168,
      message: () => `intervalHours: got ${intervalHours}; allowed: an integer from 1 to 168 (a week); fix: use e.g. 24 for a daily backup`,
    },
    {
      failed: at !== undefined && !AT_PATTERN.test(at),
      message: () => `at: got '${at}'; allowed: a UTC time HH:MM from 00:00 to 23:59; fix: use e.g. '02:30'`,
    },
    {
      failed: at !== undefined && Number.isInteger(intervalHours) && intervalHours >= 1 && 24 % intervalHours !== 0,
      message: () =>
        `intervalHours: got ${intervalHours} with at '${at}'; allowed: 1, 2, 3, 4, 6, 8, 12 or 24 with at (the same times every day); fix: pick one of those, or remove at`,
    },
    {
      failed: !Number.isInteger(keep) || keep < 2 || keep > 365,
      message: () => `keep: got ${keep}; allowed: an integer from 2 to 365 (with 1, a backup of an empty or broken store would replace the only good one); fix: use e.g. 7`,
    },
    {
      failed: hostPath !== undefined && (!HOST_PATH_PATTERN.test(hostPath) || hostPath.split('/').includes('..')),
      message: () => `target.hostPath: got '${hostPath}'; allowed: an absolute path of letters, digits, '.', '_' and '-' without '..', not '/'; fix: use e.g. '/var/backups/webcluster/${namePrefix}'`,
    },
    {
      failed: volume !== undefined && !/^[a-z][a-z0-9-]{0,30}$/.test(volume),
      message: () => `target.volume: got '${volume}'; allowed: 1-31 lowercase letters, digits and '-', starting with a letter; fix: use e.g. 'backups'`,
    },
    {
      failed: s3 !== undefined && !ENDPOINT_PATTERN.test(s3.endpoint),
      message: () => `target.s3.endpoint: got '${s3?.endpoint}'; allowed: an http(s) URL without path, e.g. https://s3.eu-central-1.amazonaws.com; fix: give the S3 endpoint of the bucket's region`,
    },
    {
      failed: s3 !== undefined && !BUCKET_PATTERN.test(s3.bucket),
      message: () => `target.s3.bucket: got '${s3?.bucket}'; allowed: an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens); fix: give the name of an existing bucket`,
    },
    {
      failed: s3 !== undefined && !REGION_PATTERN.test(s3.region),
      message: () => `target.s3.region: got '${s3?.region}'; allowed: a region name of lowercase letters, digits and '-'; fix: use e.g. 'eu-central-1' (MinIO: 'us-east-1')`,
    },
    {
      failed: s3 !== undefined && !PREFIX_PATTERN.test(s3.prefix ?? ''),
      message: () => `target.s3.prefix: got '${s3?.prefix}'; allowed: '' or path segments of letters, digits, '.', '_' and '-' separated by '/', not starting with '/'; fix: use e.g. 'webcluster/${namePrefix}/'`,
    },
  ];
}
