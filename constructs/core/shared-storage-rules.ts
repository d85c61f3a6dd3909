/**
 * Input rules for the buckets and POSIX shares of a shared storage, shared by every backend. Each
 * backend adds its own rules at fixed points of the list (the first failed rule is reported, so the
 * order is part of the contract).
 */
import type { ValidationRule } from './validation-error';

/** Characters allowed in bucket and share ids. */
const ID_PATTERN = /^[a-z](?:-?[a-z0-9])*$/;
/** Absolute path of plain segments (no `..`, no spaces), safe to put into shell lines. */
const PATH_PATTERN = /^(?:\/[A-Za-z0-9_][A-Za-z0-9._-]*)+$/;
/** Relative app folder such as `public/media`. */
const FOLDER_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;

/** What the shared rules read of a bucket spec. */
export interface BucketRuleInput {
  readonly id: string;
  readonly folders: readonly string[];
}

/** What the shared rules read of a POSIX share spec. */
export interface PosixShareRuleInput {
  readonly id: string;
  readonly path: string;
}

/** The input of {@link sharedStorageRules}. */
export interface SharedStorageRuleInput {
  readonly buckets: readonly BucketRuleInput[];
  readonly posixShares: readonly PosixShareRuleInput[];
  /** Mount path the fix of a bad share path suggests, e.g. `/var/www/shared/dfs`. */
  readonly sharePathExample: string;
}

/** The rules of one backend, each group checked at its point of the shared list. */
export interface BackendStorageRules {
  /**
   * After the shared bucket id rules, before the folder rules.
   * @default - none
   */
  readonly bucketIds?: readonly ValidationRule[];
  /**
   * After the folder rules, before the share rules.
   * @default - none
   */
  readonly buckets?: readonly ValidationRule[];
  /**
   * After the shared share id rules, before the share path rules.
   * @default - none
   */
  readonly shareIds?: readonly ValidationRule[];
  /**
   * Last.
   * @default - none
   */
  readonly shares?: readonly ValidationRule[];
}

/** `['a', 'b']` as the messages print a list of values. */
export function quotedList(xs: readonly string[]): string {
  return `[${xs.map((x) => `'${x}'`).join(', ')}]`;
}

/** The values that repeat an earlier one, in order. */
export function duplicates(xs: readonly string[]): string[] {
  return xs.filter((x, i) => xs.indexOf(x) !== i);
}

/**
 * Every rule of a shared storage: at least one bucket; bucket ids well-formed and unique; folders
 * relative, without `..`, each in one bucket; share ids well-formed and unique; share paths absolute,
 * plain and unique; with the backend's own rules in between.
 */
export function sharedStorageRules(input: SharedStorageRuleInput, backend: BackendStorageRules = {}): ValidationRule[] {
  return [
    ...bucketIdRules(input.buckets),
    ...(backend.bucketIds ?? []),
    ...folderRules(input.buckets),
    ...(backend.buckets ?? []),
    ...shareIdRules(input.posixShares),
    ...(backend.shareIds ?? []),
    ...sharePathRules(input.posixShares, input.sharePathExample),
    ...(backend.shares ?? []),
  ];
}

function bucketIdRules(buckets: readonly BucketRuleInput[]): ValidationRule[] {
  const ids = buckets.map((b) => b.id);
  const badIds = ids.filter((b) => !ID_PATTERN.test(b));
  return [
    {
      failed: buckets.length === 0,
      message: () => "buckets: got []; allowed: at least one bucket; fix: add e.g. { id: 'public', folders: ['public/media'] }",
    },
    {
      failed: badIds.length > 0,
      message: () =>
        `buckets[].id: got ${quotedList(badIds)}; allowed: lowercase letters, digits and single hyphens, starting with a letter; fix: use ids like 'public' or 'private-files'`,
    },
    {
      failed: duplicates(ids).length > 0,
      message: () => `buckets[].id: got duplicates ${quotedList(duplicates(ids))}; allowed: unique ids; fix: give each bucket its own id`,
    },
  ];
}

function folderRules(buckets: readonly BucketRuleInput[]): ValidationRule[] {
  const owners = new Map<string, string>();
  const clashes: string[] = [];
  for (const b of buckets) {
    for (const f of b.folders) {
      const owner = owners.get(f);
      if (owner !== undefined && owner !== b.id) clashes.push(`'${f}' in '${owner}' and '${b.id}'`);
      owners.set(f, b.id);
    }
  }
  const badFolders = buckets.flatMap((b) => b.folders).filter((f) => !FOLDER_PATTERN.test(f) || f.split('/').includes('..'));
  return [
    {
      failed: badFolders.length > 0,
      message: () =>
        `buckets[].folders: got ${quotedList(badFolders)}; allowed: relative app paths without '..' such as 'public/media'; fix: drop the leading '/' or the '..' segment`,
    },
    {
      failed: clashes.length > 0,
      message: () =>
        `buckets[].folders: got ${clashes.join(', ')}; allowed: each folder in one bucket; fix: remove the folder from all but one bucket`,
    },
  ];
}

function shareIdRules(shares: readonly PosixShareRuleInput[]): ValidationRule[] {
  const ids = shares.map((s) => s.id);
  const badIds = ids.filter((s) => !ID_PATTERN.test(s));
  return [
    {
      failed: badIds.length > 0,
      message: () =>
        `posixShares[].id: got ${quotedList(badIds)}; allowed: lowercase letters, digits and single hyphens, starting with a letter; fix: use ids like 'dfs' or 'services'`,
    },
    {
      failed: duplicates(ids).length > 0,
      message: () => `posixShares[].id: got duplicates ${quotedList(duplicates(ids))}; allowed: unique ids; fix: give each share its own id`,
    },
  ];
}

function sharePathRules(shares: readonly PosixShareRuleInput[], example: string): ValidationRule[] {
  const paths = shares.map((s) => s.path);
  const badPaths = paths.filter((p) => !PATH_PATTERN.test(p) || p.split('/').includes('..'));
  return [
    {
      failed: badPaths.length > 0,
      message: () =>
        `posixShares[].path: got ${quotedList(badPaths)}; allowed: absolute paths of letters, digits, '.', '_' and '-' without '..'; fix: use e.g. '${example}'`,
    },
    {
      failed: duplicates(paths).length > 0,
      message: () =>
        `posixShares[].path: got duplicates ${quotedList(duplicates(paths))}; allowed: one share per path; fix: give each share its own mount path`,
    },
  ];
}
