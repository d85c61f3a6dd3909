/**
 * Stable addresses: the Terraform addresses of every stateful resource of the default stacks are
 * pinned in test/stable-addresses.json. A construct ID is part of the address, so renaming one (or
 * moving a construct to another parent) makes Terraform destroy the resource and create an empty one.
 *
 *   UPDATE_STABLE_ADDRESSES=1 npm test     # rewrite the list after an intended change
 */
import * as fs from 'fs';
import * as path from 'path';
import { STATEFUL_RESOURCE_TYPES } from '../policies/stateful';
import { synthDefaultStacks } from './stacks/default-stacks';

const LIST = path.join(__dirname, 'stable-addresses.json');
const STATEFUL: readonly string[] = STATEFUL_RESOURCE_TYPES;

interface StackAddresses {
  /** Addresses of stateful resources. */
  readonly addresses: string[];
  /** Addresses `moved` blocks move away from (the state follows the resource). */
  readonly movedFrom: string[];
}

interface SynthesizedStack {
  readonly resource?: Record<string, Record<string, unknown>>;
  readonly moved?: { readonly from: string; readonly to: string }[];
}

/** Stateful addresses of each default stack, as synthesized. */
function currentAddresses(): Record<string, StackAddresses> {
  return Object.fromEntries(
    synthDefaultStacks().map(({ name, json }) => {
      const tf = json as unknown as SynthesizedStack;
      const addresses = Object.entries(tf.resource ?? {})
        .filter(([type]) => STATEFUL.includes(type))
        .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
        .sort();
      return [name, { addresses, movedFrom: (tf.moved ?? []).map((m) => m.from) }];
    }),
  );
}

/** What to do when addresses changed; printed by the failing test. */
function explain(stack: string, removed: string[], added: string[]): string {
  const example = removed[0] ?? 'aws_rds_cluster.Database_B269D8BB';
  return [
    `Stateful resources of stack ${stack} changed their Terraform address:`,
    ...removed.map((a) => `  - ${a}   (no longer synthesized: Terraform would DESTROY it)`),
    ...added.map((a) => `  + ${a}   (new address, not in test/stable-addresses.json)`),
    '',
    'The address comes from the construct path: renaming a construct ID, or moving a construct to another parent,',
    'makes Terraform delete the old resource and create an empty new one. For a database, cache, bucket, file system',
    'or volume that is data loss (prevent_destroy will make the plan fail, the plan guard will refuse it).',
    '',
    'Fix, either:',
    '  1. restore the previous construct ID; or',
    "  2. keep the new ID and move the state with cdktf's resource moves (a Terraform `moved` block, Terraform >= 1.5):",
    `       newResource.moveFromId('${example}');`,
    "     or, keeping the old construct for one release: oldResource.moveTo('db') and newResource.addMoveTarget('db').",
    '',
    'Then update the list, and say why in the commit:  UPDATE_STABLE_ADDRESSES=1 npm test',
    'A resource that is really new only needs the list update.',
  ].join('\n');
}

const current = currentAddresses();

if (process.env.UPDATE_STABLE_ADDRESSES === '1') {
  const pinned = Object.fromEntries(Object.entries(current).map(([stack, a]) => [stack, a.addresses]));
  fs.writeFileSync(LIST, `${JSON.stringify(pinned, null, 2)}\n`);
}

const pinned = JSON.parse(fs.readFileSync(LIST, 'utf8')) as Record<string, string[]>;

describe('stable addresses of stateful resources', () => {
  test('the list covers exactly the default stacks', () => {
    expect(Object.keys(pinned).sort()).toEqual(Object.keys(current).sort());
  });

  test('the default stacks have stateful resources of the kinds the list is for', () => {
    const all = Object.values(current).flatMap((a) => a.addresses);
    for (const type of ['aws_rds_cluster', 'aws_rds_cluster_instance', 'aws_elasticache_replication_group', 'aws_s3_bucket']) {
      expect(all.some((a) => a.startsWith(`${type}.`))).toBe(true);
    }
  });

  test.each(Object.keys(current))('%s keeps the addresses of its stateful resources', (stack) => {
    const { addresses, movedFrom } = current[stack];
    const expected = pinned[stack] ?? [];
    const removed = expected.filter((a) => !addresses.includes(a) && !movedFrom.includes(a));
    const added = addresses.filter((a) => !expected.includes(a));
    if (removed.length > 0 || added.length > 0) throw new Error(explain(stack, removed, added));
  });
});
