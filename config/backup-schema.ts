/**
 * The `backup` section of a Docker environment in webcluster.yaml: scheduled backups of the data
 * stores (DataBackup), on by default into a directory of the host.
 *
 *   backup:
 *     target:
 *       hostPath: /var/backups/webcluster/shop-docker     # default: /var/backups/webcluster/<name>
 *       # or: s3: { endpoint: https://s3.eu-central-1.amazonaws.com, bucket: my-backups, region: eu-central-1, prefix: shop/ }
 *     intervalHours: 24
 *     at: '02:30'      # optional UTC anchor
 *     keep: 7
 */
import { z } from 'zod';
import { defaultBackupTarget } from '../constructs/docker/data-backup';
import { documented, withHint } from './errors';


const hostPathTarget = z.strictObject({
  // A segment starts with a letter, digit or '_': no '.' or '..' segments.
  hostPath: withHint(z.string().regex(/^(?:\/[A-Za-z0-9_][A-Za-z0-9._-]*)+$/), {
    allowed: "an absolute path of letters, digits, '.', '_' and '-' without '..', not '/'",
    fix: "use e.g. '/var/backups/webcluster/shop-docker' (on swarm it must exist on the data nodes)",
  }),
});

const volumeTarget = z.strictObject({
  volume: withHint(z.string().regex(/^[a-z][a-z0-9-]{0,30}$/), {
    allowed: "1-31 lowercase letters, digits and '-', starting with a letter",
    fix: "use e.g. 'backups' (volumes <name>-backups-<store> on the store's node)",
  }),
});

const s3Target = z.strictObject({
  s3: z.strictObject({
    endpoint: withHint(z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?$/), {
      allowed: 'an http(s) URL without a path, e.g. https://s3.eu-central-1.amazonaws.com',
      fix: "give the S3 endpoint of the bucket's region (requests are path-style)",
    }),
    bucket: withHint(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/), {
      allowed: 'an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)',
      fix: 'give the name of an existing bucket',
    }),
    region: withHint(z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$/), {
      allowed: "a region name of lowercase letters, digits and '-'",
      fix: "use e.g. 'eu-central-1' (MinIO: 'us-east-1')",
    }),
    prefix: withHint(z.string().regex(/^(?:[A-Za-z0-9_][A-Za-z0-9._-]*\/)*(?:[A-Za-z0-9_][A-Za-z0-9._-]*)?$/), {
      allowed: "'' or path segments of letters, digits, '.', '_' and '-' separated by '/', not starting with '/'",
      fix: "use e.g. 'webcluster/shop-docker/'",
    }).default(''),
  }),
});

/** `backup:` of a Docker environment; defaults applied (the host path is resolved per environment). */
export const backupSchema = documented(
  z
    .strictObject({
      enabled: withHint(z.boolean(), { fix: 'use true (back up the data stores) or false (no backups: dev only), without quotes' }).default(true),
      target: withHint(z.union([hostPathTarget, volumeTarget, s3Target]), {
        allowed: 'exactly one of {hostPath: <absolute path>}, {volume: <name>} or {s3: {endpoint, bucket, region, prefix}}',
        fix: 'give hostPath for a directory on the host, or s3 for a bucket (credentials: TF_VAR_<name>_backup_s3_access_key_id / _secret_access_key)',
      }).optional(),
      intervalHours: withHint(z.number().int().min(1).max(168), {
        allowed: 'an integer from 1 to 168 (hours between backups)',
        fix: 'use e.g. 24 for a daily backup',
      }).default(24),
      at: withHint(z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/), {
        allowed: "a UTC time 'HH:MM' from 00:00 to 23:59, quoted",
        fix: "use e.g. '02:30', or remove at to back up every intervalHours after the last backup",
      }).optional(),
      keep: withHint(z.number().int().min(2).max(365), {
        allowed: 'an integer from 2 to 365 (backups kept per store; with 1 a backup of an empty or broken store would replace the only good one)',
        fix: 'use e.g. 7',
      }).default(7),
    })
    .superRefine(
      (backup, ctx) => {
        if (backup.at !== undefined && 24 % backup.intervalHours !== 0) {
          ctx.addIssue({
            code: 'custom',
            message: 'intervalHours with at',
            params: {
              allowed: `1, 2, 3, 4, 6, 8, 12 or 24 with at '${backup.at}' (the same times every day)`,
              fix: 'pick one of those, or remove at',
            },
            input: backup.intervalHours,
            path: ['intervalHours'],
          });
        }
      },
      { when: (payload) => !payload.issues.some((i) => ['at', 'intervalHours'].includes(String(i.path?.[0]))) },
    )
    .prefault({}),
  'Scheduled backups of the data stores: on by default, daily, the newest 7 per store kept.',
);

/** The `backup` section with its target resolved: the default host path names the environment. */
export function resolveBackup(backup: z.output<typeof backupSchema>, environmentName: string, mode: 'standalone' | 'swarm') {
  return { ...backup, target: backup.target ?? defaultBackupTarget(environmentName, mode) };
}

