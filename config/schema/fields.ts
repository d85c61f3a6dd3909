/**
 * Building blocks of the configuration schema: custom issues with our own hints, cross-field
 * refinements that run only on valid fields, integer and pattern fields, duplicate checks and CIDR
 * blocks with a suggested fix.
 */
import { z } from 'zod';
import { formatIpv4Cidr, parseIpv4Cidr } from '../../constructs/core/cidr';
import { type CustomIssueParams, withHint } from '../errors';

export type Ctx = z.core.$RefinementCtx<unknown>;

/** Adds a custom issue with our own `allowed`/`fix` text; `path` is relative to the refined schema. */
export function problem(ctx: Ctx, input: unknown, params: CustomIssueParams, path?: PropertyKey[]): void {
  ctx.addIssue({ code: 'custom', message: params.allowed, params: { allowed: params.allowed, fix: params.fix }, input, path, continue: true });
}

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Runs a cross-field refinement only when the object parsed and the fields it reads have no problems of their own. */
export function whenValid(...fields: string[]): z.core.$ZodSuperRefineParams {
  return {
    when: (payload) =>
      isRecord(payload.value) && !payload.issues.some((i) => i.path !== undefined && i.path.length > 0 && fields.includes(String(i.path[0]))),
  };
}

export function int(min: number, max: number, allowed: string, fix: string): z.ZodNumber {
  return withHint(z.number().int().min(min).max(max), { allowed, fix });
}

export function pattern(re: RegExp, allowed: string, fix: string): z.ZodString {
  return withHint(z.string().regex(re), { allowed, fix });
}

/** Reports entries of a list that occur more than once (at the later index). */
export function noDuplicates(list: readonly unknown[], ctx: Ctx): void {
  list.forEach((entry, i) => {
    const first = list.indexOf(entry);
    if (first !== i) {
      problem(ctx, entry, { allowed: `each entry once (already listed at index ${first})`, fix: `remove the duplicate entry at index ${i}` }, [i]);
    }
  });
}

/** For `a.b.c.d/n` with host bits set (or a bare address), the block the user most likely meant. */
export function suggestCidr(text: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = m[5] === undefined ? 32 : Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const ip = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return formatIpv4Cidr({ network: (ip & mask) >>> 0, prefix });
}

/** Rules for one CIDR list. */
interface CidrRules {
  /** Why 0.0.0.0/0 is refused; when absent it is accepted. */
  readonly worldOpen?: string;
  /** Shortest prefix accepted. */
  readonly minPrefix?: number;
  /** How to fix a refused block. */
  readonly narrowFix?: string;
}

const CIDR_ALLOWED = 'an IPv4 CIDR block with zero host bits, e.g. 203.0.113.0/24';

export function cidrBlock(rules: CidrRules = {}): z.ZodString {
  return withHint(z.string(), { allowed: CIDR_ALLOWED, fix: "write the block as a quoted string such as '203.0.113.0/24'" }).superRefine(
    (text, ctx) => {
      const parsed = parseIpv4Cidr(text);
      if (!parsed) {
        const suggestion = suggestCidr(text);
        problem(ctx, text, {
          allowed: CIDR_ALLOWED,
          fix: suggestion && suggestion !== text ? `use '${suggestion}'` : "write address/prefix, e.g. '203.0.113.0/24' or '198.51.100.7/32'",
        });
        return;
      }
      if (rules.worldOpen !== undefined && parsed.prefix === 0) {
        problem(ctx, text, { allowed: `specific blocks, not 0.0.0.0/0 (${rules.worldOpen})`, fix: rules.narrowFix ?? 'list your own address ranges' });
      } else if (rules.minPrefix !== undefined && parsed.prefix < rules.minPrefix) {
        problem(ctx, text, {
          allowed: `blocks with prefix /${rules.minPrefix} or longer (at most ${(2 ** (32 - rules.minPrefix)).toLocaleString('en-US')} addresses)`,
          fix: rules.narrowFix ?? `narrow the block to /${rules.minPrefix} or longer`,
        });
      }
    },
  );
}

export function cidrList(element: z.ZodString, allowed: string, fix: string, minEntries = 0): z.ZodArray<z.ZodString> {
  const list = minEntries > 0 ? z.array(element).min(minEntries) : z.array(element);
  return withHint(list, { allowed, fix }).superRefine(noDuplicates);
}
