/**
 * The rules every SharedStorage backend shares (constructs/core/shared-storage-rules.ts), one test
 * per rule; the backend rules are tested with their construct (test/constructs/{aws,docker}).
 */
import {
  BackendStorageRules,
  duplicates,
  quotedList,
  SharedStorageRuleInput,
  sharedStorageRules,
} from '../../../constructs/core/shared-storage-rules';
import type { ValidationRule } from '../../../constructs/core/validation-error';

const VALID: SharedStorageRuleInput = {
  buckets: [
    { id: 'public', folders: ['public/media', 'public/theme'] },
    { id: 'private-files', folders: ['files'] },
  ],
  posixShares: [
    { id: 'dfs', path: '/var/www/shared/dfs' },
    { id: 'services', path: '/var/www/html/var/services' },
  ],
  sharePathExample: '/srv/example',
};

/** The message of the first failed rule (the one `validate` throws), or undefined. */
function problem(input: Partial<SharedStorageRuleInput>, backend?: BackendStorageRules): string | undefined {
  return sharedStorageRules({ ...VALID, ...input }, backend)
    .find((r) => r.failed)
    ?.message();
}

/** A backend rule that always fails with `message`. */
function failing(message: string): ValidationRule[] {
  return [{ failed: true, message: () => message }];
}

describe('sharedStorageRules', () => {
  test('valid buckets and shares pass; shares are optional', () => {
    expect(problem({})).toBeUndefined();
    expect(problem({ posixShares: [] })).toBeUndefined();
  });

  test('fails when no bucket is given', () => {
    expect(problem({ buckets: [] })).toBe(
      "buckets: got []; allowed: at least one bucket; fix: add e.g. { id: 'public', folders: ['public/media'] }",
    );
  });

  test('fails when a bucket id is not lowercase letters, digits and single hyphens', () => {
    expect(problem({ buckets: [{ id: 'Public', folders: [] }, { id: 'a--b', folders: [] }, { id: 'ok', folders: [] }, { id: '1st', folders: [] }] })).toBe(
      "buckets[].id: got ['Public', 'a--b', '1st']; allowed: lowercase letters, digits and single hyphens, starting with a letter; fix: use ids like 'public' or 'private-files'",
    );
  });

  test('fails when bucket ids repeat', () => {
    expect(problem({ buckets: [{ id: 'files', folders: ['a'] }, { id: 'files', folders: ['b'] }] })).toBe(
      "buckets[].id: got duplicates ['files']; allowed: unique ids; fix: give each bucket its own id",
    );
  });

  test('fails when a folder is absolute or climbs up', () => {
    expect(problem({ buckets: [{ id: 'files', folders: ['/files', 'a/../b', 'ok/dir'] }] })).toBe(
      "buckets[].folders: got ['/files', 'a/../b']; allowed: relative app paths without '..' such as 'public/media'; fix: drop the leading '/' or the '..' segment",
    );
  });

  test('fails when a folder is in two buckets (listing it twice in one bucket is fine)', () => {
    expect(problem({ buckets: [{ id: 'a', folders: ['files', 'files'] }] })).toBeUndefined();
    expect(problem({ buckets: [{ id: 'a', folders: ['files'] }, { id: 'b', folders: ['files'] }] })).toBe(
      "buckets[].folders: got 'files' in 'a' and 'b'; allowed: each folder in one bucket; fix: remove the folder from all but one bucket",
    );
  });

  test('fails when a share id is not lowercase letters, digits and single hyphens', () => {
    expect(problem({ posixShares: [{ id: 'My Share', path: '/srv/a' }, { id: 'dfs', path: '/srv/b' }] })).toBe(
      "posixShares[].id: got ['My Share']; allowed: lowercase letters, digits and single hyphens, starting with a letter; fix: use ids like 'dfs' or 'services'",
    );
  });

  test('fails when share ids repeat', () => {
    expect(problem({ posixShares: [{ id: 'dfs', path: '/srv/a' }, { id: 'dfs', path: '/srv/b' }] })).toBe(
      "posixShares[].id: got duplicates ['dfs']; allowed: unique ids; fix: give each share its own id",
    );
  });

  test("fails when a share path is not absolute, climbs up or has other characters; the fix names the backend's example", () => {
    expect(problem({ posixShares: [{ id: 'a', path: 'srv/a' }, { id: 'b', path: '/srv/../b' }, { id: 'c', path: '/srv/my share' }, { id: 'd', path: '/srv/d' }] })).toBe(
      "posixShares[].path: got ['srv/a', '/srv/../b', '/srv/my share']; allowed: absolute paths of letters, digits, '.', '_' and '-' without '..'; fix: use e.g. '/srv/example'",
    );
  });

  test('fails when two shares use one path', () => {
    expect(problem({ posixShares: [{ id: 'a', path: '/srv/x' }, { id: 'b', path: '/srv/x' }] })).toBe(
      "posixShares[].path: got duplicates ['/srv/x']; allowed: one share per path; fix: give each share its own mount path",
    );
  });

  test('backend rules are checked at their points of the list, the first failure wins', () => {
    const backend: BackendStorageRules = {
      bucketIds: failing('after bucket ids'),
      buckets: failing('after folders'),
      shareIds: failing('after share ids'),
      shares: failing('last'),
    };
    const badShare = { posixShares: [{ id: 'dfs', path: 'relative' }] };
    expect(problem({ buckets: [{ id: 'a', folders: [] }, { id: 'a', folders: [] }] }, backend)).toMatch(/^buckets\[\]\.id: got duplicates/);
    expect(problem({ buckets: [{ id: 'a', folders: ['/x'] }] }, backend)).toBe('after bucket ids');
    expect(problem({ buckets: [{ id: 'a', folders: ['/x'] }] }, { ...backend, bucketIds: [] })).toMatch(/^buckets\[\]\.folders:/);
    expect(problem({ posixShares: [{ id: 'A', path: '/x' }] }, { shares: backend.shares, buckets: backend.buckets })).toBe('after folders');
    expect(problem({ posixShares: [{ id: 'A', path: '/x' }] }, { shares: backend.shares, shareIds: backend.shareIds })).toMatch(/^posixShares\[\]\.id:/);
    expect(problem(badShare, { shares: backend.shares, shareIds: backend.shareIds })).toBe('after share ids');
    expect(problem(badShare, { shares: backend.shares })).toMatch(/^posixShares\[\]\.path:/);
    expect(problem({}, { shares: backend.shares })).toBe('last');
  });

  test('quotedList and duplicates', () => {
    expect(quotedList([])).toBe('[]');
    expect(quotedList(['a', 'b'])).toBe("['a', 'b']");
    expect(duplicates(['a', 'b', 'a', 'c', 'a', 'b'])).toEqual(['a', 'a', 'b']);
  });
});
